"""Bounds on what cfc reads: a small hostile file (a YAML alias bomb, a zip bomb, a cell at XFD1048576, a
5,000-digit number) is refused with a clear error instead of exhausting memory, the stack or the clock.

Every bound is far above what a real self-assessment file holds (a national file has ~10,000 units of ~40
inputs); change one here and every reader follows."""
from __future__ import annotations

# Text files (CSV, YAML, JSON)
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024   # a YAML/JSON file is parsed whole: bounded before it is read
MAX_YAML_ALIASES = 100                  # anchors shared by a few units are fine; a bomb uses thousands
MAX_NODES = 2_000_000                   # values in a document once aliases are expanded (billion laughs)
MAX_DEPTH = 32                          # a unit file is 3 levels deep ({units: [{input: value}]})
MAX_CSV_RECORD_LINES = 50               # a quoted cell spanning more lines than this is a stray quote

# Values
MAX_CELL_CHARS = 10_000                 # a value longer than this is not a name or a count
MAX_DIGITS = 12                         # a count with more digits is not a count (and int() of 5,000 digits fails)
SHOWN_CHARS = 80                        # a bad value is quoted in messages up to this length

# Workbooks (.xlsx is a zip of XML parts: sizes are checked in the zip directory before anything is parsed)
MAX_XLSX_UNCOMPRESSED = 512 * 1024 * 1024   # all parts together, uncompressed
MAX_XLSX_PART = 256 * 1024 * 1024           # one part (a sheet, the shared strings)
MAX_SHARED_STRINGS = 64 * 1024 * 1024       # openpyxl loads every shared string into memory at once
MAX_COMPRESSION_RATIO = 200                 # real sheets compress ~10:1; zip bombs ~1000:1
RATIO_CHECKED_FROM = 1024 * 1024            # small parts may compress far better (runs of blank cells)
MAX_SHEET_ROWS = 200_000
MAX_SHEET_COLUMNS = 1_000
MAX_SHEET_CELLS = 5_000_000                 # rows × columns up to the last filled cell
