"""SDMX-ML 2.1 structure-specific data: canonical observations in, observations out.

sdmx1 writes and reads the message; this module turns observations into its model and
back, and completes the header as the standard asks (the data set's namespace and
``xsi:type``), so that the message validates against the schema derived from its DSD.
Every dimension is at the observation level (flat data, one ``Obs`` per observation).
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Iterator, Mapping

import sdmx
from lxml import etree
from sdmx import message
from sdmx.model import v21 as model

from migprofile.exchange.schemas import data_namespace
from migprofile.exchange.structure import CONF_FREE, CONF_WITHHELD, DataflowStructure
from migprofile.sources.canonical import DEFAULTS, format_dims, parse_dims

__all__ = ["CANONICAL", "Observation", "data_set", "key_of", "observation", "read_data",
           "sdmx_value", "withheld", "write_data"]

CANONICAL = ("measure", "ref_area", "counterpart_area", "time_period", "sex", "age")
"""Columns of the observations that are SDMX dimensions; other dimensions are in ``dims``."""

XSI = "http://www.w3.org/2001/XMLSchema-instance"
MESSAGE = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
STRUCTURE_SPECIFIC = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific"

Observation = dict
"""A canonical observation as a dict: ``measure, ref_area, counterpart_area, time_period,
sex, age, dims, value, unit, obs_status`` (``value`` None or NaN when withheld)."""


def sdmx_value(value: float) -> str:
    """Whole numbers without a decimal point, as SDMX-CSV and SDMX-ML readers expect."""
    return str(int(value)) if value == int(value) and abs(value) < 2**53 else repr(value)


def withheld(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _key_values(structure: DataflowStructure, row: Observation) -> dict[str, str]:
    dims = parse_dims(row.get("dims") or "")
    return {sdmx_id: str(row[column]) if column in CANONICAL else dims[column]
            for sdmx_id, column in structure.columns.items()}


def _observation(structure: DataflowStructure, row: Observation) -> model.Observation:
    dsd = structure.dsd
    value = row["value"]
    attributes = {"UNIT": row["unit"], "OBS_STATUS": row["obs_status"],
                  "CONF_STATUS": CONF_WITHHELD if withheld(value) else CONF_FREE}
    return model.Observation(
        dimension=dsd.make_key(model.Key, _key_values(structure, row)),
        value=None if withheld(value) else sdmx_value(value),
        value_for=dsd.measures.get("OBS_VALUE"),
        attached_attribute={key: model.AttributeValue(value_for=dsd.attributes.get(key),
                                                      value=text)
                            for key, text in attributes.items()})


def data_set(structure: DataflowStructure,
             rows: Iterable[Observation]) -> model.StructureSpecificDataSet:
    """The observations as an sdmx1 data set of the dataflow (for SDMX-ML and SDMX-CSV)."""
    found = model.StructureSpecificDataSet(structured_by=structure.dsd,
                                           described_by=structure.definition)
    found.obs.extend(_observation(structure, row) for row in rows)
    return found


def write_data(structure: DataflowStructure, rows: Iterable[Observation], *,
               header: message.Header) -> bytes:
    """A structure-specific data message of one dataflow."""
    msg = message.DataMessage(header=header, data=[data_set(structure, rows)],
                              dataflow=structure.definition,
                              observation_dimension=model.AllDimensions)
    root = etree.fromstring(sdmx.to_xml(msg))
    namespace = data_namespace(structure)
    for reference in root.iter(f"{{{MESSAGE}}}Structure"):
        reference.set("namespace", namespace)
        reference.set("dimensionAtObservation", "AllDimensions")
    for element in root.iter(f"{{{MESSAGE}}}DataSet"):
        element.attrib.pop("structureRef", None)
        element.set(f"{{{STRUCTURE_SPECIFIC}}}structureRef", structure.dsd.id)
        element.set(f"{{{STRUCTURE_SPECIFIC}}}dataScope", "DataStructure")
        element.set(f"{{{XSI}}}type", "ns1:DataSetType")
    out = etree.Element(root.tag, nsmap={**root.nsmap, "ns1": namespace})
    out.extend(list(root))
    return etree.tostring(out, xml_declaration=True, encoding="utf-8", pretty_print=True)


def read_data(xml: bytes, structure: DataflowStructure) -> Iterator[Observation]:
    """The observations of a structure-specific data message, read with sdmx1."""
    msg = sdmx.read_sdmx(io.BytesIO(xml), structure=structure.dsd)
    for data in msg.data:
        for obs in data.obs:
            yield _row(structure, obs)


def _row(structure: DataflowStructure, obs: model.Observation) -> Observation:
    key = {k: str(v.value) for k, v in obs.dimension.values.items()}
    attributes = {k: str(v.value) for k, v in obs.attached_attribute.items()}
    return observation(structure, key, obs.value, attributes)


def observation(structure: DataflowStructure, key: Mapping[str, str], value: object,
                attributes: Mapping[str, str]) -> Observation:
    """A canonical observation from an SDMX key, value and attributes, read from either
    copy of the data (SDMX-ML or SDMX-CSV), so that both are compared as the same values.

    Raises
    ------
    ValueError
        The value is not a number.
    """
    row: Observation = {column: DEFAULTS[column] for column in CANONICAL if column in DEFAULTS}
    dims = {}
    for sdmx_id, column in structure.columns.items():
        if column in CANONICAL:
            row[column] = key.get(sdmx_id)
        else:
            dims[column] = key.get(sdmx_id)
    row["dims"] = format_dims(dims)
    row["value"] = (math.nan if attributes.get("CONF_STATUS") == CONF_WITHHELD
                    or value is None else float(value))
    row["unit"] = attributes.get("UNIT", "")
    row["obs_status"] = attributes.get("OBS_STATUS", "A")
    return row


def key_of(structure: DataflowStructure, row: Observation) -> tuple[tuple[str, str], ...]:
    """An observation's SDMX key, ``(("REF_AREA", "VNM"), ...)``, in the structure's order."""
    return tuple(_key_values(structure, row).items())
