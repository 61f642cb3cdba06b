"""One inspection: the items by section on the left, the selected item's answer on the right.

Every change is saved as it is made: choices at once, typed text after a short pause, and whatever is
pending when the user moves to another item, leaves the screen or quits.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable

from rich.text import Text as RichText
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Header, Input, Select, TextArea
from textual.widgets.option_list import OptionDoesNotExist

from tui.domain.corpus import article_label
from tui.domain.inspection import (
    FIELD_LABELS,
    FILTER_LABELS,
    RISK_LABELS,
    RISKS,
    STATUS_LABELS,
    STATUSES,
    Answer,
    AnswerRejected,
    InspectionInfo,
    Progress,
    date_problem,
    days_left_text,
    normalize_item_number,
    parse_date,
    shown_by_filter,
)
from tui.domain.plan import REMEDIATION_LABELS
from tui.domain.profile import Profile
from tui.domain.scope import level_label
from tui.domain.template import (
    PlacedItem,
    TemplateSection,
    cites_for,
    find_item,
    inspection_rulebooks,
    lay_out,
)
from tui.domain.text import LEVEL_LABELS
from tui.i18n import N_, _, format_date, format_datetime, get_language
from tui.screens.base import STYLES, TenkenScreen
from tui.screens.dialogs import ConfirmDialog, InputDialog
from tui.screens.plain import Label, Option, OptionList, Prose, Static, show_in_place
from tui.widgets.date_input import DateInput
from tui.widgets.detail_text import DetailPane, DetailText
from tui.widgets.footer import TenkenFooter
from tui.widgets.item_list import ItemList
from tui.widgets.wrapped import Wrapped
from tui.workspace import StoreError

STATUS_MARK = {
    "unanswered": ("·", "dim"),
    "compliant": ("✓", "green"),
    "partial": ("!", "yellow"),
    "noncompliant": ("✗", "bold red"),
    "na": ("–", "cyan"),
}
TEXT_AREAS = ("note", "finding", "remediation", "justification")
INPUTS = ("owner", "target_date")
FIELD_LABELS_SHOWN = {
    "note": N_("Note"),
    "finding": N_("Problems and vulnerabilities"),
    "remediation": N_("Remediation plan"),
    "justification": N_("Justification (not applicable)"),
}
SAVE_DELAY = 0.6


class InspectionScreen(TenkenScreen):
    CSS_PATH = STYLES / "inspection.tcss"
    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="inspection.back"),
        Binding("pagedown", "next_item", N_("Next item"), id="inspection.next", priority=True, key_display="PgDn"),
        Binding(
            "pageup",
            "previous_item",
            N_("Previous item"),
            id="inspection.previous",
            priority=True,
            key_display="PgUp",
            show=False,
        ),
        Binding("g", "jump", N_("Jump to item"), id="inspection.jump", show=False),
        Binding("u", "toggle_unanswered", N_("Only unanswered"), id="inspection.unanswered", show=False),
        Binding("p", "next_filter", N_("Problems filter"), id="inspection.problems", show=False),
        Binding(
            "ctrl+e", "edit_long", N_("Edit in a larger editor"), id="inspection.editor", show=False, priority=True
        ),
        Binding("a", "article", N_("Article text"), id="inspection.article"),
        Binding("e", "export", N_("Export report"), id="inspection.export"),
        Binding("v", "evidence", N_("Add evidence"), id="inspection.evidence", show=False),
        Binding("V", "remove_evidence", N_("Remove evidence"), id="inspection.remove_evidence", show=False),
        Binding("h", "history", N_("Change history"), id="inspection.history", show=False),
        Binding("w", "why", N_("Why this item"), id="inspection.why", show=False),
        Binding("f", "finalize", N_("Finalize"), id="inspection.finalize", show=False),
        Binding("n", "reopen", N_("New revision"), id="inspection.reopen", show=False),
        Binding("P", "plan", N_("Plan"), id="inspection.plan", show=False),
        Binding("A", "assign", N_("Assign"), id="inspection.assign", show=False),
        # Full-width digits too: a Japanese input method left on types １ for 1.
        Binding("1,１", "status('compliant')", N_("Compliant"), id="inspection.compliant", show=False),
        Binding("2,２", "status('partial')", N_("Partial"), id="inspection.partial", show=False),
        Binding("3,３", "status('noncompliant')", N_("Problem"), id="inspection.noncompliant", show=False),
        Binding("4,４", "status('na')", N_("Not applicable"), id="inspection.na", show=False),
        Binding("0,０", "status('unanswered')", N_("Unanswered"), id="inspection.clear", show=False),
    ]

    def __init__(self, inspection_id: int, item: str | None = None) -> None:
        super().__init__()
        self.inspection_id = inspection_id
        self.info: InspectionInfo | None = None
        self.sections: list[tuple[TemplateSection, list[PlacedItem]]] = []
        self.placed: dict[str, PlacedItem] = {}
        self.answers: dict[str, Answer] = {}
        self.current: str | None = item
        self.profile: Profile  # set by load(), before anything is shown
        self.rulebooks: set[str] = set()
        self.filter = "all"  # one of tui.domain.inspection.FILTERS
        self._date_error: str | None = None  # the target date typed for the current item, when it is not a date
        self.pending: dict[str, object] = {}
        self.pending_item: str | None = None
        self._timer: Timer | None = None
        self._loading = False
        self._closing = False
        self._fields_locked: bool | None = None  # whether the answer fields are disabled (None: not set yet)

    # --- building -------------------------------------------------------------------------

    def load(self) -> None:
        ws = self.tenken.ws
        self.info = ws.inspection(self.inspection_id)
        templates = ws.inspection_templates(self.info)
        self.profile = ws.firm(self.info.firm_id).profile
        self.rulebooks = inspection_rulebooks(self.profile.rulebooks, templates)
        self.sections = lay_out(templates, ws.inspection_items(self.inspection_id))
        self.placed = {p.item.id: p for _s, items in self.sections for p in items}
        self.answers = ws.answers(self.inspection_id)
        self.carried = ws.planning.carried(self.inspection_id)  # open problems from the last cycle
        if self.current is None:
            self.current = ws.last_item(self.inspection_id)
        if self.current not in self.placed:
            self.current = None
        if self.current is None and self.placed:
            self.current = next(iter(self.placed))

    def compose(self) -> ComposeResult:
        if self.info is None:
            self.load()
        yield Header(icon="")
        yield Static(self._info_line(), id="inspection-info", classes="screen-title")
        with Horizontal(id="inspection-body"):
            with Vertical(id="items-pane"):
                yield Prose(self._filter_text(), id="filter-state", classes="hint")
                yield ItemList(id="items")
            with DetailPane(id="detail"):
                yield DetailText("", id="question")
                yield DetailText("", id="meta")
                yield Label(_("Status"), classes="field-label")
                yield Select(
                    [(_(STATUS_LABELS[s]), s) for s in STATUSES], allow_blank=False, value="unanswered", id="status"
                )
                yield DetailText("", id="evidence", classes="hint")
                yield DetailText("", id="save-state", classes="hint")
                yield Label(_("Note"), classes="field-label")
                yield TextArea(id="note", classes="answer-text")
                with Vertical(id="problem-fields"):
                    yield Label(_("Problems and vulnerabilities"), classes="field-label")
                    yield TextArea(id="finding", classes="answer-text")
                    yield Label(_("Risk rating"), classes="field-label")
                    yield Select([(_(RISK_LABELS[r]), r) for r in RISKS], prompt=_("not rated"), id="risk")
                    yield Label(_("Remediation plan"), classes="field-label")
                    yield TextArea(id="remediation", classes="answer-text")
                    yield Label(_("Owner"), classes="field-label")
                    yield Input(id="owner")
                    yield Label(
                        _("Target date (e.g. 2027-02-15 or 2027年2月15日; + and - move a day)"), classes="field-label"
                    )
                    yield DateInput(id="target_date", placeholder="2027-02-15")
                    yield Prose("", id="date-error", classes="error")  # why the date typed is not saved
                with Vertical(id="na-fields"):
                    yield Label(_("Justification (not applicable)"), classes="field-label")
                    yield TextArea(id="justification", classes="answer-text")
                yield DetailText("", id="expectation")
        yield TenkenFooter()

    def _filter_text(self) -> str:
        return _("Showing {what} (u, p)").format(what=_(FILTER_LABELS[self.filter]))

    @property
    def only_unanswered(self) -> bool:
        return self.filter == "unanswered"

    def _shown(self, item_id: str) -> bool:
        return item_id == self.current or shown_by_filter(self.answers.get(item_id, Answer(item_id)), self.filter)

    def on_mount(self) -> None:
        self._fields_locked = None  # the fields are new after a recompose
        self.refresh_list()
        self.show_item(self.current)
        self.query_one("#items", OptionList).focus()
        self.call_after_refresh(self.refresh_list)  # again, now that the list's width is known

    async def on_language_changed(self) -> None:
        self.flush()
        await self.recompose()
        self.on_mount()

    def _info_line(self) -> str:
        i = self.info
        if i is None:
            return ""
        p = i.progress
        if i.finalized:
            return _("{firm} — {title} | revision {n}, finalized by {who} — locked (n: new revision)").format(
                firm=i.firm_name, title=self.tenken.ws.inspection_title(i), n=i.revision, who=i.finalized_by
            )
        return _("{firm} — {title} | received {received} | due {due} ({left}) | answered {answered}/{total}").format(
            firm=i.firm_name,
            title=self.tenken.ws.inspection_title(i),
            received=format_date(i.received_on),
            due=format_date(i.due_on),
            left=days_left_text(i.due_on),
            answered=p.answered,
            total=p.total,
        )

    def _section_progress(self, items: list[PlacedItem]) -> Progress:
        answered = sum(1 for p in items if self.answers.get(p.item.id, Answer(p.item.id)).answered)
        return Progress(answered, len(items))

    def _item_prompt(self, p: PlacedItem) -> RichText:
        answer = self.answers.get(p.item.id, Answer(p.item.id))
        mark, style = STATUS_MARK[answer.status]
        text = RichText(end="")
        text.append(f"{mark} ", style=style)
        text.append(f"{p.number} ", style="bold")
        if answer.assignee:
            text.append(f"@{answer.assignee} ", style="magenta")
        if p.level != "required":  # the scope level, shown only where it is not the usual "required"
            text.append(f"[{level_label(p.level)}] ", style="italic cyan")
        text.append(p.item.question.get())
        # One line per item, cut to the list's width in terminal cells (Japanese is two cells a character).
        text.truncate(self._list_width(), overflow="ellipsis")
        return text

    def _list_width(self) -> int:
        ol = self.query_one("#items", OptionList)
        width = ol.scrollable_content_region.width or int(self.app.size.width * 0.42) - 4
        return max(width - 2, 10)

    def on_resize(self) -> None:
        if self.is_mounted and self.sections:
            self.refresh_list()

    def refresh_list(self) -> None:
        options: list[Option | None] = []
        for section, items in self.sections:
            prog = self._section_progress(items)
            header = RichText()
            header.append(f"{section.title.get()}  ", style="bold")
            header.append(f"{prog.answered}/{prog.total}", style="green" if prog.answered == prog.total else "yellow")
            shown = [p for p in items if self._shown(p.item.id)]
            if not shown:
                continue  # a filter that leaves a section empty leaves its heading out too
            options.append(Option(header, id=f"section:{section.id}", disabled=True))
            options.extend(Option(self._item_prompt(p), id=p.item.id) for p in shown)
        ol = self.query_one("#items", OptionList)
        ol.clear_options()
        ol.add_options([o for o in options if o is not None])
        if self.current:
            with contextlib.suppress(OptionDoesNotExist):  # the item may be filtered out
                ol.highlighted = ol.get_option_index(self.current)
        self.query_one("#inspection-info", Static).update(self._info_line())
        self.query_one("#filter-state", Prose).update(self._filter_text())

    def _update_item_prompt(self, item_id: str) -> None:
        ol = self.query_one("#items", OptionList)
        with contextlib.suppress(OptionDoesNotExist):  # not in the (filtered) list
            ol.replace_option_prompt(item_id, self._item_prompt(self.placed[item_id]))
        for section, items in self.sections:
            if any(p.item.id == item_id for p in items):
                prog = self._section_progress(items)
                header = RichText()
                header.append(f"{section.title.get()}  ", style="bold")
                header.append(
                    f"{prog.answered}/{prog.total}", style="green" if prog.answered == prog.total else "yellow"
                )
                with contextlib.suppress(OptionDoesNotExist):  # a filter may have left the section out
                    ol.replace_option_prompt(f"section:{section.id}", header)

    def show_item(self, item_id: str | None) -> None:
        if item_id is None or item_id not in self.placed:
            self.query_one("#question", Static).update(_("This inspection has no items."))
            return
        self.flush()
        if self._date_error is not None and item_id != self.current:
            self.notify(
                _("The target date you typed was not a date and was not saved; the date saved before stays."),
                severity="warning",
            )
        self._date_error = None
        self._show_date_error(None)
        self.current = item_id
        p = self.placed[item_id]
        answer = self.answers.get(item_id, Answer(item_id))
        show_in_place(
            self.query_one("#question", Static),
            Wrapped(RichText.assemble((f"{p.number}  ", "bold"), (p.item.question.get(), "bold"))),
        )
        cites = ", ".join(self._citation(r) for r in cites_for(p.item, self.rulebooks))
        meta = RichText()
        meta.append(f" {level_label(p.level)} ", style="reverse bold")
        meta.append(f"  {_(LEVEL_LABELS[p.item.level])}  ", style="italic")
        meta.append("\n" + _("Cites: ") + cites, style="dim")
        if answer.assignee:
            due = (
                _(", due {date} ({left})").format(
                    date=format_date(answer.assignee_due), left=days_left_text(answer.assignee_due)
                )
                if answer.assignee_due
                else ""
            )
            meta.append("\n" + _("Assigned to {name}{due} (A)").format(name=answer.assignee, due=due), style="magenta")
        carried = self.carried.get(item_id)
        if carried is not None:
            meta.append(
                "\n"
                + _("Open problem from {title}: {finding} — remediation: {remediation} ({state})").format(
                    title=carried.from_title,
                    finding=carried.finding or "—",
                    remediation=carried.remediation or "—",
                    state=_(REMEDIATION_LABELS.get(carried.state, carried.state)),
                ),
                style="bold yellow",
            )
        show_in_place(self.query_one("#meta", Static), meta)
        tier = self.profile.size_tier
        expectation = p.item.expectations.get(tier)
        exp_text = ""
        if expectation:
            exp_text = _("What good looks like ({tier} firm): {text}").format(tier=_(tier), text=expectation.get())
        if p.item.evidence:
            exp_text += "\n" + _("Evidence, for example: ") + " / ".join(e.get() for e in p.item.evidence)
        if p.item.guidance:  # how to answer: e.g. a duty's example measures, a difference between the rulebooks
            exp_text += "\n" + _("How to answer: ") + p.item.guidance.get()
        # Japanese wraps between phrases, never with a line starting 「）」 or 「、」 (Textual breaks at spaces only)
        show_in_place(self.query_one("#expectation", Static), Wrapped(exp_text))
        self._loading = True
        # Filling the fields must not read as the user typing: a Changed message handled after the next item is
        # shown would apply this item's value to that one.
        with self.prevent(Select.Changed, TextArea.Changed, Input.Changed):
            self._fill_fields(answer)
        self.call_after_refresh(self._done_loading)
        self._show_fields(answer.status)
        self._save_state(answer)
        locked = bool(self.info and self.info.finalized)
        if locked != self._fields_locked:  # walking the pane's fields at every item took longer than the rest
            for widget in self.query("#detail Select, #detail TextArea, #detail Input"):
                widget.disabled = locked
            self._fields_locked = locked
        self._keep_focus_visible()

    def _fill_fields(self, answer: Answer) -> None:
        self.query_one("#status", Select).value = answer.status
        risk = self.query_one("#risk", Select)
        risk.value = answer.risk if answer.risk else Select.NULL
        for name in TEXT_AREAS:
            area, text = self.query_one(f"#{name}", TextArea), getattr(answer, name)
            if text or area.text:
                area.load_text(text)
            else:  # empty and staying empty: no new document and no repaint, but never the last item's undo steps
                area.history.clear()
        self.query_one("#owner", Input).value = answer.owner
        self.query_one("#target_date", Input).value = answer.target_date.isoformat() if answer.target_date else ""

    def _keep_focus_visible(self) -> None:
        """Hidden fields never hold focus: keys typed there would change an answer the user cannot see."""
        focused = self.focused
        if focused is None or focused is self.query_one("#items"):
            return
        node: Widget | None = focused
        while node is not None and node is not self:
            if not node.display or node.disabled:
                status = self.query_one("#status", Select)
                (status if not status.disabled else self.query_one("#items", OptionList)).focus()
                return
            node = node.parent if isinstance(node.parent, Widget) else None

    def _done_loading(self) -> None:
        self._loading = False

    def _show_fields(self, status: str) -> None:
        self.query_one("#problem-fields").display = status in ("partial", "noncompliant")
        self.query_one("#na-fields").display = status == "na"

    def _save_state(self, answer: Answer, error: str | None = None) -> None:
        state = self.query_one("#save-state", Static)
        evidence = self.query_one("#evidence", Static)
        if answer.evidence:
            show_in_place(evidence, RichText(_("Evidence: ") + " / ".join(e.label for e in answer.evidence)))
        else:
            show_in_place(evidence, _("Evidence: none yet (v to add)"))
        error = error or self._date_error
        if error:
            show_in_place(state, RichText(error, style="bold red"))
        elif answer.updated_at:
            show_in_place(state, _("Saved {when}").format(when=format_datetime(answer.updated_at)))
        else:
            show_in_place(state, _("Not answered yet"))

    # --- saving -----------------------------------------------------------------------------

    def save(self, item_id: str, changes: dict[str, object]) -> bool:
        try:
            answer, clashes = self.tenken.ws.save_answer_checked(self.inspection_id, item_id, **changes)
        except AnswerRejected as exc:
            self.notify(str(exc), severity="warning")
            if item_id == self.current and not self._closing:
                self._save_state(self.answers.get(item_id, Answer(item_id)), str(exc))
            return False
        except StoreError as exc:
            self.notify(str(exc), severity="error", timeout=10)
            if item_id == self.current and not self._closing:
                self._save_state(self.answers.get(item_id, Answer(item_id)), str(exc))
            return False
        old = self.answers.get(item_id, Answer(item_id))
        self.answers[item_id] = answer
        for field_name, others in clashes:
            self.notify(
                _(
                    "{who} changed {field} of {item} meanwhile: both values are kept as a conflict; "
                    "settle it with c on the home screen."
                ).format(
                    who=", ".join(others) or _("someone else"),
                    field=_(FIELD_LABELS.get(field_name, field_name)),
                    item=self.placed[item_id].number if item_id in self.placed else item_id,
                ),
                severity="warning",
                timeout=15,
            )
        if self._closing:
            return True
        if old.status != answer.status and self.info is not None:
            delta = int(answer.answered) - int(old.answered)
            self.info = self.tenken.ws.inspection(self.inspection_id) if delta else self.info
            self._update_item_prompt(item_id)
            self.query_one("#inspection-info", Static).update(self._info_line())
        if item_id == self.current:
            self._save_state(answer)
        return True

    def flush(self) -> bool:
        """Save whatever typed text is waiting for its pause."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if not self.pending or self.pending_item is None:
            return True
        changes, item = self.pending, self.pending_item
        self.pending, self.pending_item = {}, None
        return self.save(item, changes)

    def _queue(self, name: str, value: object) -> None:
        if self._loading or self.current is None:
            return
        if self.pending_item not in (None, self.current):
            self.flush()
        self.pending_item = self.current
        self.pending[name] = value
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SAVE_DELAY, self.flush)
        show_in_place(self.query_one("#save-state", Static), _("Saving…"))

    @on(TextArea.Changed)
    def _text_changed(self, event: TextArea.Changed) -> None:
        if event.text_area.id in TEXT_AREAS:
            self._queue(event.text_area.id, event.text_area.text)

    @on(Input.Changed, "#owner")
    def _owner_changed(self, event: Input.Changed) -> None:
        self._queue("owner", event.value)

    @on(Input.Changed, "#target_date")
    def _date_changed(self, event: Input.Changed) -> None:
        if self._loading or self.current is None:
            return
        problem = date_problem(event.value)
        if problem:
            # Only a complete, valid date is saved: a date half typed a moment ago must not be saved either.
            if self.pending_item == self.current:
                self.pending.pop("target_date", None)
            self._date_error = problem
            show_in_place(self.query_one("#save-state", Static), RichText(problem, style="bold red"))
            self._show_date_error(problem)
            return
        self._date_error = None
        self._show_date_error(None)
        self._queue("target_date", parse_date(event.value))

    def _show_date_error(self, problem: str | None) -> None:
        """The reason under the date field itself: the line under the status is scrolled away while the date is
        typed (at 120x36 the field is at the bottom of the pane)."""
        widget = self.query_one("#date-error", Prose)
        if problem and str(widget.render()) != problem:
            widget.update(problem)
        widget.display = bool(problem)

    @on(Select.Changed, "#risk")
    def _risk_changed(self, event: Select.Changed) -> None:
        if self._loading or self.current is None or event.value != event.select.value:
            return
        value = "" if event.value is Select.NULL else str(event.value)
        if value == self.answers.get(self.current, Answer(self.current)).risk:
            return
        self.flush()
        self.save(self.current, {"risk": value})

    @on(Select.Changed, "#status")
    def _status_changed(self, event: Select.Changed) -> None:
        if self._loading or self.current is None or event.value != event.select.value:
            return  # loading an item, or a change already overtaken (the load of the item before, on a busy machine)
        if str(event.value) == self.answers.get(self.current, Answer(self.current)).status:
            return  # what is stored already: the item's own load arriving late
        self.set_status(str(event.value))

    def set_status(self, status: str) -> None:
        item_id = self.current
        if item_id is None:
            return
        self.flush()
        answer = self.answers.get(item_id, Answer(item_id))
        if status == "na" and not answer.justification.strip():

            def done(reason: str | None) -> None:
                if reason and reason.strip():
                    self.save(item_id, {"justification": reason.strip(), "status": "na"})
                self.show_item(item_id)

            self.app.push_screen(
                InputDialog(
                    _("Not applicable"),
                    _("Why does this item not apply to your firm?"),
                    check=lambda t: None if t.strip() else _("A justification is required."),
                ),
                done,
            )
            return
        if self.save(item_id, {"status": status}):
            self._loading = True
            self.query_one("#status", Select).value = status
            self.call_after_refresh(self._done_loading)
            self._show_fields(status)
            self._keep_focus_visible()
        else:
            self.show_item(item_id)

    # --- navigation -------------------------------------------------------------------------

    @on(OptionList.OptionHighlighted, "#items")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id and event.option.id in self.placed and event.option.id != self.current:
            self.show_item(event.option.id)

    @on(OptionList.OptionSelected, "#items")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#status", Select).focus()

    def _order(self) -> list[str]:
        return [p.item.id for _s, items in self.sections for p in items if self._shown(p.item.id)]

    def _go(self, item_id: str) -> None:
        self.show_item(item_id)
        ol = self.query_one("#items", OptionList)
        try:
            ol.highlighted = ol.get_option_index(item_id)
        except Exception:
            self.refresh_list()

    def action_next_item(self) -> None:
        order = self._order()
        if not order:
            return
        i = order.index(self.current) + 1 if self.current in order else 0
        self._go(order[min(i, len(order) - 1)])

    def action_previous_item(self) -> None:
        order = self._order()
        if not order:
            return
        i = order.index(self.current) - 1 if self.current in order else 0
        self._go(order[max(i, 0)])

    def action_toggle_unanswered(self) -> None:
        self.set_filter("all" if self.filter == "unanswered" else "unanswered")

    def action_next_filter(self) -> None:
        """p walks: all → problems → problems that need attention → all."""
        following = {"problems": "attention", "attention": "all"}
        self.set_filter(following.get(self.filter, "problems"))

    def set_filter(self, name: str) -> None:
        self.flush()
        before = self.filter
        self.filter = name
        answer = self.answers.get(self.current, Answer(self.current)) if self.current else None
        if answer is not None and not shown_by_filter(answer, name):
            # Walk on from here to what the filter shows: the next such item, else the first one.
            order = self._order()  # what is shown, with the current item in its place
            if len(order) == 1:
                self.filter = before
                self.notify(
                    _("Every item is answered.")
                    if name == "unanswered"
                    else _("No item matches: {what}.").format(what=_(FILTER_LABELS[name]))
                )
                return
            here = order.index(self.current) if self.current in order else -1
            self.show_item(order[here + 1] if here + 1 < len(order) else order[0])
        self.refresh_list()  # highlights the current item and shows the filter above the list

    def _find_item(self, text: str) -> str | None:
        return find_item(text, list(self.placed.values()), self.tenken.ws.corpus)

    def action_jump(self) -> None:
        def check(text: str) -> str | None:
            if self._find_item(text):
                return None
            return _("No item {text}; write a number such as 2-3, or an article such as 第10条.").format(
                text=text.strip()
            )

        def done(text: str | None) -> None:
            found = self._find_item(text) if text else None
            if found:
                if not self._shown(found):
                    self.filter = "all"
                self._go(found)
                self.refresh_list()

        self.app.push_screen(
            InputDialog(
                _("Jump to item"), _("Item number (e.g. 2-3), id, or an article it cites (e.g. 第10条):"), check=check
            ),
            done,
        )

    def action_status(self, status: str) -> None:
        if isinstance(self.focused, (Input, TextArea)) or self._locked():
            return
        self.set_status(status)

    def action_article(self) -> None:
        if self.current is None:
            return
        from tui.screens.article import CitedProvisionsScreen

        p = self.placed[self.current]
        self.app.push_screen(CitedProvisionsScreen(p.item.cites, p.item.question.get()))

    def action_export(self) -> None:
        self.flush()
        self.tenken.export_report(self.inspection_id)

    def action_evidence(self) -> None:
        if self.current is None or self._locked():
            return
        item_id = self.current

        from tui.screens.files import EvidenceDialog
        from tui.workspace import MissingEvidenceFile, UserError

        def apply(change: Callable[[], Answer]) -> None:
            try:
                answer = change()
            except (UserError, StoreError, AnswerRejected) as exc:
                self.notify(str(exc), severity="error", timeout=10)
                return
            self.answers[item_id] = answer
            self.show_item(item_id)

        def attach(evidence: object) -> None:
            apply(lambda: self.tenken.ws.attach_evidence(self.inspection_id, item_id, evidence))

        def add(text: str, as_description: bool = False) -> None:
            from tui.screens.evidence import hash_in_background, large_file

            path = self.tenken.ws.evidence_file(text)
            size = large_file(path)
            if path is not None and size is not None:  # gigabytes: read in a worker, with progress and Cancel
                hash_in_background(self, path, size, attach)
                return
            try:
                answer = self.tenken.ws.add_evidence_text(
                    self.inspection_id, item_id, text, as_description=as_description
                )
            except MissingEvidenceFile as exc:

                def keep(yes: bool | None) -> None:
                    if yes:
                        add(text, as_description=True)

                self.app.push_screen(
                    ConfirmDialog(
                        _("No such file"),
                        _("{problem} Keep “{text}” as a description only (no file, no SHA-256)?").format(
                            problem=str(exc), text=text.strip()
                        ),
                    ),
                    keep,
                )
                return
            except (UserError, StoreError, AnswerRejected) as exc:
                self.notify(str(exc), severity="error", timeout=10)
                return
            self.answers[item_id] = answer
            self.show_item(item_id)

        def done(text: str | None) -> None:
            if text and text.strip():
                add(text)

        self.app.push_screen(EvidenceDialog(list(self.tenken.ws.modules)), done)

    def action_remove_evidence(self) -> None:
        """Remove one evidence entry of the current item (the history keeps it)."""
        if self.current is None or self._locked():
            return
        item_id = self.current
        answer = self.answers.get(item_id, Answer(item_id))
        if not answer.evidence:
            self.notify(_("This item has no evidence to remove."), severity="warning")
            return
        listing = "\n".join(f"{n}. {e.label}" for n, e in enumerate(answer.evidence, start=1))

        def check(text: str) -> str | None:
            t = normalize_item_number(text)
            ok = t.isdigit() and 1 <= int(t) <= len(answer.evidence)
            return None if ok else _("Write a number from 1 to {n}.").format(n=len(answer.evidence))

        def done(text: str | None) -> None:
            if not text:
                return
            try:
                saved = self.tenken.ws.remove_evidence(
                    self.inspection_id, item_id, int(normalize_item_number(text)) - 1
                )
            except (StoreError, AnswerRejected) as exc:
                self.notify(str(exc), severity="error", timeout=10)
                return
            self.answers[item_id] = saved
            self.show_item(item_id)

        self.app.push_screen(
            InputDialog(
                _("Remove evidence"),
                _("Which entry? The change history keeps a record of it.") + "\n" + listing,
                check=check,
            ),
            done,
        )

    def action_edit_long(self) -> None:
        """ctrl+e: the focused text field (else the note) in $EDITOR, or in a full-screen text area."""
        if self.current is None or self._locked():
            return
        from tui.screens.files import edit_text

        focused = self.focused
        area = (
            focused if isinstance(focused, TextArea) and focused.id in TEXT_AREAS else self.query_one("#note", TextArea)
        )
        item_id = self.current
        label = _(FIELD_LABELS_SHOWN.get(area.id or "note", "Note"))

        def done(text: str | None) -> None:
            if text is None or item_id != self.current:
                return
            area.load_text(text)  # TextArea.Changed queues the save as if typed
            area.focus()

        edit_text(self.app, label, area.text, done)

    def action_assign(self) -> None:
        """Assign the current item to a person with a due date (A)."""
        if self.current is None or self._locked():
            return
        if not self.tenken.ws.persons():
            self.notify(_("No people yet: `tenken person add NAME --role officer` adds one."), markup=False)
            return
        self.flush()
        from tui.screens.team import AssignDialog
        from tui.workspace import UserError

        item_id = self.current
        answer = self.answers.get(item_id, Answer(item_id))

        def done(result: tuple[str, dt.date | None] | None) -> None:
            if result is None:
                return
            name, due = result
            try:
                if name:
                    saved = self.tenken.ws.assign(self.inspection_id, item_id, name, due)
                else:
                    saved = self.tenken.ws.unassign(self.inspection_id, item_id)
            except (StoreError, UserError) as exc:
                self.notify(str(exc), severity="error", timeout=10, markup=False)
                return
            self.answers[item_id] = saved
            self._update_item_prompt(item_id)
            if item_id == self.current:
                self.show_item(item_id)

        label = self.placed[item_id].number
        self.app.push_screen(AssignDialog(label, answer.assignee, answer.assignee_due), done)

    def action_history(self) -> None:
        if self.current is None:
            return
        from tui.domain.inspection import FIELD_LABELS, history_value_text
        from tui.screens.dialogs import MessageDialog

        entries = self.tenken.ws.history(self.inspection_id, self.current)
        lines = [
            f"{format_datetime(h.changed_at)}  {h.changed_by}  {_(FIELD_LABELS.get(h.field, h.field))}: "
            f"{history_value_text(h.field, h.old)[:40]} → {history_value_text(h.field, h.new)[:40]}"
            for h in entries
        ]
        self.app.push_screen(MessageDialog(_("Change history"), "\n".join(lines) or _("No changes yet.")))

    def _citation(self, ref: str) -> str:
        """A provision as readers cite it (「交換業規則 第10条第1項」), its id only when the corpus lacks it."""
        corpus, lang = self.tenken.ws.corpus, get_language()
        if ref not in corpus:
            return ref
        return f"{corpus.rulebooks[corpus[ref].rulebook].name.get(lang)} {article_label(corpus[ref], lang)}"

    def action_why(self) -> None:
        """The scoping reason for the current item, from the firm's profile as it is now."""
        if self.current is None or self.info is None:
            return
        from tui.domain.scope import level_label
        from tui.screens.dialogs import MessageDialog

        scoped = next(
            (s for s in self.tenken.ws.scope(self.profile, list(self.info.templates)) if s.item.id == self.current),
            None,
        )
        placed = self.placed[self.current]
        lines = [f"{placed.number}  {placed.item.question.get()}", ""]
        lines.append(_("Level: {level}").format(level=level_label(placed.level)))
        if scoped is not None:
            lines.append(scoped.reason_text(cite=self._citation))  # 「…ため — 2020年周知文 ④ヘ」, not its id
        self.app.push_screen(MessageDialog(_("Why this item"), "\n".join(lines)))

    def _locked(self) -> bool:
        if self.info is not None and self.info.finalized:
            self.notify(_("This inspection is finalized; press n to open a new revision."), severity="warning")
            return True
        return False

    def action_finalize(self) -> None:
        if self.info is None or self._locked():
            return
        self.flush()
        from tui.domain import inspection as _insp
        from tui.screens.finalize import FinalizeDialog, FinalizeRequest, JumpTo
        from tui.workspace import UserError

        today = _insp.today()
        try:
            issues = self.tenken.ws.readiness(self.inspection_id, today=today)
        except StoreError as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return

        def done(choice: FinalizeRequest | JumpTo | None) -> None:
            if isinstance(choice, JumpTo):
                self._go(choice.item_id)
                return
            if choice is None:
                return
            try:
                self.info = self.tenken.ws.finalize(
                    self.inspection_id, choice.officer, choice.submitted_on, choice.allow_incomplete, today
                )
            except (StoreError, UserError) as exc:
                self.notify(str(exc), severity="error", timeout=10)
                return
            self.notify(_("Finalized and locked; signed off by {who}.").format(who=self.info.finalized_by))
            self.call_later(self.on_language_changed)

        self.app.push_screen(
            FinalizeDialog(issues, self.profile.responsible_officer or "", self.info.received_on, today), done
        )

    def action_plan(self) -> None:
        self.flush()
        self.tenken.open_plan(self.inspection_id)

    def action_reopen(self) -> None:
        if self.info is None or not self.info.finalized:
            self.notify(_("Only a finalized inspection can be reopened; this one is still open."), severity="warning")
            return

        def done(yes: bool | None) -> None:
            if yes:
                self._reopen()

        self.app.push_screen(
            ConfirmDialog(
                _("New revision"),
                _(
                    "Open revision {n} as a new, editable copy? The finalized revision {old} stays locked as it is."
                ).format(n=self.info.revision + 1, old=self.info.revision),
            ),
            done,
        )

    def _reopen(self) -> None:
        try:
            new = self.tenken.ws.reopen(self.inspection_id)
        except StoreError as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return
        self.notify(_("Opened revision {n}; the finalized one stays as it was.").format(n=new.revision))
        self.tenken.open_inspection(new.id, item=self.current)

    def action_back(self) -> None:
        if isinstance(self.focused, (Input, TextArea, Select)):
            self.query_one("#items", OptionList).focus()
            return
        self.flush()
        self.dismiss()

    def on_unmount(self) -> None:
        self._closing = True  # the widgets are gone: save without touching them
        self.flush()
        if self.current is not None:
            with contextlib.suppress(StoreError):  # where to reopen is a convenience, never worth an error
                self.tenken.ws.remember_item(self.inspection_id, self.current)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action == "status" and isinstance(self.focused, (Input, TextArea)))
