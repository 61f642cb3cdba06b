"""The error every content, template, training and profile file problem becomes (no YAML import: cheap at start-up)."""

from __future__ import annotations

from pathlib import Path

from tui.i18n import _


class ContentError(Exception):
    """A data or profile file that cannot be used: which file, which line, which field, and why."""

    def __init__(self, path: Path | str, message: str, line: int | None = None, field: str | None = None):
        self.path = Path(path)
        self.line = line
        self.field = field
        self.message = message
        super().__init__(self.describe())

    def describe(self) -> str:
        where = str(self.path)
        if self.line:
            where += _(", line {line}").format(line=self.line)
        if self.field:
            where += _(", field '{field}'").format(field=self.field)
        return f"{where}: {self.message}"
