"""YAML read safely: bounded (aliases, nesting, expanded size), repeated keys found, and without YAML 1.1's
surprises.

PyYAML implements YAML 1.1, where `unit_code: 01234` is the octal number 668, `births: 056` is 46 and
`time: 1:30` is 90 (sexagesimal). A unit file is read with every plain value as the text written (only an
empty value or `null`/`~` is missing): the validators decide what a value means, so a code keeps its zeros and
`056` is read as 56. A criteria file keeps YAML's numbers and yes/no, but only in decimal.
"""
from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent
from yaml.reader import Reader
from yaml.resolver import Resolver

from engine import limits
from engine.messages import Message, counted


class YamlProblem(Exception):
    """The text cannot be used as YAML; `line` is 1-based when known. `message` is a catalog Message for the
    limits cfc sets, or the YAML parser's own (English) words."""

    def __init__(self, message: Message | str, line: int | None = None):
        super().__init__(message.render("en") if isinstance(message, Message) else message)
        self.message, self.line = message, line


class Mapping(dict):
    """A YAML or JSON mapping that remembers keys written more than once: (key, line or None)."""

    repeated: list[tuple[str, int | None]]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.repeated = []


def mapping_from_pairs(pairs: list[tuple[Any, Any]]) -> Mapping:
    """json.loads object_pairs_hook: the first value of a repeated key is kept, the repeat is recorded."""
    out = Mapping()
    for key, value in pairs:
        if key in out:
            out.repeated.append((str(key), None))
        else:
            out[key] = value
    return out


def _line(node_or_mark) -> int | None:
    mark = getattr(node_or_mark, "start_mark", node_or_mark)
    return mark.line + 1 if mark is not None else None


class _Bounds:
    """Bounds checked while composing (before any value is built), and repeated keys kept: over PyYAML's composer
    and safe constructor, whichever parser (Python or libyaml) gives the events."""

    _depth = 0
    _aliases = 0

    def compose_node(self, parent, index):
        if self.check_event(AliasEvent):
            self._aliases += 1
            if self._aliases > limits.MAX_YAML_ALIASES:
                raise YamlProblem(Message("yaml_aliases", {"limit": limits.MAX_YAML_ALIASES}),
                                  _line(self.peek_event()))
        self._depth += 1
        try:
            if self._depth > limits.MAX_DEPTH:
                raise YamlProblem(Message("yaml_depth", {"depth": limits.MAX_DEPTH}), _line(self.peek_event()))
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):
        if not isinstance(node, yaml.MappingNode):
            return super().construct_mapping(node, deep)
        self.flatten_mapping(node)
        out = Mapping()
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise YamlProblem(Message("yaml_key_collection"), _line(key_node)) from None
            if key in out:
                out.repeated.append((str(key), _line(key_node)))
                continue
            out[key] = self.construct_object(value_node, deep=deep)
        return out


class _BoundedLoader(_Bounds, yaml.SafeLoader):
    """SafeLoader with the bounds: every event from PyYAML's own (Python) parser."""


def _construct_map(loader, node):
    data = Mapping()
    yield data
    value = loader.construct_mapping(node)
    data.update(value)
    data.repeated = value.repeated


_BoundedLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)


def _resolvers(keep: dict[str, str | None]) -> dict:
    """SafeLoader's implicit resolvers restricted to the tags in `keep` (a tag → a replacement pattern)."""
    out: dict = {}
    for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items():
        for tag, pattern in entries:
            if tag in keep:
                out.setdefault(first, []).append((tag, re.compile(keep[tag]) if keep[tag] else pattern))
    return out


class TextLoader(_BoundedLoader):
    """Unit data: every plain scalar is the text written; only empty, null and ~ are missing."""

    yaml_implicit_resolvers = _resolvers({"tag:yaml.org,2002:null": None})


for _tag in ("int", "float", "bool", "timestamp", "binary"):  # an explicit !!int 056 is also the text written
    TextLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", yaml.SafeLoader.construct_scalar)


class CriteriaLoader(_BoundedLoader):
    """Criteria files: numbers (decimal only: no octal, no sexagesimal) and yes/no; dates stay text (the schema
    parses them, so a bad date is reported with its line)."""

    yaml_implicit_resolvers = _resolvers({
        "tag:yaml.org,2002:null": None,
        "tag:yaml.org,2002:bool": None,
        "tag:yaml.org,2002:int": r"^[-+]?(?:0|[1-9][0-9_]*)$",
        "tag:yaml.org,2002:float": r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "tag:yaml.org,2002:merge": None,
    })


CriteriaLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_scalar)


def _decimal_int(loader, node) -> int:
    text = loader.construct_scalar(node).replace("_", "")
    if len(text.lstrip("+-")) > limits.MAX_DIGITS:
        raise YamlProblem(Message("yaml_long_number", {"text": text[:20], "digits": len(text.lstrip("+-"))}), _line(node))
    return int(text, 10)  # base 10 always: 0o17 and 0x1F are not numbers here


CriteriaLoader.add_constructor("tag:yaml.org,2002:int", _decimal_int)


def _libyaml_twin(loader: type[_BoundedLoader]) -> type | None:
    """The loader with libyaml's parser (C) in place of PyYAML's scanner and parser (Python, ~9 in 10 of a
    criteria file's reading: 60 ms of every cfc command's start). The same composer (bounds), resolvers and
    constructors turn its events into values; None when PyYAML was built without libyaml."""
    if not getattr(yaml, "__with_libyaml__", False):
        return None
    from yaml._yaml import CParser  # PyYAML's public C binding (yaml.CSafeLoader is built on it)

    class Twin(_Bounds, Composer, CParser, SafeConstructor, Resolver):
        yaml_implicit_resolvers = loader.yaml_implicit_resolvers
        yaml_constructors = loader.yaml_constructors
        yaml_multi_constructors = loader.yaml_multi_constructors

        def __init__(self, stream):
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

    Twin.__name__ = Twin.__qualname__ = "Fast" + loader.__name__
    return Twin


_FAST = {loader: _libyaml_twin(loader) for loader in (TextLoader, CriteriaLoader)}


def _expanded_size(node, sizes: dict[int, int | None]) -> int:
    """How many values the node becomes once every alias is expanded (what a consumer walks)."""
    key = id(node)
    if key in sizes:
        if sizes[key] is None:
            raise YamlProblem(Message("yaml_alias_loop"), _line(node))
        return sizes[key]
    sizes[key] = None
    size = 1
    if isinstance(node, yaml.SequenceNode):
        size += sum(_expanded_size(child, sizes) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        size += sum(_expanded_size(k, sizes) + _expanded_size(v, sizes) for k, v in node.value)
    if size > limits.MAX_NODES:
        raise YamlProblem(Message("yaml_too_many_values", {"limit": counted(limits.MAX_NODES)}), _line(node))
    sizes[key] = size
    return size


def load_yaml(text: str, loader: type[_BoundedLoader] = TextLoader) -> Any:
    """One YAML document, bounded. Raises YamlProblem for anything that is not usable YAML.

    A document is read with libyaml's parser when PyYAML has it (a criteria file in a sixth of the time): a
    document that reads there without any problem, and holds no character PyYAML's reader refuses, is taken from
    it; anything else is read again by PyYAML's own parser, so every error (its words, its line) is PyYAML's. Where
    both read a document they give the same values (tests/fuzz/test_fuzz_criteria.py); libyaml also reads a few
    spellings PyYAML refuses (some tabs, a "?" key indicator in places), as libyaml reads them."""
    if len(text) > limits.MAX_DOCUMENT_BYTES:
        raise YamlProblem(Message("yaml_too_large", {"mb": limits.MAX_DOCUMENT_BYTES // (1024 * 1024)}))
    fast = _FAST.get(loader)
    if fast is not None and not Reader.NON_PRINTABLE.search(text):
        try:
            return _load(text, fast)
        except Exception:  # noqa: BLE001 - any problem at all: PyYAML's parser reads it and says what
            pass
    return _load(text, loader)


def _load(text: str, loader: type) -> Any:
    instance = None
    try:
        instance = loader(text)
        node = instance.get_single_node()
        if node is None:
            return None
        _expanded_size(node, {})
        return instance.construct_document(node)
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = " ".join(str(part) for part in (error.context, error.problem) if part)
        raise YamlProblem(problem or str(error), _line(mark)) from None
    except yaml.reader.ReaderError as error:  # a character YAML does not allow (NUL, other controls)
        line = text[:error.position].count("\n") + 1
        raise YamlProblem(Message("yaml_character", {"code": f"{error.character:04X}"}), line) from None
    except yaml.YAMLError as error:
        raise YamlProblem(str(error)) from None
    except (ValueError, OverflowError, TypeError) as error:  # a constructor given a value it cannot build
        raise YamlProblem(Message("yaml_value", {"error": error})) from None
    except RecursionError:
        raise YamlProblem(Message("yaml_too_deep")) from None
    finally:
        if instance is not None:
            instance.dispose()
