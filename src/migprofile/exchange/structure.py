"""SDMX-ML 2.1 structures from the dataflow declarations: what a partner needs to read data.

Each declared dataflow becomes a data structure definition (DSD): its dimensions in the
declared order, each with a codelist (``REF_AREA`` first for national dataflows, whose
country is implicit, and ``MEASURE`` for the dataflow's measures), the time dimension,
the primary measure ``OBS_VALUE`` and the observation attributes ``UNIT``, ``OBS_STATUS``
and ``CONF_STATUS``. Names go in English and the profile's languages. An open codelist
(provinces, for instance) holds the codes the data use. Every codelist also has the SDMX
special codes ``_T`` (total), ``_Z`` (not applicable) and ``_U`` (unknown).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sdmx import message
from sdmx.model import common
from sdmx.model import v21 as model

from migprofile.codes import Dataflow, codelist
from migprofile.i18n import FREE, WITHHELD

__all__ = [
    "CONF_FREE",
    "CONF_WITHHELD",
    "DataflowStructure",
    "component_id",
    "structure_message",
]

MAINTAINER = "MIGPROFILE"
VERSION = "1.0"

SPECIAL_CODES = {
    "_T": {"en": "Total", "vi": "Tổng", "lo": "ລວມ", "ko": "합계"},
    "_Z": {"en": "Not applicable", "vi": "Không áp dụng", "lo": "ບໍ່ກ່ຽວຂ້ອງ", "ko": "해당 없음"},
    "_U": {"en": "Unknown", "vi": "Không xác định", "lo": "ບໍ່ຮູ້", "ko": "미상"},
}

CONF_FREE = FREE
CONF_WITHHELD = WITHHELD

ATTRIBUTE_CODES: dict[str, dict[str, dict[str, str]]] = {
    "OBS_STATUS": {
        "A": {"en": "Normal value", "vi": "Giá trị thông thường", "lo": "ຄ່າປົກກະຕິ",
              "ko": "정상 값"},
        "P": {"en": "Provisional value", "vi": "Giá trị tạm thời", "lo": "ຄ່າຊົ່ວຄາວ",
              "ko": "잠정 값"},
        "E": {"en": "Estimated value", "vi": "Giá trị ước tính", "lo": "ຄ່າປະເມີນ",
              "ko": "추정 값"},
        "M": {"en": "Missing value", "vi": "Thiếu giá trị", "lo": "ບໍ່ມີຄ່າ", "ko": "결측"},
    },
    "CONF_STATUS": {
        CONF_FREE: {"en": "Free", "vi": "Được công bố", "lo": "ເຜີຍແຜ່ໄດ້", "ko": "공개"},
        CONF_WITHHELD: {"en": "Confidential: withheld to protect the people counted",
                        "vi": "Bảo mật: không công bố để bảo vệ người được đếm",
                        "lo": "ລັບ: ບໍ່ເຜີຍແຜ່ເພື່ອປົກປ້ອງຜູ້ທີ່ຖືກນັບ",
                        "ko": "비공개: 집계 대상자 보호를 위해 공개하지 않음"},
    },
}

ATTRIBUTE_NAMES = {
    "UNIT": {"en": "Unit", "vi": "Đơn vị", "lo": "ຫົວໜ່ວຍ", "ko": "단위"},
    "OBS_STATUS": {"en": "Observation status", "vi": "Tình trạng số liệu",
                   "lo": "ສະຖານະຂໍ້ມູນ", "ko": "관측 상태"},
    "CONF_STATUS": {"en": "Confidentiality status", "vi": "Tình trạng bảo mật",
                    "lo": "ສະຖານະຄວາມລັບ", "ko": "기밀 상태"},
    "OBS_VALUE": {"en": "Observation value", "vi": "Giá trị", "lo": "ຄ່າ", "ko": "관측값"},
    "MEASURE": {"en": "Measure", "vi": "Chỉ tiêu", "lo": "ຕົວວັດ", "ko": "측정 항목"},
}


def component_id(dimension_id: str) -> str:
    """The SDMX id of a declared dimension: ``counterpart_area`` -> ``COUNTERPART_AREA``."""
    return dimension_id.upper()


@dataclass(frozen=True)
class DataflowStructure:
    """A dataflow's DSD with the canonical column or ``dims`` key of each dimension."""

    dataflow: Dataflow
    dsd: model.DataStructureDefinition
    definition: model.DataflowDefinition
    columns: dict[str, str]
    """SDMX dimension id -> canonical column (``REF_AREA`` -> ``ref_area``, ``MEASURE``
    -> ``measure``) or key of ``dims`` (``OCCUPATION`` -> ``occupation``)."""

    def codes(self, dimension: str) -> set[str]:
        """The codes a dimension's codelist allows."""
        representation = self.dsd.dimensions.get(dimension).local_representation
        return {code.id for code in representation.enumerated}


def _names(names: Mapping[str, str], languages: Sequence[str]) -> common.InternationalString:
    return common.InternationalString({lang: names[lang] for lang in languages
                                       if names.get(lang)})


class _Builder:
    """Collects codelists and concepts shared by several dataflows, each made once."""

    def __init__(self, languages: Sequence[str]) -> None:
        self.languages = list(dict.fromkeys(["en", *languages]))
        self.agency = common.Agency(id=MAINTAINER)
        self.codelists: dict[str, common.Codelist] = {}
        self.concept_schemes: dict[str, common.ConceptScheme] = {}

    def _maintained(self, **kwargs) -> dict:
        return {"maintainer": self.agency, "version": VERSION, "is_final": True,
                "is_external_reference": False, **kwargs}

    def codelist(self, codelist_id: str, names: Mapping[str, str],
                 codes: Mapping[str, Mapping[str, str]]) -> common.Codelist:
        """The codelist ``codelist_id``; codes used by several dataflows are merged."""
        found = self.codelists.get(codelist_id)
        if found is None:
            found = common.Codelist(id=codelist_id, name=_names(names, self.languages),
                                    **self._maintained())
            self.codelists[codelist_id] = found
        for code, code_names in {**codes, **SPECIAL_CODES}.items():
            if code not in found.items:
                found.append(common.Code(id=code, name=_names(code_names, self.languages)))
        return found

    def concept(self, scheme: common.ConceptScheme, concept_id: str,
                names: Mapping[str, str]) -> common.Concept:
        concept = common.Concept(id=concept_id, name=_names(names, self.languages))
        scheme.append(concept)
        return concept


_TIME_FORMAT = common.Representation(non_enumerated=[
    common.Facet(value_type=common.FacetValueType.observationalTimePeriod)])


def _enumerated(codes: common.Codelist) -> common.Representation:
    return common.Representation(enumerated=codes)


@dataclass(frozen=True)
class _Dim:
    """One DSD dimension before it is made: where its codes come from and its names."""

    column: str
    names: Mapping[str, str]
    codelist_id: str
    codelist_names: Mapping[str, str]
    codes: Mapping[str, Mapping[str, str]]


def _declared_dim(flow: Dataflow, dimension_id: str, used: Iterable[str]) -> _Dim:
    """A declared dimension; an open codelist (provinces) lists the codes the data use."""
    declared = flow.dimension(dimension_id)
    found = codelist(declared.codelist, flow)
    codes = dict(found.codes)
    if found.open:
        codes |= {code: {"en": code} for code in sorted(used) if code not in codes}
    return _Dim(dimension_id, declared.names, found.id, found.names, codes)


def _dims(flow: Dataflow, used: Mapping[str, Iterable[str]]) -> list[_Dim]:
    """REF_AREA, MEASURE, then the other declared dimensions in their order."""
    area = codelist("CL_AREA")
    ref_area = (_declared_dim(flow, "ref_area", ()) if any(d.id == "ref_area"
                                                          for d in flow.dimensions)
                else _Dim("ref_area", area.names, area.id, area.names, area.codes))
    measure = _Dim("measure", ATTRIBUTE_NAMES["MEASURE"], f"CL_{flow.id}_MEASURE",
                   flow.names, {m.id: m.names for m in flow.measures})
    others = [_declared_dim(flow, d.id, used.get(d.id, ())) for d in flow.dimensions
              if d.id not in ("ref_area", "time_period")]
    return [ref_area, measure, *others]


def dataflow_structure(flow: Dataflow, builder: _Builder,
                       used: Mapping[str, Iterable[str]]) -> DataflowStructure:
    """The DSD and dataflow definition of one declared dataflow.

    ``used`` gives, for each dimension of an open codelist, the codes the data use.
    """
    names = _names(flow.names, builder.languages)
    scheme = common.ConceptScheme(id=f"CS_{flow.id}", name=names, **builder._maintained())
    builder.concept_schemes[scheme.id] = scheme
    dsd = model.DataStructureDefinition(id=f"DSD_{flow.id}", name=names,
                                        **builder._maintained())
    dsd.dimensions.id = "DimensionDescriptor"
    dsd.attributes.id = "AttributeDescriptor"
    dsd.measures.id = "MeasureDescriptor"
    columns: dict[str, str] = {}
    for order, dim in enumerate(_dims(flow, used)):
        sdmx_id = component_id(dim.column)
        codes = builder.codelist(dim.codelist_id, dim.codelist_names, dim.codes)
        dsd.dimensions.getdefault(
            sdmx_id, cls=model.Dimension, order=order,
            concept_identity=builder.concept(scheme, sdmx_id, dim.names),
            local_representation=_enumerated(codes))
        columns[sdmx_id] = dim.column
    time = builder.concept(scheme, "TIME_PERIOD", flow.dimension("time_period").names)
    dsd.dimensions.getdefault("TIME_PERIOD", cls=model.TimeDimension, concept_identity=time,
                              order=len(columns), local_representation=_TIME_FORMAT)
    columns["TIME_PERIOD"] = "time_period"
    _add_attributes(builder, dsd, scheme)
    dsd.measures.getdefault("OBS_VALUE", cls=model.PrimaryMeasure,
                            concept_identity=builder.concept(scheme, "OBS_VALUE",
                                                             ATTRIBUTE_NAMES["OBS_VALUE"]))
    definition = model.DataflowDefinition(id=flow.id, name=names, structure=dsd,
                                          **builder._maintained())
    return DataflowStructure(flow, dsd, definition, columns)


def _add_attributes(builder: _Builder, dsd: model.DataStructureDefinition,
                    scheme: common.ConceptScheme) -> None:
    """UNIT (free text), OBS_STATUS and CONF_STATUS (coded), attached to observations."""
    relationship = model.PrimaryMeasureRelationship()
    for attribute in ("UNIT", "OBS_STATUS", "CONF_STATUS"):
        names = ATTRIBUTE_NAMES[attribute]
        representation = None
        if attribute in ATTRIBUTE_CODES:
            codes = builder.codelist(f"CL_{attribute}", names, ATTRIBUTE_CODES[attribute])
            representation = _enumerated(codes)
        dsd.attributes.getdefault(
            attribute, cls=model.DataAttribute, related_to=relationship,
            usage_status=model.UsageStatus.conditional,
            concept_identity=builder.concept(scheme, attribute, names),
            local_representation=representation)


def structure_message(flows: Sequence[Dataflow], *, languages: Sequence[str],
                      used: Mapping[str, Mapping[str, Iterable[str]]],
                      header: message.Header) -> tuple[message.StructureMessage,
                                                       dict[str, DataflowStructure]]:
    """A structure message with the DSDs, dataflows, codelists and concepts of ``flows``.

    ``used`` gives, per dataflow and dimension of an open codelist, the codes the data use.
    """
    builder = _Builder(languages)
    structures = {flow.id: dataflow_structure(flow, builder, used.get(flow.id, {}))
                  for flow in flows}
    msg = message.StructureMessage(header=header)
    for codes in builder.codelists.values():
        msg.add(codes)
    for scheme in builder.concept_schemes.values():
        msg.add(scheme)
    for item in structures.values():
        msg.add(item.dsd)
        msg.add(item.definition)
    return msg, structures
