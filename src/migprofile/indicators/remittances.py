"""Remittances: World Bank balance-of-payments series and the KNOMAD bilateral matrix.

The two are different things and are never merged: WDI gives the personal remittances a
country's balance of payments records; KNOMAD allocates estimated flows to sending
countries with a model (migrant stocks, incomes), so its totals differ from WDI's.
"""

from __future__ import annotations

import ibis.expr.types as ir

from migprofile.indicators.ops import per, summed, wdi_series
from migprofile.indicators.registry import Indicator, Inputs, register, text


def knomad_inflows(x: Inputs) -> ir.Table:
    rows = x.source("knomad_brm", "REMITTANCES")
    return rows.filter(rows.ref_area == x.area)


WDI_NOTE = text(
    en="Personal remittances comprise personal transfers and compensation of employees, in "
       "current US dollars, as recorded in the balance of payments.",
    vi="Kiều hối cá nhân gồm các khoản chuyển giao cá nhân và thù lao của người lao động, "
       "tính bằng đô la Mỹ theo giá hiện hành, như được ghi nhận trong cán cân thanh toán.",
    lo="ເງິນສົ່ງກັບບ້ານສ່ວນບຸກຄົນ ປະກອບດ້ວຍການໂອນສ່ວນບຸກຄົນ ແລະ ຄ່າຕອບແທນແຮງງານ, "
       "ເປັນໂດລາສະຫະລັດ ລາຄາປັດຈຸບັນ, ຕາມທີ່ບັນທຶກໃນດຸນການຊຳລະ.",
    ko="개인 송금은 개인 이전과 근로자 보수로 구성되며, 국제수지에 기록된 경상 미국 달러 "
       "기준이다.",
)

register(Indicator(
    id="remittance_inflows_usd",
    name=text(en="Remittance inflows", vi="Kiều hối chuyển về", lo="ເງິນສົ່ງກັບບ້ານ (ຂາເຂົ້າ)",
              ko="송금 유입"),
    definition=text(
        en="Personal remittances received (World Bank, BX.TRF.PWKR.CD.DT). " + WDI_NOTE["en"],
        vi="Kiều hối cá nhân nhận được (Ngân hàng Thế giới, BX.TRF.PWKR.CD.DT). "
           + WDI_NOTE["vi"],
        lo="ເງິນສົ່ງກັບບ້ານສ່ວນບຸກຄົນທີ່ໄດ້ຮັບ (ທະນາຄານໂລກ, BX.TRF.PWKR.CD.DT). "
           + WDI_NOTE["lo"],
        ko="개인 송금 수취(세계은행, BX.TRF.PWKR.CD.DT). " + WDI_NOTE["ko"],
    ),
    unit="USD", sources=("wdi",), compute=lambda x: wdi_series(x, "REMITTANCES_IN"),
    reference="GCM objective 20", section="remittances",
))

register(Indicator(
    id="remittance_outflows_usd",
    name=text(en="Remittance outflows", vi="Kiều hối chuyển ra nước ngoài",
              lo="ເງິນສົ່ງອອກຕ່າງປະເທດ (ຂາອອກ)", ko="송금 유출"),
    definition=text(
        en="Personal remittances paid (World Bank, BM.TRF.PWKR.CD.DT). " + WDI_NOTE["en"],
        vi="Kiều hối cá nhân chi trả (Ngân hàng Thế giới, BM.TRF.PWKR.CD.DT). "
           + WDI_NOTE["vi"],
        lo="ເງິນສົ່ງກັບບ້ານສ່ວນບຸກຄົນທີ່ຈ່າຍອອກ (ທະນາຄານໂລກ, BM.TRF.PWKR.CD.DT). "
           + WDI_NOTE["lo"],
        ko="개인 송금 지급(세계은행, BM.TRF.PWKR.CD.DT). " + WDI_NOTE["ko"],
    ),
    unit="USD", sources=("wdi",), compute=lambda x: wdi_series(x, "REMITTANCES_OUT"),
    reference="GCM objective 20", section="remittances",
))

register(Indicator(
    id="remittance_inflows_pct_gdp",
    name=text(en="Remittance inflows as a share of GDP", vi="Kiều hối so với GDP",
              lo="ເງິນສົ່ງກັບບ້ານ ທຽບກັບ GDP", ko="GDP 대비 송금 유입"),
    definition=text(
        en="Personal remittances received divided by gross domestic product (both current US "
           "dollars, World Bank), times 100.",
        vi="Kiều hối cá nhân nhận được chia cho tổng sản phẩm trong nước (cùng tính bằng đô la "
           "Mỹ theo giá hiện hành, Ngân hàng Thế giới), nhân 100.",
        lo="ເງິນສົ່ງກັບບ້ານສ່ວນບຸກຄົນທີ່ໄດ້ຮັບ ຫານໃຫ້ລວມຍອດຜະລິດຕະພັນພາຍໃນ (ໂດລາສະຫະລັດ "
           "ລາຄາປັດຈຸບັນ, ທະນາຄານໂລກ), ຄູນ 100.",
        ko="개인 송금 수취액을 국내총생산(모두 경상 미국 달러, 세계은행)으로 나눈 값에 100을 "
           "곱한 값.",
    ),
    unit="percent", sources=("wdi",),
    compute=lambda x: per(wdi_series(x, "REMITTANCES_IN"), wdi_series(x, "GDP")),
    reference="SDG 17.3.2; GCM objective 20", section="remittances",
    derived_from="remittance_inflows_usd",
))

KNOMAD_NOTE = text(
    en="Model-based estimates (KNOMAD/World Bank Bilateral Remittance Matrix) that allocate a "
       "country's remittances to sending countries using migrant stocks and incomes.",
    vi="Ước tính dựa trên mô hình (Ma trận Kiều hối Song phương của KNOMAD/Ngân hàng Thế "
       "giới), phân bổ kiều hối của một quốc gia theo quốc gia gửi dựa trên số người di cư và "
       "thu nhập.",
    lo="ການຄາດຄະເນໂດຍແບບຈຳລອງ (ຕາຕະລາງເງິນສົ່ງກັບບ້ານສອງຝ່າຍ ຂອງ KNOMAD/ທະນາຄານໂລກ) "
       "ທີ່ແບ່ງເງິນສົ່ງກັບບ້ານຂອງປະເທດໃຫ້ແຕ່ລະປະເທດຜູ້ສົ່ງ ໂດຍອີງໃສ່ຈຳນວນຜູ້ເຄື່ອນຍ້າຍ ແລະ "
       "ລາຍໄດ້.",
    ko="이주민 저량과 소득을 이용해 한 나라의 송금을 송금국별로 배분한 모형 추정치"
       "(KNOMAD/세계은행 양자 송금 행렬).",
)

register(Indicator(
    id="remittance_inflows_by_sender_usd",
    name=text(en="Remittance inflows by sending country (KNOMAD)",
              vi="Kiều hối chuyển về theo quốc gia gửi (KNOMAD)",
              lo="ເງິນສົ່ງກັບບ້ານ ແຍກຕາມປະເທດຜູ້ສົ່ງ (KNOMAD)",
              ko="송금국별 송금 유입(KNOMAD)"),
    definition=text(
        en="Estimated remittances received from each sending country, US dollars. "
           + KNOMAD_NOTE["en"],
        vi="Kiều hối ước tính nhận được từ mỗi quốc gia gửi, đô la Mỹ. " + KNOMAD_NOTE["vi"],
        lo="ເງິນສົ່ງກັບບ້ານທີ່ຄາດຄະເນວ່າໄດ້ຮັບຈາກແຕ່ລະປະເທດຜູ້ສົ່ງ, ໂດລາສະຫະລັດ. "
           + KNOMAD_NOTE["lo"],
        ko="각 송금국으로부터 받은 것으로 추정되는 송금액(미국 달러). " + KNOMAD_NOTE["ko"],
    ),
    unit="USD", sources=("knomad_brm",), by_partner=True,
    compute=lambda x: summed(knomad_inflows(x), area=x.area,
                             partner=knomad_inflows(x).counterpart_area),
    reference="GCM objective 20", section="remittances",
))

register(Indicator(
    id="remittance_inflows_knomad_usd",
    name=text(en="Remittance inflows (KNOMAD estimate)",
              vi="Kiều hối chuyển về (ước tính của KNOMAD)",
              lo="ເງິນສົ່ງກັບບ້ານ (ການຄາດຄະເນຂອງ KNOMAD)", ko="송금 유입(KNOMAD 추정)"),
    definition=text(
        en="Estimated remittances received from all sending countries, US dollars. "
           + KNOMAD_NOTE["en"],
        vi="Kiều hối ước tính nhận được từ tất cả các quốc gia gửi, đô la Mỹ. "
           + KNOMAD_NOTE["vi"],
        lo="ເງິນສົ່ງກັບບ້ານທີ່ຄາດຄະເນວ່າໄດ້ຮັບຈາກທຸກປະເທດຜູ້ສົ່ງ, ໂດລາສະຫະລັດ. "
           + KNOMAD_NOTE["lo"],
        ko="모든 송금국으로부터 받은 것으로 추정되는 송금액(미국 달러). " + KNOMAD_NOTE["ko"],
    ),
    unit="USD", sources=("knomad_brm",),
    compute=lambda x: summed(knomad_inflows(x), area=x.area),
    reference="GCM objective 20", section="remittances",
))
