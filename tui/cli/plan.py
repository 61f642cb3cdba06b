"""`tenken plan`, `tenken due`, `tenken remediation` and `tenken portfolio`: the month's plan, what was promised
after it, and the consultant's view across firms.

    tenken plan INSPECTION [--json] [--ics PATH] [--force]
    tenken due [--overdue] [--firm ID] [--json] [--ics PATH] [--report xlsx|docx --out PATH] [--lang ja|en] [--force]
    tenken remediation INSPECTION ITEM --state planned|in_progress|done [--done-on DATE] [--note TEXT]
    tenken portfolio [--json] [--xlsx PATH] [--force]
    tenken oscal export catalog|mapping|profile|assessment|poam [TARGET] --out PATH
    tenken oscal import PATH --inspection ID

Registered by tui/cli/main.py; errors follow its rules (one sentence, exit 1 for bad input, 2 for bad usage).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from tui.i18n import _, format_date, get_language, set_language

STATES = ("planned", "in_progress", "done")  # = tui.domain.plan.REMEDIATION_STATES
PROGRESS_FORMATS = ("xlsx", "docx")  # = tui.export.progress.PROGRESS_FORMATS
OSCAL_KINDS = ("catalog", "mapping", "profile", "assessment", "poam")  # = tui.interop.KINDS


def add_parsers(sub, date_type) -> None:
    s = sub.add_parser("plan", help=_("the month's plan worked back from the due date"))
    s.add_argument("inspection", type=int, metavar="INSPECTION")
    s.add_argument("--json", action="store_true")
    s.add_argument("--ics", type=Path, metavar="PATH", help=_("also write the plan as a calendar (.ics)"))
    s.add_argument("--force", action="store_true", help=_("replace an existing file"))

    s = sub.add_parser("due", help=_("remediation promised for the problems found, overdue first"))
    s.add_argument("--overdue", action="store_true", help=_("only what is past its target date"))
    s.add_argument("--firm", type=int, metavar="ID", help=_("only this firm"))
    s.add_argument("--json", action="store_true")
    s.add_argument("--ics", type=Path, metavar="PATH", help=_("write the target dates as a calendar (.ics)"))
    s.add_argument("--report", choices=PROGRESS_FORMATS, help=_("write the remediation progress report"))
    s.add_argument("--out", type=Path, metavar="PATH", help=_("where --report writes"))
    s.add_argument("--lang", choices=("ja", "en"))
    s.add_argument("--force", action="store_true", help=_("replace an existing file"))

    s = sub.add_parser("remediation", help=_("record how the fix of a problem is going (also after finalize)"))
    s.add_argument("inspection", type=int, metavar="INSPECTION")
    s.add_argument("item", metavar="ITEM", help=_("the item id, as `tenken due --json` shows it"))
    s.add_argument("--state", required=True, choices=STATES)
    s.add_argument("--done-on", type=date_type, metavar="DATE", help=_("when the fix was completed"))
    s.add_argument("--note", default="", metavar="TEXT")

    s = sub.add_parser("oscal", help=_("OSCAL catalogs, mapping, profile, assessment results and POA&M"))
    actions = s.add_subparsers(dest="oscal_command", metavar="ACTION", required=True)
    a = actions.add_parser("export", help=_("write one OSCAL document (JSON)"))
    a.add_argument("kind", choices=OSCAL_KINDS, metavar="KIND", help=" | ".join(OSCAL_KINDS))
    a.add_argument(
        "target",
        nargs="?",
        metavar="TARGET",
        help=_("catalog: a rulebook slug; profile: a firm id; assessment, poam: an inspection id"),
    )
    a.add_argument("--out", required=True, type=Path, metavar="PATH")
    a.add_argument("--lang", choices=("ja", "en"))
    a.add_argument("--force", action="store_true", help=_("replace an existing file"))
    a = actions.add_parser("import", help=_("read OSCAL assessment results back into an inspection"))
    a.add_argument("path", type=Path, metavar="PATH")
    a.add_argument("--inspection", type=int, required=True, metavar="INSPECTION")

    s = sub.add_parser("portfolio", help=_("across the firms in this data folder: provisions most often not met"))
    s.add_argument("--json", action="store_true")
    s.add_argument("--xlsx", type=Path, metavar="PATH", help=_("write the portfolio workbook with a chart"))
    s.add_argument("--force", action="store_true", help=_("replace an existing file"))


def _ws(args: argparse.Namespace):
    from tui.cli.main import _workspace

    return _workspace(args)


def cmd_plan(args: argparse.Namespace) -> int:
    from tui.domain.plan import MILESTONE_LABELS

    ws = _ws(args)
    try:
        info = ws.inspection(args.inspection)
        plan = ws.planning.plan(info.id)
        title = f"{info.firm_name} — {ws.inspection_title(info)}"
        if args.ics:
            from tui.export.ics import plan_calendar, write_calendar

            write_calendar(args.ics, plan_calendar(plan, info.id, title, get_language()), force=args.force)
        if args.json:
            print(
                json.dumps(
                    {
                        "inspection": info.id,
                        "received_on": plan.received.isoformat(),
                        "due_on": plan.due.isoformat(),
                        "answered": plan.done,
                        "total": plan.total,
                        "board": plan.board,
                        "late": plan.late,
                        "milestones": [
                            {"kind": m.kind, "start": m.start.isoformat(), "end": m.end.isoformat()}
                            for m in plan.milestones
                        ],
                        "weeks": [
                            {
                                "start": w.start.isoformat(),
                                "end": w.end.isoformat(),
                                "owners": {o: [i.item_id for i in items] for o, items in w.by_owner.items()},
                            }
                            for w in plan.weeks
                        ],
                        "warnings": [_(w) for w in plan.warnings],
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return 0
        print(title)
        print(_("{done} of {total} items answered").format(done=plan.done, total=plan.total))
        print()
        for m in plan.milestones:
            when = format_date(m.start) if m.start == m.end else f"{format_date(m.start)} – {format_date(m.end)}"
            print(f"  {when}  {_(MILESTONE_LABELS[m.kind])}")
        print()
        for w in plan.weeks:
            print(_("Week of {start} – {end}: {n} items").format(
                start=format_date(w.start), end=format_date(w.end), n=w.count
            ))  # fmt: skip
            for owner, items in w.by_owner.items():
                print(f"    {owner or _('(no owner)')}: " + ", ".join(i.number for i in items))
        for warning in plan.warnings:
            print("⚠ " + _(warning))
        if args.ics:
            print(_("Calendar written to {path}.").format(path=args.ics))
        return 0
    finally:
        ws.close()


def cmd_due(args: argparse.Namespace) -> int:
    from tui.domain.inspection import today
    from tui.domain.plan import REMEDIATION_LABELS
    from tui.workspace import UserError

    if args.report and not args.out:
        raise UserError(_("--report needs --out PATH: where to write the report."))
    ws = _ws(args)
    lang = args.lang or get_language()
    set_language(lang)  # --lang speaks for the listing too, not only the report and the calendar
    try:
        on = today()
        lines = ws.planning.remediations(on, firm_id=args.firm, overdue_only=args.overdue, lang=lang)
        if args.ics:
            from tui.export.ics import remediation_calendar, write_calendar

            write_calendar(args.ics, remediation_calendar(lines, lang), force=args.force)
        if args.report:
            from tui.export import write_atomically
            from tui.export.progress import write_progress_docx, write_progress_xlsx

            writer = write_progress_xlsx if args.report == "xlsx" else write_progress_docx
            write_atomically(args.out, lambda tmp: writer(tmp, lines, lang, on), force=args.force)
        if args.json:
            print(
                json.dumps(
                    [
                        {
                            "inspection": r.inspection_id,
                            "firm": r.firm_name,
                            "item": r.item_id,
                            "number": r.number,
                            "finding": r.finding,
                            "remediation": r.remediation,
                            "owner": r.owner,
                            "target_date": r.target_date.isoformat() if r.target_date else None,
                            "state": r.state,
                            "done_on": r.done_on.isoformat() if r.done_on else None,
                            "overdue": r.overdue(on),
                        }
                        for r in lines
                    ],
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return 0
        if not lines:
            print(_("Nothing is overdue.") if args.overdue else _("No problems with a remediation to track."))
        else:
            columns = (_("Inspection"), _("Item"), _("Firm"), _("No."), _("Target date"), _("Progress"), _("Owner"))
            print("  " + "  ".join(columns))
        for r in lines:
            mark = "!" if r.overdue(on) else ("✓" if r.state == "done" else "·")
            target = format_date(r.target_date) if r.target_date else _("no target date")
            print(f"{mark} [{r.inspection_id}] {r.item_id}  {r.firm_name}  {r.number}  {target}  "
                  f"{_(REMEDIATION_LABELS[r.state])}  {r.owner}")  # fmt: skip
        for path in (args.ics, args.out if args.report else None):
            if path:
                print(_("Written to {path}.").format(path=path))
        return 0
    finally:
        ws.close()


def cmd_remediation(args: argparse.Namespace) -> int:
    ws = _ws(args)
    try:
        ws.planning.set_progress(args.inspection, args.item, args.state, args.done_on, args.note)
        from tui.domain.plan import REMEDIATION_LABELS

        print(_("Saved: {item} is now “{state}”.").format(item=args.item, state=_(REMEDIATION_LABELS[args.state])))
        return 0
    finally:
        ws.close()


def cmd_portfolio(args: argparse.Namespace) -> int:
    from tui.i18n import format_percent

    ws = _ws(args)
    try:
        portfolio = ws.planning.portfolio()
        if args.xlsx:
            from tui.export import write_atomically
            from tui.export.progress import write_portfolio_xlsx

            write_atomically(
                args.xlsx, lambda tmp: write_portfolio_xlsx(tmp, portfolio, get_language()), force=args.force
            )
        if args.json:
            print(
                json.dumps(
                    {
                        "provisions": [
                            {"ref": p.ref, "label": p.label, "firms": p.firms, "noncompliant": p.noncompliant,
                             "partial": p.partial}
                            for p in portfolio.provisions
                        ],
                        "firms": [
                            {"id": f.firm_id, "name": f.firm_name, "answered": f.answered, "problems": f.problems}
                            for f in portfolio.firms
                        ],
                        "cycles": [
                            {"firm": c.firm_id, "cycle": c.cycle, "answered": c.answered, "problems": c.problems}
                            for c in portfolio.cycles
                        ],
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )  # fmt: skip
            return 0
        print(_("Provisions most often not met across the portfolio"))
        for p in [p for p in portfolio.provisions if p.noncompliant + p.partial][:15]:
            print(f"  {p.noncompliant + p.partial}/{p.firms}  {p.label}")
        print()
        print(_("Portfolio average: {rate} of answered items with a problem").format(
            rate=format_percent(portfolio.average_rate)
        ))  # fmt: skip
        for f in portfolio.firms:
            print(f"  {format_percent(f.rate):>6}  {f.firm_name}  ({f.problems}/{f.answered})")
        if args.xlsx:
            print(_("Written to {path}.").format(path=args.xlsx))
        return 0
    finally:
        ws.close()


def cmd_oscal(args: argparse.Namespace) -> int:
    from tui.workspace import UserError

    ws = _ws(args)
    try:
        if args.oscal_command == "import":
            n = ws.oscal.import_results(args.path, args.inspection)
            print(_("Imported {n} answers into inspection {id}.").format(n=n, id=args.inspection))
            return 0
        if args.kind != "mapping" and not args.target:
            raise UserError(_("{kind} needs a TARGET; see `tenken oscal export --help`.").format(kind=args.kind))
        path = ws.oscal.export(args.kind, args.target, args.out, args.force, args.lang or get_language())
        print(_("Written to {path}.").format(path=path))
        return 0
    finally:
        ws.close()


COMMANDS = {
    "oscal": cmd_oscal,
    "plan": cmd_plan,
    "due": cmd_due,
    "remediation": cmd_remediation,
    "portfolio": cmd_portfolio,
}
