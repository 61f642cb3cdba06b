"""Firm profile form (create or edit) and the new-inspection dialog."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Header, Input, Select, SelectionList

from tui.content.errors import ContentError
from tui.content.profile import profile_from_dict
from tui.domain import inspection
from tui.domain.inspection import add_one_month, days_left_text, parse_date
from tui.domain.profile import (
    BUSINESS_LABELS,
    BUSINESS_LINES,
    CHARACTERISTIC_LABELS,
    CHARACTERISTICS,
    OUTSOURCING,
    OUTSOURCING_LABELS,
    Profile,
)
from tui.i18n import N_, _, format_date
from tui.screens.base import STYLES, TenkenScreen
from tui.screens.dialogs import FormDialog
from tui.screens.plain import Label, Static


class FirmScreen(TenkenScreen[int | None]):
    """Create (or edit) a firm profile; dismisses with the firm id, or None when cancelled."""

    CSS_PATH = [STYLES / "firm.tcss", STYLES / "dialogs.tcss"]

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), id="firm.cancel"),
        Binding("ctrl+s", "save", N_("Save"), id="firm.save", priority=True),
    ]

    def __init__(self, firm_id: int | None = None) -> None:
        super().__init__()
        self.firm_id = firm_id
        self.baseline: set[str] | None = None
        self._previewed: Profile | None = None

    def _initial(self) -> Profile | None:
        return self.tenken.ws.firm(self.firm_id).profile if self.firm_id else None

    def compose(self) -> ComposeResult:
        p = self._initial()
        yield Header(icon="")
        yield Static(_("Firm profile") if p else _("New firm profile"), classes="screen-title")
        with VerticalScroll(id="firm-form"):
            yield Label(_("Firm name"), classes="field-label")
            yield Input(p.name if p else "", id="name", placeholder="株式会社サンプル")
            yield Label(_("Business lines"), classes="field-label")
            yield SelectionList[str](
                *[(_(BUSINESS_LABELS[b]), b, bool(p and b in p.business)) for b in BUSINESS_LINES], id="business"
            )
            yield Label(_("Number of staff"), classes="field-label")
            yield Input(str(p.staff) if p else "", id="staff", placeholder="12", restrict=r"[0-9]*")
            yield Static("", id="size-tier", classes="hint")
            yield Label(_("Outsourcing of system development or operation"), classes="field-label")
            yield Select(
                [(_(OUTSOURCING_LABELS[o]), o) for o in OUTSOURCING],
                value=p.outsourcing if p else "none",
                allow_blank=False,
                id="outsourcing",
            )
            yield Label(_("Characteristics"), classes="field-label")
            yield SelectionList[str](
                *[(_(CHARACTERISTIC_LABELS[c]), c, bool(p and getattr(p, c))) for c in CHARACTERISTICS],
                id="traits",
            )
            yield Label(_("Representative (for the report)"), classes="field-label")
            yield Input((p.representative or "") if p else "", id="representative")
            yield Label(_("Responsible officer (for the report)"), classes="field-label")
            yield Input((p.responsible_officer or "") if p else "", id="responsible_officer")
            yield Static("", id="scope-preview", classes="hint")
            yield Static("", id="form-error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Save"), variant="primary", id="save")
                yield Button(_("Cancel"), id="cancel")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()
        self.preview()

    def _data(self) -> dict:
        staff = self.query_one("#staff", Input).value.strip()
        traits = set(self.query_one("#traits", SelectionList).selected)
        return {
            "name": self.query_one("#name", Input).value,
            "business": list(self.query_one("#business", SelectionList).selected),
            "staff": int(staff) if staff.isdigit() else staff,
            "outsourcing": self.query_one("#outsourcing", Select).value,
            "representative": self.query_one("#representative", Input).value.strip() or None,
            "responsible_officer": self.query_one("#responsible_officer", Input).value.strip() or None,
            **{c: c in traits for c in CHARACTERISTICS},
        }

    @on(Input.Changed)
    @on(SelectionList.SelectedChanged)
    @on(Select.Changed)
    def preview(self) -> None:
        """Show the size tier and how many items apply, and which appear or disappear (only when scope can change)."""
        ws = self.tenken.ws
        th = ws.thresholds()
        staff = self.query_one("#staff", Input).value.strip()
        tier_box = self.query_one("#size-tier", Static)
        tier_box.update(
            _("Size tier: {tier} (small < {m}, medium < {l} staff)").format(
                tier=_(th.tier(int(staff))), m=th.medium_from, l=th.large_from
            )
            if staff.isdigit() and int(staff) > 0
            else ""
        )
        data = self._data()
        if not data["business"] or not isinstance(data["staff"], int) or data["staff"] < 1:
            return
        profile = Profile(
            name="—",
            business=tuple(data["business"]),
            staff=data["staff"],
            outsourcing=data["outsourcing"],
            thresholds=th,
            **{c: data[c] for c in CHARACTERISTICS},
        )
        if profile == self._previewed:  # typing the name or an officer does not change the scope
            return
        self._previewed = profile
        try:
            scoped = ws.scope(profile, ws.templates_for(profile))
        except Exception:
            return
        included = {s.item.id for s in scoped if s.asked}
        text = _("{n} of {total} inspection items apply to this profile.").format(n=len(included), total=len(scoped))
        if self.baseline is not None:
            added, removed = included - self.baseline, self.baseline - included
            if added:
                text += " " + _("Added: {items}.").format(items=", ".join(sorted(added)))
            if removed:
                text += " " + _("Removed: {items}.").format(items=", ".join(sorted(removed)))
        else:
            self.baseline = included
        self.query_one("#scope-preview", Static).update(text)

    def action_save(self) -> None:
        try:
            profile = profile_from_dict(self._data(), self.tenken.ws.thresholds())
        except ContentError as exc:
            self.query_one("#form-error", Static).update(
                _("Check the field {field}: {message}").format(field=exc.field or "", message=exc.message)
            )
            return
        ws = self.tenken.ws
        firm = ws.update_firm(self.firm_id, profile) if self.firm_id else ws.add_firm(profile)
        self.notify(_("Saved the firm {name}.").format(name=firm.name))
        self.dismiss(firm.id)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class NewInspectionDialog(FormDialog):
    """Choose templates and the notice's received date; dismisses with the new inspection id."""

    def __init__(self, firm_id: int) -> None:
        super().__init__()
        self.firm_id = firm_id

    def compose(self) -> ComposeResult:
        ws = self.tenken.ws
        firm = ws.firm(self.firm_id)
        with Vertical(classes="dialog"):
            yield Label(_("New inspection for {firm}").format(firm=firm.name), classes="dialog-title")
            yield Label(_("Templates"), classes="field-label")
            suggested = set(ws.templates_for(firm.profile))
            yield SelectionList[str](
                *[(t.title.get(), t.id, t.id in suggested) for t in ws.templates.values()], id="templates"
            )
            yield Label(_("Date the notice was received (YYYY-MM-DD)"), classes="field-label")
            yield Input(inspection.today().isoformat(), id="received")
            yield Static("", id="due", classes="hint")
            yield Static("", id="dialog-error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Start"), variant="primary", id="ok")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#received", Input).focus()
        self._update_due()

    @on(Input.Changed, "#received")
    def _update_due(self) -> None:
        box = self.query_one("#due", Static)
        try:
            received = parse_date(self.query_one("#received", Input).value)
        except ValueError:
            received = None
        if received is None:
            box.update(_("Write the date as YYYY-MM-DD, e.g. 2026-12-31."))
            return
        due = add_one_month(received)
        box.update(_("Due {due} ({left}).").format(due=format_date(due), left=days_left_text(due)))

    def accept(self) -> None:
        error = self.query_one("#dialog-error", Static)
        try:
            received = parse_date(self.query_one("#received", Input).value)
        except ValueError:
            received = None
        if received is None:
            error.update(_("Write the date as YYYY-MM-DD, e.g. 2026-12-31."))
            return
        templates = list(self.query_one("#templates", SelectionList).selected)
        if not templates:
            error.update(_("Choose at least one template."))
            return
        info = self.tenken.ws.start_inspection(self.firm_id, templates, received)
        self.dismiss(info.id)
