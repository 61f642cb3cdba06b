"""Template titles read from the top of each file only: the home screen needs them before anything else.

Kept apart from the loader so that start-up imports neither pydantic nor the corpus.
"""

from __future__ import annotations

from pathlib import Path

from tui.domain.text import Text
from tui.paths import checklists_dir
from tui.textsafe import strip_controls


def _head_fields(path: Path, wanted: tuple[str, ...]) -> dict:
    """Top-level scalar/mapping fields of a YAML file, read as a stream and stopped once all are found."""
    import yaml

    from tui.content.files import regular_file
    from tui.content.yamlio import MAX_YAML_BYTES, MAX_YAML_NODES, _expanded_size

    regular_file(path, MAX_YAML_BYTES)  # FileRefused: no FIFO to hang on, no device, nothing huge
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
                    _expanded_size(node, MAX_YAML_NODES)  # an alias bomb stops here, before any object
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

    from tui.content.files import FileRefused
    from tui.content.yamlio import TooBig

    out: dict[str, Text] = {}
    for path in files:
        try:
            head = _head_fields(path, ("id", "title"))
            title = head["title"]
            out.setdefault(
                strip_controls(str(head["id"])),
                Text(strip_controls(str(title["ja"])), strip_controls(str(title["en"]))),
            )
        except (OSError, UnicodeDecodeError, yaml.YAMLError, KeyError, TypeError, RecursionError, FileRefused, TooBig):
            continue  # the full loader reports the file (tenken says why a user template was skipped)
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
