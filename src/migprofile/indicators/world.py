"""The country in its region and the world, and UN DESA's revisions side by side.

A country's migrant stock means little alone: the report sets it beside the stock of its
region (the M49 sub-region UN DESA aggregates it into) and of the world, each computed
from the same UN DESA file as the country's own figure (the world is every destination
of the file, a region the destinations the bundled M49 table places in it), so that the
world's 304,021,813 migrants of 2024 are a sum anyone can repeat.

UN DESA revises whole series with each edition (new census rounds, new methods): Lao PDR's
emigrants in 2020 were 1.30 million in the 2020 revision and 0.61 million in the 2024
one. When a profile lists two revisions, the stocks are computed from each, beside the
main figures (which keep the revision the profile lists first).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from migprofile.codes import NOT_APPLICABLE, WORLD, region_of
from migprofile.indicators.migrant_stock import SOURCE_NOTE, STOCK, population
from migprofile.indicators.ops import KEY, per, summed, total_only
from migprofile.indicators.registry import Indicator, Inputs, register, text

__all__ = ["REVISED_STOCKS"]


def _members(x: Inputs) -> tuple[str, list[str]] | None:
    """The code and member countries of the profile's country's region."""
    region = region_of(x.area)
    return None if region is None else (region.code, sorted(region.members))


def _stock_in(x: Inputs, area: str, members: list[str] | None) -> ir.Table:
    """Migrants living in ``members`` (every destination when None), as rows of ``area``."""
    rows = x.source(*STOCK)
    if members is not None:
        rows = rows.filter(rows.ref_area.isin(members))
    return summed(rows, area=area)


def _population_of(x: Inputs, area: str, members: list[str] | None) -> ir.Table:
    rows = x.source("wdi", "POPULATION")
    if members is not None:
        rows = rows.filter(rows.ref_area.isin(members))
    return summed(rows, area=area)


def _nothing(x: Inputs) -> ir.Table:
    rows = x.source(*STOCK).filter(ibis.literal(False))
    return summed(rows, area=x.area)


def world_stock(x: Inputs) -> ir.Table:
    return _stock_in(x, WORLD, None)


def world_share(x: Inputs) -> ir.Table:
    return per(total_only(world_stock(x)), _population_of(x, WORLD, None))


def region_stock(x: Inputs) -> ir.Table:
    found = _members(x)
    return _nothing(x) if found is None else _stock_in(x, *found)


def region_share(x: Inputs) -> ir.Table:
    found = _members(x)
    if found is None:
        return _nothing(x)
    return per(total_only(_stock_in(x, *found)), _population_of(x, *found))


def net_migration_rate(x: Inputs) -> ir.Table:
    """Net migration per 1,000 population of the same year (both World Bank, from WPP)."""
    rows = x.source("wdi", "NET_MIGRATION")
    net = summed(rows.filter(rows.ref_area == x.area), area=x.area)
    return per(net, population(x), scale=1000.0)


POPULATION_NOTE = text(
    en="Population: World Bank (from UN World Population Prospects), summed over the same "
       "countries and areas.",
    vi="Dân số: Ngân hàng Thế giới (theo Triển vọng Dân số Thế giới của Liên Hợp Quốc), cộng "
       "trên cùng các quốc gia và vùng lãnh thổ.",
    lo="ພົນລະເມືອງ: ທະນາຄານໂລກ (ຕາມ UN World Population Prospects), ລວມໃນບັນດາປະເທດ ແລະ "
       "ເຂດດຽວກັນ.",
    ko="인구: 세계은행(UN 세계인구전망), 같은 국가·지역의 합계.",
)

register(Indicator(
    id="world_migrant_stock",
    name=text(en="International migrants in the world", vi="Người di cư quốc tế trên thế giới",
              lo="ຜູ້ເຄື່ອນຍ້າຍສາກົນໃນໂລກ", ko="세계 국제이주민 저량"),
    definition=text(
        en="International migrants living in any country at mid-year, by sex: UN DESA's "
           "estimates summed over every country and area of destination (ref_area 001). "
           + SOURCE_NOTE["en"],
        vi="Số người di cư quốc tế sống ở bất kỳ quốc gia nào vào giữa năm, theo giới tính: "
           "ước tính của UN DESA cộng trên mọi quốc gia và vùng lãnh thổ đến (ref_area 001). "
           + SOURCE_NOTE["vi"],
        lo="ຈຳນວນຜູ້ເຄື່ອນຍ້າຍສາກົນທີ່ອາໄສຢູ່ໃນທຸກປະເທດ ໃນກາງປີ, ແຍກຕາມເພດ: ການຄາດຄະເນຂອງ "
           "UN DESA ລວມທຸກປະເທດ ແລະ ເຂດປາຍທາງ (ref_area 001). " + SOURCE_NOTE["lo"],
        ko="연중 모든 나라에 거주하는 국제이주민 수(성별): UN DESA 추정치의 모든 목적국·지역 "
           "합계(ref_area 001). " + SOURCE_NOTE["ko"],
    ),
    unit="persons", sources=("undesa_ims",), compute=world_stock,
    reference="GCM objective 1", section="context",
))

register(Indicator(
    id="world_migrants_pct_population",
    name=text(en="International migrants as a share of the world's population",
              vi="Tỷ lệ người di cư quốc tế trong dân số thế giới",
              lo="ສັດສ່ວນຜູ້ເຄື່ອນຍ້າຍສາກົນ ຕໍ່ພົນລະເມືອງໂລກ",
              ko="세계 인구 대비 국제이주민 비율"),
    definition=text(
        en="International migrants in the world (UN DESA) divided by the world's population "
           "of the same year, times 100. " + POPULATION_NOTE["en"],
        vi="Số người di cư quốc tế trên thế giới (UN DESA) chia cho dân số thế giới cùng năm, "
           "nhân 100. " + POPULATION_NOTE["vi"],
        lo="ຈຳນວນຜູ້ເຄື່ອນຍ້າຍສາກົນໃນໂລກ (UN DESA) ຫານໃຫ້ພົນລະເມືອງໂລກ ໃນປີດຽວກັນ, ຄູນ 100. "
           + POPULATION_NOTE["lo"],
        ko="세계 국제이주민 수(UN DESA)를 같은 해 세계 인구로 나눈 값에 100을 곱한 값. "
           + POPULATION_NOTE["ko"],
    ),
    unit="percent", sources=("undesa_ims", "wdi"), compute=world_share,
    reference="GCM objective 1", section="context", derived_from="world_migrant_stock",
))

register(Indicator(
    id="region_migrant_stock",
    name=text(en="International migrants in the country's region",
              vi="Người di cư quốc tế trong khu vực của quốc gia",
              lo="ຜູ້ເຄື່ອນຍ້າຍສາກົນໃນພາກພື້ນຂອງປະເທດ", ko="해당 지역의 국제이주민 저량"),
    definition=text(
        en="International migrants living at mid-year in the countries of the country's "
           "region, the UN M49 geographic sub-region UN DESA groups it in (South-eastern "
           "Asia for Viet Nam; ref_area is the region's M49 code), by sex: UN DESA's "
           "estimates summed over the region's countries and areas of destination.",
        vi="Số người di cư quốc tế sống vào giữa năm tại các quốc gia trong khu vực của quốc "
           "gia, tức tiểu vùng địa lý M49 của Liên Hợp Quốc mà UN DESA xếp quốc gia vào (Đông "
           "Nam Á đối với Việt Nam; ref_area là mã M49 của khu vực), theo giới tính: ước tính "
           "của UN DESA cộng trên các quốc gia và vùng lãnh thổ đến trong khu vực.",
        lo="ຈຳນວນຜູ້ເຄື່ອນຍ້າຍສາກົນທີ່ອາໄສຢູ່ ໃນກາງປີ ໃນບັນດາປະເທດຂອງພາກພື້ນ, ຄືອະນຸພາກພື້ນ"
           "ພູມສາດ M49 ຂອງສະຫະປະຊາຊາດ ທີ່ UN DESA ຈັດປະເທດເຂົ້າໃນ (ອາຊີຕາເວັນອອກສຽງໃຕ້ ສຳລັບ"
           "ຫວຽດນາມ; ref_area ແມ່ນລະຫັດ M49 ຂອງພາກພື້ນ), ແຍກຕາມເພດ: ການຄາດຄະເນຂອງ UN DESA "
           "ລວມບັນດາປະເທດ ແລະ ເຂດປາຍທາງໃນພາກພື້ນ.",
        ko="해당 국가가 속한 지역, 즉 UN DESA가 분류하는 UN M49 지리적 소지역(베트남은 "
           "동남아시아, ref_area는 지역의 M49 코드)의 나라들에 연중 거주하는 국제이주민 수"
           "(성별): 지역 내 목적국·지역의 UN DESA 추정치 합계.",
    ),
    unit="persons", sources=("undesa_ims",), compute=region_stock,
    reference="GCM objective 1", section="context",
))

register(Indicator(
    id="region_migrants_pct_population",
    name=text(en="International migrants as a share of the region's population",
              vi="Tỷ lệ người di cư quốc tế trong dân số khu vực",
              lo="ສັດສ່ວນຜູ້ເຄື່ອນຍ້າຍສາກົນ ຕໍ່ພົນລະເມືອງຂອງພາກພື້ນ",
              ko="지역 인구 대비 국제이주민 비율"),
    definition=text(
        en="International migrants in the country's region (UN DESA) divided by the "
           "region's population of the same year, times 100. " + POPULATION_NOTE["en"],
        vi="Số người di cư quốc tế trong khu vực của quốc gia (UN DESA) chia cho dân số của "
           "khu vực cùng năm, nhân 100. " + POPULATION_NOTE["vi"],
        lo="ຈຳນວນຜູ້ເຄື່ອນຍ້າຍສາກົນໃນພາກພື້ນຂອງປະເທດ (UN DESA) ຫານໃຫ້ພົນລະເມືອງຂອງພາກພື້ນ "
           "ໃນປີດຽວກັນ, ຄູນ 100. " + POPULATION_NOTE["lo"],
        ko="해당 지역의 국제이주민 수(UN DESA)를 같은 해 지역 인구로 나눈 값에 100을 곱한 값. "
           + POPULATION_NOTE["ko"],
    ),
    unit="percent", sources=("undesa_ims", "wdi"), compute=region_share,
    reference="GCM objective 1", section="context", derived_from="region_migrant_stock",
))

register(Indicator(
    id="net_migration_rate",
    name=text(en="Net migration rate", vi="Tỷ suất di cư thuần", lo="ອັດຕາການເຄື່ອນຍ້າຍສຸດທິ",
              ko="순이동률"),
    definition=text(
        en="Net migration during the year per 1,000 population of the same year (both World "
           "Bank, from UN World Population Prospects 2024). Negative values mean more people "
           "left than arrived.",
        vi="Di cư thuần trong năm trên 1.000 dân của cùng năm (cả hai theo Ngân hàng Thế giới, "
           "từ Triển vọng Dân số Thế giới 2024 của Liên Hợp Quốc). Giá trị âm nghĩa là số người "
           "đi nhiều hơn số người đến.",
        lo="ການເຄື່ອນຍ້າຍສຸດທິ ໃນປີ ຕໍ່ພົນລະເມືອງ 1.000 ຄົນ ໃນປີດຽວກັນ (ທັງສອງຈາກທະນາຄານໂລກ, "
           "ຕາມ UN World Population Prospects 2024). ຄ່າລົບ ໝາຍຄວາມວ່າ ຄົນອອກໄປຫຼາຍກວ່າ"
           "ຄົນເຂົ້າມາ.",
        ko="같은 해 인구 1천 명당 연간 순이동(둘 다 세계은행, UN 세계인구전망 2024). 음수는 "
           "떠난 사람이 들어온 사람보다 많다는 뜻이다.",
    ),
    unit="per_1000", sources=("wdi",), compute=net_migration_rate,
    reference="SDG 10.7 (context)", section="key_figures", derived_from="net_migration",
))


# UN DESA's revisions side by side --------------------------------------------------------

def _by_revision(x: Inputs, side: str) -> ir.Table:
    """A stock by year, sex and revision, when the profile lists two revisions or more."""
    rows = x.every_revision(*STOCK)
    if len(x.listed.get(STOCK[0], ())) < 2:
        rows = rows.filter(ibis.literal(False))
    rows = rows.filter(rows[side] == x.area)
    out = rows.group_by("time_period", "sex", "revision").agg(value=rows.value.sum())
    return out.mutate(ref_area=ibis.literal(x.area),
                      counterpart_area=ibis.literal(NOT_APPLICABLE)).select(
        *KEY, "value", "revision")


REVISION_NOTE = text(
    en="Computed from every revision of UN DESA's International Migrant Stock the profile "
       "lists (the revision column says which); the other indicators use the first one "
       "listed. UN DESA revises whole series with each edition, as new census rounds and "
       "methods come in, so a year's figure may differ between revisions.",
    vi="Tính từ mọi phiên bản của bộ số liệu Người di cư quốc tế của UN DESA mà hồ sơ liệt "
       "kê (cột revision cho biết phiên bản nào); các chỉ tiêu khác dùng phiên bản được liệt "
       "kê đầu tiên. UN DESA điều chỉnh toàn bộ chuỗi số liệu ở mỗi phiên bản khi có các vòng "
       "tổng điều tra và phương pháp mới, nên số liệu của cùng một năm có thể khác nhau giữa "
       "các phiên bản.",
    lo="ຄິດໄລ່ຈາກທຸກສະບັບປັບປຸງຂອງຂໍ້ມູນຜູ້ເຄື່ອນຍ້າຍສາກົນຂອງ UN DESA ທີ່ໂປຣໄຟລ໌ລະບຸ "
       "(ຖັນ revision ບອກວ່າສະບັບໃດ); ຕົວຊີ້ວັດອື່ນໃຊ້ສະບັບທີ່ລະບຸກ່ອນ. UN DESA ປັບປຸງທັງຊຸດ"
       "ຂໍ້ມູນໃນແຕ່ລະສະບັບ ເມື່ອມີຮອບການສຳຫຼວດພົນລະເມືອງ ແລະ ວິທີການໃໝ່, ສະນັ້ນ ຕົວເລກຂອງປີ"
       "ດຽວກັນ ອາດແຕກຕ່າງກັນລະຫວ່າງສະບັບ.",
    ko="프로필에 나열된 UN DESA 국제이주민 저량의 모든 개정판으로 계산한다(revision 열이 "
       "개정판을 나타냄). 다른 지표는 처음 나열된 개정판을 쓴다. UN DESA는 새 인구센서스와 "
       "방법이 반영될 때마다 개정판에서 시계열 전체를 고치므로 같은 해의 수치도 개정판마다 "
       "다를 수 있다.",
)

register(Indicator(
    id="immigrant_stock_by_revision",
    name=text(en="Immigrant stock in each UN DESA revision",
              vi="Số người nhập cư theo từng phiên bản của UN DESA",
              lo="ຈຳນວນຜູ້ເຂົ້າເມືອງ ໃນແຕ່ລະສະບັບປັບປຸງຂອງ UN DESA",
              ko="UN DESA 개정판별 이민자 저량"),
    definition=text(
        en="International migrants living in the country at mid-year, by sex. "
           + REVISION_NOTE["en"],
        vi="Số người di cư quốc tế sống trong nước vào giữa năm, theo giới tính. "
           + REVISION_NOTE["vi"],
        lo="ຈຳນວນຜູ້ເຄື່ອນຍ້າຍສາກົນທີ່ອາໄສຢູ່ໃນປະເທດ ໃນກາງປີ, ແຍກຕາມເພດ. "
           + REVISION_NOTE["lo"],
        ko="연중 국내에 거주하는 국제이주민 수(성별). " + REVISION_NOTE["ko"],
    ),
    unit="persons", sources=("undesa_ims",),
    compute=lambda x: _by_revision(x, "ref_area"),
    reference="GCM objective 1", section="undesa_revisions",
))

register(Indicator(
    id="emigrant_stock_by_revision",
    name=text(en="Emigrant stock in each UN DESA revision",
              vi="Số người di cư ra nước ngoài theo từng phiên bản của UN DESA",
              lo="ຈຳນວນຜູ້ອົບພະຍົບອອກ ໃນແຕ່ລະສະບັບປັບປຸງຂອງ UN DESA",
              ko="UN DESA 개정판별 해외 이주민 저량"),
    definition=text(
        en="People born in the country (or its citizens) living abroad at mid-year, by sex. "
           + REVISION_NOTE["en"],
        vi="Số người sinh ra ở trong nước (hoặc công dân) đang sống ở nước ngoài vào giữa "
           "năm, theo giới tính. " + REVISION_NOTE["vi"],
        lo="ຈຳນວນຜູ້ທີ່ເກີດໃນປະເທດ (ຫຼື ພົນລະເມືອງ) ທີ່ອາໄສຢູ່ຕ່າງປະເທດ ໃນກາງປີ, ແຍກຕາມເພດ. "
           + REVISION_NOTE["lo"],
        ko="연중 해외에 거주하는 자국 출생자(또는 자국민) 수(성별). " + REVISION_NOTE["ko"],
    ),
    unit="persons", sources=("undesa_ims",),
    compute=lambda x: _by_revision(x, "counterpart_area"),
    reference="GCM objectives 1 and 19", section="undesa_revisions",
))

REVISED_STOCKS = {"immigrant_stock": "immigrant_stock_by_revision",
                  "emigrant_stock": "emigrant_stock_by_revision"}
"""Each stock and the indicator giving it in every listed revision."""
