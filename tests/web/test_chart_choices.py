"""Choices under a dashboard chart: the rows of every option, a list per choice, one
filter (or, on a map, one lookup key)."""

from __future__ import annotations

import copy

from migprofile.web.chart_choices import (
    KEY,
    Choice,
    choice_rows,
    offered,
    with_choices,
    with_keyed_choices,
)

YEAR = Choice("year", "Year", {"2024": "2024", "2020": "2020"}, "2024")
SEX = Choice("sex", "Sex", {"_T": "Total", "F": "Women", "M": "Men"}, "_T")
PARTNER = Choice("partner", "Country", {"_Z": "All countries", "JPN": "Japan"}, "_Z")
ONLY_TOTAL = Choice("sex", "Sex", {"_T": "Total"}, "_T")


def values(chosen: dict[str, str]) -> list[dict]:
    return [{"code": "JPN", "value": f"{chosen['year']}-{chosen['sex']}"}]


def test_the_rows_of_every_option_lead_with_the_options_they_belong_to():
    rows = choice_rows([YEAR, SEX], values)
    assert rows[0] == {"year": "2024", "sex": "_T", "code": "JPN", "value": "2024-_T"}
    assert [(r["year"], r["sex"]) for r in rows] == [
        (y, s) for y in ("2024", "2020") for s in ("_T", "F", "M")]
    assert all(r["value"] == f"{r['year']}-{r['sex']}" for r in rows)


def test_a_choice_of_one_option_is_not_offered_and_its_rows_are_the_default():
    assert offered([YEAR, ONLY_TOTAL]) == [YEAR]
    rows = choice_rows([YEAR, ONLY_TOTAL], values)
    assert rows == [{"year": "2024", "code": "JPN", "value": "2024-_T"},
                    {"year": "2020", "code": "JPN", "value": "2020-_T"}]


def test_each_choice_is_a_list_with_its_label_options_and_default():
    param = SEX.bound()
    assert param == {"name": "choice_sex", "value": "_T", "bind": {
        "input": "select", "options": ["_T", "F", "M"], "labels": ["Total", "Women", "Men"],
        "name": "Sex "}}
    assert YEAR.param == "choice_year"  # ``year`` is a function of Vega's expressions


def line_chart() -> dict:
    return {"layer": [{"data": {"name": "rows"}, "mark": "line"},
                      {"data": {"name": "breaks"}, "mark": "rule"}],
            "datasets": {"rows": [{"year": 2020, "value": 1}],
                         "breaks": [{"year": 2019.5}]}}


def test_one_filter_keeps_the_rows_of_the_options_chosen_and_the_report_is_unchanged():
    spec = line_chart()
    before = copy.deepcopy(spec)
    rows = choice_rows([SEX, PARTNER], lambda chosen: [{"year": 2020, **chosen}])
    shown = with_choices(spec, rows, [SEX, PARTNER])
    assert spec == before
    assert shown["datasets"]["rows"] == rows and len(rows) == 6
    assert [p["name"] for p in shown["params"]] == ["choice_sex", "choice_partner"]
    test = "datum.sex === choice_sex && datum.partner === choice_partner"
    assert shown["layer"][0]["transform"] == [{"filter": test}]
    # the marks of another table (breaks in series) are drawn under the defaults only
    assert shown["datasets"]["breaks"] == [{"sex": "_T", "partner": "_Z", "year": 2019.5}]
    assert shown["layer"][1]["transform"] == [{"filter": test}]


def test_layers_sharing_the_charts_table_are_filtered_once_at_the_top():
    spec = {"data": {"name": "rows"}, "layer": [{"mark": "bar"}, {"mark": "text"}],
            "transform": [{"calculate": "1", "as": "one"}], "datasets": {"rows": []}}
    shown = with_choices(spec, choice_rows([SEX], values_of_sex), [SEX])
    assert shown["transform"] == [{"filter": "datum.sex === choice_sex"},
                                  {"calculate": "1", "as": "one"}]
    assert all("transform" not in layer for layer in shown["layer"])


def values_of_sex(chosen: dict[str, str]) -> list[dict]:
    return [{"value": chosen["sex"]}]


def test_without_a_choice_offered_the_chart_only_draws_the_default_rows():
    shown = with_choices(line_chart(), [{"year": 2020, "value": 2}], [ONLY_TOTAL])
    assert "params" not in shown and "transform" not in shown["layer"][0]
    assert shown["datasets"]["rows"] == [{"year": 2020, "value": 2}]


def world_map() -> dict:
    return {"data": {"name": "shapes"}, "layer": [
        {"mark": "geoshape"},
        {"mark": "geoshape", "transform": [
            {"lookup": "id", "from": {"data": {"name": "rows"}, "key": "code",
                                      "fields": ["value"]}},
            {"filter": "isValid(datum.value)"}]}],
        "datasets": {"shapes": {"type": "Topology"}, "rows": [{"code": "JPN", "value": 1}]}}


def test_a_map_looks_its_values_up_by_country_and_options_chosen():
    spec = world_map()
    before = copy.deepcopy(spec)
    rows = choice_rows([YEAR, SEX], values)
    shown = with_keyed_choices(spec, rows, [YEAR, SEX])
    assert spec == before
    assert shown["datasets"]["rows"][0] == {KEY: "JPN|2024|_T", **rows[0]}
    assert [p["name"] for p in shown["params"]] == ["choice_year", "choice_sex"]
    assert shown["layer"][1]["transform"][:2] == [
        {"calculate": "datum.id + '|' + choice_year + '|' + choice_sex", "as": KEY},
        {"lookup": KEY, "from": {"data": {"name": "rows"}, "key": KEY, "fields": ["value"]}}]
    assert shown["layer"][0] == spec["layer"][0]


def test_a_map_without_a_choice_offered_keeps_its_lookup():
    rows = [{"code": "JPN", "value": 5}]
    shown = with_keyed_choices(world_map(), rows, [ONLY_TOTAL])
    assert shown["layer"] == world_map()["layer"] and "params" not in shown
    assert shown["datasets"]["rows"] == rows
