"""click's own words in the reader's language (engine/click_words.py): usage errors, help headings and click's
--help/--version options in Vietnamese by default, as click writes them in English, and still the sentences click
asks for (a click upgrade that rewords one is caught here, not by an official reading English)."""
from __future__ import annotations

import re
import string
import unicodedata
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cli import main
from engine import click_words

SOURCE = "\n".join(path.read_text(encoding="utf-8") for path in Path(click.__file__).parent.glob("*.py"))
FIELDS = string.Formatter()


def dropped(english: str) -> set[str]:
    """Fields the Vietnamese leaves out: a number type's English name ("integer range": the Vietnamese says
    "số"), and a path's kind, which click capitalises word by word."""
    return {"number_type"} | ({"name"} if english.startswith("{name} {filename!r}") else set())


def fields(text: str) -> set[str]:
    found = {name for _, name, _, _ in FIELDS.parse(text) if name}
    return found | set(re.findall(r"%\((\w+)\)s", text))


def in_source(sentence: str) -> bool:
    """The sentence as a string literal in click's source, whole or split over adjacent literals."""
    literal = sentence.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace('"', '\\"')
    pieces = re.findall(r'"((?:[^"\\]|\\.)*)"', SOURCE)
    if f'"{literal}"' in SOURCE:
        return True
    joined = re.sub(r'"\s*\n\s*"', "", SOURCE)  # "a" "b" over lines, as black writes long sentences
    return f'"{literal}"' in joined or literal in pieces


@pytest.mark.parametrize("english, vietnamese", sorted(click_words.VI.items()))
def test_every_sentence_is_one_click_asks_for_and_keeps_its_fields(english, vietnamese):
    assert in_source(english), f"click no longer writes {english!r}"
    assert fields(vietnamese) <= fields(english)
    assert fields(english) - fields(vietnamese) <= dropped(english)
    assert unicodedata.is_normalized("NFC", vietnamese)


@pytest.mark.parametrize("english, vietnamese", sorted(click_words.VI_COUNTED.items()))
def test_every_counted_sentence_is_one_click_asks_for_and_keeps_its_fields(english, vietnamese):
    for one_english, one_vietnamese in zip(english, vietnamese):
        assert in_source(one_english), f"click no longer writes {one_english!r}"
        assert fields(one_vietnamese) == fields(one_english)
        assert unicodedata.is_normalized("NFC", one_vietnamese)


def cfc(*args, lang=None):
    env = {"CFC_LANG": lang} if lang else {}
    return CliRunner(env=env).invoke(main, list(args))


ENGLISH = ("Usage:", "Error:", "Invalid value", "is not one of", "No such", "Missing argument", "Try '")


@pytest.mark.parametrize("args, said", [
    (["evaluate", "--format", "xml", "x.csv"],
     "Lỗi: Giá trị không hợp lệ cho '--format': 'xml' không phải một trong 'table', 'json', 'csv', 'xlsx'."),
    (["evaluat"], "Lỗi: Không có lệnh 'evaluat'. Có phải ý bạn là 'evaluate'?"),
    (["evaluate", "--jobs", "abc", "x.csv"], "Lỗi: Giá trị không hợp lệ cho '--jobs' / '-j': 'abc' không phải là số hợp lệ."),
    (["evaluate"], "Lỗi: Thiếu đối số 'FILES...'."),
    (["evaluate", "--formatt", "json", "x.csv"], "Lỗi: Không có tùy chọn '--formatt'. Có phải ý bạn là '--format'?"),
    (["evaluate", "--format"], "Lỗi: Tùy chọn '--format' cần một giá trị."),  # click shows no usage here
])
def test_a_mistyped_command_is_answered_in_vietnamese(args, said):
    result = cfc(*args)
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert said in result.stderr
    if len(result.stderr.splitlines()) > 1:
        assert "Cách dùng: " in result.stderr and "để được hướng dẫn." in result.stderr
    assert not any(word in result.stderr for word in ENGLISH), result.stderr


@pytest.mark.parametrize("how", ["--lang", "CFC_LANG"])
def test_in_english_click_speaks_as_it_always_did(how):
    args = ["evaluate", "--format", "xml", "x.csv"]
    result = cfc(*args, "--lang", "en") if how == "--lang" else cfc(*args, lang="en")
    assert result.exit_code == 2
    assert "Error: Invalid value for '--format': 'xml' is not one of 'table', 'json', 'csv', 'xlsx'." in result.stderr
    assert "Usage: " in result.stderr and "Lỗi" not in result.stderr
    # and the next command in Vietnamese again: the language is the command's, not left over from the last one
    assert "Lỗi: Giá trị không hợp lệ cho '--format'" in cfc(*args).stderr


def test_help_headings_and_clicks_own_options_are_in_vietnamese():
    result = cfc("evaluate", "--help")
    assert result.exit_code == 0
    for words in ("Cách dùng:", "Tùy chọn:", "Hiện hướng dẫn này rồi thoát."):
        assert words in result.output
    assert "Options:" not in result.output and "Show this message" not in result.output


def test_a_result_file_that_does_not_exist_is_said_in_vietnamese(tmp_path):
    missing = tmp_path / "khong-co.json"
    result = cfc("aggregate", str(missing), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert f"'{missing}' không tồn tại." in result.stderr and "does not exist" not in result.stderr
