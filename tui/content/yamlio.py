"""YAML reading that remembers where every value came from, so errors can name file, line and field."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from tui.content.errors import ContentError
from tui.i18n import _
from tui.textsafe import strip_controls

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


#: Limits on a YAML file (README: limits): its size on disk, and the number of values it stands for once every
#: alias is expanded. The largest shipped file is about 250 KB and 20,000 values; a "billion laughs" file of a few
#: hundred bytes stands for hundreds of millions and is refused before any object is built.
MAX_YAML_BYTES = 8 << 20
MAX_YAML_NODES = 2_000_000
#: The text a file stands for once every alias is expanded: no more than a file without aliases can hold. One long
#: text repeated through an alias is few values but hundreds of millions of characters for every reader of it.
MAX_YAML_CHARS = MAX_YAML_BYTES


class TooBig(Exception):
    def __init__(self, mark: yaml.Mark | None = None, text: bool = False):
        super().__init__()
        self.mark = mark
        self.text = text


def _expanded_size(root: yaml.Node, limit: int, char_limit: int = MAX_YAML_CHARS) -> tuple[int, int]:
    """How many values, and characters of text, the node graph stands for with aliases expanded (aliases share
    nodes: counted per use). TooBig carries the place where a limit was passed."""
    sizes: dict[int, tuple[int, int]] = {}
    active: set[int] = set()

    def size(node: yaml.Node) -> tuple[int, int]:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:  # an alias to itself
            raise TooBig(node.start_mark)
        active.add(key)
        total, chars = 1, 0
        if isinstance(node, yaml.ScalarNode):
            chars = len(node.value)
        else:
            children = node.value if isinstance(node, yaml.SequenceNode) else [c for kv in node.value for c in kv]
            for child in children:
                n, c = size(child)
                total, chars = total + n, chars + c
                if total > limit:
                    raise TooBig(child.start_mark)
                if chars > char_limit:
                    raise TooBig(child.start_mark, text=True)
        active.discard(key)
        sizes[key] = (total, chars)
        return total, chars

    return size(root)


class _Loader(_BaseLoader):
    def get_single_data(self) -> Any:
        """Compose the node graph, check what it expands to, then build objects (SafeLoader builds at once)."""
        node = self.get_single_node()
        if node is None:
            return None
        try:
            _expanded_size(node, MAX_YAML_NODES)
        except TooBig as exc:
            if exc.text:
                problem = _(
                    "the file expands to more than {n} characters of text (aliases repeat a long text too often)"
                ).format(n=f"{MAX_YAML_CHARS:,}")
            else:
                problem = _("the file expands to more than {n} values (aliases nested too deeply)").format(
                    n=f"{MAX_YAML_NODES:,}"
                )
            raise yaml.MarkedYAMLError(problem=problem, problem_mark=exc.mark or node.start_mark) from None
        except RecursionError:
            raise yaml.MarkedYAMLError(
                problem=_("the file expands to more than {n} values (aliases nested too deeply)").format(
                    n=f"{MAX_YAML_NODES:,}"
                ),
                problem_mark=node.start_mark,
            ) from None
        return self.construct_document(node)


def _construct_str(loader: _Loader, node: yaml.ScalarNode) -> str:
    return strip_controls(loader.construct_scalar(node))


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.lines = {}
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise yaml.MarkedYAMLError(
                problem=_("a list or mapping is used as a key (a complex key); keys must be plain names"),
                problem_mark=key_node.start_mark,
            )
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise yaml.MarkedYAMLError(problem=_("a key must be a plain name"), problem_mark=key_node.start_mark)
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
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG, _construct_str)


def load_yaml(path: Path, text: str | None = None) -> Any:
    """Parse one YAML file; a syntax error becomes a ContentError with its line."""
    from tui.content.files import FileRefused, read_limited

    try:
        if text is None:
            text = read_limited(path, MAX_YAML_BYTES).decode("utf-8")
    except FileRefused as exc:
        raise ContentError(path, exc.reason) from None
    except UnicodeDecodeError:
        raise ContentError(path, _("the file is not UTF-8 text")) from None
    except OSError as exc:
        raise ContentError(path, _("cannot read the file ({reason})").format(reason=exc.strerror or exc)) from None
    if len(text) > MAX_YAML_BYTES:
        raise ContentError(path, _("the file is too large"))
    try:
        return yaml.load(text, Loader=_Loader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise ContentError(path, _("YAML syntax error: {problem}").format(problem=problem), line=line) from None
    except RecursionError:
        raise ContentError(path, _("the file is nested too deeply")) from None
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
