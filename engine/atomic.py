"""Write a file so that a reader never sees half of it: into a temporary file beside the target, then rename."""
from __future__ import annotations

import glob
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, TextIO


def _default_mode() -> int:
    """The mode a plain open() would give a new file: 0666 less the process's umask."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path in the target's directory; on success it replaces `path` in one step.

    The temporary name keeps the target's suffix, so writers that choose a format by extension (openpyxl,
    matplotlib) write the right one. On any failure the temporary file is removed and the target is untouched.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_orphans(path)
    # The writer's process id in the name: a process killed outright (SIGKILL, power cut) cannot remove its
    # temporary file, so the next write of the same target removes it (see _remove_orphans).
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.{os.getpid()}.", suffix=f".tmp{path.suffix}")
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, _default_mode())  # mkstemp makes the file private (0600); a result is for sharing
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def atomic_text(path: str | Path) -> Iterator[TextIO]:
    """A UTF-8 text handle (newlines written as given) whose content replaces `path` only when the block
    completes without an exception."""
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="") as handle:
            yield handle


def _remove_orphans(path: Path) -> None:
    """Remove temporary files for `path` left by writers that no longer run."""
    prefix, suffix = f".{path.stem}.", f".tmp{path.suffix}"
    for candidate in path.parent.glob(f"{glob.escape(prefix)}*{glob.escape(suffix)}"):
        pid = candidate.name[len(prefix):].split(".", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            candidate.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True
