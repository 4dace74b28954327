"""Immigrant and emigrant stocks (UN DESA International Migrant Stock; KNOMAD for checks)."""

from __future__ import annotations

import ibis.expr.types as ir

from migprofile.indicators.ops import per, summed, total_only, wdi_series
from migprofile.indicators.registry import Indicator, Inputs, register, text

STOCK = ("undesa_ims", "MIGRANT_STOCK")


def immigrants(x: Inputs) -> ir.Table:
    rows = x.source(*STOCK)
    return rows.filter(rows.ref_area == x.area)


def emigrants(x: Inputs) -> ir.Table:
    rows = x.source(*STOCK)
    return rows.filter(rows.counterpart_area == x.area)


def population(x: Inputs) -> ir.Table:
    return wdi_series(x, "POPULATION")


def immigrant_stock(x: Inputs) -> ir.Table:
    return summed(immigrants(x), area=x.area)


def emigrant_stock(x: Inputs) -> ir.Table:
    return summed(emigrants(x), area=x.area)


def female_share(stock: ir.Table) -> ir.Table:
    return per(stock.filter(stock.sex == "F"), total_only(stock))


def emigration_rate(x: Inputs) -> ir.Table:
    """Emigrants / (emigrants + resident population) x 100."""
    out = total_only(emigrant_stock(x))
    pop = population(x)
    joined = out.join(pop.select("time_period", pop_value=pop.value), "time_period")
    rate = joined.value / (joined.value + joined.pop_value) * 100
    return joined.mutate(value=rate).select(
        "ref_area", "counterpart_area", "time_period", "sex", "value")


SOURCE_NOTE = text(
    en="Mid-year stock of international migrants: people living in a country other than "
       "their country of birth (or of citizenship, where birthplace data are lacking).",
    vi="Số người di cư quốc tế tại thời điểm giữa năm: những người sống ở một quốc gia khác "
       "với quốc gia nơi họ sinh ra (hoặc quốc tịch, khi không có số liệu về nơi sinh).",
    lo="ຈຳນວນຜູ້ເຄື່ອນຍ້າຍສາກົນ ໃນກາງປີ: ຜູ້ທີ່ອາໄສຢູ່ໃນປະເທດອື່ນ ທີ່ບໍ່ແມ່ນປະເທດເກີດ "
       "(ຫຼື ປະເທດສັນຊາດ ເມື່ອບໍ່ມີຂໍ້ມູນບ່ອນເກີດ).",
    ko="연중 국제이주민 저량: 출생국(출생지 자료가 없으면 국적국)이 아닌 나라에 사는 사람.",
)

register(Indicator(
    id="immigrant_stock",
    name=text(en="Immigrant stock", vi="Số người nhập cư", lo="ຈຳນວນຜູ້ເຂົ້າເມືອງ",
              ko="이민자 저량"),
    definition=text(
        en="International migrants living in the country at mid-year, by sex. "
           + SOURCE_NOTE["en"],
        vi="Số người di cư quốc tế sống trong nước vào giữa năm, theo giới tính. "
           + SOURCE_NOTE["vi"],
        lo="ຈຳນວນຜູ້ເຄື່ອນຍ້າຍສາກົນທີ່ອາໄສຢູ່ໃນປະເທດ ໃນກາງປີ, ແຍກຕາມເພດ. " + SOURCE_NOTE["lo"],
        ko="연중 국내에 거주하는 국제이주민 수(성별). " + SOURCE_NOTE["ko"],
    ),
    unit="persons", sources=("undesa_ims",), compute=immigrant_stock,
    reference="GCM objective 1", section="immigration",
))

register(Indicator(
    id="immigrant_stock_by_origin",
    name=text(en="Immigrant stock by country of origin",
              vi="Số người nhập cư theo quốc gia xuất xứ",
              lo="ຈຳນວນຜູ້ເຂົ້າເມືອງ ແຍກຕາມປະເທດຕົ້ນທາງ", ko="출신국별 이민자 저량"),
    definition=text(
        en="International migrants living in the country at mid-year, by country of origin "
           "and sex.",
        vi="Số người di cư quốc tế sống trong nước vào giữa năm, theo quốc gia xuất xứ và "
           "giới tính.",
        lo="ຈຳນວນຜູ້ເຄື່ອນຍ້າຍສາກົນທີ່ອາໄສຢູ່ໃນປະເທດ ໃນກາງປີ, ແຍກຕາມປະເທດຕົ້ນທາງ ແລະ ເພດ.",
        ko="연중 국내에 거주하는 국제이주민 수(출신국별, 성별).",
    ),
    unit="persons", sources=("undesa_ims",), by_partner=True,
    compute=lambda x: summed(immigrants(x), area=x.area,
                             partner=immigrants(x).counterpart_area),
    reference="GCM objective 1", section="immigration",
))

register(Indicator(
    id="emigrant_stock",
    name=text(en="Emigrant stock", vi="Số người di cư ra nước ngoài",
              lo="ຈຳນວນຜູ້ອົບພະຍົບອອກຕ່າງປະເທດ", ko="해외 이주민 저량"),
    definition=text(
        en="People born in the country (or its citizens) living abroad at mid-year, by sex, "
           "summed over all countries of destination. " + SOURCE_NOTE["en"],
        vi="Số người sinh ra ở trong nước (hoặc công dân) đang sống ở nước ngoài vào giữa "
           "năm, theo giới tính, cộng trên mọi quốc gia đến. " + SOURCE_NOTE["vi"],
        lo="ຈຳນວນຜູ້ທີ່ເກີດໃນປະເທດ (ຫຼື ພົນລະເມືອງ) ທີ່ອາໄສຢູ່ຕ່າງປະເທດ ໃນກາງປີ, ແຍກຕາມເພດ, "
           "ລວມທຸກປະເທດປາຍທາງ. " + SOURCE_NOTE["lo"],
        ko="연중 해외에 거주하는 자국 출생자(또는 자국민) 수(성별), 모든 목적국 합계. "
           + SOURCE_NOTE["ko"],
    ),
    unit="persons", sources=("undesa_ims",), compute=emigrant_stock,
    reference="GCM objectives 1 and 19", section="emigration",
))

register(Indicator(
    id="emigrant_stock_by_destination",
    name=text(en="Emigrant stock by country of destination",
              vi="Số người di cư ra nước ngoài theo quốc gia đến",
              lo="ຈຳນວນຜູ້ອົບພະຍົບອອກຕ່າງປະເທດ ແຍກຕາມປະເທດປາຍທາງ",
              ko="목적국별 해외 이주민 저량"),
    definition=text(
        en="People born in the country (or its citizens) living abroad at mid-year, by "
           "country of destination and sex.",
        vi="Số người sinh ra ở trong nước (hoặc công dân) đang sống ở nước ngoài vào giữa "
           "năm, theo quốc gia đến và giới tính.",
        lo="ຈຳນວນຜູ້ທີ່ເກີດໃນປະເທດ (ຫຼື ພົນລະເມືອງ) ທີ່ອາໄສຢູ່ຕ່າງປະເທດ ໃນກາງປີ, "
           "ແຍກຕາມປະເທດປາຍທາງ ແລະ ເພດ.",
        ko="연중 해외에 거주하는 자국 출생자(또는 자국민) 수(목적국별, 성별).",
    ),
    unit="persons", sources=("undesa_ims",), by_partner=True,
    compute=lambda x: summed(emigrants(x), area=x.area, partner=emigrants(x).ref_area),
    reference="GCM objectives 1 and 19", section="emigration",
))

register(Indicator(
    id="immigrants_pct_population",
    name=text(en="Immigrants as a share of the population",
              vi="Tỷ lệ người nhập cư trong dân số",
              lo="ສັດສ່ວນຜູ້ເຂົ້າເມືອງ ຕໍ່ພົນລະເມືອງ", ko="인구 대비 이민자 비율"),
    definition=text(
        en="Immigrant stock (UN DESA) divided by the total population (World Bank, from UN "
           "World Population Prospects) of the same year, times 100.",
        vi="Số người nhập cư (UN DESA) chia cho tổng dân số (Ngân hàng Thế giới, theo Triển "
           "vọng Dân số Thế giới của Liên Hợp Quốc) cùng năm, nhân 100.",
        lo="ຈຳນວນຜູ້ເຂົ້າເມືອງ (UN DESA) ຫານໃຫ້ພົນລະເມືອງທັງໝົດ (ທະນາຄານໂລກ, ຕາມ UN World "
           "Population Prospects) ໃນປີດຽວກັນ, ຄູນ 100.",
        ko="이민자 저량(UN DESA)을 같은 해 총인구(세계은행, UN 세계인구전망)로 나눈 값에 100을 "
           "곱한 값.",
    ),
    unit="percent", sources=("undesa_ims", "wdi"),
    compute=lambda x: per(total_only(immigrant_stock(x)), population(x)),
    reference="GCM objective 1", section="immigration",
    derived_from="immigrant_stock",
))

register(Indicator(
    id="emigration_rate",
    name=text(en="Emigration rate", vi="Tỷ lệ di cư ra nước ngoài", lo="ອັດຕາການອົບພະຍົບອອກ",
              ko="해외 이주율"),
    definition=text(
        en="Emigrants divided by the sum of emigrants and the resident population, times "
           "100: the share of all people born in the country who live abroad.",
        vi="Số người di cư ra nước ngoài chia cho tổng số người di cư ra nước ngoài và dân số "
           "thường trú, nhân 100: tỷ lệ những người sinh ra trong nước đang sống ở nước ngoài.",
        lo="ຈຳນວນຜູ້ອົບພະຍົບອອກ ຫານໃຫ້ຜົນລວມຂອງຜູ້ອົບພະຍົບອອກ ແລະ ພົນລະເມືອງທີ່ອາໄສຢູ່, "
           "ຄູນ 100: ສັດສ່ວນຂອງຄົນທີ່ເກີດໃນປະເທດ ທີ່ອາໄສຢູ່ຕ່າງປະເທດ.",
        ko="해외 이주민 수를 해외 이주민과 거주 인구의 합으로 나눈 값에 100을 곱한 값: 자국 "
           "출생자 중 해외에 사는 사람의 비율.",
    ),
    unit="percent", sources=("undesa_ims", "wdi"), compute=emigration_rate,
    reference="GCM objective 1", section="emigration",
    derived_from="emigrant_stock",
))

register(Indicator(
    id="female_share_immigrants",
    name=text(en="Women among immigrants", vi="Tỷ lệ nữ trong số người nhập cư",
              lo="ສັດສ່ວນແມ່ຍິງໃນຜູ້ເຂົ້າເມືອງ", ko="이민자 중 여성 비율"),
    definition=text(
        en="Female immigrant stock divided by the total immigrant stock, times 100.",
        vi="Số người nhập cư nữ chia cho tổng số người nhập cư, nhân 100.",
        lo="ຈຳນວນຜູ້ເຂົ້າເມືອງເພດຍິງ ຫານໃຫ້ຈຳນວນຜູ້ເຂົ້າເມືອງທັງໝົດ, ຄູນ 100.",
        ko="여성 이민자 수를 전체 이민자 수로 나눈 값에 100을 곱한 값.",
    ),
    unit="percent", sources=("undesa_ims",),
    compute=lambda x: female_share(immigrant_stock(x)),
    reference="GCM objective 1", section="immigration",
    derived_from="immigrant_stock",
))

register(Indicator(
    id="female_share_emigrants",
    name=text(en="Women among emigrants", vi="Tỷ lệ nữ trong số người di cư ra nước ngoài",
              lo="ສັດສ່ວນແມ່ຍິງໃນຜູ້ອົບພະຍົບອອກ", ko="해외 이주민 중 여성 비율"),
    definition=text(
        en="Female emigrant stock divided by the total emigrant stock, times 100.",
        vi="Số người di cư ra nước ngoài là nữ chia cho tổng số người di cư ra nước ngoài, "
           "nhân 100.",
        lo="ຈຳນວນຜູ້ອົບພະຍົບອອກເພດຍິງ ຫານໃຫ້ຈຳນວນຜູ້ອົບພະຍົບອອກທັງໝົດ, ຄູນ 100.",
        ko="여성 해외 이주민 수를 전체 해외 이주민 수로 나눈 값에 100을 곱한 값.",
    ),
    unit="percent", sources=("undesa_ims",),
    compute=lambda x: female_share(emigrant_stock(x)),
    reference="GCM objective 1", section="emigration",
    derived_from="emigrant_stock",
))


def knomad_emigrants(x: Inputs) -> ir.Table:
    rows = x.source("knomad_bmm", "MIGRANT_STOCK")
    return summed(rows.filter(rows.counterpart_area == x.area), area=x.area)


register(Indicator(
    id="emigrant_stock_knomad",
    name=text(en="Emigrant stock (KNOMAD estimate)",
              vi="Số người di cư ra nước ngoài (ước tính của KNOMAD)",
              lo="ຈຳນວນຜູ້ອົບພະຍົບອອກ (ການຄາດຄະເນຂອງ KNOMAD)",
              ko="해외 이주민 저량(KNOMAD 추정)"),
    definition=text(
        en="Emigrants by the KNOMAD/World Bank Bilateral Migration Matrix, summed over all "
           "destinations; shown beside UN DESA's figure, never merged with it.",
        vi="Số người di cư ra nước ngoài theo Ma trận Di cư Song phương của KNOMAD/Ngân hàng "
           "Thế giới, cộng trên mọi quốc gia đến; trình bày bên cạnh số liệu của UN DESA, "
           "không gộp với số liệu đó.",
        lo="ຈຳນວນຜູ້ອົບພະຍົບອອກ ຕາມຕາຕະລາງການເຄື່ອນຍ້າຍສອງຝ່າຍ ຂອງ KNOMAD/ທະນາຄານໂລກ, "
           "ລວມທຸກປະເທດປາຍທາງ; ສະແດງຄຽງຂ້າງຕົວເລກຂອງ UN DESA, ບໍ່ລວມເຂົ້າກັນ.",
        ko="KNOMAD/세계은행 양자 이주 행렬에 따른 해외 이주민 수(모든 목적국 합계). UN DESA "
           "수치와 나란히 보여 주며 합치지 않는다.",
    ),
    unit="persons", sources=("knomad_bmm",), compute=knomad_emigrants,
    reference="GCM objective 1", section="emigration",
))

register(Indicator(
    id="population",
    name=text(en="Total population", vi="Tổng dân số", lo="ພົນລະເມືອງທັງໝົດ", ko="총인구"),
    definition=text(
        en="Total population at mid-year (World Bank, from UN World Population Prospects).",
        vi="Tổng dân số giữa năm (Ngân hàng Thế giới, theo Triển vọng Dân số Thế giới của "
           "Liên Hợp Quốc).",
        lo="ພົນລະເມືອງທັງໝົດ ໃນກາງປີ (ທະນາຄານໂລກ, ຕາມ UN World Population Prospects).",
        ko="연중 총인구(세계은행, UN 세계인구전망).",
    ),
    unit="persons", sources=("wdi",), compute=population, section="key_figures",
))
