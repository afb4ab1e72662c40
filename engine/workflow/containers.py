"""Looking inside a ZIP container without unpacking it (office files are ZIPs): the names of its members, and
the OpenDocument `mimetype` member. Only reads; what a container is, is decided by filetypes.py."""
from __future__ import annotations

import io
import zipfile

MAX_MEMBERS = 10_000  # more entries than any office file has: not looked into further


def zip_members(content: bytes) -> tuple[list[str], str | None] | None:
    """(member names, the text of a small `mimetype` member or None), or None when this is no readable ZIP."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            if len(names) > MAX_MEMBERS:
                return None
            declared = None
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 100:
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
            return names, declared
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        return None
