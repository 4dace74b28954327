"""Translatable messages: the English text on the command line is unchanged, the web app
gets the template and its values back in any language."""

from __future__ import annotations

import pickle

from migprofile.errors import InputProblem, Message, MigprofileError, Named, localized
from migprofile.report.i18n import localizer

YEAR = Named("time_period", {"en": "Year", "vi": "Năm", "lo": "ປີ", "ko": "연도"})


def test_a_message_is_its_english_text():
    message = Message("a second column for {dimension} (the first is {first!r})",
                      dimension=YEAR, first="Năm")
    assert message == "a second column for time_period (the first is 'Năm')"
    problem = InputProblem(file="dolab.csv", rule="duplicate_column", message=message, row=3,
                           column="Năm 2")
    assert str(problem) == ("dolab.csv, row 3, column 'Năm 2': a second column for "
                            "time_period (the first is 'Năm') [duplicate_column]")
    error = MigprofileError(message, path="dolab.csv")
    assert str(error).startswith("dolab.csv: a second") and error.message is message


def test_translated_with_names_and_nested_messages_and_no_repr():
    hint = Message("; closest: {closest}", closest="JPN")
    message = Message("not a known {what}{hint}. Correct it, or map it in a mapping file",
                      what=Named("country", {"en": "country", "vi": "quốc gia"}), hint=hint)
    vietnamese = localizer("vi").gettext
    assert message.translated("vi", vietnamese) == (
        "quốc gia không xác định; gần nhất: JPN. Hãy sửa lại, hoặc ánh xạ trong tệp ánh xạ")
    assert localized(message, "en", str) == (
        "not a known country; closest: JPN. Correct it, or map it in a mapping file")
    repr_free = Message("the first is {first!r}", first=Named("x", {"en": "Year"}))
    assert repr_free.translated("en", str) == "the first is 'Year'"
    assert localized("plain text", "vi", vietnamese) == "plain text"


def test_kept_for_later_and_across_processes():
    message = Message("{message} (first in row {first})", first=4,
                      message=Message("the same figure ({dimensions}) is given twice",
                                      dimensions="time_period"))
    again = Message.from_json(message.to_json())
    assert again == message and again.translated("ko", localizer("ko").gettext) == (
        "같은 수치(time_period)가 두 번 주어졌습니다 (4행에 처음 나옴)")
    copied = pickle.loads(pickle.dumps(message))
    assert copied == message and copied.template == message.template


def test_a_layout_problem_is_shown_in_vietnamese(tmp_path):
    """The layout reader's problems (a region's subtotal that does not add up, a unit line
    it cannot read) reach the web app as templates, so they are shown in the page's
    language; the command line keeps its English text."""
    from migprofile.codes import builtin_dataflows
    from migprofile.sources.national.reader import read_national

    def problems(text: str) -> dict[str, Message]:
        path = tmp_path / "dolab.csv"
        path.write_text(text, encoding="utf-8")
        read = read_national(path, dataflow=builtin_dataflows()["LABOUR_DEPLOYMENTS"])
        return {p.rule: p.message for p in read.problems}

    vietnamese = localizer("vi").gettext
    unit = problems("Đơn vị tính: tỷ đồng\nNăm,Thị trường,Số lao động\n2022,Nhật Bản,60\n")["unit"]
    assert unit.startswith("this unit is not understood")
    assert unit.translated("vi", vietnamese).startswith("không hiểu được đơn vị này")
    subtotal = problems("Năm,Thị trường,Số lao động\n2021,Châu Á,100\n2021,Nhật Bản,60\n"
                        "2021,Đài Loan,30\n")["subtotal"]
    assert subtotal == ("the subtotal for Châu Á is 100 but the rows it groups (rows 3–4: "
                        "Nhật Bản, Đài Loan) add up to 90: a difference of 10. Correct the "
                        "subtotal or the rows under it")
    assert subtotal.translated("vi", vietnamese) == (
        "tổng phụ của Châu Á là 100 nhưng các dòng thuộc nó (các dòng 3–4: Nhật Bản, Đài "
        "Loan) cộng lại được 90: chênh lệch 10. Hãy sửa tổng phụ hoặc các dòng bên dưới")
