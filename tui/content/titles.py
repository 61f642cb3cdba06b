"""Template titles read from the top of each file only: the home screen needs them before anything else.

Kept apart from the loader so that start-up imports neither pydantic nor the corpus.
"""

from __future__ import annotations

from pathlib import Path

from tui.domain.text import Text
from tui.paths import checklists_dir


def _head_fields(path: Path, wanted: tuple[str, ...]) -> dict:
    """Top-level scalar/mapping fields of a YAML file, read as a stream and stopped once all are found."""
    import yaml

    found: dict = {}
    with path.open(encoding="utf-8") as fh:
        parser = yaml.SafeLoader(fh)  # the pure-Python loader can compose one node at a time
        try:
            parser.get_event()  # stream start
            parser.get_event()  # document start
            if not isinstance(parser.get_event(), yaml.MappingStartEvent):
                return found
            while not parser.check_event(yaml.MappingEndEvent) and len(found) < len(wanted):
                key = parser.get_event()
                if not isinstance(key, yaml.ScalarEvent):
                    break
                node = parser.compose_node(None, None)
                if key.value in wanted:
                    found[key.value] = parser.construct_document(node)
        finally:
            parser.dispose()
    return found


def load_template_titles(user_dir: Path | None = None) -> dict[str, Text]:
    """Each template's id and title, read from the top of the file only (the home screen needs no more)."""
    import yaml

    out: dict[str, Text] = {}
    folders = [checklists_dir() / "templates"] + ([user_dir] if user_dir is not None and user_dir.is_dir() else [])
    for folder in folders:
        for path in sorted(folder.glob("*.yaml")):
            try:
                head = _head_fields(path, ("id", "title"))
                title = head["title"]
                out.setdefault(str(head["id"]), Text(str(title["ja"]), str(title["en"])))
            except (OSError, UnicodeDecodeError, yaml.YAMLError, KeyError, TypeError):
                continue
    return out
