"""Who reviews, who recognises and who reports upward: configuration, never code.

The 2025 reform abolished the district level and moved child affairs from the labour to the health sector,
so the reviewing office and the recognising authority differ by place and by year. They come from a small
YAML file (evaluations/board-config.example.yaml) and/or command-line options; what is not given prints as
a bracketed placeholder to be filled in by hand, e.g. "[Cơ quan thẩm định]"."""
from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from engine.messages import Message, MessageError, localised
from engine.text import Text, nfc

PLACEHOLDERS = {
    "reviewing_office": "[Cơ quan thẩm định]",
    "reviewing_office_parent": "",
    "reviewing_office_signer": "[Chức danh người ký]",
    "authority": "[Cơ quan có thẩm quyền công nhận]",
    "authority_parent": "",
    "authority_signer": "[Chức danh người ký]",
    "area": "[Địa bàn]",
    "period": "[Kỳ đánh giá]",
    "place": "[Địa danh]",
    "reporting_office": "[Cơ quan báo cáo]",
    "reporting_office_parent": "",
    "reporting_office_signer": "[Chức danh người ký]",
    "report_recipient": "[Cơ quan nhận báo cáo]",
    "reporting_area": "[Địa bàn]",
    "reporting_place": "[Địa danh]",
    # names under the signatures: left blank to be typed or written when not given
    "reviewing_office_signer_name": "",
    "authority_signer_name": "",
    "reporting_office_signer_name": "",
}


class BoardConfigError(MessageError, ValueError):
    """A board config file that cannot be used; the message names the file."""


class BoardConfig(BaseModel):
    """Names printed on the appraisal report, the draft decision and the provincial summary. All optional."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    reviewing_office: str | None = None          # cơ quan thẩm định, e.g. "Phòng Văn hóa - Xã hội"
    reviewing_office_parent: str | None = None   # cơ quan chủ quản, printed above it, e.g. "UBND tỉnh X"
    reviewing_office_signer: str | None = None   # chức danh người ký báo cáo thẩm định, e.g. "Trưởng phòng"
    authority: str | None = None                 # cơ quan công nhận, e.g. "Ủy ban nhân dân tỉnh X"
    authority_parent: str | None = None
    authority_signer: str | None = None          # e.g. "Chủ tịch"
    area: str | None = None                      # địa bàn, e.g. "Thị xã Sơn Tây, Hà Nội"
    period: str | None = None                    # kỳ đánh giá, e.g. "2024"
    place: str | None = None                     # địa danh on the date line, e.g. "Sơn Tây"
    # The provincial summary (báo cáo tổng hợp), reported upward:
    reporting_office: str | None = None          # cơ quan lập báo cáo tổng hợp, e.g. "Sở Y tế"
    reporting_office_parent: str | None = None   # e.g. "Ủy ban nhân dân tỉnh X"
    reporting_office_signer: str | None = None   # e.g. "Giám đốc"
    report_recipient: str | None = None          # nơi nhận báo cáo, e.g. "Bộ Y tế"
    # The summary's own area and place: a province reports for the province, dated at its own seat, never at
    # the district's place the appraisal keys (area, place) name.
    reporting_area: str | None = None            # e.g. "Thành phố Hà Nội" (default: the provinces in the results)
    reporting_place: str | None = None           # e.g. "Hà Nội"
    # Họ và tên người ký, printed under each signature (optional):
    reviewing_office_signer_name: str | None = None
    authority_signer_name: str | None = None
    reporting_office_signer_name: str | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _text(cls, value):
        if value is None:
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise ValueError("must be text")
        value = nfc(value).strip()
        return value or None

    def merged(self, **overrides: str | None) -> "BoardConfig":
        """Options given on the command line win over the file."""
        given = {k: v for k, v in overrides.items() if v is not None and str(v).strip()}
        return BoardConfig(**{**self.model_dump(), **given})

    def get(self, name: str) -> str:
        value = getattr(self, name)
        return value if value else PLACEHOLDERS[name]


def load_board_config(path: str | Path | None) -> BoardConfig:
    if path is None:
        return BoardConfig()
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise BoardConfigError("board_cannot_read", path=str(path), error=error) from error
    if data is None:
        return BoardConfig()
    if not isinstance(data, dict):
        raise BoardConfigError("board_not_mapping", path=str(path))
    try:
        return BoardConfig(**data)
    except (ValidationError, TypeError) as error:
        problems = []
        if isinstance(error, ValidationError):
            for e in error.errors():
                where = ".".join(str(p) for p in e["loc"]) or "(top)"
                unknown = e["type"] == "extra_forbidden"
                problems.append(Message("board_problem", {"where": where, "why": Message("board_unknown_key") if unknown
                                                          else e["msg"]}))
        else:
            problems.append(str(error))
        listed = Text.of(*("; ".join(localised(p, lang) for p in problems) for lang in ("vi", "en")))
        raise BoardConfigError("board_invalid", path=str(path), problems=listed,
                               allowed=", ".join(BoardConfig.model_fields)) from error
