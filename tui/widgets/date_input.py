"""A date field: accepts dates as people write them, marks anything else, and +/- move the day."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.validation import ValidationResult, Validator
from textual.widgets import Input

from tui.domain.inspection import date_problem, shift_date

#: Keys that move the day when the field holds a complete date (full-width forms from a Japanese input method).
PLUS = ("+", "＋")
MINUS = ("-", "－")


class DateValidator(Validator):
    def validate(self, value: str) -> ValidationResult:
        problem = date_problem(value)
        return self.failure(problem, value) if problem else self.success()


class DateInput(Input):
    """An Input for a date. `+` / `-` on a complete date move it by a day (on a blank field, `+` gives today);
    while the text is not yet a date they are typed as usual (2027-02-…)."""

    def __init__(self, value: str = "", **kwargs: Any) -> None:
        super().__init__(value, validators=[DateValidator()], validate_on=["changed", "submitted"], **kwargs)

    async def _on_key(self, event: events.Key) -> None:
        step = 1 if event.character in PLUS else -1 if event.character in MINUS else 0
        if step and (self.value.strip() or step > 0):
            moved = shift_date(self.value, step)
            if moved is not None:
                event.stop()
                event.prevent_default()
                self.value = moved
                self.cursor_position = len(moved)
                return
        await super()._on_key(event)
