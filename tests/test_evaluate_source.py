"""A result's source (engine/rules/evaluate.py, _source): the words of Record.where before a record's number are
kept per file, sheet and kind; every source must be exactly what Record.where gives, in both languages."""
from __future__ import annotations

import unicodedata

from engine.readers.records import Record
from engine.rules import evaluate, memos
from engine.text import Text


def plain(record: Record) -> Text:
    return Text.of(record.where("vi"), record.where("en"))


def test_a_source_is_what_record_where_says_in_both_languages():
    decomposed = unicodedata.normalize("NFD", "Huyện Quốc Oai.xlsx")
    records = [Record(source, kind, number, {}, sheet=sheet)
               for source in ("units.csv", decomposed, "/tmp/a b/đơn vị.csv")
               for kind in ("row", "item", "")
               for sheet in (None, "Trang 1", unicodedata.normalize("NFD", "Xã"))
               for number in (1, 2, 17, 1000)]
    for memo_off in (False, True):
        for _ in range(2):  # the second time from the kept words
            for record in records:
                if memo_off:
                    with memos.switched_off("wordings"):
                        got = evaluate._source(record)
                else:
                    got = evaluate._source(record)
                want = plain(record)
                assert (got.vi, got.en) == (want.vi, want.en), record
    assert evaluate._PLACES  # kept while the memo is on
