"""A workbook's worksheets inflated in a thread while openpyxl is imported, for the batch's plan.

Before the parent of a batch reads a workbook's first sheet it imports openpyxl (~0.07 s of Python, holding the
interpreter's lock) and reads the package's structure with it; only then is the sheet's XML inflated (~0.035 s
for a national sheet of 18 MB: zlib and its CRC-32, both run without the interpreter's lock). Here the worksheets
are inflated meanwhile, by zipfile, in a thread of their own: the two run side by side on two cores.

Nothing read here is trusted on its own: a sheet inflated ahead is used only when openpyxl's package names the
same part with the same CRC-32 and sizes (zipfile checked the CRC-32 of what it inflated); anything that fails or
is beyond limits.py here (a damaged package, a zip bomb) is left for the reader, which reads it and fails it as
before. The thread imports nothing (engine/readers/openpyxl_import.py hides numpy meanwhile): the package is
opened and each part's header read before it starts, and only inflating is left to it. It is always finished
when `inflated_ahead` ends: the batch forks its workers afterwards, from a process running one thread.
"""
from __future__ import annotations

import threading
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from engine import limits
from engine.readers.openpyxl_import import IMPORTING_NOTHING

_AHEAD: dict[str, "_Ahead"] = {}  # by the workbook's path, while it is read


class _Ahead:
    """The worksheets of one package being inflated: by part name, (its zip entry, its XML)."""

    def __init__(self, archive: zipfile.ZipFile, parts: list[tuple[zipfile.ZipInfo, object]]):
        self.archive, self.parts = archive, parts
        self.inflated: dict[str, tuple[zipfile.ZipInfo, bytes]] = {}
        self.thread = threading.Thread(target=self._inflate, name="cfc-sheets-ahead", daemon=True)
        IMPORTING_NOTHING.add(self.thread)
        self.thread.start()

    def _inflate(self) -> None:
        try:
            for info, source in self.parts:
                self.inflated[info.filename] = info, source.read()
        except BaseException:  # noqa: BLE001 - whatever failed here fails again where the reader reads it
            pass

    def finish(self) -> None:
        self.thread.join()
        for _, source in self.parts:
            source.close()
        self.archive.close()


@contextmanager
def inflated_ahead(path: str | Path) -> Iterator[None]:
    """While the block runs, the worksheets of the workbook at `path` are inflated in a thread, for `take`."""
    key = str(path)
    ahead = _begin(path) if key not in _AHEAD else None
    if ahead is not None:
        _AHEAD[key] = ahead
    try:
        yield
    finally:
        if ahead is not None:
            _AHEAD.pop(key, None)
            ahead.finish()


def take(path: str | Path, info: zipfile.ZipInfo) -> bytes | None:
    """The part `info` names (as openpyxl's package holds it) inflated ahead, or None: not asked for, failed,
    or not the same part (its CRC-32 or sizes differ). Given once: the caller keeps it."""
    ahead = _AHEAD.get(str(path))
    if ahead is None:
        return None
    ahead.thread.join()
    found = ahead.inflated.pop(info.filename, None)
    if found is None:
        return None
    known, data = found
    if (known.CRC, known.file_size, known.compress_size) != (info.CRC, info.file_size, info.compress_size):
        return None
    return data


def _begin(path: str | Path) -> _Ahead | None:
    """The package opened and its worksheets' headers read (here, so that the thread only inflates), or None
    when there is nothing worth reading ahead, or the package is beyond limits.py or fails to open."""
    try:
        archive = zipfile.ZipFile(path)
    except Exception:  # noqa: BLE001 - the reader says what is wrong with it
        return None
    try:
        infos = archive.infolist()
        wanted = [info for info in infos if info.filename.startswith("xl/worksheets/")
                  and info.filename.endswith(".xml") and info.compress_size >= MIN_AHEAD
                  and info.file_size <= limits.MAX_XLSX_PART
                  and info.file_size <= limits.MAX_COMPRESSION_RATIO * max(info.compress_size, 1)]
        if not wanted or sum(info.file_size for info in infos) > limits.MAX_XLSX_UNCOMPRESSED:
            archive.close()
            return None
        return _Ahead(archive, [(info, archive.open(info)) for info in wanted])
    except Exception:  # noqa: BLE001
        archive.close()
        return None


MIN_AHEAD = 64 * 1024  # a smaller sheet inflates in well under a millisecond: not worth a thread
