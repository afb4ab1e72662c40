"""openpyxl imported without numpy and Pillow: 0.18 s of processor becomes 0.06 s in every command that reads a
workbook (the parent of a batch does it before any worker starts, so it is 0.12 s of wall too).

openpyxl 3.1 imports both only as optional extras: numpy so that numpy's numbers are accepted as cell values
(openpyxl/compat/numbers.py: on ImportError, int, float and Decimal only), Pillow to embed images
(openpyxl/drawing/image.py: on ImportError, no images). cfc gives openpyxl neither: it reads cell values, and the
one workbook it builds with openpyxl, the input form (engine/forms/template.py), holds plain Python values and
no image (the results and the provincial tables are written by engine/results/xlsx_writer.py). So they are
hidden while openpyxl is imported — None in sys.modules makes an import raise ModuleNotFoundError, as Python's
documentation of the import system says — and then given back: numpy and Pillow import as usual afterwards (the
provincial tables import numpy themselves).
tests/test_xlsx_units.py pins the openpyxl version and checks this.
"""
from __future__ import annotations

import sys
import threading
import weakref

HIDDEN = ("numpy", "PIL")
# Threads that import nothing (sheets_ahead.py's, inflating a workbook's sheets meanwhile): they do not keep
# numpy and Pillow from being hidden.
IMPORTING_NOTHING: "weakref.WeakSet[threading.Thread]" = weakref.WeakSet()


def import_openpyxl() -> None:
    """Import openpyxl (once per process), numpy and Pillow hidden from it when that is safe: neither imported
    yet, and no other thread that could import one of them while it is hidden (a server's)."""
    if "openpyxl" in sys.modules:
        return
    this = threading.current_thread()
    alone = all(thread is this or thread in IMPORTING_NOTHING for thread in threading.enumerate())
    hide = [name for name in HIDDEN if name not in sys.modules] if alone else []
    for name in hide:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        import openpyxl  # noqa: F401
    finally:
        for name in hide:
            if sys.modules.get(name, False) is None:
                del sys.modules[name]
