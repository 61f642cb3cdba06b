"""Template titles for the home screen, from a small JSON cache so that start-up needs no YAML parser.

On a miss (first start, a template or the code changed) they are read through the one content loader
(`tui.content.loader.load_template_titles`), with the same validation as everywhere else.
"""

from __future__ import annotations

from pathlib import Path

from tui.content.cache import cache_key, read_cache, write_cache
from tui.domain.text import Text
from tui.paths import checklists_dir

#: The code that defines the titles: the loader and schema, and the domain types.
TITLES_CODE = ("content", "domain")


def _template_files(user_dir: Path | None) -> list[Path]:
    folders = [checklists_dir() / "templates"] + ([user_dir] if user_dir is not None and user_dir.is_dir() else [])
    return [p for folder in folders for p in sorted(folder.glob("*.yaml"))]


def titles_key(user_dir: Path | None) -> str:
    return cache_key(TITLES_CODE, _template_files(user_dir))


def _from_json(data: object) -> dict[str, Text] | None:
    if not isinstance(data, dict):
        return None
    out: dict[str, Text] = {}
    for key, value in data.items():
        if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)):
            return None
        out[key] = Text(value[0], value[1])
    return out


def load_template_titles(user_dir: Path | None = None, cache: Path | None = None) -> dict[str, Text]:
    """Each template's id and title (shipped and the user's own)."""
    key = titles_key(user_dir)
    cached = _from_json(read_cache(cache, "titles", key))
    if cached is not None:
        return cached
    from tui.content.loader import load_template_titles as load

    titles = load(user_dir)
    write_cache(cache, "titles", key, {k: [t.ja, t.en] for k, t in titles.items()})
    return titles
