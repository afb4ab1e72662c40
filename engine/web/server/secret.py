"""The key that signs session cookies. A province server keeps one key across restarts (else every restart signs
everyone out) and never in the code or the database:

    CFC_SECRET_KEY          the key itself (a systemd unit's EnvironmentFile, a container's secret), else
    --secret-file PATH      a file holding it (or CFC_SECRET_FILE), else
    <data directory>/session.secret   beside the default database (~/.local/share/cfc/), made on first run

A file that does not exist is made with 48 random bytes (URL-safe text), readable by its owner only (0600),
created exclusively so that two servers starting at once keep the same key."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from engine.messages import MessageError, os_reason
from engine.store import default_path

ENV_KEY, ENV_FILE = "CFC_SECRET_KEY", "CFC_SECRET_FILE"
MIN_LENGTH = 32


def secret_path(path: str | Path | None = None) -> Path:
    given = path or os.environ.get(ENV_FILE)
    return Path(given).expanduser() if given else default_path().parent / "session.secret"


def session_secret(path: str | Path | None = None) -> str:
    """The signing key (see the module's docstring). Raises MessageError naming the file it cannot use."""
    value = os.environ.get(ENV_KEY, "").strip()
    if value:
        if len(value) < MIN_LENGTH:
            raise MessageError("web_secret_file", path=ENV_KEY, reason=f"shorter than {MIN_LENGTH} characters")
        return value
    file = secret_path(path)
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "w", encoding="ascii") as handle:
                handle.write(secrets.token_urlsafe(48) + "\n")
        value = file.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as error:
        reason = os_reason(error).render("en") if isinstance(error, OSError) else "not a key written by cfc"
        raise MessageError("web_secret_file", path=str(file), reason=reason) from None
    if len(value) < MIN_LENGTH:
        raise MessageError("web_secret_file", path=str(file), reason=f"shorter than {MIN_LENGTH} characters")
    return value
