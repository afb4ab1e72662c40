"""Write outputs so that a reader never sees half of one, and say in one line why an output cannot be written.

A file goes into a temporary file beside the target, then is renamed over it. A directory of results goes into
a temporary directory beside it, which then takes its place: the set is all new or all old. New files get the
mode a plain open() would give (0666 less the umask), not mkstemp's private 0600: results are for sharing.
Every failure to write (missing folder, a file where a folder should be, no permission, read-only or full disk,
an empty name, a device such as /dev/stdout) is an OutputError naming the path; the target is left as it was.

Temporary names say whose they are, unambiguously: `.<target name>.cfc-<host>-<pid>-<random>.tmp<suffix>`
beside a file, `.<folder name>.cfc-<host>-<pid>-<random>.tmp` (or `.old`) beside a folder and
`.cfc-<host>-<pid>-<random>.tmp` inside a folder holding the user's own files. The target's whole name, the
fixed `cfc-` marker and the random part are matched exactly, so `-o results.json` never takes the temporary file
of `-o results.2024.json` (or of anyone else) for its own, and never reads a number in a user's file name as a
process id. A writer killed outright (SIGKILL, power cut) cannot remove its temporary files: the next write of
the same target on the same computer removes those whose process no longer runs (a folder set aside as `.old`
is put back first if the new one never took its place).
"""
from __future__ import annotations

import errno
import os
import re
import secrets
import shutil
import socket
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator, TextIO

from engine.messages import Message, MessageError

# errno values that mean "this place cannot take the output" (as opposed to a bug in cfc)
PLACE_ERRORS = {errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC,
                errno.EDQUOT, errno.EFBIG, errno.ENAMETOOLONG, errno.EEXIST, errno.EXDEV, errno.EBUSY,
                errno.ETXTBSY, errno.EIO}


class OutputError(MessageError):
    """An output cannot be written; the message is one line naming the path and why."""


_REASONS = {errno.ENOENT: "write_no_folder", errno.ENOTDIR: "write_not_folder", errno.EISDIR: "write_is_folder",
            errno.EACCES: "write_no_permission", errno.EPERM: "write_no_permission", errno.EROFS: "write_read_only",
            errno.ENOSPC: "write_disk_full", errno.EDQUOT: "write_quota", errno.EFBIG: "write_too_big",
            errno.ENAMETOOLONG: "write_name_too_long"}


def _reason(error: OSError) -> Message:
    return Message(_REASONS.get(error.errno, "os_other"), {"error": error.strerror or str(error)})


def output_error(path: str | Path, error: OSError) -> OutputError:
    return OutputError("cannot_write", path=str(path), reason=_reason(error))


def _default_mode(directory: bool = False) -> int:
    """The mode a plain open() (or mkdir) would give: 0666 (0777) less the process's umask."""
    mask = os.umask(0)
    os.umask(mask)
    return (0o777 if directory else 0o666) & ~mask


def check_file_target(path: str | Path) -> Path:
    """Refuse, before any work, a file output that cannot be written: an empty name, a folder, a device or pipe
    (-o /dev/stdout: leave -o out instead), a missing folder or a file where the folder should be."""
    if str(path).strip() == "":
        raise OutputError("output_empty_name")
    path = Path(path)
    if path.is_dir():
        raise OutputError("cannot_write", path=str(path), reason=Message("write_is_folder"))
    if _device(path) or (path.exists() and not path.is_file()):
        raise OutputError("cannot_write", path=str(path), reason=Message("write_device"))
    _check_parent(path)
    return Path(os.path.realpath(path)) if path.is_symlink() else path  # replace the file a link points to


def _device(path: Path) -> bool:
    """/dev/stdout and the like: renaming a file over them would replace the device entry itself."""
    real = os.path.realpath(path)
    return real.startswith(("/dev/", "/proc/")) or str(path).startswith(("/dev/", "/proc/"))


def check_directory_target(path: str | Path) -> Path:
    if str(path).strip() == "":
        raise OutputError("output_empty_folder")
    path = Path(path)
    if _device(path) or (path.exists() and not path.is_dir()):
        what = "write_file_not_folder" if path.is_file() and not _device(path) else "write_device_not_folder"
        raise OutputError("cannot_write_into", path=str(path), reason=Message(what))
    _check_parent(path)
    return path


def _check_parent(path: Path) -> None:
    parent = path.absolute().parent
    if not parent.exists():
        raise OutputError("cannot_write", path=str(path), reason=Message("write_parent_missing", {"parent": parent}))
    if not parent.is_dir():
        raise OutputError("cannot_write", path=str(path), reason=Message("write_parent_is_file", {"parent": parent}))


@contextmanager
def _as_output_errors(path: Path, tmp: str | Path | None = None) -> Iterator[None]:
    """OSErrors about the place become one-line OutputErrors naming the target: those of a write on an open
    handle (no file name: a full disk) and those naming the target or its temporary copy. Anything else (a
    missing font file, say) is not about the output and is left as it is."""
    try:
        yield
    except OSError as error:
        name = None if error.filename is None else str(Path(str(error.filename)).absolute())
        ours = [str(path.absolute())] + ([str(Path(tmp).absolute())] if tmp else [])
        if error.errno in PLACE_ERRORS and (name is None or any(name.startswith(p) for p in ours)):
            raise output_error(path, error) from error
        raise


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path in the target's directory; on success it replaces `path` in one step.

    The temporary name keeps the target's suffix, so writers that choose a format by extension (openpyxl,
    matplotlib) write the right one. On any failure the temporary file is removed and the target is untouched.
    """
    path = check_file_target(path)
    with _as_output_errors(path, path.parent):
        remove_stale(path)
        tmp = _create(path.parent / _temporary_name(path.name, f".tmp{path.suffix}"), directory=False)
    try:
        with _as_output_errors(path, tmp):
            yield tmp
            os.chmod(tmp, _default_mode())  # created private (0600); a result is for sharing
            os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_text(path: str | Path) -> Iterator[TextIO]:
    """A UTF-8 text handle (newlines written as given) whose content replaces `path` only when the block
    completes without an exception."""
    with atomic_path(path) as tmp:
        with _as_output_errors(Path(path), tmp), open(tmp, "w", encoding="utf-8", newline="") as handle:
            yield handle


@contextmanager
def atomic_directory(path: str | Path, names: Iterable[str]) -> Iterator[Path]:
    """Yield a temporary directory to write the files `names` into; on success it becomes `path`.

    When `path` is new, or holds nothing but earlier copies of `names`, the temporary directory is renamed into
    its place (the old one is renamed aside first and removed after): the set is all new or all old. When the
    folder also holds other files (the user's own), they are kept: the new files are written beside them into a
    temporary folder inside it, then renamed over the old ones one by one only once all are complete.
    """
    path = check_directory_target(path)
    names = set(names)
    with _as_output_errors(path, path.absolute().parent):
        remove_stale(path)
        own = path.is_dir() and any(entry.name not in names and not entry.name.startswith(".cfc-")
                                    for entry in path.iterdir())
        place = path / _temporary_name("", ".tmp") if own else path.absolute().parent / _temporary_name(path.name, ".tmp")
        tmp = _create(place, directory=True)
        os.chmod(tmp, _default_mode(directory=True))
    try:
        with _as_output_errors(path, path.absolute().parent):
            yield tmp
            if own:
                for entry in sorted(tmp.iterdir()):
                    os.replace(entry, path / entry.name)
                tmp.rmdir()
            elif not path.exists():
                os.rename(tmp, path)
            else:
                old = _create(path.absolute().parent / _temporary_name(path.name, ".old"), directory=True)
                os.rename(path, old / path.name)
                try:
                    os.rename(tmp, path)
                except BaseException:
                    os.rename(old / path.name, path)
                    raise
                shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


# ---------------------------------------------------------------- temporary names and stale ones

MARKER = "cfc-"


def _host() -> str:
    """This computer's name as it may appear in a file name (a folder shared over the network is written by
    several computers: a process id means something only on its own one)."""
    return re.sub(r"[^A-Za-z0-9]", "_", socket.gethostname())[:40] or "host"


def _temporary_name(target: str, ending: str) -> str:
    """`.<target>.cfc-<host>-<pid>-<random><ending>`; `.cfc-…` alone for a folder inside the target."""
    owner = f"{MARKER}{_host()}-{os.getpid()}-{secrets.token_hex(6)}{ending}"
    return f".{target}.{owner}" if target else f".{owner}"


def _create(path: Path, directory: bool) -> Path:
    """Create the temporary file or folder (never one that exists: the random part makes that all but
    impossible, and O_EXCL / mkdir refuse it anyway)."""
    if directory:
        path.mkdir(mode=0o700)
    else:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return path


def _stale_pattern(target: str, suffix: str) -> re.Pattern:
    """cfc's temporary names for `target` ("" inside a folder) written on this computer: the process id is
    group 1, "tmp" or "old" group 2."""
    before = re.escape(f".{target}.") if target else r"\."
    return re.compile(rf"{before}{MARKER}{re.escape(_host())}-([0-9]{{1,10}})-[0-9a-f]{{12}}\.(tmp|old)"
                      rf"(?:{re.escape(suffix)})?")


def remove_stale(path: Path) -> list[Path]:
    """Remove the temporary files and folders of `path` (beside it, and inside it when it is a folder) left by
    writers on this computer that no longer run; returns what was removed. A folder set aside as `.old` whose
    replacement never took its place is put back first. Names that are not exactly cfc's are never touched."""
    removed = []
    places = [(path.absolute().parent, path.name)]
    if path.is_dir():
        places.append((path, ""))
    for folder, target in places:
        pattern = _stale_pattern(target, path.suffix)
        try:
            entries = list(folder.iterdir())
        except OSError:
            continue
        for entry in entries:
            match = pattern.fullmatch(entry.name)
            if match is None or _running(int(match.group(1))):
                continue
            if match.group(2) == "old" and (entry / path.name).exists() and not path.exists():
                os.rename(entry / path.name, path)  # the previous results, set aside by a run killed mid-swap
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed.append(entry)
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's process (or a number no process has: leave it alone)
    return True
