"""Firm profile form (create or edit) and the new-inspection dialog."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Header, Input, Select, SelectionList

from tui.content.errors import ContentError
from tui.content.profile import profile_from_dict
from tui.domain import inspection
from tui.domain.inspection import add_one_month, date_problem, days_left_text, item_label, parse_date, rescope_text
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
from tui.screens.dialogs import FormDialog, confirm_then
from tui.screens.plain import Label, Static, plain_content
from tui.widgets.date_input import DateInput
from tui.widgets.footer import TenkenFooter


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
        self._asks: dict[str, str] = {}  # item id → the start of its question, for every item previewed
        self._initial_state: dict[str, object] | None = None

    def _initial(self) -> Profile | None:
        return self.tenken.ws.firm(self.firm_id).profile if self.firm_id else None

    def compose(self) -> ComposeResult:
        p = self._initial()
        yield Header(icon="")
        yield Static(_("Firm profile") if p else _("New firm profile"), classes="screen-title")
        with VerticalScroll(id="firm-form"):
            yield Label(_("Firm name"), classes="field-label")
            yield Input(
                p.name if p else "", id="name"
            )  # no wide placeholder: the cursor would split its first character
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
        yield TenkenFooter()

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()
        self.preview()
        self._initial_state = self._state()

    # --- what was typed survives a language switch; leaving a changed form asks ---------------------

    def _state(self) -> dict[str, object]:
        """Every field as the user left it (raw, before validation)."""
        state: dict[str, object] = {
            name: self.query_one(f"#{name}", Input).value
            for name in ("name", "staff", "representative", "responsible_officer")
        }
        state["business"] = sorted(self.query_one("#business", SelectionList).selected)
        state["traits"] = sorted(self.query_one("#traits", SelectionList).selected)
        state["outsourcing"] = self.query_one("#outsourcing", Select).value
        return state

    def _restore(self, state: dict[str, object]) -> None:
        for name in ("name", "staff", "representative", "responsible_officer"):
            self.query_one(f"#{name}", Input).value = str(state[name])
        for list_id in ("business", "traits"):
            chosen = self.query_one(f"#{list_id}", SelectionList)
            chosen.deselect_all()
            values = state[list_id]
            for value in values if isinstance(values, list) else ():
                chosen.select(value)
        self.query_one("#outsourcing", Select).value = state["outsourcing"]

    @property
    def changed(self) -> bool:
        return self._initial_state is not None and self._state() != self._initial_state

    async def on_language_changed(self) -> None:
        state, initial, focused = self._state(), self._initial_state, self.focused
        focused_id = focused.id if focused is not None else None
        await self.recompose()
        self._restore(state)
        self._initial_state = initial
        self._previewed = None
        self.preview()
        if focused_id:
            self.query_one(f"#{focused_id}").focus()

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
            rescoped = ws.rescope_preview(self.firm_id, profile) if self.firm_id else []
        except Exception:
            return
        included = {s.item.id for s in scoped if s.asked}
        # by the start of the question, as staff know an item (its internal id means nothing to them)
        # every item seen in a preview keeps its label: one dropped by a change of business lines is no longer in
        # `scoped`, yet must still be named (it raised KeyError and closed the app)
        self._asks.update({s.item.id: item_label("", s.item.question.get()).strip() for s in scoped})
        asks = self._asks
        text = _("{n} of {total} inspection items apply to this profile.").format(n=len(included), total=len(scoped))
        if self.baseline is not None:
            added, removed = included - self.baseline, self.baseline - included
            if added:
                text += " " + _("Added: {items}.").format(items=", ".join(asks.get(i, i) for i in sorted(added)))
            if removed:
                text += " " + _("Removed: {items}.").format(items=", ".join(asks.get(i, i) for i in sorted(removed)))
        else:
            self.baseline = included
        for info, change in rescoped:
            text += "\n" + rescope_text(info.id, change)
        self.query_one("#scope-preview", Static).update(text)

    def action_save(self) -> None:
        try:
            profile = profile_from_dict(self._data(), self.tenken.ws.thresholds())
        except ContentError as exc:
            field_id = (exc.field or "").split(".")[0]
            # the field as the form names it (「従業員数」), not the profile file's key (staff)
            message = _("Check the field {field}: {message}").format(
                field=self._label_of(field_id) or exc.field or "", message=exc.message
            )
            self.query_one("#form-error", Static).update(message)
            self.notify(message, severity="error", timeout=8)  # the form may be scrolled away from its error line
            if field_id and self.query(f"#{field_id}"):
                self.query_one(f"#{field_id}").focus()  # to the field that needs fixing
            return
        ws = self.tenken.ws
        twins = ws.firms_named(profile.name, exclude=self.firm_id)
        rescoped = ws.rescope_preview(self.firm_id, profile) if self.firm_id else []
        questions = []
        if twins:
            questions.append(
                _("A firm named {name} exists already (id {ids}). Keep both?").format(
                    name=profile.name, ids=", ".join(str(f.id) for f in twins)
                )
            )
        if rescoped:
            questions.append(
                _("The open inspections change with this profile (answers are kept):")
                + "\n"
                + "\n".join(rescope_text(info.id, change) for info, change in rescoped)
            )
        if not questions:
            self._save(profile)
            return

        confirm_then(self.app, _("Save the firm profile?"), "\n\n".join(questions), lambda: self._save(profile))

    def _label_of(self, field_id: str) -> str | None:
        """The label shown above the field `field_id` in the form."""
        label = None
        for child in self.query_one("#firm-form").children:
            if isinstance(child, Label):
                label = str(child.render())
            elif field_id and child.id == field_id:
                return label
        return None

    def _save(self, profile: Profile) -> None:
        ws = self.tenken.ws
        if self.firm_id:
            firm, _changes = ws.edit_firm(self.firm_id, profile)
        else:
            firm = ws.add_firm(profile)
        self._initial_state = self._state()
        self.notify(_("Saved the firm {name}.").format(name=firm.name))
        self.dismiss(firm.id)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        if not self.changed:
            self.dismiss(None)
            return

        confirm_then(
            self.app,
            _("Discard the changes?"),
            _("What you typed in this form is not saved. Leave anyway?"),
            lambda: self.dismiss(None),
        )


class NewInspectionDialog(FormDialog):
    """Choose templates and the notice's received date; dismisses with the new inspection id."""

    def __init__(self, firm_id: int) -> None:
        super().__init__()
        self.firm_id = firm_id
        self._initial_state: tuple[str, list[str]] | None = None

    def compose(self) -> ComposeResult:
        ws = self.tenken.ws
        firm = ws.firm(self.firm_id)
        with Vertical(classes="dialog"):
            yield Label(_("New inspection for {firm}").format(firm=firm.name), classes="dialog-title")
            yield Label(_("Templates"), classes="field-label")
            suggested = set(ws.templates_for(firm.profile))
            yield SelectionList[str](
                *[(plain_content(t.title.get()), t.id, t.id in suggested) for t in ws.templates.values()],
                id="templates",
            )
            yield Label(_("Date the notice was received (e.g. 2026-11-23 or 2026年11月23日)"), classes="field-label")
            yield DateInput(inspection.today().isoformat(), id="received")
            yield Static("", id="due", classes="hint")
            yield Static("", id="dialog-error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Start"), variant="primary", id="ok")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#received", Input).focus()
        self._update_due()
        self._initial_state = self._state()

    def _state(self) -> tuple[str, list[str]]:
        return self.query_one("#received", Input).value, sorted(self.query_one("#templates", SelectionList).selected)

    async def on_language_changed(self) -> None:
        (received, templates), initial = self._state(), self._initial_state
        await self.recompose()
        self.query_one("#received", Input).value = received
        chosen = self.query_one("#templates", SelectionList)
        chosen.deselect_all()
        for t in templates:
            chosen.select(t)
        self._initial_state = initial
        self._update_due()

    def action_cancel(self) -> None:
        if self._state() == self._initial_state:
            self.dismiss(None)
            return

        confirm_then(
            self.app,
            _("Discard the changes?"),
            _("The inspection is not started. Leave anyway?"),
            lambda: self.dismiss(None),
        )

    @on(Input.Changed, "#received")
    def _update_due(self) -> None:
        box = self.query_one("#due", Static)
        text = self.query_one("#received", Input).value
        problem = date_problem(text)
        received = None if problem else parse_date(text)
        if received is None:
            box.update(problem or _("Write the date the notice was received, e.g. 2026-11-23."))
            return
        due = add_one_month(received)
        box.update(_("Due {due} ({left}).").format(due=format_date(due), left=days_left_text(due)))

    def accept(self) -> None:
        error = self.query_one("#dialog-error", Static)
        text = self.query_one("#received", Input).value
        problem = date_problem(text)
        received = None if problem else parse_date(text)
        if received is None:
            error.update(problem or _("Write the date the notice was received, e.g. 2026-11-23."))
            return
        templates = list(self.query_one("#templates", SelectionList).selected)
        if not templates:
            error.update(_("Choose at least one template."))
            return
        info = self.tenken.ws.start_inspection(self.firm_id, templates, received)
        self.dismiss(info.id)
