"""`tenken train`: the training modules, and the completion records exported as evidence.

    tenken train list [--json]
    tenken train roster FILE [--session ID] [--firm ID]
    tenken train trainee list|edit ID|merge KEEP DROP|delete ID [--name N] [--department D] [--email E] [--firm ID]
    tenken train send --lrs URL [--user NAME] [--password-env VAR] [--batch N] [--actor account|mbox]
                      [--home-page URL] [--session ID]
    tenken train report SESSION -o FILE.docx|FILE.xlsx [--lang ja|en] [--force]
    tenken train certificate SESSION TRAINEE -o FILE.pdf|FILE.docx [--lang ja|en] [--force]
    tenken train export --format csv|xlsx|json --out PATH [--lang ja|en] [--module ID] [--session ID]
                        [--from DATE] [--to DATE] [--firm ID] [--force]

Registered by tui/cli/main.py (`add_parser` in build_parser, `run` in its COMMANDS). Errors follow main.py: one
sentence on stderr, exit status 1 for bad input (tui.errors.UserError, StoreError, ExportError), 2 for bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tui.i18n import _

EXPORT_FORMATS = ("csv", "xlsx", "json")  # = tui.export.records.RECORD_FORMATS, without importing it at start-up


def add_parser(sub) -> argparse.ArgumentParser:
    """Add `train` and its actions to the subcommands `sub` of the main parser."""
    s = sub.add_parser("train", help=_("training modules and completion records"))
    actions = s.add_subparsers(dest="train_command", metavar="ACTION", required=True)
    a = actions.add_parser("list", help=_("training modules with their lessons and question counts"))
    a.add_argument("--json", action="store_true")
    a = actions.add_parser("export", help=_("write the training records: one row per trainee and module"))
    a.add_argument("--format", required=True, choices=EXPORT_FORMATS)
    a.add_argument("--out", required=True, type=Path, metavar="PATH")
    a.add_argument("--lang", choices=("ja", "en"), help=_("language of the headers and titles (default: the app's)"))
    a.add_argument("--module", metavar="ID", help=_("only this module"))
    a.add_argument("--session", type=int, metavar="ID", help=_("only this session: its roster and its attempts"))
    a.add_argument("--from", dest="since", metavar="DATE", help=_("only attempts started on or after this day"))
    a.add_argument("--to", dest="until", metavar="DATE", help=_("only attempts started on or before this day"))
    a.add_argument("--firm", type=int, metavar="ID", help=_("only the trainees of this firm"))
    a.add_argument("--force", action="store_true", help=_("replace an existing file"))
    a = actions.add_parser("send", help=_("post the xAPI statements not sent yet to a Learning Record Store"))
    a.add_argument("--lrs", required=True, metavar="URL", help=_("the LRS endpoint, e.g. https://lrs.example/xapi"))
    a.add_argument("--user", default="", help=_("user name for HTTP Basic auth"))
    a.add_argument(
        "--password-env",
        metavar="VAR",
        default="TENKEN_LRS_PASSWORD",
        help=_("environment variable holding the password (default TENKEN_LRS_PASSWORD)"),
    )
    a.add_argument("--batch", type=int, default=50, help=_("statements per request (1–500)"))
    a.add_argument("--actor", choices=("account", "mbox"), help=_("identify trainees by account or by e-mail"))
    a.add_argument("--home-page", metavar="URL", help=_("the firm's home page for trainee accounts"))
    a.add_argument("--session", type=int, metavar="ID", help=_("only this session"))
    a = actions.add_parser("report", help=_("write a session's completion report (.docx or .xlsx)"))
    a.add_argument("session", type=int, metavar="SESSION")
    a.add_argument("-o", "--out", required=True, type=Path, metavar="FILE")
    a.add_argument("--lang", choices=("ja", "en"), help=_("language of the report (default: the session's)"))
    a.add_argument("--force", action="store_true", help=_("replace an existing file"))
    a = actions.add_parser(
        "certificate", help=_("write a certificate for a trainee who passed in a session (.pdf or .docx)")
    )
    a.add_argument("session", type=int, metavar="SESSION")
    a.add_argument("trainee", type=int, metavar="TRAINEE")
    a.add_argument("-o", "--out", required=True, type=Path, metavar="FILE")
    a.add_argument("--lang", choices=("ja", "en"), help=_("language of the certificate (default: the session's)"))
    a.add_argument("--force", action="store_true", help=_("replace an existing file"))
    a = actions.add_parser("roster", help=_("import trainees from a .csv or .xlsx roster"))
    a.add_argument("file", type=Path, metavar="FILE")
    a.add_argument("--session", type=int, metavar="ID", help=_("put everyone on this session's roster"))
    a.add_argument("--firm", type=int, metavar="ID", help=_("the firm new trainees belong to"))
    a = actions.add_parser("trainee", help=_("edit, merge or erase a trainee"))
    a.add_argument("what", choices=("list", "edit", "merge", "delete"))
    a.add_argument("ids", nargs="*", type=int, metavar="ID")
    a.add_argument("--name")
    a.add_argument("--department")
    a.add_argument("--email")
    a.add_argument("--firm", type=int, metavar="ID")
    a.add_argument("--json", action="store_true")
    return s


def module_json(module) -> dict:
    ex = module.exercise
    return {
        "id": module.id,
        "title": {"ja": module.title.ja, "en": module.title.en},
        "lessons": len(module.lessons),
        "questions": len(module.quiz),
        "minutes": module.minutes,
        "pass_mark": module.pass_mark,
        "lesson_ids": [lesson.id for lesson in module.lessons],
        "exercise": None
        if ex is None
        else {
            "id": ex.id,
            "title": {"ja": ex.title.ja, "en": ex.title.en},
            "injects": len(ex.injects),
            "pass_mark": ex.pass_mark,
            "max_score": ex.max_score,
            "roles": list(ex.roles),
        },
    }


def cmd_list(args: argparse.Namespace) -> int:
    """The modules need no database: only the content."""
    from tui.i18n import get_language
    from tui.paths import user_data_dir
    from tui.workspace import Library

    modules = list(Library(user_data_dir(args.data_dir)).modules.values())
    if args.json:
        sys.stdout.write(json.dumps([module_json(m) for m in modules], ensure_ascii=False, indent=2) + "\n")
        return 0
    lang = get_language()
    for m in modules:
        line = _("{lessons} lessons, {questions} questions, {minutes} min, pass mark {mark}%").format(
            lessons=len(m.lessons), questions=len(m.quiz), minutes=m.minutes, mark=m.pass_mark
        )
        print(f"{m.id:<22} {m.title.get(lang)}")
        print(f"{'':<22} {line}")
        if m.exercise is not None:
            print(
                f"{'':<22} "
                + _("exercise: {title} ({injects} injects, pass at {mark}% with no critical decision)").format(
                    title=m.exercise.title.get(lang), injects=len(m.exercise.injects), mark=m.exercise.pass_mark
                )
            )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from tui.cli.main import _workspace, say
    from tui.domain.inspection import parse_date
    from tui.workspace import UserError

    days = {}
    for key in ("since", "until"):
        text = getattr(args, key)
        try:
            days[key] = parse_date(text) if text else None
        except ValueError:
            days[key] = None
        if text and days[key] is None:
            raise UserError(_("Type the date like 2026-11-23."))
    ws = _workspace(args)
    try:
        path = ws.export_training_records(
            args.format,
            args.out,
            lang=args.lang,
            module_id=args.module,
            force=args.force,
            session_id=args.session,
            since=days["since"],
            until=days["until"],
            firm_id=args.firm,
        )
        say(_("Wrote {path}.").format(path=path))
        return 0
    finally:
        ws.close()


def cmd_send(args: argparse.Namespace) -> int:
    import os

    from tui.cli.main import _workspace

    ws = _workspace(args)
    try:
        if args.actor or args.home_page:
            ws.set_xapi_options(args.actor, args.home_page)
        sent, before = ws.send_training_statements(
            args.lrs,
            user=args.user,
            password=os.environ.get(args.password_env, ""),
            batch=args.batch,
            session_id=args.session,
        )
        print(_("Sent {n} statements ({m} were sent before).").format(n=sent, m=before))
        return 0
    finally:
        ws.close()


def cmd_report(args: argparse.Namespace) -> int:
    from tui.cli.main import _workspace, say

    ws = _workspace(args)
    try:
        path = ws.export_session_report(args.session, args.out, lang=args.lang, force=args.force)
        say(_("Wrote {path}.").format(path=path))
        return 0
    finally:
        ws.close()


def cmd_certificate(args: argparse.Namespace) -> int:
    from tui.cli.main import _workspace, say

    ws = _workspace(args)
    try:
        target, note = ws.certificate_path(args.out)
        if note:
            say(note)
        path = ws.training_certificate(args.session, args.trainee, target, lang=args.lang, force=args.force)
        say(_("Wrote {path}.").format(path=path))
        return 0
    finally:
        ws.close()


def cmd_roster(args: argparse.Namespace) -> int:
    from tui.cli.main import _workspace

    ws = _workspace(args)
    try:
        added, known = ws.import_roster(args.file, session_id=args.session, firm_id=args.firm)
        print(_("Roster imported: {added} new trainees, {known} already known.").format(added=added, known=known))
        return 0
    finally:
        ws.close()


def cmd_trainee(args: argparse.Namespace) -> int:
    from tui.cli.main import _workspace
    from tui.workspace import UserError

    need = {"list": 0, "edit": 1, "delete": 1, "merge": 2}[args.what]
    if len(args.ids) != need:
        raise UserError(_("{what} takes {n} trainee ids.").format(what=args.what, n=need))
    ws = _workspace(args)
    try:
        if args.what == "list":
            rows = [
                {
                    "id": t.id,
                    "uid": t.uid,
                    "name": t.name,
                    "department": t.department,
                    "email": t.email,
                    "firm_id": t.firm_id,
                }
                for t in ws.trainees()
            ]
            if args.json:
                sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
            else:
                for r in rows:
                    print(f"{r['id']:>5}  {r['name']}  {r['department']}  {r['email']}")
        elif args.what == "edit":
            firm = args.firm if args.firm is not None else False
            t = ws.edit_trainee(args.ids[0], args.name, args.department, args.email, firm)
            print(_("Saved {name}.").format(name=t.name))
        elif args.what == "merge":
            t = ws.merge_trainees(args.ids[0], args.ids[1])
            print(_("Merged {other} into {name}.").format(other=args.ids[1], name=t.name))
        else:
            ws.delete_trainee(args.ids[0])
            print(_("Erased the personal data of trainee {id}; anonymous counts remain.").format(id=args.ids[0]))
        return 0
    finally:
        ws.close()


ACTIONS = {
    "list": cmd_list,
    "export": cmd_export,
    "send": cmd_send,
    "roster": cmd_roster,
    "report": cmd_report,
    "certificate": cmd_certificate,
    "trainee": cmd_trainee,
}


def run(args: argparse.Namespace) -> int:
    return ACTIONS[args.train_command](args)
