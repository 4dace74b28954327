"""Validating SDMX-ML 2.1 messages offline, against the official schemas shipped with migprofile.

Structure messages are checked against ``SDMXMessage.xsd``. Structure-specific data is
checked against a schema derived from its DSD, as SDMX prescribes: it restricts the base
data set and observation types so that every dimension is required and must hold a code
of its codelist, the time period is an SDMX period, the value is a number and the
attributes are those of the DSD.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from lxml import etree

from migprofile.exchange.structure import DataflowStructure

__all__ = ["SCHEMA_DIR", "data_namespace", "dataset_schema", "schema_problems",
           "validate_structure_message"]

XS = "http://www.w3.org/2001/XMLSchema"
SDMX = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1"
COMMON = f"{SDMX}/common"
STRUCTURE_SPECIFIC = f"{SDMX}/data/structurespecific"


def schema_dir() -> Path:
    return Path(str(resources.files("migprofile").joinpath("data/sdmx-ml-2.1")))


SCHEMA_DIR = schema_dir()


@cache
def message_schema() -> etree.XMLSchema:
    """The SDMX-ML 2.1 message schema (parsed once: it takes about a second)."""
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / "SDMXMessage.xsd")))


def schema_problems(schema: etree.XMLSchema, xml: bytes, *, shown: int = 5) -> list[str]:
    """The first problems of ``xml`` against ``schema``, as 'line N: message'; none if valid."""
    try:
        document = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False,
                                                                no_network=True))
    except etree.XMLSyntaxError as exc:
        return [f"not well-formed XML: {exc}"]
    if schema.validate(document):
        return []
    return [f"line {error.line}: {error.message}" for error in list(schema.error_log)[:shown]]


def validate_structure_message(xml: bytes) -> list[str]:
    """Problems of a structure message against the official schemas; none if valid."""
    return schema_problems(message_schema(), xml)


def data_namespace(structure: DataflowStructure) -> str:
    """The namespace SDMX gives the data of a DSD with every dimension at the observation."""
    dsd = structure.dsd
    return (f"urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure="
            f"{dsd.maintainer.id}:{dsd.id}({dsd.version}):ObsLevelDim:AllDimensions")


def _element(parent: etree._Element, tag: str, **attributes: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{XS}}}{tag}", attributes)


def _code_type(schema: etree._Element, name: str, codes: list[str]) -> None:
    simple = _element(schema, "simpleType", name=name)
    restriction = _element(simple, "restriction", base="xs:string")
    for code in codes:
        _element(restriction, "enumeration", value=code)


def _derived_schema_document(structure: DataflowStructure) -> etree._Element:
    namespace = data_namespace(structure)
    schema = etree.Element(f"{{{XS}}}schema", nsmap={
        "xs": XS, "common": COMMON, "dsd": STRUCTURE_SPECIFIC, None: namespace},
        targetNamespace=namespace, elementFormDefault="unqualified",
        attributeFormDefault="unqualified")
    _element(schema, "import", namespace=STRUCTURE_SPECIFIC,
             schemaLocation=(SCHEMA_DIR / "SDMXDataStructureSpecific.xsd").as_uri())
    _element(schema, "import", namespace=COMMON,
             schemaLocation=(SCHEMA_DIR / "SDMXCommon.xsd").as_uri())
    _element(schema, "import", namespace=f"{SDMX}/message",
             schemaLocation=(SCHEMA_DIR / "SDMXMessage.xsd").as_uri())
    data_set = _element(_element(_element(schema, "complexType", name="DataSetType"),
                                 "complexContent"), "restriction", base="dsd:DataSetType")
    sequence = _element(data_set, "sequence")
    _element(sequence, "element", ref="common:Annotations", minOccurs="0")
    _element(sequence, "element", name="DataProvider", minOccurs="0",
             type="common:DataProviderReferenceType", form="unqualified")
    _element(sequence, "element", name="Obs", type="ObsType", minOccurs="0",
             maxOccurs="unbounded", form="unqualified")
    obs = _element(_element(_element(schema, "complexType", name="ObsType"),
                            "complexContent"), "restriction", base="dsd:ObsType")
    _element(_element(obs, "sequence"), "element", ref="common:Annotations", minOccurs="0")
    _element(obs, "attribute", name="type", type="common:IDType", use="prohibited")
    _element(obs, "attribute", name="REPORTING_YEAR_START_DAY", type="xs:gMonthDay",
             use="prohibited")
    for dimension in structure.dsd.dimensions.components:
        if dimension.id == "TIME_PERIOD":
            _element(obs, "attribute", name="TIME_PERIOD",
                     type="common:ObservationalTimePeriodType", use="required")
            continue
        _element(obs, "attribute", name=dimension.id, type=f"{dimension.id}Type",
                 use="required")
        _code_type(schema, f"{dimension.id}Type", sorted(structure.codes(dimension.id)))
    for attribute in structure.dsd.attributes.components:
        representation = attribute.local_representation
        if representation is not None and representation.enumerated is not None:
            _element(obs, "attribute", name=attribute.id, type=f"{attribute.id}Type",
                     use="optional")
            _code_type(schema, f"{attribute.id}Type",
                       sorted(code.id for code in representation.enumerated))
        else:
            _element(obs, "attribute", name=attribute.id, type="xs:string", use="optional")
    _element(obs, "attribute", name="OBS_VALUE", type="xs:double", use="optional")
    return schema


def dataset_schema(structure: DataflowStructure) -> etree.XMLSchema:
    """The schema of structure-specific data of one DSD, every dimension at the observation.

    It imports the message schema, so it validates a whole data message whose data set
    is declared (``xsi:type``) with its ``DataSetType``.
    """
    return etree.XMLSchema(_derived_schema_document(structure))
