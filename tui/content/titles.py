"""Template titles read from the top of each file only: the home screen needs them before anything else.

Kept apart from the loader so that start-up imports neither pydantic nor the corpus.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tui.domain.text import Text
from tui.paths import checklists_dir


def _head_fields(path: Path, wanted: tuple[str, ...]) -> dict[str, Any]:
    """Top-level scalar/mapping fields of a YAML file, read as a stream and stopped once all are found."""
    import yaml

    found: dict[str, Any] = {}
    with path.open(encoding="utf-8") as fh:
        parser: Any = yaml.SafeLoader(fh)  # the pure-Python loader can compose one node at a time
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


def load_template_titles(user_dir: Path | None = None, cache: Path | None = None) -> dict[str, Text]:
    """Each template's id and title, read from the top of the file only (the home screen needs no more).

    With `cache`, the titles are kept as JSON keyed by the files' names, sizes and times: start-up then needs
    no YAML parser at all.
    """
    import hashlib
    import json

    folders = [checklists_dir() / "templates"] + ([user_dir] if user_dir is not None and user_dir.is_dir() else [])
    files = [p for folder in folders for p in sorted(folder.glob("*.yaml"))]
    key = hashlib.sha256(
        "".join(f"{p}\0{p.stat().st_size}\0{p.stat().st_mtime_ns}\0" for p in files).encode()
    ).hexdigest()[:24]
    cache_file = cache / f"titles-{key}.json" if cache is not None else None
    if cache_file is not None:
        try:
            data = json.loads(cache_file.read_text(encoding="utf-8"))
            return {k: Text(v[0], v[1]) for k, v in data.items()}
        except (OSError, ValueError, TypeError, IndexError, AttributeError):
            pass
    import yaml

    out: dict[str, Text] = {}
    for path in files:
        try:
            head = _head_fields(path, ("id", "title"))
            title = head["title"]
            out.setdefault(str(head["id"]), Text(str(title["ja"]), str(title["en"])))
        except (OSError, UnicodeDecodeError, yaml.YAMLError, KeyError, TypeError):
            continue
    if cache_file is not None:
        try:
            from tui.paths import ensure_private_dir

            ensure_private_dir(cache_file.parent)
            for old in cache_file.parent.glob("titles-*.json"):
                old.unlink(missing_ok=True)
            cache_file.write_text(
                json.dumps({k: [t.ja, t.en] for k, t in out.items()}, ensure_ascii=False), encoding="utf-8"
            )
        except OSError:
            pass
    return out
