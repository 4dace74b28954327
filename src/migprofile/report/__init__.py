"""Outputs of a build: the report (HTML and PDF per language), indicators.csv, tables.xlsx."""

from migprofile.report.outputs import write_outputs

__all__ = ["write_outputs"]
