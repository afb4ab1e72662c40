"""Write outputs so that a reader never sees half of one, and say in one line why an output cannot be written.

A file goes into a temporary file beside the target, then is renamed over it. A directory of results goes into
a temporary directory beside it, which then takes its place: the set is all new or all old. New files get the
mode a plain open() would give (0666 less the umask), not mkstemp's private 0600: results are for sharing.
Every failure to write (missing folder, a file where a folder should be, no permission, read-only or full disk,
an empty name, a device such as /dev/stdout) is an OutputError naming the path; the target is left as it was.
"""
from __future__ import annotations

import errno
import glob
import os
import shutil
import tempfile
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
        _remove_orphans(path)
        # The writer's process id in the name: a process killed outright (SIGKILL, power cut) cannot remove its
        # temporary file, so the next write of the same target removes it (see _remove_orphans).
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.{os.getpid()}.", suffix=f".tmp{path.suffix}")
        os.close(fd)
    try:
        with _as_output_errors(path, tmp):
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
    own = path.is_dir() and any(entry.name not in names and not entry.name.startswith(".cfc-")
                                for entry in path.iterdir())
    with _as_output_errors(path, path.absolute().parent):
        tmp = Path(tempfile.mkdtemp(dir=path if own else path.absolute().parent,
                                    prefix=".cfc-" if own else f".{path.name}.", suffix=".tmp"))
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
                old = Path(tempfile.mkdtemp(dir=path.absolute().parent, prefix=f".{path.name}.", suffix=".old"))
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
