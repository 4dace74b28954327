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
