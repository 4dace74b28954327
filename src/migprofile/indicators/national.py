"""Indicators from national administrative data (imported with ``migprofile import``).

Each year is taken from the latest revision that covers it. A dimension an indicator does
not show is totalled by the rule of :mod:`migprofile.codes.totals`: the agency's own total
where the file gave one (45,058 workers in 2021), otherwise the sum of complete parts. Women
alone are not a total, and a partner split by sex never drops out of the total of all
partners: its total is its women and men added up. Shares of women are taken on the base
where both figures are known (:func:`women_shares`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from migprofile.codes import NOT_APPLICABLE, TOTAL, Dataflow, builtin_dataflows
from migprofile.codes.totals import Cube, Share
from migprofile.indicators.registry import Indicator, Inputs, Text, register, text

__all__ = ["NATIONAL_SOURCES", "RevisedFigure", "latest_revisions", "national_cube",
           "national_values", "revised_figures", "with_extra_dimensions", "women_shares"]

CANONICAL = ("counterpart_area", "time_period", "sex", "age")
VALUE_SCHEMA = pa.schema([("counterpart_area", pa.string()), ("time_period", pa.string()),
                          ("sex", pa.string()), ("value", pa.float64()),
                          ("revision", pa.string()), ("ref_area", pa.string())])


def latest_revisions(rows: ir.Table) -> ir.Table:
    """For each year, only the rows of the latest revision (``r2`` after ``r1``) covering it."""
    number = rows.revision.substr(1).cast("int64")
    latest = number.max().over(group_by=rows.time_period)
    return rows.filter(number == latest)


def with_extra_dimensions(rows: ir.Table, extra: list[str]) -> ir.Table:
    return rows.mutate(**{dim: rows.dims.re_extract(rf"(?:^|;){dim}=([^;]*)", 1)
                          for dim in extra})


@dataclass(frozen=True)
class NationalCube:
    """A national dataflow's observations in force (latest revision of each year)."""

    flow: Dataflow
    cube: Cube
    revisions: dict[str, str]
    """The revision each year comes from."""

    @property
    def dimensions(self) -> tuple[str, ...]:
        return self.cube.dimensions

    def codes(self, dimension: str, *, year: str) -> list[str]:
        """The codes of ``dimension`` the year's observations use (not the total)."""
        axis, time = self.dimensions.index(dimension), self.dimensions.index("time_period")
        return sorted({key[axis] for key in self.cube.given
                       if key[time] == year and key[axis] != TOTAL})

    def key(self, **codes: str) -> tuple[str, ...]:
        """A key: the given codes, every other dimension totalled."""
        return tuple(codes.get(d, TOTAL) for d in self.dimensions)


def national_cube(observations: ir.Table, flow: Dataflow, *, area: str,
                  fixed: Mapping[str, str] | None = None,
                  revision: str | None = None) -> NationalCube:
    """The observations in force of a national dataflow (or those of one ``revision``), as
    a :class:`Cube`."""
    dims = [d.id for d in flow.dimensions]
    extra = [d.id for d in flow.extra_dimensions]
    obs = observations
    rows = obs.filter((obs.source == flow.source_id) & (obs.ref_area == area))
    rows = latest_revisions(rows) if revision is None else rows.filter(
        rows.revision == revision)
    rows = with_extra_dimensions(rows, extra)
    for dim, code in (fixed or {}).items():
        rows = rows.filter(rows[dim] == code)
    found = rows.select(*{*CANONICAL, *dims}, "value", "revision").to_pyarrow().to_pylist()
    cube = Cube(flow, dims, [(tuple(r[d] or TOTAL for d in dims), r["value"], i)
                             for i, r in enumerate(found)])
    revisions: dict[str, str] = {}
    for r in found:
        revisions[r["time_period"]] = max(revisions.get(r["time_period"], r["revision"]),
                                          r["revision"], key=lambda v: int(v[1:]))
    return NationalCube(flow, cube, revisions)


def _keys(data: NationalCube, *, year: str, by_partner: bool,
          fixed: Mapping[str, str]) -> list[dict[str, str]]:
    """The keys an indicator shows for a year: by sex (and partner), the rest totalled."""
    partners = data.codes("counterpart_area", year=year) if by_partner else [TOTAL]
    sexes = [TOTAL, *data.codes("sex", year=year)] if "sex" in data.dimensions else [TOTAL]
    return [{"time_period": year, "counterpart_area": partner, "sex": sex, **fixed}
            for partner in partners for sex in sexes]


def national_values(x: Inputs, dataflow_id: str, *, by_partner: bool = False,
                    fixed: Mapping[str, str] | None = None) -> ir.Table:
    """Indicator rows of a national dataflow: by year and sex (and partner), every other
    dimension totalled or, for those in ``fixed``, set to one code."""
    fixed = dict(fixed or {})
    data = national_cube(x.observations, builtin_dataflows()[dataflow_id], area=x.area,
                         fixed=fixed)
    rows = []
    for year, revision in sorted(data.revisions.items()):
        for codes in _keys(data, year=year, by_partner=by_partner, fixed=fixed):
            cell = data.cube.value(data.key(**codes))
            if cell is not None:
                rows.append({"counterpart_area": codes["counterpart_area"] if by_partner
                             else NOT_APPLICABLE, "time_period": year, "sex": codes["sex"],
                             "value": cell.value, "revision": revision, "ref_area": x.area})
    return ibis.memtable(pa.Table.from_pylist(rows, schema=VALUE_SCHEMA))


@dataclass(frozen=True)
class RevisedFigure:
    """A year's total that revisions of a national dataflow gave differently."""

    indicator: str
    year: str
    values: tuple[tuple[str, float], ...]
    """(revision, total) for each revision that gives the year, oldest first."""
    used: str
    """The revision the indicators use: the latest that covers the year."""


def revised_figures(observations: ir.Table, *, area: str) -> list[RevisedFigure]:
    """Every national total (by year, both sexes, all partners) that a later revision
    changed, with each revision's figure."""
    found = []
    for indicator_id, (dataflow_id, by_partner, fixed) in _FAMILIES.items():
        if by_partner:
            continue
        flow = builtin_dataflows()[dataflow_id]
        obs = observations.filter((observations.source == flow.source_id)
                                  & (observations.ref_area == area))
        names = sorted(obs.revision.name("revision").as_table().distinct()
                       .to_pyarrow().column("revision").to_pylist(), key=lambda r: int(r[1:]))
        if len(names) < 2:
            continue
        in_force = national_cube(observations, flow, area=area, fixed=fixed)
        cubes = [(name, national_cube(observations, flow, area=area, fixed=fixed,
                                      revision=name)) for name in names]
        for year, used in sorted(in_force.revisions.items()):
            values = tuple((name, cell.value) for name, data in cubes
                           if (cell := data.cube.value(data.key(time_period=year, **fixed)))
                           is not None)
            if len({value for _, value in values}) > 1:
                found.append(RevisedFigure(indicator_id, year, values, used))
    return found


def women_shares(observations: ir.Table, *, area: str) -> dict[tuple[str, str, str], Share]:
    """The share of women of every national indicator shown by sex, by (indicator,
    partner, year), on the base where both figures are known."""
    shares = {}
    for indicator_id, (dataflow_id, by_partner, fixed) in _FAMILIES.items():
        flow = builtin_dataflows()[dataflow_id]
        if not any(d.id == "sex" for d in flow.dimensions):
            continue
        data = national_cube(observations, flow, area=area, fixed=fixed)
        axis = data.dimensions.index("sex")
        for year in data.revisions:
            for codes in _keys(data, year=year, by_partner=by_partner, fixed=fixed):
                if codes["sex"] != TOTAL:
                    continue
                share = data.cube.share(data.key(**codes), axis, "F")
                if share is not None:
                    partner = codes["counterpart_area"] if by_partner else NOT_APPLICABLE
                    shares[(indicator_id, partner, year)] = share
    return shares


NATIONAL_SOURCES: dict[str, str] = {}
"""Indicator id -> dataflow id, for the indicators computed from national data."""

_FAMILIES: dict[str, tuple[str, bool, dict[str, str]]] = {}
"""Indicator id -> (dataflow id, by partner, fixed codes)."""

_TOTALS: dict[tuple, str] = {}
"""(dataflow, fixed codes, unit) -> the indicator of their total over partners, declared
before its by-partner companion."""


def _declare(indicator_id: str, dataflow_id: str, *, name: Text, definition: Text,
             section: str, by_partner: bool = False, unit: str = "persons",
             fixed: Mapping[str, str] | None = None, reference: str = "") -> None:
    flow = builtin_dataflows()[dataflow_id]
    NATIONAL_SOURCES[indicator_id] = dataflow_id
    _FAMILIES[indicator_id] = (dataflow_id, by_partner, dict(fixed or {}))
    family = (dataflow_id, tuple(sorted((fixed or {}).items())), unit)
    if not by_partner:
        _TOTALS[family] = indicator_id
    register(Indicator(
        id=indicator_id, name=name, definition=definition, unit=unit,
        sources=(flow.source_id,), by_partner=by_partner, section=section,
        reference=reference, partner_total=_TOTALS.get(family, "") if by_partner else "",
        compute=lambda x: national_values(x, dataflow_id, by_partner=by_partner, fixed=fixed),
    ))


BY_PARTNER_NOTE = text(
    en=" Partners the agency did not list separately are grouped as \"other countries\".",
    vi=" Các quốc gia không được cơ quan cung cấp số liệu liệt kê riêng được gộp vào mục "
       "\"các nước khác\".",
    lo=" ປະເທດທີ່ອົງການບໍ່ໄດ້ລະບຸແຍກ ຖືກລວມເປັນ \"ປະເທດອື່ນໆ\".",
    ko=" 기관이 따로 제시하지 않은 국가는 '기타 국가'로 묶는다.",
)


def _with_note(definition: Text) -> Text:
    return text(**{lang: definition[lang] + BY_PARTNER_NOTE[lang] for lang in definition})


_declare(
    "labour_deployments", "LABOUR_DEPLOYMENTS", section="labour_migration",
    reference="GCM objectives 5 and 6; SDG 10.7.1",
    name=text(en="Workers deployed abroad", vi="Lao động đi làm việc ở nước ngoài",
              lo="ແຮງງານທີ່ໄປເຮັດວຽກຢູ່ຕ່າງປະເທດ", ko="해외 파견 근로자"),
    definition=text(
        en="Workers who left the country in the year to work abroad under a contract, by "
           "sex, as recorded by the national labour authority.",
        vi="Số người lao động xuất cảnh trong năm để làm việc ở nước ngoài theo hợp đồng, "
           "theo giới tính, do cơ quan quản lý lao động quốc gia ghi nhận.",
        lo="ຈຳນວນແຮງງານທີ່ອອກຈາກປະເທດໃນປີ ເພື່ອໄປເຮັດວຽກຢູ່ຕ່າງປະເທດຕາມສັນຍາ, ແຍກຕາມເພດ, "
           "ຕາມການບັນທຶກຂອງອົງການແຮງງານແຫ່ງຊາດ.",
        ko="해당 연도에 계약에 따라 해외 취업을 위해 출국한 근로자 수(성별), 국가 노동 당국 "
           "집계."),
)
_declare(
    "labour_deployments_by_destination", "LABOUR_DEPLOYMENTS", section="labour_migration",
    by_partner=True, reference="GCM objectives 5 and 6",
    name=text(en="Workers deployed abroad by country of destination",
              vi="Lao động đi làm việc ở nước ngoài theo quốc gia đến",
              lo="ແຮງງານທີ່ໄປເຮັດວຽກຢູ່ຕ່າງປະເທດ ແຍກຕາມປະເທດປາຍທາງ",
              ko="목적국별 해외 파견 근로자"),
    definition=_with_note(text(
        en="Workers deployed abroad under contract in the year, by country of destination "
           "and sex.",
        vi="Số người lao động đi làm việc ở nước ngoài theo hợp đồng trong năm, theo quốc "
           "gia đến và giới tính.",
        lo="ຈຳນວນແຮງງານທີ່ໄປເຮັດວຽກຢູ່ຕ່າງປະເທດຕາມສັນຍາໃນປີ, ແຍກຕາມປະເທດປາຍທາງ ແລະ ເພດ.",
        ko="해당 연도 계약에 따른 해외 파견 근로자 수(목적국별, 성별).")),
)
_declare(
    "labour_stock_abroad", "LABOUR_STOCK_ABROAD", section="labour_migration",
    reference="GCM objectives 5 and 6",
    name=text(en="Workers working abroad", vi="Lao động đang làm việc ở nước ngoài",
              lo="ແຮງງານທີ່ກຳລັງເຮັດວຽກຢູ່ຕ່າງປະເທດ", ko="해외 취업 근로자"),
    definition=text(
        en="Workers of the country working abroad at the end of the year, by sex, as "
           "recorded by the national labour authority.",
        vi="Số người lao động đang làm việc ở nước ngoài vào cuối năm, theo giới tính, do cơ "
           "quan quản lý lao động quốc gia ghi nhận.",
        lo="ຈຳນວນແຮງງານທີ່ກຳລັງເຮັດວຽກຢູ່ຕ່າງປະເທດ ໃນທ້າຍປີ, ແຍກຕາມເພດ, ຕາມການບັນທຶກຂອງ"
           "ອົງການແຮງງານແຫ່ງຊາດ.",
        ko="연말 기준 해외에서 일하고 있는 자국 근로자 수(성별), 국가 노동 당국 집계."),
)
_declare(
    "labour_stock_abroad_by_country", "LABOUR_STOCK_ABROAD", section="labour_migration",
    by_partner=True, reference="GCM objectives 5 and 6",
    name=text(en="Workers working abroad by country",
              vi="Lao động đang làm việc ở nước ngoài theo quốc gia",
              lo="ແຮງງານທີ່ກຳລັງເຮັດວຽກຢູ່ຕ່າງປະເທດ ແຍກຕາມປະເທດ", ko="국가별 해외 취업 근로자"),
    definition=_with_note(text(
        en="Workers of the country working abroad at the end of the year, by country of "
           "work and sex.",
        vi="Số người lao động đang làm việc ở nước ngoài vào cuối năm, theo quốc gia làm "
           "việc và giới tính.",
        lo="ຈຳນວນແຮງງານທີ່ກຳລັງເຮັດວຽກຢູ່ຕ່າງປະເທດ ໃນທ້າຍປີ, ແຍກຕາມປະເທດທີ່ເຮັດວຽກ ແລະ ເພດ.",
        ko="연말 기준 해외 취업 근로자 수(취업국별, 성별).")),
)
_declare(
    "work_permits_foreigners", "WORK_PERMITS_FOREIGNERS", section="foreign_workers",
    reference="GCM objectives 5 and 6",
    name=text(en="Work permits issued to foreign nationals",
              vi="Giấy phép lao động cấp cho người nước ngoài",
              lo="ໃບອະນຸຍາດເຮັດວຽກທີ່ອອກໃຫ້ຄົນຕ່າງປະເທດ", ko="외국인 취업 허가 발급"),
    definition=text(
        en="Work permits issued in the year to foreign nationals working in the country, "
           "by sex.",
        vi="Số giấy phép lao động cấp trong năm cho người nước ngoài làm việc trong nước, "
           "theo giới tính.",
        lo="ຈຳນວນໃບອະນຸຍາດເຮັດວຽກທີ່ອອກໃນປີໃຫ້ຄົນຕ່າງປະເທດທີ່ເຮັດວຽກຢູ່ໃນປະເທດ, ແຍກຕາມເພດ.",
        ko="해당 연도에 국내 취업 외국인에게 발급된 취업 허가 수(성별)."),
)
_declare(
    "work_permits_by_citizenship", "WORK_PERMITS_FOREIGNERS", section="foreign_workers",
    by_partner=True, reference="GCM objectives 5 and 6",
    name=text(en="Work permits issued to foreign nationals by citizenship",
              vi="Giấy phép lao động cấp cho người nước ngoài theo quốc tịch",
              lo="ໃບອະນຸຍາດເຮັດວຽກທີ່ອອກໃຫ້ຄົນຕ່າງປະເທດ ແຍກຕາມສັນຊາດ",
              ko="국적별 외국인 취업 허가 발급"),
    definition=_with_note(text(
        en="Work permits issued in the year to foreign nationals, by citizenship and sex.",
        vi="Số giấy phép lao động cấp trong năm cho người nước ngoài, theo quốc tịch và giới "
           "tính.",
        lo="ຈຳນວນໃບອະນຸຍາດເຮັດວຽກທີ່ອອກໃນປີໃຫ້ຄົນຕ່າງປະເທດ, ແຍກຕາມສັນຊາດ ແລະ ເພດ.",
        ko="해당 연도 외국인 취업 허가 발급 수(국적별, 성별).")),
)
_declare(
    "consular_registrations", "CONSULAR_REGISTRATIONS", section="diaspora",
    reference="GCM objective 14",
    name=text(en="Citizens registered at consulates",
              vi="Công dân đăng ký tại cơ quan đại diện",
              lo="ພົນລະເມືອງທີ່ລົງທະບຽນຢູ່ສະຖານກົງສຸນ", ko="재외공관 등록 국민"),
    definition=text(
        en="Citizens registered with the country's embassies and consulates abroad at the "
           "end of the year, by sex. Registration is voluntary in most countries, so this "
           "counts fewer people than live abroad.",
        vi="Số công dân đăng ký với các cơ quan đại diện ở nước ngoài vào cuối năm, theo giới "
           "tính. Ở hầu hết các nước, việc đăng ký là tự nguyện, nên số này thấp hơn số người "
           "thực tế sống ở nước ngoài.",
        lo="ຈຳນວນພົນລະເມືອງທີ່ລົງທະບຽນກັບສະຖານທູດ ແລະ ສະຖານກົງສຸນຢູ່ຕ່າງປະເທດ ໃນທ້າຍປີ, "
           "ແຍກຕາມເພດ. ໃນປະເທດສ່ວນຫຼາຍ ການລົງທະບຽນແມ່ນແບບສະໝັກໃຈ, ສະນັ້ນ ຕົວເລກນີ້ຕ່ຳກວ່າ"
           "ຈຳນວນຄົນທີ່ອາໄສຢູ່ຕ່າງປະເທດແທ້.",
        ko="연말 기준 재외공관에 등록된 국민 수(성별). 대부분 국가에서 등록은 자발적이므로 실제 "
           "해외 거주자보다 적다."),
)
_declare(
    "consular_registrations_by_country", "CONSULAR_REGISTRATIONS", section="diaspora",
    by_partner=True, reference="GCM objective 14",
    name=text(en="Citizens registered at consulates by country",
              vi="Công dân đăng ký tại cơ quan đại diện theo quốc gia",
              lo="ພົນລະເມືອງທີ່ລົງທະບຽນຢູ່ສະຖານກົງສຸນ ແຍກຕາມປະເທດ", ko="국가별 재외공관 등록 국민"),
    definition=_with_note(text(
        en="Citizens registered with the country's embassies and consulates, by country of "
           "residence and sex.",
        vi="Số công dân đăng ký với các cơ quan đại diện, theo quốc gia cư trú và giới tính.",
        lo="ຈຳນວນພົນລະເມືອງທີ່ລົງທະບຽນກັບສະຖານທູດ ແລະ ສະຖານກົງສຸນ, ແຍກຕາມປະເທດທີ່ອາໄສຢູ່ ແລະ ເພດ.",
        ko="재외공관에 등록된 국민 수(거주국별, 성별).")),
)
DIASPORA_NOTE = text(
    en=" A different concept from the emigrant stock (people born in the country living "
       "abroad, UN DESA): the two are never added up.",
    vi=" Đây là khái niệm khác với số người di cư ra nước ngoài (người sinh ra trong nước "
       "đang sống ở nước ngoài, theo UN DESA): hai số này không bao giờ được cộng gộp.",
    lo=" ເປັນແນວຄິດທີ່ແຕກຕ່າງຈາກຈຳນວນຜູ້ອົບພະຍົບອອກ (ຜູ້ທີ່ເກີດໃນປະເທດ ທີ່ອາໄສຢູ່ຕ່າງປະເທດ, "
       "UN DESA): ທັງສອງບໍ່ເຄີຍຖືກລວມເຂົ້າກັນ.",
    ko=" 해외 이주민 저량(자국 출생자 중 해외 거주자, UN DESA)과는 다른 개념이며 두 수치를 "
       "합산하지 않는다.",
)


def _diaspora(definition: Text) -> Text:
    return text(**{lang: definition[lang] + DIASPORA_NOTE[lang] for lang in definition})


_declare(
    "diaspora", "DIASPORA", section="diaspora", fixed={"concept": "ORIGIN"},
    reference="GCM objective 19",
    name=text(en="Diaspora (persons of national origin)",
              vi="Cộng đồng ở nước ngoài (người có nguồn gốc từ nước ta)",
              lo="ຊຸມຊົນຢູ່ຕ່າງປະເທດ (ຄົນທີ່ມີເຊື້ອສາຍຂອງປະເທດ)", ko="재외동포(국적 불문)"),
    definition=_diaspora(text(
        en="Persons of national origin living abroad, whatever their citizenship, as counted "
           "by the country's authorities.",
        vi="Số người có nguồn gốc từ nước ta đang sống ở nước ngoài, không phân biệt quốc "
           "tịch, theo số liệu của cơ quan chức năng.",
        lo="ຈຳນວນຄົນທີ່ມີເຊື້ອສາຍຂອງປະເທດ ທີ່ອາໄສຢູ່ຕ່າງປະເທດ ບໍ່ວ່າຈະມີສັນຊາດໃດ, ຕາມການນັບ"
           "ຂອງເຈົ້າໜ້າທີ່.",
        ko="국적과 관계없이 해외에 거주하는 동포 수(정부 집계).")),
)
_declare(
    "diaspora_by_country", "DIASPORA", section="diaspora", fixed={"concept": "ORIGIN"},
    by_partner=True, reference="GCM objective 19",
    name=text(en="Diaspora by country of residence",
              vi="Cộng đồng ở nước ngoài theo quốc gia cư trú",
              lo="ຊຸມຊົນຢູ່ຕ່າງປະເທດ ແຍກຕາມປະເທດທີ່ອາໄສຢູ່", ko="거주국별 재외동포"),
    definition=_diaspora(_with_note(text(
        en="Persons of national origin living abroad, by country of residence.",
        vi="Số người có nguồn gốc từ nước ta đang sống ở nước ngoài, theo quốc gia cư trú.",
        lo="ຈຳນວນຄົນທີ່ມີເຊື້ອສາຍຂອງປະເທດ ທີ່ອາໄສຢູ່ຕ່າງປະເທດ, ແຍກຕາມປະເທດທີ່ອາໄສຢູ່.",
        ko="해외에 거주하는 동포 수(거주국별)."))),
)
_declare(
    "diaspora_citizens", "DIASPORA", section="diaspora", fixed={"concept": "CIT"},
    reference="GCM objective 19",
    name=text(en="Citizens living abroad", vi="Công dân ở nước ngoài",
              lo="ພົນລະເມືອງທີ່ອາໄສຢູ່ຕ່າງປະເທດ", ko="재외국민"),
    definition=_diaspora(text(
        en="Citizens of the country living abroad, as counted by the country's authorities.",
        vi="Số công dân của nước ta đang sống ở nước ngoài, theo số liệu của cơ quan chức năng.",
        lo="ຈຳນວນພົນລະເມືອງຂອງປະເທດ ທີ່ອາໄສຢູ່ຕ່າງປະເທດ, ຕາມການນັບຂອງເຈົ້າໜ້າທີ່.",
        ko="해외에 거주하는 자국 국민 수(정부 집계).")),
)
_declare(
    "diaspora_associations", "DIASPORA", section="diaspora", fixed={"concept": "ASSOC"},
    unit="associations", reference="GCM objective 19",
    name=text(en="Diaspora associations", vi="Hội đoàn của cộng đồng ở nước ngoài",
              lo="ສະມາຄົມຂອງຊຸມຊົນຢູ່ຕ່າງປະເທດ", ko="동포 단체"),
    definition=text(
        en="Associations of the diaspora known to the country's authorities.",
        vi="Số hội đoàn của cộng đồng ở nước ngoài mà cơ quan chức năng nắm được.",
        lo="ຈຳນວນສະມາຄົມຂອງຊຸມຊົນຢູ່ຕ່າງປະເທດ ທີ່ເຈົ້າໜ້າທີ່ຮູ້ຈັກ.",
        ko="정부가 파악한 동포 단체 수."),
)
_declare(
    "students_abroad", "STUDENTS_ABROAD", section="students_abroad",
    reference="GCM objective 18",
    name=text(en="Students abroad", vi="Du học sinh ở nước ngoài", lo="ນັກສຶກສາຢູ່ຕ່າງປະເທດ",
              ko="해외 유학생"),
    definition=text(
        en="Students of the country studying abroad in the year, by sex, as recorded by the "
           "national education authority.",
        vi="Số công dân đang học tập ở nước ngoài trong năm, theo giới tính, do cơ quan quản "
           "lý giáo dục quốc gia ghi nhận.",
        lo="ຈຳນວນນັກສຶກສາຂອງປະເທດທີ່ກຳລັງຮຽນຢູ່ຕ່າງປະເທດໃນປີ, ແຍກຕາມເພດ, ຕາມການບັນທຶກຂອງ"
           "ອົງການສຶກສາແຫ່ງຊາດ.",
        ko="해당 연도 해외에서 공부하는 자국 학생 수(성별), 국가 교육 당국 집계."),
)
_declare(
    "students_abroad_by_country", "STUDENTS_ABROAD", section="students_abroad",
    by_partner=True, reference="GCM objective 18",
    name=text(en="Students abroad by country of study",
              vi="Du học sinh ở nước ngoài theo quốc gia học tập",
              lo="ນັກສຶກສາຢູ່ຕ່າງປະເທດ ແຍກຕາມປະເທດທີ່ຮຽນ", ko="유학국별 해외 유학생"),
    definition=_with_note(text(
        en="Students of the country studying abroad, by country of study and sex.",
        vi="Số công dân đang học tập ở nước ngoài, theo quốc gia học tập và giới tính.",
        lo="ຈຳນວນນັກສຶກສາທີ່ຮຽນຢູ່ຕ່າງປະເທດ, ແຍກຕາມປະເທດທີ່ຮຽນ ແລະ ເພດ.",
        ko="해외 유학생 수(유학국별, 성별).")),
)
_declare(
    "returnees", "RETURNEES", section="returns", reference="GCM objective 21",
    name=text(en="Returnees", vi="Công dân trở về nước", lo="ພົນລະເມືອງທີ່ກັບຄືນປະເທດ",
              ko="귀환 국민"),
    definition=text(
        en="Citizens who returned from abroad in the year, by sex, assisted or not.",
        vi="Số công dân trở về nước trong năm, theo giới tính, có hoặc không được hỗ trợ.",
        lo="ຈຳນວນພົນລະເມືອງທີ່ກັບຄືນຈາກຕ່າງປະເທດໃນປີ, ແຍກຕາມເພດ, ໄດ້ຮັບ ຫຼື ບໍ່ໄດ້ຮັບການ"
           "ຊ່ວຍເຫຼືອ.",
        ko="해당 연도 해외에서 귀환한 국민 수(성별), 지원 여부 합계."),
)
_declare(
    "returnees_assisted", "RETURNEES", section="returns", fixed={"assisted": "Y"},
    reference="GCM objective 21",
    name=text(en="Assisted returnees", vi="Công dân được hỗ trợ trở về",
              lo="ພົນລະເມືອງທີ່ໄດ້ຮັບການຊ່ວຍເຫຼືອໃຫ້ກັບຄືນ", ko="지원 귀환 국민"),
    definition=text(
        en="Citizens whose return from abroad in the year was assisted, by sex.",
        vi="Số công dân được hỗ trợ trở về nước trong năm, theo giới tính.",
        lo="ຈຳນວນພົນລະເມືອງທີ່ໄດ້ຮັບການຊ່ວຍເຫຼືອໃຫ້ກັບຄືນໃນປີ, ແຍກຕາມເພດ.",
        ko="해당 연도 귀환 지원을 받은 국민 수(성별)."),
)
_declare(
    "returnees_by_country", "RETURNEES", section="returns", by_partner=True,
    reference="GCM objective 21",
    name=text(en="Returnees by country returned from",
              vi="Công dân trở về nước theo quốc gia trở về từ",
              lo="ພົນລະເມືອງທີ່ກັບຄືນ ແຍກຕາມປະເທດທີ່ກັບມາຈາກ", ko="귀환 출발국별 귀환 국민"),
    definition=_with_note(text(
        en="Citizens who returned from abroad in the year, by the country they returned "
           "from and sex.",
        vi="Số công dân trở về nước trong năm, theo quốc gia trở về từ và giới tính.",
        lo="ຈຳນວນພົນລະເມືອງທີ່ກັບຄືນໃນປີ, ແຍກຕາມປະເທດທີ່ກັບມາຈາກ ແລະ ເພດ.",
        ko="해당 연도 귀환 국민 수(귀환 출발국별, 성별).")),
)
_declare(
    "trafficking_victims", "TRAFFICKING_VICTIMS", section="trafficking",
    reference="GCM objective 10; SDG 16.2.2",
    name=text(en="Victims of trafficking identified", vi="Nạn nhân mua bán người được xác định",
              lo="ຜູ້ຖືກເຄາະຮ້າຍຈາກການຄ້າມະນຸດທີ່ຖືກກຳນົດ", ko="확인된 인신매매 피해자"),
    definition=text(
        en="Victims of trafficking in persons identified in the year, by sex, all ages and "
           "forms of exploitation.",
        vi="Số nạn nhân mua bán người được xác định trong năm, theo giới tính, mọi lứa tuổi và "
           "hình thức bóc lột.",
        lo="ຈຳນວນຜູ້ຖືກເຄາະຮ້າຍຈາກການຄ້າມະນຸດທີ່ຖືກກຳນົດໃນປີ, ແຍກຕາມເພດ, ທຸກອາຍຸ ແລະ ທຸກ"
           "ຮູບແບບການຂູດຮີດ.",
        ko="해당 연도에 확인된 인신매매 피해자 수(성별), 전 연령·전 착취 형태 합계."),
)
_declare(
    "trafficking_victims_by_country", "TRAFFICKING_VICTIMS", section="trafficking",
    by_partner=True, reference="GCM objective 10",
    name=text(en="Victims of trafficking by country of exploitation",
              vi="Nạn nhân mua bán người theo quốc gia nơi bị bóc lột",
              lo="ຜູ້ຖືກເຄາະຮ້າຍຈາກການຄ້າມະນຸດ ແຍກຕາມປະເທດທີ່ຖືກຂູດຮີດ",
              ko="착취국별 인신매매 피해자"),
    definition=_with_note(text(
        en="Victims of trafficking identified in the year, by country of exploitation and "
           "sex.",
        vi="Số nạn nhân mua bán người được xác định trong năm, theo quốc gia nơi bị bóc lột "
           "và giới tính.",
        lo="ຈຳນວນຜູ້ຖືກເຄາະຮ້າຍທີ່ຖືກກຳນົດໃນປີ, ແຍກຕາມປະເທດທີ່ຖືກຂູດຮີດ ແລະ ເພດ.",
        ko="해당 연도 확인된 인신매매 피해자 수(착취국별, 성별).")),
)
_declare(
    "support_centre_consultations", "SUPPORT_CENTRE_CONSULTATIONS",
    section="support_centres", unit="consultations", reference="GCM objectives 3 and 15",
    name=text(en="Consultations of migrant support centres",
              vi="Lượt tư vấn của các trung tâm hỗ trợ người di cư",
              lo="ການໃຫ້ຄຳປຶກສາຂອງສູນຊ່ວຍເຫຼືອຜູ້ເຄື່ອນຍ້າຍ", ko="이주민 지원센터 상담"),
    definition=text(
        en="Consultations given in the year by support centres for migrants, all languages "
           "and topics.",
        vi="Số lượt tư vấn trong năm của các trung tâm hỗ trợ người di cư, mọi ngôn ngữ và "
           "chủ đề.",
        lo="ຈຳນວນການໃຫ້ຄຳປຶກສາໃນປີ ຂອງສູນຊ່ວຍເຫຼືອຜູ້ເຄື່ອນຍ້າຍ, ທຸກພາສາ ແລະ ທຸກຫົວຂໍ້.",
        ko="해당 연도 이주민 지원센터의 상담 건수(모든 언어·주제 합계)."),
)
_declare(
    "support_centre_consultations_by_country", "SUPPORT_CENTRE_CONSULTATIONS",
    section="support_centres", unit="consultations", by_partner=True,
    reference="GCM objectives 3 and 15",
    name=text(en="Consultations of migrant support centres by country of the centre",
              vi="Lượt tư vấn của các trung tâm hỗ trợ người di cư theo quốc gia đặt trung tâm",
              lo="ການໃຫ້ຄຳປຶກສາຂອງສູນຊ່ວຍເຫຼືອຜູ້ເຄື່ອນຍ້າຍ ແຍກຕາມປະເທດທີ່ຕັ້ງສູນ",
              ko="센터 소재국별 이주민 지원센터 상담"),
    definition=text(
        en="Consultations given in the year by support centres for migrants, by country "
           "where the centre is.",
        vi="Số lượt tư vấn trong năm của các trung tâm hỗ trợ người di cư, theo quốc gia đặt "
           "trung tâm.",
        lo="ຈຳນວນການໃຫ້ຄຳປຶກສາໃນປີ ຂອງສູນຊ່ວຍເຫຼືອຜູ້ເຄື່ອນຍ້າຍ, ແຍກຕາມປະເທດທີ່ຕັ້ງສູນ.",
        ko="해당 연도 이주민 지원센터의 상담 건수(센터 소재국별)."),
)
