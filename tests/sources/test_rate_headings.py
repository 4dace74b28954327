"""In a dataflow of rates, "%" after a heading is the figures' unit; elsewhere it marks a
share derived from the figures, which the import leaves out."""

import pytest

from migprofile.codes.dataflows import builtin_dataflows
from migprofile.sources.national.labels import HeadingResolver, Mapping


def reading(dataflow_id: str, heading: str) -> tuple:
    found = HeadingResolver(builtin_dataflows()[dataflow_id], Mapping()).readings(heading)
    return (found[0].kind, found[0].dimension, found[0].code) if found else ()


@pytest.mark.parametrize(("heading", "expected"), [
    ("Chi phí tuyển dụng (%)", ("value", None, None)),
    ("Recruitment cost (% of earnings)", ("value", None, None)),
    ("채용 비용(%)", ("value", None, None)),
    ("Recruitment cost, %", ("value", None, None)),
    ("Nữ (%)", ("pivot", "sex", "F")),
    ("Women, %", ("pivot", "sex", "F")),
    ("2023 (%)", ("pivot", "time_period", "2023")),
    ("Lào (%)", ("pivot", "counterpart_area", "LAO")),
    ("Recruitment cost (%) / Nữ", ("pivot", "sex", "F")),
    # a change or a share is still derived, whatever the unit
    ("Tăng giảm (%)", ("ignore", None, None)),
    ("Share of women (%)", ("ignore", None, None)),
])
def test_a_rate_heading_reads_as_without_its_unit(heading, expected):
    assert reading("SDG_10_7_1_RECRUITMENT_COSTS", heading) == expected


@pytest.mark.parametrize("heading", ["Số lao động (%)", "Nữ (%)", "Lào (%)", "Workers, %"])
def test_in_a_dataflow_of_counts_a_percent_is_a_derived_share(heading):
    assert reading("LABOUR_DEPLOYMENTS", heading) == ("ignore", None, None)
