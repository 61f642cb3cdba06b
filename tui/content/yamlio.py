"""YAML reading that remembers where every value came from, so errors can name file, line and field."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from tui.content.errors import ContentError
from tui.i18n import _

if TYPE_CHECKING:  # the two loaders have one API; a base chosen at run time is beyond mypy
    _BaseLoader = yaml.SafeLoader
else:  # libyaml is much faster when present; the pure-Python loader is the fallback.
    _BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineDict(dict[Any, Any]):
    """A mapping that knows the line of each key (1-based)."""

    __slots__ = ("lines", "line")
    lines: dict[Any, int]
    line: int


class LineList(list[Any]):
    __slots__ = ("lines", "line")
    lines: list[int]
    line: int


class _Loader(_BaseLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.lines = {}
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.MarkedYAMLError(problem=f"duplicate key '{key}'", problem_mark=key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.lines = [child.start_mark.line + 1 for child in node.value]
    result.line = node.start_mark.line + 1
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(path: Path, text: str | None = None) -> Any:
    """Parse one YAML file; a syntax error becomes a ContentError with its line."""
    try:
        if text is None:
            text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ContentError(path, _("the file is not UTF-8 text")) from None
    except OSError as exc:
        raise ContentError(path, _("cannot read the file ({reason})").format(reason=exc.strerror or exc)) from None
    try:
        return yaml.load(text, Loader=_Loader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise ContentError(path, _("YAML syntax error: {problem}").format(problem=problem), line=line) from None
    except yaml.YAMLError as exc:
        raise ContentError(path, _("YAML syntax error: {problem}").format(problem=exc)) from None


def line_of(data: Any, loc: Sequence[Any]) -> int | None:
    """The line of the value at path `loc` (as pydantic reports it), or of its nearest known parent."""
    line = getattr(data, "line", None)
    node = data
    for key in loc:
        if isinstance(node, LineDict) and key in node:
            line = node.lines.get(key, line)
            node = node[key]
        elif isinstance(node, LineList) and isinstance(key, int) and 0 <= key < len(node):
            line = node.lines[key]
            node = node[key]
        else:
            break
    return line
