"""Turn pydantic validation errors into one readable ContentError naming file, line and field."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from tui.content.errors import ContentError
from tui.content.yamlio import line_of
from tui.i18n import _

M = TypeVar("M", bound=BaseModel)


class _Shown:
    """A value quoted in a message (``{value!r}``): cut at 60 characters, so that a 5,000-character name or a
    document pasted into a number field does not become a message the terminal scrolls away."""

    LIMIT = 60

    def __init__(self, value: Any):
        self.value = value

    def __repr__(self) -> str:
        text = repr(self.value)
        return text if len(text) <= self.LIMIT else text[: self.LIMIT - 1] + "…"


def _expected(err: ErrorDetails) -> str:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    err = {**err, "input": _Shown(err.get("input"))}
    if kind == "extra_forbidden":
        return _("unknown field")
    if kind == "missing":
        return _("this field is required but missing")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("expected a whole number (e.g. 12), got {value!r}").format(value=err.get("input"))
    if kind in ("bool_parsing", "bool_type"):
        return _("expected true or false, got {value!r}").format(value=err.get("input"))
    if kind == "literal_error":
        # pydantic writes the choices in English ("'a', 'b' or 'c'"): list them ourselves.
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", ""))) or [str(ctx.get("expected", ""))]
        return _("expected one of {expected}, got {value!r}").format(
            expected=", ".join(choices), value=err.get("input")
        )
    if kind in ("date_from_datetime_parsing", "date_parsing", "date_type"):
        return _("expected a date like 2026-11-23, got {value!r}").format(value=err.get("input"))
    if kind in ("string_too_short", "too_short"):
        return _("must not be empty")
    if kind == "string_too_long":
        return _("the text is too long")
    if kind == "too_long":
        return _("too many entries")
    if kind in ("greater_than_equal", "less_than_equal"):
        return _("value out of range: {value!r}").format(value=err.get("input"))
    if kind in ("list_type",):
        return _("expected a list (e.g. [a, b]), got {value!r}").format(value=err.get("input"))
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("expected a mapping of fields")
    if kind in ("string_type",):
        return _("expected text, got {value!r}").format(value=err.get("input"))
    if kind == "string_pattern_mismatch":
        return _("{value!r} does not have the expected form ({pattern})").format(
            value=err.get("input"), pattern=ctx.get("pattern")
        )
    return _("invalid value: {detail}").format(detail=err.get("msg", ""))


def validate(model: type[M], data: Any, path: Path) -> M:
    """Validate parsed YAML against `model`; the first problem becomes a ContentError."""
    if data is None:
        raise ContentError(path, _("the file is empty"))
    if not isinstance(data, dict):
        raise ContentError(path, _("expected a mapping of fields at the top of the file"), line=1)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        first = errors[0]
        loc = tuple(first["loc"])
        field = ".".join(str(p) for p in loc) or None
        message = _expected(first)
        for other in errors[1:]:  # every problem at once: fixing a file one error per run wears people out
            other_loc = tuple(other["loc"])
            where = _("field '{field}'").format(field=".".join(str(p) for p in other_loc))
            line = line_of(data, other_loc)
            if line:
                where = _("line {line}, field '{field}'").format(line=line, field=".".join(str(p) for p in other_loc))
            message += _("; ") + where + ": " + _expected(other)
        raise ContentError(path, message, line=line_of(data, loc), field=field) from None
