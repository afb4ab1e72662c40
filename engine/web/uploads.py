"""Uploaded files: read with the CLI's own readers (a temporary file with the upload's suffix), validated and
scored like `cfc evaluate`, and kept in memory as a board's results table while the server runs, within a
memory budget (KEEP_BYTES)."""
from __future__ import annotations

import re
import secrets
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from engine import api
from engine.criteria.model import CriteriaSet
from engine.criteria.versions import CriteriaLibrary
from engine.messages import Message, Said
from engine.readers import iter_records
from engine.readers.records import InputFileError, ReadWarning, reading
from engine.results.model import BatchResult, UnitResult
from engine.text import nfc
from engine.units.validate import Unit
from engine.web.form import form_value

# Uploads are kept for their results table while what they hold fits in KEEP_BYTES; the oldest is forgotten
# first, and the newest is always kept. What one holds is estimated as its file plus UNIT_BYTES per unit (its
# validated inputs and results, measured: 2,000 units keep 26 MB). A count of boards bounded nothing: one
# upload of 10 MB is 50,000 units, 650 MB.
KEEP_BYTES = 512 * 1024 * 1024
UNIT_BYTES = 13_000
WARNINGS_KEPT = 20  # the readers' warnings kept with an upload and listed on its pages; the rest are counted


@dataclass
class Upload:
    file_name: str
    content: bytes
    units: list[Unit] = field(default_factory=list)
    results: list[UnitResult] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    # What the readers skipped or read in a way the person must hear of (a header row repeated, cells merged
    # down, a key that is no input, a totals row), as `cfc evaluate` says it on stderr: shown on the page. The
    # first WARNINGS_KEPT are kept (a file of 100,000 skipped rows must not keep 100,000 sentences), the rest
    # counted.
    warnings: list[ReadWarning] = field(default_factory=list)
    more_warnings: int = 0

    library: CriteriaLibrary | None = None

    @property
    def batch(self) -> tuple[CriteriaSet, BatchResult]:
        """The set that scored the units and their batch, for a document (MixedSetsError: periods under
        different sets, which one document cannot speak of)."""
        return api.document_set(self.library, self.results, self.file_errors)

    def form_values(self, criteria: CriteriaSet, index: int) -> dict[str, str]:
        """What the unit's file row said, as the form shows it: a bad value stays visible beside its error."""
        data = self.units[index].record.data
        if not isinstance(data, dict):
            return {}
        values = {nfc(str(k)).strip(): form_value(v) for k, v in data.items()}
        return {name: value for name, value in values.items() if name in criteria.input_by_name}


def safe_name(name: str | None) -> str:
    """The upload's own file name, without any directory, fit to name it in messages and on disk."""
    base = PurePath((name or "").replace("\\", "/")).name
    base = re.sub(r"[\x00-\x1f/]", "", base).strip() or "upload"
    return base[:120]


def read_upload(library: CriteriaLibrary, file_name: str | None, content: bytes, strict_units: bool = False) -> Upload:
    """An uploaded file read by the CLI's readers and scored through the front door (engine/api.py), each unit
    by its period's set."""
    name = safe_name(file_name)
    upload = Upload(name, content, library=library)
    criteria = library.current()  # whose input names and labels the file's headers are matched against
    with tempfile.TemporaryDirectory(prefix="cfc-upload-") as folder, reading() as options:
        path = Path(folder) / ("upload" + Path(name).suffix.lower())
        path.write_bytes(content)
        try:
            records = list(iter_records(path, criteria))
        except InputFileError as error:
            # Named by the file the person chose, not the temporary copy; shown in the page's language.
            upload.file_errors.append(Said(_renamed(error.message, str(path), name)))
            return upload
        except Exception as error:  # noqa: BLE001 — a reader's own failure on a corrupt file (e.g. broken XML
            # inside an .xlsx) must not become a 500: the person learns the file cannot be read.
            upload.file_errors.append(Said(Message("web_unreadable_file", {"file": name, "error": error})))
            return upload
        finally:
            said = list(options.warnings.values())
            upload.warnings = [ReadWarning(name, w.place, _renamed(w.message, str(path), name))
                               for w in said[:WARNINGS_KEPT]]
            upload.more_warnings = len(said) - len(upload.warnings)
    for record in records:
        record.source = name  # messages name the file the person chose, not the temporary copy
    evaluations = api.evaluate(library, records, strict_units=strict_units)
    upload.units = [evaluation.unit for evaluation in evaluations]
    upload.results = [evaluation.result for evaluation in evaluations]
    return upload


def _renamed(message: Message, path: str, name: str) -> Message:
    """The message with the temporary copy's path replaced by the name of the file the person chose."""
    return Message(message.key, {k: name if v == path else v for k, v in message.params.items()})


def kept_bytes(upload: Upload) -> int:
    """What keeping an upload costs, estimated (see UNIT_BYTES)."""
    return len(upload.content) + UNIT_BYTES * max(len(upload.results), len(upload.units)) + 1024


class Boards:
    """The uploads of this server's run, by a random id (an id is the only way to reach one), kept within
    `keep_bytes` (see KEEP_BYTES)."""

    def __init__(self, keep_bytes: int = KEEP_BYTES):
        self.keep_bytes = keep_bytes
        self._items: OrderedDict[str, Upload] = OrderedDict()
        self._lock = threading.Lock()
        self.kept = 0  # bytes, estimated

    def add(self, upload: Upload) -> str:
        board_id = secrets.token_urlsafe(9)
        with self._lock:
            self._items[board_id] = upload
            self.kept += kept_bytes(upload)
            while self.kept > self.keep_bytes and len(self._items) > 1:
                _, forgotten = self._items.popitem(last=False)
                self.kept -= kept_bytes(forgotten)
        return board_id

    def get(self, board_id: str) -> Upload | None:
        with self._lock:
            return self._items.get(board_id)

