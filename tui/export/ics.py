"""Calendars (.ics, RFC 5545, written with the icalendar library): the month's plan and the remediation promises,
so reminders work in any calendar application with no server.

Every event has a stable UID (inspection, kind, owner, week), so importing a newer calendar updates the events
instead of doubling them; all-day events; an alarm before each milestone and each remediation target date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from tui.domain.plan import Plan, Remediation
from tui.i18n import N_, gettext_in


def _calendar(name: str):
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", "-//tenken//tenken//JA")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    return cal


def _event(uid: str, summary: str, start: dt.date, end: dt.date, description: str, alarm_days: int | None):
    from icalendar import Alarm, Event

    ev = Event()
    ev.add("uid", uid)
    ev.add("dtstamp", dt.datetime.now(dt.UTC).replace(microsecond=0))
    ev.add("summary", summary)
    ev.add("dtstart", start)
    ev.add("dtend", end + dt.timedelta(days=1))  # all-day events end the day after (exclusive)
    if description:
        ev.add("description", description)
    if alarm_days is not None:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", dt.timedelta(days=-alarm_days))
        ev.add_component(alarm)
    return ev


def _key(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def plan_calendar(plan: Plan, inspection_id: int, title: str, lang: str) -> bytes:
    """The milestones, and each owner's items week by week."""

    def t(message: str) -> str:
        return gettext_in(lang, message)

    cal = _calendar(title)
    for m in plan.milestones:
        cal.add_component(
            _event(
                f"tenken-{inspection_id}-{m.kind}@tenken",
                f"{t(m.label)} — {title}",
                m.start,
                m.end,
                "",
                alarm_days=None if m.kind == "received" else 1,
            )
        )
    for week in plan.weeks:
        for owner, items in week.by_owner.items():
            who = owner or t(N_("(no owner)"))
            lines = [f"{i.number} {i.question}" for i in items]
            cal.add_component(
                _event(
                    f"tenken-{inspection_id}-week-{week.start.isoformat()}-{_key(owner)}@tenken",
                    (
                        t(N_("{owner}: 1 item to answer — {title}"))
                        if len(items) == 1
                        else t(N_("{owner}: {n} items to answer — {title}"))
                    ).format(owner=who, n=len(items), title=title),
                    week.start,
                    week.end,
                    "\n".join(lines),
                    alarm_days=0,
                )
            )
    return cal.to_ical()


def remediation_calendar(lines: Iterable[Remediation], lang: str) -> bytes:
    """One all-day event per open remediation on its target date, with an alarm three days before."""

    def t(message: str) -> str:
        return gettext_in(lang, message)

    cal = _calendar(t(N_("Remediation due")))
    for r in lines:
        if r.target_date is None or r.state == "done":
            continue
        cal.add_component(
            _event(
                f"tenken-{r.inspection_id}-remediation-{r.item_id}@tenken",
                t(N_("Remediation due: {number} {firm}")).format(number=r.number, firm=r.firm_name),
                r.target_date,
                r.target_date,
                "\n".join(x for x in (r.question, r.finding, r.remediation, r.owner) if x),
                alarm_days=3,
            )
        )
    return cal.to_ical()


def write_calendar(path: Path, data: bytes, force: bool = False) -> Path:
    from tui.export import write_atomically

    return write_atomically(path, lambda tmp: tmp.write_bytes(data), force=force)
