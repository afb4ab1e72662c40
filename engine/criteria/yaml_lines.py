"""Find the line of a path inside a YAML document, so that errors point at the place a person must edit."""
from __future__ import annotations

from functools import lru_cache
from typing import Sequence

import yaml


def line_of(text: str, path: Sequence[str | int]) -> int | None:
    """1-based line of the deepest node along `path` that exists in `text`, or None if the text is unparsable."""
    node = _compose(text)
    if node is False:
        return None
    line = node.start_mark.line + 1 if node is not None else None
    for step in path:
        child = _child(node, step)
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line


@lru_cache(maxsize=2)
def _compose(text: str):
    """The document's node tree, composed once for all the problems of one file (False if unparsable)."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return False


def _child(node: yaml.Node | None, step: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == str(step):
                return key if value is None else value
    if isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
        return node.value[step]
    return None


def format_path(path: Sequence[str | int]) -> str:
    """Render ('criteria', 6, 'indicators', 0) as criteria[6].indicators[0] — the way a reader counts in YAML."""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out or "(top level)"
