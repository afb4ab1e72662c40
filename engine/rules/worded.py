"""Indicator results and gaps whose sentences are worded when first read.

A national batch builds an indicator result and a gap for nearly every unit's rates (an exact numerator and
denominator is rarely seen twice), and each had its measure written for people (97,83%) and its gap's sentence
filled in both languages while being built. The compact JSON and the CSVs read neither (they write the band's
index, the gap's figures, the reasons); the table reads a batch's gap sentences, the bundle and --detail everything.
So these two classes keep what the sentence is made from and word it the first time it is read, then keep it:
the value read is the one the eager build gave (tests/test_worded.py compares them), the same in every output.

They are the result classes of engine/results/model.py (every renderer reads the same attributes; `to_data`
writes the same fields), equal to the plain class holding the same values, and pickled (or copied) as the plain
class with every field worded. What a sentence is made from is pure: the result's figures, the indicator's kind
and the wording of its band (engine/messages.py, Wording), held by the gap.
"""
from __future__ import annotations

import dataclasses

from engine.results.model import Gap, IndicatorResult
from engine.rules import memos
from engine.text import Text

PENDING = object()  # in a field still to be worded

_MEASURE_DISPLAY = IndicatorResult.__dict__["measure_display"]  # the slot under the property below
_MESSAGE = Gap.__dict__["message"]
_CURRENT_MEASURE = Gap.__dict__["current_measure"]
_EMPTY = Text.of("0/0", "0/0")


# Measures as people read them, each wording built once: a rate shown to 2 decimals takes one of a few thousand
# wordings, whatever its exact value (bounded: a full table starts again).
_SHOWN: dict[str, Text] = {}
_SHOWN_LIMIT = 50_000
_SYMBOL = {"percent": "%", "per_1000": "‰"}
_YES_NO = (Text.of("không", "no"), Text.of("có", "yes"))


def shown_measure(kind: str, value: float | None) -> Text | None:
    """A measure of `kind` (yes_no, count, percent, per_1000) for people: rounded to 2 decimals (comparisons always
    use the unrounded value)."""
    if value is None:
        return None
    if kind == "yes_no":
        return _YES_NO[bool(value)]
    text = str(int(value)) if kind == "count" else f"{value:.2f}{_SYMBOL[kind]}"
    if not memos.on("wordings"):
        return _shown(text)
    shown = _SHOWN.get(text)
    if shown is None:
        if len(_SHOWN) >= _SHOWN_LIMIT:
            _SHOWN.clear()
        shown = _SHOWN[text] = _shown(text)
    return shown


def _shown(text: str) -> Text:
    # Vietnamese writes the decimal comma (97,83%) in every text that quotes the measure: gaps, JSON, sheets.
    return Text.of(text.replace(".", ","), text)


def fields_of(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


class AsPlain:
    """Equal to, and pickled and copied as, the plain result class it extends (`_PLAIN`): what is worded when read
    is worded for the comparison or the copy."""

    __slots__ = ()
    _PLAIN: type
    _NAMES: tuple[str, ...]

    def __eq__(self, other):
        if isinstance(other, self._PLAIN):
            return tuple(getattr(self, name) for name in self._NAMES) == tuple(getattr(other, name)
                                                                            for name in self._NAMES)
        return NotImplemented

    __hash__ = None

    def __reduce__(self):
        return self._PLAIN, tuple(getattr(self, name) for name in self._NAMES)


class WordedResult(AsPlain, IndicatorResult):
    """An IndicatorResult built with measure_display=PENDING: the measure is written for people when read."""

    __slots__ = ()
    _PLAIN = IndicatorResult
    _NAMES = fields_of(IndicatorResult)

    def _measure_display(self) -> Text | None:
        shown = _MEASURE_DISPLAY.__get__(self)
        if shown is PENDING:
            shown = shown_measure(self.measure_kind, self.measure)
            _MEASURE_DISPLAY.__set__(self, shown)
        return shown

    measure_display = property(_measure_display, _MEASURE_DISPLAY.__set__)


class WordedGap(AsPlain, Gap):
    """A band or event Gap built with message=PENDING and current_measure=PENDING: both read from its indicator's
    result (`_result`) when first read; the sentence filled from `_wording` (the band's, kept per indicator and
    band by engine/rules/views.py) with the gap's own figures."""

    __slots__ = ("_wording", "_result")  # set by whoever builds it (engine/rules/gaps.py), after its fields
    _PLAIN = Gap
    _NAMES = fields_of(Gap)

    def _message(self) -> Text:
        message = _MESSAGE.__get__(self)
        if message is PENDING:
            vi, en = self._figures()
            message = self._wording.fill(**vi) if vi is en else self._wording.fill_each(vi, en)
            _MESSAGE.__set__(self, message)
        return message

    def _figures(self) -> tuple[dict, dict]:
        """What its wording fills in, in Vietnamese and in English (one dict when alike)."""
        result = self._result
        if self.kind == "event":
            shown = result.measure_display or _EMPTY
            vi = {"current": self.current_value, "measure": shown.vi, "points": result.points,
                  "max": result.max_points}
            # a count is written alike in both languages; a rate takes its decimal comma in Vietnamese (1,25‰)
            return (vi, vi) if shown.vi == shown.en else (vi, {**vi, "measure": shown.en})
        figures = {"count": abs(self.change), "current": self.current_value, "target": self.target_value,
                   "gain": self.points_gain}
        return figures, figures

    def sentence(self, lang: str) -> tuple[str, tuple] | None:
        """Its sentence in `lang` not yet worded, as its wording fills it: the %-template and the figures in the
        order it takes them (template % figures, normalised to NFC, is message(lang)). None when its sentence is
        not filled so (the same for every unit at its step: given) or was worded already (it may have been set)."""
        if _MESSAGE.__get__(self) is not PENDING:
            return None
        wording = self._wording
        if wording.figures is None:  # figures by name, or format specs
            return None
        vi, en = self._figures()
        return (wording.vi, wording.figures(vi)) if lang == "vi" else (wording.en, wording.figures(en))

    def _current_measure(self) -> Text | None:
        shown = _CURRENT_MEASURE.__get__(self)
        if shown is PENDING:
            shown = self._result.measure_display
            _CURRENT_MEASURE.__set__(self, shown)
        return shown

    message = property(_message, _MESSAGE.__set__)
    current_measure = property(_current_measure, _CURRENT_MEASURE.__set__)
