"""Long-term migration from border-crossing records (dataflow LTM_FLOWS).

Final and provisional counts are separate indicators, never added together: a provisional
count changes when later crossings arrive (see docs/border-data.md). Months are the months
of the crossing (YYYY-MM); a month is final or provisional as a whole.

The report's aggregates (12-month totals by citizenship and sex, crossings by year) are
computed here from the exact monthly counts, then protected once as published tables
(:func:`border_tables`): adding up monthly counts that were already rounded and withheld
would drift from the truth and lose the small citizenships.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import ibis.expr.types as ir

from migprofile.codes import TOTAL
from migprofile.indicators.disclosure import (
    DisclosureRule,
    Table,
    declare_difference,
    declare_measure_difference,
    disclosure_salt,
    indicator_rule,
    protect_table,
    table_with_differences,
)
from migprofile.indicators.ops import dim_is, summed, with_sex_total
from migprofile.indicators.registry import Indicator, Inputs, Text, register, text
from migprofile.profile import Profile
from migprofile.warehouse import Warehouse

SOURCE = "crossings"
FINAL, PROVISIONAL = "FINAL", "PROVISIONAL"


def flows(x: Inputs, measure: str, *, finality: str, residence: str | None = None,
          by_citizenship: bool = False) -> ir.Table:
    """Monthly counts of one measure, by sex with their total (and by citizenship)."""
    rows = x.source(SOURCE, measure)
    rows = rows.filter((rows.ref_area == x.area) & dim_is(rows.dims, "finality", finality))
    if residence is not None:
        rows = rows.filter(dim_is(rows.dims, "residence", residence))
    partner = rows.counterpart_area if by_citizenship else None
    return with_sex_total(summed(rows, area=x.area, partner=partner))


RULE_NOTE = text(
    en="Crossings are classified with the residence rule (by default 12 months in or out of "
       "the country within 16): a long-term arrival makes a non-resident resident, a "
       "long-term departure ends a residence.",
    vi="Các lượt xuất nhập cảnh được phân loại theo quy tắc cư trú (mặc định 12 tháng ở trong "
       "hoặc ngoài nước trong vòng 16 tháng): lượt đến dài hạn làm người không cư trú trở "
       "thành người cư trú, lượt đi dài hạn chấm dứt việc cư trú.",
    lo="ການຂ້າມຊາຍແດນ ຖືກຈັດປະເພດຕາມກົດການອາໄສ (ຕາມປົກກະຕິ 12 ເດືອນ ຢູ່ໃນ ຫຼື ນອກປະເທດ "
       "ພາຍໃນ 16 ເດືອນ): ການເຂົ້າໄລຍະຍາວ ເຮັດໃຫ້ຜູ້ບໍ່ອາໄສຢູ່ ກາຍເປັນຜູ້ອາໄສຢູ່, "
       "ການອອກໄລຍະຍາວ ສິ້ນສຸດການອາໄສ.",
    ko="출입국은 거주 규칙(기본: 16개월 중 12개월을 국내 또는 국외에 체류)으로 분류한다. 장기 "
       "입국은 비거주자를 거주자로 만들고, 장기 출국은 거주를 끝낸다.",
)

PROVISIONAL_NOTE = text(
    en=" Provisional: counts that later crossings can still change.",
    vi=" Tạm thời: số liệu còn có thể thay đổi khi có thêm các lượt xuất nhập cảnh sau này.",
    lo=" ຊົ່ວຄາວ: ຕົວເລກທີ່ຍັງອາດປ່ຽນແປງ ເມື່ອມີການຂ້າມຊາຍແດນຕໍ່ມາ.",
    ko=" 잠정치: 이후의 출입국에 따라 아직 바뀔 수 있는 수치.",
)

FINAL_NOTE = text(
    en=" Final counts only.",
    vi=" Chỉ gồm số liệu chính thức.",
    lo=" ສະເພາະຕົວເລກສຸດທ້າຍ.",
    ko=" 확정치만 포함.",
)


def _sentence(first: Text, finality: str) -> Text:
    note = PROVISIONAL_NOTE if finality == PROVISIONAL else FINAL_NOTE
    return text(**{lang: f"{first[lang]} {RULE_NOTE[lang]}{note[lang]}" for lang in first})


def _declare(indicator_id: str, measure: str, *, name: Text, definition: Text,
             finality: str = FINAL, residence: str | None = None,
             by_citizenship: bool = False) -> None:
    register(Indicator(
        id=indicator_id, name=name, definition=_sentence(definition, finality),
        unit="persons", sources=(SOURCE,), by_partner=by_citizenship, section="border",
        reference="GCM objective 1",
        partner_total=indicator_id.removesuffix("_by_citizenship") if by_citizenship else "",
        compute=lambda x: flows(x, measure, finality=finality, residence=residence,
                                by_citizenship=by_citizenship),
    ))


ARRIVALS = text(en="Long-term arrivals", vi="Lượt đến dài hạn", lo="ການເຂົ້າໄລຍະຍາວ",
                ko="장기 입국")
DEPARTURES = text(en="Long-term departures", vi="Lượt đi dài hạn", lo="ການອອກໄລຍະຍາວ",
                  ko="장기 출국")
NET = text(en="Net long-term migration", vi="Di cư dài hạn thuần",
           lo="ການເຄື່ອນຍ້າຍໄລຍະຍາວສຸດທິ", ko="장기 순이동")
ARRIVALS_DEF = text(en="Arrivals that begin a residence in the country, by month.",
                    vi="Các lượt đến bắt đầu việc cư trú trong nước, theo tháng.",
                    lo="ການເຂົ້າ ທີ່ເລີ່ມການອາໄສຢູ່ໃນປະເທດ, ແຍກຕາມເດືອນ.",
                    ko="국내 거주를 시작하는 입국, 월별.")
DEPARTURES_DEF = text(en="Departures that end a residence in the country, by month.",
                      vi="Các lượt đi chấm dứt việc cư trú trong nước, theo tháng.",
                      lo="ການອອກ ທີ່ສິ້ນສຸດການອາໄສຢູ່ໃນປະເທດ, ແຍກຕາມເດືອນ.",
                      ko="국내 거주를 끝내는 출국, 월별.")
NET_DEF = text(en="Long-term arrivals minus long-term departures, by month.",
               vi="Lượt đến dài hạn trừ lượt đi dài hạn, theo tháng.",
               lo="ການເຂົ້າໄລຍະຍາວ ລົບ ການອອກໄລຍະຍາວ, ແຍກຕາມເດືອນ.",
               ko="장기 입국에서 장기 출국을 뺀 값, 월별.")


def _provisional(name: Text) -> Text:
    label = text(en="provisional", vi="tạm thời", lo="ຊົ່ວຄາວ", ko="잠정")
    return text(**{lang: f"{name[lang]} ({label[lang]})" for lang in name})


def _by_citizenship(name: Text) -> Text:
    label = text(en="by citizenship", vi="theo quốc tịch", lo="ແຍກຕາມສັນຊາດ", ko="국적별")
    return text(**{lang: f"{name[lang]} {label[lang]}" for lang in name})


for _id, _measure, _name, _definition in (
    ("ltm_arrivals", "LTM_ARRIVALS", ARRIVALS, ARRIVALS_DEF),
    ("ltm_departures", "LTM_DEPARTURES", DEPARTURES, DEPARTURES_DEF),
    ("ltm_net", "LTM_NET", NET, NET_DEF),
):
    _declare(_id, _measure, name=_name, definition=_definition)
    _declare(f"{_id}_provisional", _measure, name=_provisional(_name),
             definition=_definition, finality=PROVISIONAL)

_declare("ltm_arrivals_by_citizenship", "LTM_ARRIVALS", name=_by_citizenship(ARRIVALS),
         definition=ARRIVALS_DEF, by_citizenship=True)
_declare("ltm_departures_by_citizenship", "LTM_DEPARTURES", name=_by_citizenship(DEPARTURES),
         definition=DEPARTURES_DEF, by_citizenship=True)

RESIDENCE = {
    "R": text(en="residents", vi="người cư trú", lo="ຜູ້ອາໄສຢູ່", ko="거주자"),
    "NR": text(en="non-residents", vi="người không cư trú", lo="ຜູ້ບໍ່ອາໄສຢູ່", ko="비거주자"),
}
ALL_CROSSINGS = {
    "ARRIVALS": (text(en="Arrivals of", vi="Lượt đến của", lo="ການເຂົ້າຂອງ", ko="입국:"),
                 text(en="All arrivals of people who were {who} before the crossing, by "
                         "month.",
                      vi="Mọi lượt đến của những người là {who} trước khi nhập cảnh, theo "
                         "tháng.",
                      lo="ການເຂົ້າທັງໝົດ ຂອງຜູ້ທີ່ເປັນ{who} ກ່ອນຂ້າມຊາຍແດນ, ແຍກຕາມເດືອນ.",
                      ko="입국 전 {who}였던 사람의 모든 입국, 월별.")),
    "DEPARTURES": (text(en="Departures of", vi="Lượt đi của", lo="ການອອກຂອງ", ko="출국:"),
                   text(en="All departures of people who were {who} before the crossing, by "
                           "month.",
                        vi="Mọi lượt đi của những người là {who} trước khi xuất cảnh, theo "
                           "tháng.",
                        lo="ການອອກທັງໝົດ ຂອງຜູ້ທີ່ເປັນ{who} ກ່ອນຂ້າມຊາຍແດນ, ແຍກຕາມເດືອນ.",
                        ko="출국 전 {who}였던 사람의 모든 출국, 월별.")),
}

for _measure, (_prefix, _template) in ALL_CROSSINGS.items():
    for _code, _who in RESIDENCE.items():
        _suffix = "residents" if _code == "R" else "non_residents"
        _declare(
            f"{_measure.lower()}_{_suffix}", _measure, residence=_code,
            name=text(**{lang: f"{_prefix[lang]} {_who[lang]}" for lang in _who}),
            definition=text(**{lang: _template[lang].format(who=_who[lang]) for lang in _who}),
        )

# Each month's table (arrivals and departures by citizenship and sex, the net by sex):
# small counts are withheld, with the net beside them; every other cell is rounded on its
# own, so the totals over citizenships and sexes do not give a withheld count back exactly
# and need not be withheld as well (as Stats NZ publishes its border statistics).
for _suffix in ("", "_provisional"):
    declare_difference(f"ltm_net{_suffix}", plus=f"ltm_arrivals{_suffix}",
                       minus=f"ltm_departures{_suffix}", margins=False)
declare_measure_difference("LTM_FLOWS", net="LTM_NET", plus="LTM_ARRIVALS",
                           minus="LTM_DEPARTURES", not_shared=("residence",))


# Published aggregates -------------------------------------------------------------------

WINDOW_MONTHS = 12
FLOWS = ("ltm_arrivals", "ltm_departures", "ltm_net")
BY_CITIZENSHIP = {"ltm_arrivals_by_citizenship": "ltm_arrivals",
                  "ltm_departures_by_citizenship": "ltm_departures"}
BY_RESIDENCE = ("arrivals_residents", "arrivals_non_residents", "departures_residents",
                "departures_non_residents")
NO_PROTECTION = DisclosureRule(enabled=False, threshold=1, rounding_base=1)


@dataclass(frozen=True)
class BorderTables:
    """What the report publishes beyond the monthly indicators, as published (withheld
    values are NaN).

    ``window_flows`` holds long-term arrivals, departures and net over ``window``, keyed
    (indicator of :data:`FLOWS`, citizenship or ``_T``, sex or ``_T``); the net only for
    all citizenships. ``by_year`` holds all final crossings of residents and non-residents
    (:data:`BY_RESIDENCE`) keyed (indicator, year), over the year's final months
    (``year_months``).
    """

    final_months: tuple[str, ...]
    provisional_months: tuple[str, ...]
    window: tuple[str, ...]
    """The 12 calendar months ending with the last final month (fewer if the data are
    shorter)."""
    window_flows: dict[tuple[str, str, str], float]
    year_months: dict[str, tuple[str, ...]]
    by_year: dict[tuple[str, str], float]
    rule: DisclosureRule


def _month_index(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def _month(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def window_months(final_months: Iterable[str], *, months: int = WINDOW_MONTHS) -> tuple[str, ...]:
    """The ``months`` calendar months ending with the last final month, from the first
    month of data at the earliest."""
    final = sorted(final_months)
    if not final:
        return ()
    last = _month_index(final[-1])
    first = max(_month_index(final[0]), last - months + 1)
    return tuple(_month(i) for i in range(first, last + 1))


def _exact_monthly(rows: Iterable[Mapping]) -> dict[tuple[str, str, str, str], float]:
    """Exact monthly counts keyed (indicator, citizenship or ``_T``, month, sex)."""
    wanted = {*FLOWS, *(f"{i}_provisional" for i in FLOWS), *BY_CITIZENSHIP, *BY_RESIDENCE}
    monthly = {}
    for row in rows:
        if row["indicator"] not in wanted:
            continue
        partner = row["counterpart_area"] if row["indicator"] in BY_CITIZENSHIP else TOTAL
        monthly[(row["indicator"], partner, row["time_period"], row["sex"])] = float(
            row["value"])
    return monthly


def _window_cells(monthly: Mapping[tuple, float],
                  window: tuple[str, ...]) -> dict[tuple[str, str, str], float]:
    """The flows over the window by citizenship (both sexes) and by sex (all
    citizenships): the cells the report publishes."""
    cells: dict[tuple[str, str, str], float] = {}
    inside = set(window)
    for (indicator, partner, month, sex), value in monthly.items():
        own = BY_CITIZENSHIP.get(indicator, indicator)
        if own in FLOWS and month in inside and TOTAL in (partner, sex):
            key = (own, partner, sex)
            cells[key] = cells.get(key, 0.0) + value
    return cells


def _year_cells(monthly: Mapping[tuple, float]) -> dict[tuple[str, str], float]:
    cells: dict[tuple[str, str], float] = {}
    for (indicator, _, month, sex), value in monthly.items():
        if indicator in BY_RESIDENCE and sex == TOTAL:
            key = (indicator, month[:4])
            cells[key] = cells.get(key, 0.0) + value
    return cells


def border_tables(rows: Iterable[Mapping], *, rule: DisclosureRule = NO_PROTECTION,
                  salt: bytes = b"") -> BorderTables | None:
    """The border aggregates the report publishes, from the exact indicator values.

    Each aggregate is the sum of exact monthly counts, and each published table is then
    protected once with ``rule``: the 12-month flows by citizenship and by sex, with
    arrivals, departures and net linked (net = arrivals - departures), and the crossings
    of residents and non-residents by year. Only counts below the threshold are withheld,
    with the net beside a withheld count; every other cell is rounded on its own, so
    totals and parts protect each other (see :func:`table_with_differences`). None when
    there are no border counts.
    """
    monthly = _exact_monthly(rows)
    final = sorted({k[2] for k in monthly if k[0] in (*FLOWS, *BY_RESIDENCE)})
    provisional = sorted({k[2] for k in monthly if k[0].endswith("_provisional")})
    if not final and not provisional:
        return None
    window = window_months(final)
    flows = _window_cells(monthly, window)
    if flows:
        table = table_with_differences(flows, margins=False, differences={
            "ltm_net": ("ltm_arrivals", "ltm_departures")})
        published = protect_table(table, rule=rule, salt=salt,
                                  table_id=f"border/{window[0]}..{window[-1]}")
        flows = {key: published[key] for key in flows}
    years = _year_cells(monthly)
    years = protect_table(Table(years, []), rule=rule, salt=salt, table_id="border/years")
    year_months: dict[str, list[str]] = {}
    for month in final:
        year_months.setdefault(month[:4], []).append(month)
    return BorderTables(tuple(final), tuple(provisional), window, flows,
                        {y: tuple(m) for y, m in year_months.items()}, years, rule)


def published_border_tables(profile: Profile, warehouse: Warehouse, *,
                            protect: bool = True) -> BorderTables | None:
    """:func:`border_tables` of a profile, protected as its outputs are (``protect``)."""
    values = warehouse.table("indicator_values")
    names = [*FLOWS, *(f"{i}_provisional" for i in FLOWS), *BY_CITIZENSHIP, *BY_RESIDENCE]
    rows = values.filter(values.indicator.isin(names)).to_pyarrow().to_pylist()
    rule = indicator_rule(profile, warehouse, "ltm_arrivals") if protect and rows else None
    if rule is None or not rule.enabled:
        return border_tables(rows)
    return border_tables(rows, rule=rule, salt=disclosure_salt(profile))
