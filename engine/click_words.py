"""click's own words — usage errors, help headings, its --help and --version options — in the reader's language.

click asks gettext for each of its sentences (`from gettext import gettext as _` in its modules) and gettext finds no
catalogue for it, so a commune official who mistypes an option read "Error: Invalid value for '--format'" in the
middle of Vietnamese help. `install()` puts `words` in place of those functions: in Vietnamese each sentence click
asks for comes from the table below, in English it stays as click wrote it. A test checks that every sentence here
is still one click asks for, and keeps the same fields.
"""
from __future__ import annotations

import importlib

# click's sentences, as its source writes them, and the same in Vietnamese with the same {fields}. A field may
# be left out where click fills it with an English word (a number type's name) or a capitalised one (a path's kind).
VI: dict[str, str] = {
    "Usage:": "Cách dùng:",
    "Options": "Tùy chọn",
    "Commands": "Lệnh",
    "Positional arguments": "Đối số",
    "Show this message and exit.": "Hiện hướng dẫn này rồi thoát.",
    "Show the version and exit.": "Hiện phiên bản rồi thoát.",
    "%(prog)s, version %(version)s": "%(prog)s, phiên bản %(version)s",
    "default: {default}": "mặc định: {default}",
    "env var: {var}": "biến môi trường: {var}",
    "deprecated": "không còn dùng",
    "Error: {message}": "Lỗi: {message}",
    "Try '{command} {option}' for help.": "Xem '{command} {option}' để được hướng dẫn.",
    "Aborted!": "Đã dừng.",
    "Missing command.": "Thiếu lệnh.",
    "No such command {name!r}.": "Không có lệnh {name!r}.",
    "No such option {name!r}.": "Không có tùy chọn {name!r}.",
    "Invalid value for {param_hint}: {message}": "Giá trị không hợp lệ cho {param_hint}: {message}",
    "Invalid value: {message}": "Giá trị không hợp lệ: {message}",
    "Missing argument": "Thiếu đối số",
    "Missing option": "Thiếu tùy chọn",
    "Missing parameter": "Thiếu tham số",
    "Missing parameter: {param_name}": "Thiếu tham số: {param_name}",
    "Missing {param_type}": "Thiếu {param_type}",
    "Could not open file {filename!r}: {message}": "Không mở được tệp {filename!r}: {message}",
    "Option {name!r} does not take a value.": "Tùy chọn {name!r} không nhận giá trị.",
    "{value!r} is not a valid {number_type}.": "{value!r} không phải là số hợp lệ.",
    "{value} is not in the range {range}.": "{value} không nằm trong khoảng {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "{value!r} không phải giá trị có/không hợp lệ. Các giá trị được nhận: {states}",
    "Choose from:\n\t{choices}": "Chọn một trong:\n\t{choices}",
    "required": "bắt buộc",
    # A path's kind names its placeholder in help (TỆP, THƯ_MỤC: one word each, as the help's own text writes
    # them); the sentences about a path leave it out (click would capitalise each word of it).
    "file": "tệp",
    "directory": "thư_mục",
    "path": "đường_dẫn",
    "{name} {filename!r} does not exist.": "{filename!r} không tồn tại.",
    "{name} {filename!r} is a directory.": "{filename!r} là một thư mục.",
    "{name} {filename!r} is a file.": "{filename!r} là một tệp.",
    "{name} {filename!r} is not readable.": "Không đọc được {filename!r}.",
    "{name} {filename!r} is not writable.": "Không ghi được vào {filename!r}.",
    "{name} {filename!r} is not executable.": "{filename!r} không chạy được.",
}

# click's sentences that depend on a count: (singular, plural) -> the same two in Vietnamese.
VI_COUNTED: dict[tuple[str, str], tuple[str, str]] = {
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"):
        ("Có phải ý bạn là {possibility}?", "(Có phải ý bạn là một trong: {possibilities}?)"),
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"):
        ("Thừa đối số ({args})", "Thừa các đối số ({args})"),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."):
        ("Tùy chọn {name!r} cần một giá trị.", "Tùy chọn {name!r} cần {nargs} giá trị."),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."):
        ("{value!r} không phải {choice}.", "{value!r} không phải một trong {choices}."),
}

# The modules of click that ask gettext for words.
MODULES = ("click.core", "click.decorators", "click.exceptions", "click.formatting", "click.parser", "click.types",
           "click.termui")

_language = ["vi"]


def set_language(lang: str) -> None:
    _language[0] = "en" if lang == "en" else "vi"


def words(message: str) -> str:
    return VI.get(message, message) if _language[0] == "vi" else message


def counted_words(singular: str, plural: str, count: int) -> str:
    if _language[0] == "vi":
        singular, plural = VI_COUNTED.get((singular, plural), (singular, plural))
    return singular if count == 1 else plural


def install() -> None:
    """click's modules ask these functions for their words from now on (what they imported from gettext)."""
    for name in MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = words
        if hasattr(module, "ngettext"):
            module.ngettext = counted_words
