import pytest

from migprofile.codes import UnknownCountry, countries, country, find_country_code


def test_every_undesa_code_is_known():
    from tests.oracle import undesa

    codes = {r["dest_iso3"] for r in undesa()} | {r["origin_iso3"] for r in undesa()}
    assert codes <= countries().keys()


@pytest.mark.parametrize(
    ("code", "language", "name"),
    [
        ("VNM", "en", "Viet Nam"),
        ("VNM", "vi", "Việt Nam"),
        ("LAO", "lo", "ສປປ ລາວ"),
        ("KOR", "ko", "대한민국"),
        ("JPN", "vi", "Nhật Bản"),
        ("TWN", "en", "Taiwan Province of China"),
        ("OOO", "vi", "Không xác định"),
    ],
)
def test_names_in_report_languages(code, language, name):
    assert country(code).name(language) == name


@pytest.mark.parametrize("label", ["Nhật Bản", "nhat ban", "Japan", "JPN", "jp", "일본", "ຍີ່ປຸ່ນ"])
def test_labels_in_any_language_find_the_code(label):
    assert find_country_code(label) == "JPN"


def test_unknown_code_suggests_close_matches():
    with pytest.raises(UnknownCountry) as info:
        country("VNN")
    assert info.value.suggestions[0].iso3 == "VNM"
    assert "Did you mean: VNM (Viet Nam)" in str(info.value)
