"""`tenken train`: the training modules, and the completion records exported as evidence.

    tenken train list [--json]
    tenken train export --format csv|xlsx|json --out PATH [--lang ja|en] [--module ID] [--session ID]
                        [--from DATE] [--to DATE] [--firm ID] [--force]

Registered by tui/cli/main.py (`add_parser` in build_parser, `run` in its COMMANDS). Errors follow main.py: one
sentence on stderr, exit status 1 for bad input (UserError, StoreError, ExportError), 2 for bad usage.
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
    from tui.cli.main import _workspace
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
        print(_("Wrote {path}.").format(path=path))
        return 0
    finally:
        ws.close()


ACTIONS = {"list": cmd_list, "export": cmd_export}


def run(args: argparse.Namespace) -> int:
    return ACTIONS[args.train_command](args)
