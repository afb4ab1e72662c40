"""Names in the order a Vietnamese reader expects: letters in the alphabet's order (a ă â b c d đ e ê ... o ô ơ
... u ư: "Đắk Lắk" after every name in D), tones compared only when all else is equal, and numbers as numbers
("Tỉnh 2" before "Tỉnh 10"). One key, a plain string, so that a column of keys sorts with any sort (pandas
included)."""
from __future__ import annotations

import re
import unicodedata

from engine.text import nfc

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}    # huyền, sắc, ngã, hỏi, nặng
# A letter with its mark sorts after every word of the bare letter: "~" follows the ASCII letters.
_MARKED = {("a", "\u0306"): "a~1", ("a", "\u0302"): "a~2", ("e", "\u0302"): "e~1", ("o", "\u0302"): "o~1",
           ("o", "\u031b"): "o~2", ("u", "\u031b"): "u~1"}
_DIGITS = re.compile(r"\d+")
_WIDTH = 12  # digits a number is padded to: a count of units or an area's number never has more


def vi_sort_key(text: object) -> str:
    """The sort key of a name: compare keys as strings."""
    value = nfc("" if text is None else str(text)).casefold()
    base, tones = [], []
    for char in unicodedata.normalize("NFD", value):
        if char in _TONES:
            tones.append(char)
        elif unicodedata.combining(char) and base:
            base[-1] = _MARKED.get((base[-1], char), base[-1] + char)
        elif char == "đ":
            base.append("d~1")
        else:
            base.append(char)
    letters = _DIGITS.sub(lambda m: m.group().rjust(_WIDTH, "0"), "".join(base))
    return letters + "\x00" + "".join(tones) + "\x00" + value
