"""`tenken person` and `tenken conflicts`: named people, and the conflicts a merge leaves for a person to settle.

    tenken person add NAME --role preparer|reviewer|officer [--use]
    tenken person list [--json]
    tenken person use NAME
    tenken conflicts list [INSPECTION] [--json]
    tenken conflicts resolve INSPECTION ITEM FIELD (--pick N | --value TEXT)
    tenken [--db URL | --data-dir DIR] db migrate      (also: tenken db migrate --db URL)
    tenken db copy SRC DST
    tenken assign INSPECTION ITEM --to NAME [--due DATE]
    tenken unassign INSPECTION ITEM
    tenken mine [--person NAME | --all] [--json]
    tenken delegate export INSPECTION --to NAME --out FILE.xlsx [--lang ja|en] [--force]
    tenken delegate import FILE.xlsx

Registered by tui/cli/main.py; errors follow its rules (one sentence, exit 1 for bad input, 2 for bad usage).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from tui.i18n import _

ROLES = ("preparer", "reviewer", "officer")  # = tui.domain.people.ROLES


def add_parsers(sub) -> None:
    s = sub.add_parser("person", help=_("named people: who answers, reviews and signs off"))
    actions = s.add_subparsers(dest="person_command", metavar="ACTION", required=True)
    a = actions.add_parser("add", help=_("add a person"))
    a.add_argument("name", metavar="NAME")
    a.add_argument("--role", required=True, choices=ROLES)
    a.add_argument("--use", action="store_true", help=_("make this person the one using tenken on this login"))
    a = actions.add_parser("list", help=_("the people, and who is using tenken on this login"))
    a.add_argument("--json", action="store_true")
    a = actions.add_parser("use", help=_("choose who is using tenken on this login"))
    a.add_argument("name", metavar="NAME")

    s = sub.add_parser("conflicts", help=_("fields two laptops changed without seeing each other's change"))
    actions = s.add_subparsers(dest="conflicts_command", metavar="ACTION", required=True)
    a = actions.add_parser("list", help=_("the conflicts to settle, with every value"))
    a.add_argument("inspection", nargs="?", type=int, metavar="INSPECTION")
    a.add_argument("--json", action="store_true")
    a = actions.add_parser("resolve", help=_("settle one conflict"))
    a.add_argument("inspection", type=int, metavar="INSPECTION")
    a.add_argument("item", metavar="ITEM")
    a.add_argument("field", metavar="FIELD")
    pick = a.add_mutually_exclusive_group(required=True)
    pick.add_argument("--pick", type=int, metavar="N", help=_("keep value N as `tenken conflicts list` numbers them"))
    pick.add_argument("--value", metavar="TEXT", help=_("a value of your own"))

    from tui.cli.main import _date, _id

    s = sub.add_parser("assign", help=_("assign an item to a person, with a due date"))
    s.add_argument("inspection", type=_id, metavar="INSPECTION")
    s.add_argument("item", metavar="ITEM", help=_("the item: a number such as 2-3, its id or a provision"))
    s.add_argument("--to", required=True, metavar="NAME", help=_("the person (see `tenken person list`)"))
    s.add_argument("--due", type=_date, metavar="DATE", help=_("by when, like 2026-12-23"))
    s = sub.add_parser("unassign", help=_("take an item's assignment away"))
    s.add_argument("inspection", type=_id, metavar="INSPECTION")
    s.add_argument("item", metavar="ITEM")
    s = sub.add_parser("mine", help=_("the items assigned to you, earliest due first"))
    who = s.add_mutually_exclusive_group()
    who.add_argument("--person", metavar="NAME", help=_("someone else's items"))
    who.add_argument("--all", action="store_true", help=_("every assigned item, with whom it is assigned to"))
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("delegate", help=_("a person's items as a spreadsheet to fill in, and reading it back"))
    actions = s.add_subparsers(dest="delegate_command", metavar="ACTION", required=True)
    a = actions.add_parser("export", help=_("write the items assigned to a person as an Excel workbook"))
    a.add_argument("inspection", type=_id, metavar="INSPECTION")
    a.add_argument("--to", required=True, metavar="NAME", help=_("the person (see `tenken person list`)"))
    a.add_argument("-o", "--out", required=True, type=Path, metavar="FILE", help=_("where to write the workbook"))
    a.add_argument("--lang", choices=("ja", "en"), help=_("the workbook's language (default: the UI language)"))
    a.add_argument("--force", action="store_true", help=_("replace an existing file"))
    a = actions.add_parser("import", help=_("read a filled workbook back under its person's name"))
    a.add_argument("path", type=Path, metavar="FILE")


def add_db_parsers(sub) -> None:
    s = sub.add_parser("db", help=_("the shared team database on PostgreSQL: migrate, copy"))
    actions = s.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    a = actions.add_parser(
        "migrate", help=_("bring the database (--db, TENKEN_DB or the data folder) to this tenken's schema")
    )
    a.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help=argparse.SUPPRESS)  # as after `tenken`
    a = actions.add_parser("copy", help=_("copy a whole data set between a data folder and PostgreSQL"))
    a.add_argument("source", metavar="SRC", help=_("a data folder or a postgresql:// URL"))
    a.add_argument("destination", metavar="DST", help=_("an empty database: a data folder or a postgresql:// URL"))


def cmd_db(args: argparse.Namespace) -> int:
    from tui.cli.main import database_url
    from tui.paths import user_data_dir
    from tui.workspace import copy_database, migrate_database

    if args.db_command == "migrate":
        target = database_url(args) or str(user_data_dir(args.data_dir))
        name, version = migrate_database(target)
        print(_("{name} has schema {version}, the one this tenken uses.").format(name=name, version=version))
        return 0
    counts = copy_database(args.source, args.destination)
    print(
        _(
            "Copied {firms} firms, {inspections} inspections, {answers} answers with {changes} change rows, "
            "{people} people and {trainees} trainees with {attempts} attempts."
        ).format(
            firms=counts.get("firm", 0),
            inspections=counts.get("inspection", 0),
            answers=counts.get("answer", 0),
            changes=counts.get("answer_history", 0),
            people=counts.get("person", 0),
            trainees=counts.get("trainee", 0),
            attempts=counts.get("attempt", 0),
        )
    )
    return 0


def _ws(args: argparse.Namespace):
    from tui.cli.main import _workspace

    return _workspace(args)


def cmd_person(args: argparse.Namespace) -> int:
    from tui.domain.people import ROLE_LABELS

    ws = _ws(args)
    try:
        if args.person_command == "add":
            p = ws.add_person(args.name, args.role, use=args.use)
            print(_("Added {name} ({role}).").format(name=p.name, role=_(ROLE_LABELS[p.role])))
        elif args.person_command == "use":
            p = ws.use_person(args.name)
            print(_("{name} is now using tenken on this login.").format(name=p.name))
        else:
            current = ws.current_person()
            people = ws.persons()
            if args.json:
                current_uid = current.uid if current is not None else None
                rows = [{"uid": p.uid, "name": p.name, "role": p.role, "current": p.uid == current_uid} for p in people]
                print(json.dumps(rows, ensure_ascii=False, indent=2))
                return 0
            if not people:
                print(_("No people yet: `tenken person add NAME --role officer` adds one."))
            for p in people:
                mark = "*" if current is not None and p.uid == current.uid else " "
                print(f"{mark} {p.name}  ({_(ROLE_LABELS[p.role])})")
        return 0
    finally:
        ws.close()


def cmd_conflicts(args: argparse.Namespace) -> int:
    from tui.domain.inspection import FIELD_LABELS
    from tui.workspace import UserError

    ws = _ws(args)
    try:
        if args.conflicts_command == "resolve":
            conflicts = [c for c in ws.conflicts(args.inspection) if c.item_id == args.item and c.field == args.field]
            if not conflicts:
                raise UserError(_("There is no conflict on {item} {field}.").format(item=args.item, field=args.field))
            values = conflicts[0].values
            if args.pick is not None:
                if not 1 <= args.pick <= len(values):
                    raise UserError(_("Choose a value from 1 to {n}.").format(n=len(values)))
                value = values[args.pick - 1]
            else:
                value = args.value
            ws.resolve_conflict(args.inspection, args.item, args.field, value)
            print(_("Settled: {item} {field}.").format(item=args.item, field=args.field))
            return 0
        conflicts = ws.conflicts(args.inspection)
        if args.json:
            rows = [
                {
                    "item": c.item_id,
                    "field": c.field,
                    "values": [
                        {"value": h.value, "person": h.person, "device": h.device, "stamp": h.hlc.text()}
                        for h in c.heads
                    ],
                }
                for c in conflicts
            ]
            print(json.dumps(rows, ensure_ascii=False, indent=2))
            return 0
        if not conflicts:
            print(_("No conflicts."))
        for c in conflicts:
            print(f"{c.item_id}  {_(FIELD_LABELS.get(c.field, c.field))} ({c.field})")
            for n, h in enumerate(c.heads, start=1):
                who = h.person or "—"
                print(f"  {n}. {h.value!r}  — {who} @ {h.device}")
        return 0
    finally:
        ws.close()


def cmd_assign(args: argparse.Namespace) -> int:
    from tui.cli.main import say

    ws = _ws(args)
    try:
        if args.command == "unassign":
            ws.unassign(args.inspection, args.item)
            say(_("{item} is no longer assigned.").format(item=args.item))
            return 0
        a = ws.assign(args.inspection, args.item, args.to, args.due)
        if a.assignee_due is not None:
            say(
                _("{item} is assigned to {name}, due {date}.").format(
                    item=a.item_id, name=a.assignee, date=a.assignee_due
                )
            )
        else:
            say(_("{item} is assigned to {name}.").format(item=a.item_id, name=a.assignee))
        return 0
    finally:
        ws.close()


def cmd_mine(args: argparse.Namespace) -> int:
    from tui.cli.main import say
    from tui.domain.inspection import STATUS_SHORT, today

    ws = _ws(args)
    try:
        name = None if args.all else ws.known_person(args.person) if args.person else ws.me()
        items = ws.assigned_items(name)
        day = today()
        if args.json:
            rows = [
                {
                    "inspection": a.inspection_id,
                    "inspection_title": a.inspection_title,
                    "item": a.item_id,
                    "number": a.number,
                    "assignee": a.assignee,
                    "due": a.due.isoformat() if a.due else None,
                    "status": a.status,
                    "overdue": a.overdue(day),
                }
                for a in items
            ]
            print(json.dumps(rows, ensure_ascii=False, indent=2))
            return 0
        if not items:
            say(_("No items are assigned to {name}.").format(name=name) if name else _("No items are assigned."))
        for a in items:
            note = a.due_note(day)
            due = (f"{a.due.isoformat()} ({note})" if note else a.due.isoformat()) if a.due else "—"
            mark = "!" if a.overdue(day) else " "
            who = f"  {a.assignee}" if name is None else ""
            status = _(STATUS_SHORT[a.status])
            item = f"{a.number} ({a.item_id})" if a.number else a.item_id
            say(f"{mark} {a.inspection_id:>4}  {item}  {status}  {due}{who}  {a.inspection_title}")
        return 0
    finally:
        ws.close()


def cmd_delegate(args: argparse.Namespace) -> int:
    from tui.cli.main import say

    ws = _ws(args)
    try:
        if args.delegate_command == "export":
            n = ws.delegate_export(args.inspection, args.to, args.out, args.lang or ws.language(), force=args.force)
            say(_("Wrote {path}: {n} items for {name}.").format(path=args.out, n=n, name=ws.known_person(args.to)))
            return 0
        person, result = ws.delegate_import(args.path)
        if result is None:
            say(_("{path} brings nothing new; nothing was changed.").format(path=args.path))
            return 0
        say(
            _("Imported the answers of {name}: {updated} items changed, {conflicts} conflicts to settle.").format(
                name=person, updated=len(result.updated), conflicts=len(result.conflicts)
            )
        )
        for item, field in result.conflicts:
            say(f"  ! {item} {field}")
        if result.conflicts:
            say(_("`tenken conflicts list` shows them; `tenken conflicts resolve` settles each."))
        return 0
    finally:
        ws.close()


COMMANDS = {
    "db": cmd_db,
    "person": cmd_person,
    "conflicts": cmd_conflicts,
    "assign": cmd_assign,
    "unassign": cmd_assign,
    "mine": cmd_mine,
    "delegate": cmd_delegate,
}
