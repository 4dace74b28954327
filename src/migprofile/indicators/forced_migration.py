"""Forced migration (UNHCR) and net migration (World Bank, from UN World Population Prospects)."""

from __future__ import annotations

import ibis.expr.types as ir

from migprofile.indicators.migrant_stock import population
from migprofile.indicators.ops import per, summed, wdi_series
from migprofile.indicators.registry import Indicator, Inputs, register, text


def from_country(x: Inputs, measure: str) -> ir.Table:
    """People originating from the country, by country of asylum (the partner)."""
    rows = x.source("unhcr", measure)
    rows = rows.filter(rows.counterpart_area == x.area)
    return summed(rows, area=x.area, partner=rows.ref_area)


def in_country(x: Inputs, measure: str) -> ir.Table:
    """People in the country, by country of origin (the partner)."""
    rows = x.source("unhcr", measure)
    rows = rows.filter(rows.ref_area == x.area)
    return summed(rows, area=x.area, partner=rows.counterpart_area)


def total(rows: ir.Table, area: str) -> ir.Table:
    """Sum over partners."""
    return summed(rows, area=area)


UNHCR_NOTE = text(
    en="UNHCR, populations at the end of the year (2024: mid-year figures).",
    vi="UNHCR, số người vào cuối năm (năm 2024: số liệu giữa năm).",
    lo="UNHCR, ຈຳນວນຄົນໃນທ້າຍປີ (ປີ 2024: ຕົວເລກກາງປີ).",
    ko="UNHCR, 연말 기준 인구(2024년: 연중 수치).",
)


def _unhcr_text(en: str, vi: str, lo: str, ko: str):
    return text(en=f"{en} {UNHCR_NOTE['en']}", vi=f"{vi} {UNHCR_NOTE['vi']}",
                lo=f"{lo} {UNHCR_NOTE['lo']}", ko=f"{ko} {UNHCR_NOTE['ko']}")


register(Indicator(
    id="refugees_by_origin",
    name=text(en="Refugees from the country, by country of asylum",
              vi="Người tị nạn có nguồn gốc từ trong nước, theo quốc gia tị nạn",
              lo="ຜູ້ລີ້ໄພຈາກປະເທດ ແຍກຕາມປະເທດທີ່ໃຫ້ລີ້ໄພ",
              ko="비호국별 자국 출신 난민"),
    definition=_unhcr_text(
        "Refugees and people in refugee-like situations originating from the country, by "
        "country of asylum.",
        "Người tị nạn và người trong hoàn cảnh tương tự người tị nạn có nguồn gốc từ trong "
        "nước, theo quốc gia tị nạn.",
        "ຜູ້ລີ້ໄພ ແລະ ຜູ້ທີ່ຢູ່ໃນສະພາບຄ້າຍຄືຜູ້ລີ້ໄພ ທີ່ມາຈາກປະເທດ, ແຍກຕາມປະເທດທີ່ໃຫ້ລີ້ໄພ.",
        "자국 출신 난민 및 난민과 유사한 상황에 있는 사람(비호국별).",
    ),
    unit="persons", sources=("unhcr",), by_partner=True,
    compute=lambda x: from_country(x, "REFUGEES"),
    reference="SDG 10.7.4", section="forced_migration",
))

register(Indicator(
    id="refugees_abroad",
    name=text(en="Refugees from the country (all countries of asylum)",
              vi="Người tị nạn có nguồn gốc từ trong nước (tất cả các quốc gia tị nạn)",
              lo="ຜູ້ລີ້ໄພຈາກປະເທດ (ທຸກປະເທດທີ່ໃຫ້ລີ້ໄພ)",
              ko="자국 출신 난민(모든 비호국)"),
    definition=_unhcr_text(
        "Refugees and people in refugee-like situations originating from the country, summed "
        "over all countries of asylum.",
        "Người tị nạn và người trong hoàn cảnh tương tự người tị nạn có nguồn gốc từ trong "
        "nước, cộng trên tất cả các quốc gia tị nạn.",
        "ຜູ້ລີ້ໄພ ແລະ ຜູ້ທີ່ຢູ່ໃນສະພາບຄ້າຍຄືຜູ້ລີ້ໄພ ທີ່ມາຈາກປະເທດ, ລວມທຸກປະເທດທີ່ໃຫ້ລີ້ໄພ.",
        "자국 출신 난민 및 난민과 유사한 상황에 있는 사람(모든 비호국 합계).",
    ),
    unit="persons", sources=("unhcr",),
    compute=lambda x: total(from_country(x, "REFUGEES"), x.area),
    reference="SDG 10.7.4", section="forced_migration",
))

register(Indicator(
    id="refugees_per_100k_population",
    name=text(en="Refugees from the country per 100,000 population",
              vi="Người tị nạn có nguồn gốc từ trong nước trên 100.000 dân",
              lo="ຜູ້ລີ້ໄພຈາກປະເທດ ຕໍ່ພົນລະເມືອງ 100.000 ຄົນ",
              ko="인구 10만 명당 자국 출신 난민"),
    definition=text(
        en="Refugees originating from the country (UNHCR) per 100,000 people of its "
           "population (World Bank) in the same year: SDG indicator 10.7.4.",
        vi="Số người tị nạn có nguồn gốc từ trong nước (UNHCR) trên 100.000 dân (Ngân hàng Thế "
           "giới) cùng năm: chỉ tiêu SDG 10.7.4.",
        lo="ຈຳນວນຜູ້ລີ້ໄພທີ່ມາຈາກປະເທດ (UNHCR) ຕໍ່ພົນລະເມືອງ 100.000 ຄົນ (ທະນາຄານໂລກ) "
           "ໃນປີດຽວກັນ: ຕົວຊີ້ວັດ SDG 10.7.4.",
        ko="같은 해 인구(세계은행) 10만 명당 자국 출신 난민 수(UNHCR): SDG 지표 10.7.4.",
    ),
    unit="per_100k", sources=("unhcr", "wdi"),
    compute=lambda x: per(total(from_country(x, "REFUGEES"), x.area), population(x),
                          scale=100_000),
    reference="SDG 10.7.4", section="forced_migration",
    derived_from="refugees_abroad",
))

register(Indicator(
    id="refugees_hosted",
    name=text(en="Refugees hosted, by country of origin",
              vi="Người tị nạn được tiếp nhận, theo quốc gia xuất xứ",
              lo="ຜູ້ລີ້ໄພທີ່ໄດ້ຮັບການຕ້ອນຮັບ ແຍກຕາມປະເທດຕົ້ນທາງ",
              ko="출신국별 수용 난민"),
    definition=_unhcr_text(
        "Refugees and people in refugee-like situations hosted by the country, by country of "
        "origin.",
        "Người tị nạn và người trong hoàn cảnh tương tự người tị nạn đang được quốc gia tiếp "
        "nhận, theo quốc gia xuất xứ.",
        "ຜູ້ລີ້ໄພ ແລະ ຜູ້ທີ່ຢູ່ໃນສະພາບຄ້າຍຄືຜູ້ລີ້ໄພ ທີ່ປະເທດໃຫ້ການຕ້ອນຮັບ, "
        "ແຍກຕາມປະເທດຕົ້ນທາງ.",
        "국가가 수용하고 있는 난민 및 난민과 유사한 상황에 있는 사람(출신국별).",
    ),
    unit="persons", sources=("unhcr",), by_partner=True,
    compute=lambda x: in_country(x, "REFUGEES"),
    reference="Global Compact on Refugees", section="forced_migration",
))

register(Indicator(
    id="refugees_hosted_total",
    name=text(en="Refugees hosted (all countries of origin)",
              vi="Người tị nạn được tiếp nhận (tất cả các quốc gia xuất xứ)",
              lo="ຜູ້ລີ້ໄພທີ່ໄດ້ຮັບການຕ້ອນຮັບ (ທຸກປະເທດຕົ້ນທາງ)",
              ko="수용 난민(모든 출신국)"),
    definition=_unhcr_text(
        "Refugees and people in refugee-like situations hosted by the country, summed over "
        "all countries of origin.",
        "Người tị nạn và người trong hoàn cảnh tương tự người tị nạn đang được quốc gia tiếp "
        "nhận, cộng trên tất cả các quốc gia xuất xứ.",
        "ຜູ້ລີ້ໄພ ແລະ ຜູ້ທີ່ຢູ່ໃນສະພາບຄ້າຍຄືຜູ້ລີ້ໄພ ທີ່ປະເທດໃຫ້ການຕ້ອນຮັບ, "
        "ລວມທຸກປະເທດຕົ້ນທາງ.",
        "국가가 수용하고 있는 난민 및 난민과 유사한 상황에 있는 사람(모든 출신국 합계).",
    ),
    unit="persons", sources=("unhcr",),
    compute=lambda x: total(in_country(x, "REFUGEES"), x.area),
    reference="Global Compact on Refugees", section="forced_migration",
))

register(Indicator(
    id="asylum_seekers_by_origin",
    name=text(en="Asylum-seekers from the country, by country of asylum",
              vi="Người xin tị nạn có nguồn gốc từ trong nước, theo quốc gia xin tị nạn",
              lo="ຜູ້ຂໍລີ້ໄພຈາກປະເທດ ແຍກຕາມປະເທດທີ່ຂໍລີ້ໄພ",
              ko="비호 신청국별 자국 출신 비호 신청자"),
    definition=_unhcr_text(
        "People from the country whose applications for asylum or refugee status are pending, "
        "by country of asylum.",
        "Những người từ trong nước có đơn xin tị nạn hoặc xin quy chế tị nạn đang chờ xử lý, "
        "theo quốc gia xin tị nạn.",
        "ຄົນຈາກປະເທດ ທີ່ຄຳຮ້ອງຂໍລີ້ໄພ ຫຼື ສະຖານະຜູ້ລີ້ໄພ ຍັງລໍຖ້າການພິຈາລະນາ, "
        "ແຍກຕາມປະເທດທີ່ຂໍລີ້ໄພ.",
        "비호 또는 난민 지위 신청이 계류 중인 자국 출신자(비호 신청국별).",
    ),
    unit="persons", sources=("unhcr",), by_partner=True,
    compute=lambda x: from_country(x, "ASYLUM_SEEKERS"),
    reference="Global Compact on Refugees", section="forced_migration",
))

register(Indicator(
    id="asylum_seekers_abroad",
    name=text(en="Asylum-seekers from the country (all countries of asylum)",
              vi="Người xin tị nạn có nguồn gốc từ trong nước (tất cả các quốc gia)",
              lo="ຜູ້ຂໍລີ້ໄພຈາກປະເທດ (ທຸກປະເທດ)", ko="자국 출신 비호 신청자(모든 국가)"),
    definition=_unhcr_text(
        "People from the country whose applications for asylum or refugee status are pending, "
        "summed over all countries of asylum.",
        "Những người từ trong nước có đơn xin tị nạn hoặc xin quy chế tị nạn đang chờ xử lý, "
        "cộng trên tất cả các quốc gia.",
        "ຄົນຈາກປະເທດ ທີ່ຄຳຮ້ອງຂໍລີ້ໄພ ຫຼື ສະຖານະຜູ້ລີ້ໄພ ຍັງລໍຖ້າການພິຈາລະນາ, ລວມທຸກປະເທດ.",
        "비호 또는 난민 지위 신청이 계류 중인 자국 출신자(모든 국가 합계).",
    ),
    unit="persons", sources=("unhcr",),
    compute=lambda x: total(from_country(x, "ASYLUM_SEEKERS"), x.area),
    reference="Global Compact on Refugees", section="forced_migration",
))

register(Indicator(
    id="internally_displaced",
    name=text(en="Internally displaced persons (UNHCR)", vi="Người di tản trong nước (UNHCR)",
              lo="ຜູ້ພັດຖິ່ນພາຍໃນປະເທດ (UNHCR)", ko="국내 실향민(UNHCR)"),
    definition=_unhcr_text(
        "People forced to leave their homes who remain within the country, as protected or "
        "assisted by UNHCR.",
        "Những người buộc phải rời bỏ nơi ở nhưng vẫn ở trong nước, được UNHCR bảo vệ hoặc "
        "hỗ trợ.",
        "ຜູ້ທີ່ຖືກບັງຄັບໃຫ້ອອກຈາກບ້ານ ແຕ່ຍັງຢູ່ພາຍໃນປະເທດ, ທີ່ UNHCR ປົກປ້ອງ ຫຼື ຊ່ວຍເຫຼືອ.",
        "집을 떠나야 했으나 국내에 머무는 사람으로 UNHCR이 보호하거나 지원하는 사람.",
    ),
    unit="persons", sources=("unhcr",),
    compute=lambda x: total(in_country(x, "IDPS"), x.area),
    reference="Global Compact on Refugees", section="forced_migration",
))

register(Indicator(
    id="stateless_persons",
    name=text(en="Stateless persons in the country", vi="Người không quốc tịch trong nước",
              lo="ຄົນບໍ່ມີສັນຊາດໃນປະເທດ", ko="국내 무국적자"),
    definition=_unhcr_text(
        "People in the country not considered as nationals by any State under the operation "
        "of its law.",
        "Những người trong nước không được bất kỳ quốc gia nào coi là công dân theo pháp luật "
        "của quốc gia đó.",
        "ຄົນໃນປະເທດ ທີ່ບໍ່ຖືກຖືວ່າເປັນພົນລະເມືອງ ຂອງລັດໃດໜຶ່ງ ຕາມກົດໝາຍຂອງລັດນັ້ນ.",
        "어느 국가의 법률에 의해서도 국민으로 인정되지 않는 국내 거주자.",
    ),
    unit="persons", sources=("unhcr",),
    compute=lambda x: total(in_country(x, "STATELESS"), x.area),
    reference="Global Compact on Refugees", section="forced_migration",
))

register(Indicator(
    id="net_migration",
    name=text(en="Net migration", vi="Di cư thuần", lo="ການເຄື່ອນຍ້າຍສຸດທິ", ko="순이동"),
    definition=text(
        en="Immigrants minus emigrants during the year, citizens and non-citizens together "
           "(World Bank SM.POP.NETM, from UN World Population Prospects 2024). Negative values "
           "mean more people left than arrived.",
        vi="Số người nhập cư trừ số người xuất cư trong năm, gồm cả công dân và người không "
           "phải công dân (Ngân hàng Thế giới SM.POP.NETM, theo Triển vọng Dân số Thế giới 2024 "
           "của Liên Hợp Quốc). Giá trị âm nghĩa là số người đi nhiều hơn số người đến.",
        lo="ຈຳນວນຜູ້ເຂົ້າເມືອງ ລົບຈຳນວນຜູ້ອົບພະຍົບອອກ ໃນປີ, ລວມທັງພົນລະເມືອງ ແລະ ບໍ່ແມ່ນ"
           "ພົນລະເມືອງ (ທະນາຄານໂລກ SM.POP.NETM, ຕາມ UN World Population Prospects 2024). "
           "ຄ່າລົບ ໝາຍຄວາມວ່າ ຄົນອອກໄປຫຼາຍກວ່າຄົນເຂົ້າມາ.",
        ko="연간 이입자 수에서 이출자 수를 뺀 값(자국민과 외국인 포함, 세계은행 SM.POP.NETM, "
           "UN 세계인구전망 2024). 음수는 떠난 사람이 들어온 사람보다 많다는 뜻이다.",
    ),
    unit="persons", sources=("wdi",),
    compute=lambda x: wdi_series(x, "NET_MIGRATION"),
    reference="GCM objective 1", section="key_figures",
))

