"""What the documents print that cfc cannot know — who receives them, who signs, the place on the date line —
offered on the page before downloading: filled from `cfc serve --config FILE` (the board configuration that
`cfc report --config` reads), corrected or completed by the person, sent with the download as `doc_<key>`
fields. A field left empty prints as its bracketed placeholder, as in `cfc report`."""
from __future__ import annotations

from dataclasses import dataclass

from starlette.exceptions import HTTPException

from engine.messages import Message
from engine.reports.board import PLACEHOLDERS, BoardConfig

PREFIX = "doc_"
MAX_LENGTH = 300  # characters: the longest body's name is under 150; the page's fields hold no more
# The self-check page's documents: the commune's self-assessment (to the reviewing office) and the appraisal of
# that one unit. The board's page adds the draft decision's authority, signer, area and period.
CHECK_KEYS = ("reviewing_office", "reviewing_office_parent", "reviewing_office_signer",
              "reviewing_office_signer_name", "authority", "place")
BOARD_KEYS = ("reviewing_office", "reviewing_office_parent", "reviewing_office_signer",
              "reviewing_office_signer_name", "authority", "authority_parent", "authority_signer",
              "authority_signer_name", "area", "period", "place")


@dataclass(frozen=True)
class DocField:
    key: str
    label: str
    value: str
    placeholder: str


def doc_fields(board: BoardConfig, keys: tuple[str, ...], lang: str) -> list[DocField]:
    return [DocField(key, Message(f"web_doc_{key}").render(lang), getattr(board, key) or "", PLACEHOLDERS[key])
            for key in keys]


def board_from_form(board: BoardConfig, fields: dict[str, str]) -> BoardConfig:
    """The server's configuration with what the person typed on top (an empty field keeps the configured name)."""
    given = {key[len(PREFIX):]: value for key, value in fields.items()
             if key.startswith(PREFIX) and key[len(PREFIX):] in BoardConfig.model_fields}
    if any(len(value) > MAX_LENGTH for value in given.values()):
        raise HTTPException(400)  # only a request not made by the page (its fields hold at most MAX_LENGTH)
    return board.merged(**given)
