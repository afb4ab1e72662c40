"""Errors about whole files and outputs (a file cfc cannot read, an output it cannot write, a criteria file it
cannot use) are said in Vietnamese by default and in English with --lang en / CFC_LANG=en, as one line naming
the file, like data errors. Also: every catalog message exists in both languages, in NFC."""
from __future__ import annotations

import errno
import re
import string
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

import engine.atomic
import engine.limits
from cli import main
from engine.criteria.versions import CriteriaLibrary
from engine.messages import CATALOG, Message, MessageError, Said, localised

ROOT = Path(__file__).resolve().parents[1]
GOOD = ROOT / "tests" / "fixtures" / "robust" / "good.csv"
SINGLE = ROOT / "evaluations" / "single-unit.yaml"

# Letters only Vietnamese uses (a line in Vietnamese holds some); words only English would put in a message.
VIETNAMESE = re.compile("[ạảãàáâậầấẩẫăắằặẳẵđêềếểễệẹẻẽèéôồốổỗộơờớởỡợọỏõòóưừứửữựụủũùúìíỉĩịỳýỷỹỵ]")
ENGLISH = re.compile(r"\b(cannot|error|file|folder|line|not|the|is|are|read|write|empty|larger|save|must|no)\b",
                     re.IGNORECASE)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# ---------------------------------------------------------------- the catalog


def test_every_message_has_both_languages_in_nfc_with_the_same_parameters():
    for key, (vi, en) in CATALOG.items():
        assert vi.strip() and en.strip(), key
        assert unicodedata.is_normalized("NFC", vi) and unicodedata.is_normalized("NFC", en), key
        if key.startswith("os_"):  # English is the system's own words ({error}); Vietnamese is ours
            assert _fields(vi) <= _fields(en) == {"error"}, key
        else:
            assert _fields(vi) == _fields(en), key


def test_an_error_is_english_as_a_string_and_either_language_when_rendered():
    error = MessageError("csv_empty", file="xa.csv")
    assert str(error) == "xa.csv: empty file (no header row)"
    assert error.render("vi") == "xa.csv: tệp trống (không có hàng tiêu đề cột)"
    said = Said(error.message)
    assert said == str(error) and localised(said, "vi") == error.render("vi") and localised("plain", "vi") == "plain"
    nested = Message("file_cannot_read", {"file": "a", "reason": Message("os_no_file", {"error": "No such file"})})
    assert nested.render("en") == "a: cannot read: No such file"
    assert nested.render("vi") == "không đọc được tệp a: không tìm thấy tệp"


# ---------------------------------------------------------------- each kind of file error, from the command line

def _missing(tmp_path, monkeypatch):
    return ["evaluate", tmp_path / "khong-co.csv"], "khong-co.csv", "cannot read"


def _extension(tmp_path, monkeypatch):
    (tmp_path / "so-lieu.txt").write_text("unit_code\n1\n", encoding="utf-8")
    return ["evaluate", tmp_path / "so-lieu.txt"], "so-lieu.txt", "unsupported file type .txt"


def _empty(tmp_path, monkeypatch):
    (tmp_path / "trong.csv").write_bytes(b"")
    return ["evaluate", tmp_path / "trong.csv"], "trong.csv", "empty file"


def _no_header(tmp_path, monkeypatch):
    (tmp_path / "bang.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    return ["evaluate", tmp_path / "bang.csv"], "bang.csv", "no header row"


def _encoding(tmp_path, monkeypatch):
    (tmp_path / "latin.csv").write_bytes("unit_code,unit_name\n1,X\xe3 A\n".encode("latin-1"))
    return ["evaluate", tmp_path / "latin.csv"], "latin.csv", "line 2 is not UTF-8 text"


def _nul(tmp_path, monkeypatch):
    (tmp_path / "nhi-phan.csv").write_bytes(b"unit_code\x00,x\n")
    return ["evaluate", tmp_path / "nhi-phan.csv"], "nhi-phan.csv", "NUL bytes"


def _too_large(tmp_path, monkeypatch):
    library = CriteriaLibrary.load(None)  # loaded before the limit shrinks: the criteria file is larger
    monkeypatch.setattr(CriteriaLibrary, "load", classmethod(lambda cls, path=None: library))
    monkeypatch.setattr(engine.limits, "MAX_DOCUMENT_BYTES", 64)
    (tmp_path / "lon.yaml").write_text("unit_code: '09652'\n" * 10, encoding="utf-8")
    return ["evaluate", tmp_path / "lon.yaml"], "lon.yaml", "split it into several files"


def _encrypted(tmp_path, monkeypatch):
    (tmp_path / "mat-khau.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    return ["evaluate", tmp_path / "mat-khau.xlsx"], "mat-khau.xlsx", "password-protected"


def _key_twice(tmp_path, monkeypatch):
    (tmp_path / "hai-lan.yaml").write_text("units: []\nunits: []\n", encoding="utf-8")
    return ["evaluate", tmp_path / "hai-lan.yaml"], "hai-lan.yaml", "line 2: key 'units' is written twice"


def _empty_list(tmp_path, monkeypatch):
    (tmp_path / "rong.json").write_text("[]", encoding="utf-8")
    return ["evaluate", tmp_path / "rong.json"], "rong.json", "the list of units is empty"


def _yaml_limit(tmp_path, monkeypatch):
    bomb = ROOT / "tests" / "fixtures" / "robust" / "billion-laughs.yaml"
    return ["evaluate", bomb], "billion-laughs.yaml", "values once aliases are expanded"


def _no_folder(tmp_path, monkeypatch):
    return ["evaluate", GOOD, "-o", tmp_path / "thieu" / "kq.json"], "kq.json", "the folder"


def _file_for_folder(tmp_path, monkeypatch):
    (tmp_path / "tep.txt").write_text("", encoding="utf-8")
    return ["template", "-o", tmp_path / "tep.txt" / "phieu.xlsx"], "phieu.xlsx", "is a file, not a folder"


def _read_only(tmp_path, monkeypatch):
    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(tmp_path / ".kq.x.tmp.json"))

    monkeypatch.setattr(engine.atomic, "_create", read_only)
    return ["evaluate", GOOD, "-o", tmp_path / "kq.json"], "kq.json", "read-only"


def _disk_full(tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(engine.atomic, "open", full, raising=False)
    return ["evaluate", GOOD, "--format", "json", "-o", tmp_path / "day.json"], "day.json", "the disk is full"


def _criteria_not_mapping(tmp_path, monkeypatch):
    (tmp_path / "tieu-chi.yaml").write_text("- a\n- b\n", encoding="utf-8")
    return (["evaluate", GOOD, "--criteria", tmp_path / "tieu-chi.yaml"], "tieu-chi.yaml",
            "expected a mapping with instrument")


def _criteria_missing(tmp_path, monkeypatch):
    return ["evaluate", GOOD, "--criteria", tmp_path / "khong.yaml"], "khong.yaml", "cannot read"


def _criteria_empty_folder(tmp_path, monkeypatch):
    (tmp_path / "bo-tieu-chi").mkdir()
    return ["criteria", "show", "--criteria", tmp_path / "bo-tieu-chi"], "bo-tieu-chi", "no criteria files"


def _results_not_json(tmp_path, monkeypatch):
    (tmp_path / "ket-qua.json").write_text('{"units": [', encoding="utf-8")
    return ["aggregate", tmp_path / "ket-qua.json", "-o", tmp_path / "tong-hop"], "ket-qua.json", "not valid JSON"


CASES = {f.__name__.strip("_"): f for f in [
    _missing, _extension, _empty, _no_header, _encoding, _nul, _too_large, _encrypted, _key_twice,
    _empty_list, _yaml_limit, _no_folder, _file_for_folder, _read_only, _disk_full, _criteria_not_mapping,
    _criteria_missing, _criteria_empty_folder, _results_not_json]}


def _run(args, lang_args, env=None):
    return CliRunner(env=env).invoke(main, [str(a) for a in args] + lang_args)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("how", ["--lang", "CFC_LANG"])
def test_file_errors_are_said_in_vietnamese_or_english(case, how, tmp_path, monkeypatch):
    args, name, english = CASES[case](tmp_path, monkeypatch)
    said = {}
    for lang in ("vi", "en"):
        result = (_run(args, ["--lang", lang]) if how == "--lang" else _run(args, [], env={"CFC_LANG": lang}))
        assert result.exit_code == 2 and isinstance(result.exception, SystemExit), (result.output, result.exception)
        assert "Traceback" not in result.output
        first = "Lỗi: " if lang == "vi" else "Error: "
        criteria = case.startswith("criteria")  # a criteria file: a heading, then each problem on its line
        lines = [line for line in result.stderr.splitlines() if line.startswith(first) or criteria]
        assert len(lines) == (2 if criteria else 1), result.stderr
        said[lang] = " ".join(lines)
        assert name in said[lang]
    vi, en = said["vi"], said["en"]
    assert english in en and not VIETNAMESE.search(en), en
    assert VIETNAMESE.search(vi), vi
    own_words = vi.replace(str(tmp_path), "").replace(str(ROOT), "")
    assert not ENGLISH.search(own_words), vi
    assert unicodedata.is_normalized("NFC", vi)


@pytest.mark.parametrize("lang, said", [("vi", "thu-muc.csv: là một thư mục, không phải tệp"),
                                        ("en", "thu-muc.csv: is a folder, not a file")])
def test_a_folder_given_as_a_file_is_named(tmp_path, lang, said):
    from engine.readers import read_records
    from engine.readers.records import InputFileError

    (tmp_path / "thu-muc.csv").mkdir()  # the command line refuses it first (click); the reader names it too
    with pytest.raises(InputFileError) as caught:
        read_records(tmp_path / "thu-muc.csv")
    assert caught.value.render(lang) == f"{tmp_path}/{said}"


def test_the_terminal_table_names_an_unreadable_file_once_in_the_chosen_language(tmp_path):
    missing = tmp_path / "khong-co.csv"
    vi = _run(["evaluate", GOOD, missing], [])
    en = _run(["evaluate", GOOD, missing], ["--lang", "en"])
    assert vi.exit_code == en.exit_code == 2
    # The good file's table on stdout; the unreadable one named once, on stderr, as click says its errors.
    assert "00801" in vi.stdout and str(missing) not in vi.stdout and str(missing) not in en.stdout
    assert vi.stderr.count(str(missing)) == 1 and en.stderr.count(str(missing)) == 1
    assert f"Lỗi: không đọc được tệp {missing}: không tìm thấy tệp" in vi.stderr
    assert f"Error: {missing}: cannot read: No such file or directory" in en.stderr


def test_json_results_keep_file_errors_in_english_as_before(tmp_path):
    import json

    missing = tmp_path / "khong-co.csv"
    result = _run(["evaluate", GOOD, missing, "--format", "json"], [])
    assert json.loads(result.stdout)["file_errors"] == [f"{missing}: cannot read: No such file or directory"]


@pytest.mark.parametrize("lang, words", [("vi", "bộ máy luật không chấm đúng"), ("en", "the rule engine did not behave")])
def test_a_fault_of_the_rule_engine_is_one_line_and_exit_3_every_time(monkeypatch, lang, words):
    """Rules that overlap cannot come from a criteria file that passes validation; were the compiler to make them,
    the probe refuses the ruleset, and the command says so in one line, again on a second ask."""
    from engine.rules import compiled as rules
    original = rules.compile_rulesets

    def overlapping(criteria):
        rulesets, decides = original(criteria)
        conditions = rulesets["indicator 7"]["indicator 7: 98% <= measure -> band 0, 50 points"]["all"][0]["m"]["$and"]
        conditions[-1] = {"$gte": {"value": 0.0}}  # the best band taking every value: over all the others
        return rulesets, decides

    monkeypatch.setattr(rules, "compile_rulesets", overlapping)
    for _ in range(2):
        monkeypatch.setattr(rules, "_COMPILED", {})
        result = _run(["evaluate", SINGLE], ["--lang", lang])
        assert result.exit_code == 3 and isinstance(result.exception, SystemExit), (result.output, result.exception)
        assert words in result.output and "matched two rules" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("lang, words", [("vi", ["--set", "ghi theo dạng"]), ("en", ["--set", "write it as"])])
def test_what_if_and_usage_errors_follow_the_language(lang, words):
    result = _run(["evaluate", SINGLE, "--set", "nonsense"], ["--lang", lang])
    assert result.exit_code == 2 and all(word in result.output for word in words), result.output


@pytest.mark.parametrize("lang, said", [("vi", "thiếu tệp phông chữ"), ("en", "font file not found")])
def test_a_broken_installation_without_its_fonts_says_so_in_one_line(tmp_path, monkeypatch, lang, said):
    # Documents are Vietnamese whatever --lang says (the report commands take none); the error line follows
    # CFC_LANG like every other.
    import sys
    from engine.reports import fonts
    monkeypatch.setattr(fonts, "FONT_DIR", tmp_path / "phong-chu")
    # The PDF writer registers the fonts when it is first imported: import it afresh, as a new process would
    # (monkeypatch puts the module already loaded back afterwards).
    monkeypatch.delitem(sys.modules, "engine.reports.to_pdf", raising=False)
    fonts.register_fonts.cache_clear()
    try:
        result = _run(["report", "self-assessment", ROOT / "evaluations" / "single-unit.yaml", "-o",
                       tmp_path / "bao-cao.pdf"], [], env={"CFC_LANG": lang})
    finally:
        fonts.register_fonts.cache_clear()  # the next document registers the real fonts again
    assert result.exit_code == 2 and "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and said in lines[0] and "LiberationSerif-Regular.ttf" in lines[0], result.stderr
    assert not (tmp_path / "bao-cao.pdf").exists()
