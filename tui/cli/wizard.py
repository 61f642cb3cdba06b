"""`tenken init` without --profile: a questionary wizard that builds a firm profile.

Runs before any TUI starts (never inside it). Answers are validated by the same rules as a profile file.
"""

from __future__ import annotations

import sys

import questionary

from tui.content.errors import ContentError
from tui.content.profile import profile_from_dict
from tui.domain.profile import (
    BUSINESS_LABELS,
    BUSINESS_LINES,
    CHARACTERISTIC_LABELS,
    CHARACTERISTICS,
    OUTSOURCING,
    OUTSOURCING_LABELS,
    Profile,
    SizeThresholds,
)
from tui.i18n import N_, _

#: questionary's own hint is English ("(Use arrow keys to move, <space> to select…)"): ours goes through gettext.
CHECKBOX_HINT = N_("(arrow keys to move, a to select or clear all)")


def _staff_ok(text: str) -> bool | str:
    return (
        True
        if text.strip().isdigit() and int(text) >= 1
        else _("Enter the number of staff as a whole number, e.g. 12.")
    )


def _restate(message: str, labels: list[str]) -> None:
    """questionary ends a checkbox with "done (3 selections)", in English: write the answer over it, in words."""
    if sys.stdout.isatty():
        sys.stdout.write("\x1b[1A\x1b[2K" + f"? {message} " + _(", ").join(labels) + "\n")
        sys.stdout.flush()


def ask_profile(thresholds: SizeThresholds) -> Profile | None:
    """Ask for each profile field; None when the user cancels (Ctrl-C)."""
    name = questionary.text(
        _("Firm name:"), validate=lambda t: bool(t.strip()) or _("The firm's name must not be blank.")
    ).ask()
    if name is None:
        return None
    business = questionary.checkbox(
        _("Business lines (space to select, enter to confirm):"),
        choices=[questionary.Choice(_(BUSINESS_LABELS[b]), value=b) for b in BUSINESS_LINES],
        validate=lambda chosen: bool(chosen) or _("Choose at least one business line."),
        instruction=_(CHECKBOX_HINT),
    ).ask()
    if business is None:
        return None
    _restate(_("Business lines (space to select, enter to confirm):"), [_(BUSINESS_LABELS[b]) for b in business])
    staff = questionary.text(_("Number of staff:"), validate=_staff_ok).ask()
    if staff is None:
        return None
    tier = thresholds.tier(int(staff))
    print(
        _("Size tier: {tier} (small < {m}, medium < {l} staff).").format(
            tier=_(tier), m=thresholds.medium_from, l=thresholds.large_from
        )
    )
    outsourcing = questionary.select(
        _("Outsourcing of system development or operation:"),
        choices=[questionary.Choice(_(OUTSOURCING_LABELS[o]), value=o) for o in OUTSOURCING],
        instruction=_("(arrow keys to move, enter to choose)"),
    ).ask()
    if outsourcing is None:
        return None
    traits = questionary.checkbox(
        _("Characteristics that apply (space to select, enter to confirm):"),
        choices=[questionary.Choice(_(CHARACTERISTIC_LABELS[c]), value=c) for c in CHARACTERISTICS],
        instruction=_(CHECKBOX_HINT),
    ).ask()
    if traits is None:
        return None
    _restate(
        _("Characteristics that apply (space to select, enter to confirm):"),
        [_(CHARACTERISTIC_LABELS[c]) for c in traits] or [_("none")],
    )
    representative = questionary.text(_("Representative (for the report; optional):")).ask()
    officer = questionary.text(_("Responsible officer (for the report; optional):")).ask()
    data = {
        "name": name,
        "business": business,
        "staff": int(staff),
        "outsourcing": outsourcing,
        "representative": representative or None,
        "responsible_officer": officer or None,
        **{c: c in traits for c in CHARACTERISTICS},
    }
    try:
        return profile_from_dict(data, thresholds)
    except ContentError as exc:  # the prompts validate each answer; this is a last guard
        print(exc.message)
        return None
