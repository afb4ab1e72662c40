"""Moments as people read them: stored as ISO 8601 in UTC (history, exports, JSON), shown in this computer's
time zone and in the reader's way of writing a date — "20:58 ngày 06/12/2026" in Vietnamese, never
"2026-12-06T20:58:05+00:00"."""
from __future__ import annotations

from datetime import datetime


def local_time(iso: str | None, lang: str = "vi") -> str:
    """An ISO 8601 moment in the local time zone, written the reader's way; text that is not a moment is
    returned as it is (an old record's odd value is still shown)."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return str(iso)
    local = moment.astimezone() if moment.tzinfo else moment  # a naive moment: already local
    if lang == "vi":
        return f"{local:%H:%M} ngày {local:%d/%m/%Y}"
    return f"{local.day} {local:%b %Y}, {local:%H:%M}"
