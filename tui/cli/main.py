"""The `tenken` command: launches the TUI, or runs one headless command.

Errors reach the user as one sentence on stderr: exit status 1 for bad input, 2 for bad usage.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import json
import os
import sys
from pathlib import Path
from typing import NoReturn

from tui import __version__
from tui.errors import UserError
from tui.i18n import _, detect_language, set_language

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad usage: exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one sentence, no usage dump
        raise UsageError(_("{message}; see `tenken --help`.").format(message=message))


#: The dates a notice, a submission or a session can plausibly carry (a one-month due date stays representable).
FIRST_DATE, LAST_DATE = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
#: The largest id SQLite can hold.
MAX_ID = 2**63 - 1


def _date(text: str) -> dt.date:
    from tui.domain.inspection import parse_date

    try:
        value = parse_date(text)
    except ValueError:
        value = None
    if value is None:
        raise argparse.ArgumentTypeError(_("expected a date like 2026-11-23, got {value!r}").format(value=text))
    if not FIRST_DATE <= value <= LAST_DATE:
        raise argparse.ArgumentTypeError(
            _("expected a date between {first} and {last}, got {value!r}").format(
                first=FIRST_DATE.year, last=LAST_DATE.year, value=text
            )
        )
    return value


def _id(text: str) -> int:
    """An id as `tenken list` shows it; one no database can hold is reported like any id that does not exist."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("expected a number (an id), got {value!r}").format(value=text)) from None
    if not 1 <= value <= MAX_ID:
        raise UserError(_("There is nothing with id {id}; `tenken list` shows the ids.").format(id=text))
    return value


def _guide_epilog() -> str:
    from tui.guide import guide_file
    from tui.i18n import get_language

    return _("The guide, step by step: {file}").format(file=guide_file(get_language()))


def _translate_argparse() -> None:
    """argparse prints its own words ("usage:", "options", its errors) through gettext's global domain; point that
    module's own gettext at tenken's catalog of them (locales/*/LC_MESSAGES/argparse.po), in tenken's language — the
    one the rest of the help is in, which the environment's LANG need not be."""
    import gettext

    from tui.i18n import get_language
    from tui.paths import locales_dir

    catalog = gettext.translation("argparse", str(locales_dir()), languages=[get_language()], fallback=True)
    argparse._ = catalog.gettext  # type: ignore[attr-defined]
    argparse.ngettext = catalog.ngettext  # type: ignore[attr-defined]


def build_parser() -> argparse.ArgumentParser:
    from tui.cli import train as train_cli
    from tui.export import FORMATS

    _translate_argparse()

    p = _Parser(
        prog="tenken",
        description=_("Self-inspection of system-risk and cybersecurity management, in Japanese and English."),
        epilog=_guide_epilog(),
    )
    p.add_argument("--version", action="version", version=f"tenken {__version__}")
    p.add_argument("--data-dir", metavar="DIR", help=_("where the database lives (also TENKEN_HOME)"))
    p.add_argument(
        "--db",
        metavar="URL",
        help=_("the shared team database, postgresql://user@host/db (also TENKEN_DB); passwords: ~/.pgpass"),
    )
    sub = p.add_subparsers(
        dest="command",
        metavar="COMMAND",
        parser_class=_Parser,
        help=_("one of the commands below; `tenken COMMAND --help` tells more"),
    )

    sub.add_parser("demo", help=_("create a sample firm with a partly answered inspection"))

    s = sub.add_parser("list", help=_("firms and their inspections, with ids"))
    s.add_argument("--json", action="store_true", help=_("print JSON instead of text"))

    s = sub.add_parser("init", help=_("create a firm profile (wizard, or --profile FILE)"))
    s.add_argument("--profile", metavar="FILE", type=Path, help=_("a profile YAML file; no questions asked"))

    s = sub.add_parser("start", help=_("start an inspection for a firm"))
    s.add_argument("firm", type=_id, metavar="FIRM", help=_("firm id (see `tenken list`)"))
    s.add_argument(
        "--template",
        action="append",
        metavar="ID",
        help=_("template id (repeatable); default: the templates the firm's business lines call for"),
    )
    s.add_argument("--received", type=_date, metavar="DATE", help=_("the date the notice was received (default today)"))
    s.add_argument(
        "--addressee", metavar="TEXT", help=_("whom the report is addressed to (default: the rulebooks' associations)")
    )
    s.add_argument("--json", action="store_true", help=_("print JSON instead of text"))

    s = sub.add_parser("addressee", help=_("show or set whom an inspection's report is addressed to"))
    s.add_argument("inspection", type=_id, metavar="INSPECTION")
    s.add_argument("text", nargs="?", metavar="TEXT", help=_("the new addressee; omit to show it"))
    s.add_argument("--default", action="store_true", help=_("go back to the default for the inspection's rulebooks"))

    s = sub.add_parser("show", help=_("show provisions with guideline comments and equivalents"))
    s.add_argument(
        "refs", nargs="+", metavar="REF", help=_("a reference such as jvcea-exchange:10.2 or 交換業 10条2項")
    )
    s.add_argument("--lang", choices=("ja", "en"), help=_("the language to show (default: the UI language)"))
    s.add_argument("--json", action="store_true", help=_("print JSON instead of text"))

    s = sub.add_parser("search", help=_("fuzzy search over provisions, guideline comments, items and lessons"))
    s.add_argument(
        "query", nargs="?", metavar="QUERY", help=_("words, a sentence, or a reference such as 交換業 10条2項")
    )
    s.add_argument(
        "--stdin", action="store_true", help=_("read one query a line; with --json, print one JSON line each")
    )
    s.add_argument("--limit", type=int, default=10, metavar="N", help=_("at most N results (default 10)"))
    s.add_argument("--rulebook", metavar="SLUG", help=_("only this rulebook, e.g. jvcea-exchange"))
    s.add_argument("--kind", choices=("provision", "guideline", "item", "lesson"), help=_("only this kind of result"))
    s.add_argument("--lang", choices=("ja", "en"), help=_("only hits in this language"))
    s.add_argument("--json", action="store_true", help=_("print JSON instead of text"))

    s = sub.add_parser("scope", help=_("which inspection items apply to a firm profile, and why"))
    which = s.add_mutually_exclusive_group(required=True)
    which.add_argument("--profile", metavar="FILE", type=Path, help=_("a profile YAML file"))
    which.add_argument(
        "--firm", type=_id, metavar="FIRM", help=_("a firm already in tenken (`tenken list` shows the ids)")
    )
    s.add_argument(
        "--template",
        action="append",
        metavar="ID",
        help=_("template id (repeatable); default: the templates the profile's business lines call for"),
    )
    s.add_argument("--all", action="store_true", help=_("also list excluded items"))
    s.add_argument("--json", action="store_true", help=_("print JSON instead of text"))

    s = sub.add_parser("bundle", help=_("move an inspection between laptops in one file"))
    bsub = s.add_subparsers(
        dest="bundle_command", metavar="ACTION", parser_class=_Parser, required=True, help=_("export or import")
    )
    b = bsub.add_parser("export", help=_("write an inspection, its firm profile, answers and history to PATH"))
    b.add_argument("inspection", type=_id, metavar="INSPECTION")
    b.add_argument("path", type=Path, metavar="PATH")
    b.add_argument("--force", action="store_true", help=_("replace an existing file"))
    b.add_argument(
        "--encrypt",
        action="store_true",
        help=_(
            "encrypt with age and carry the evidence files; the passphrase is asked (or read from "
            "TENKEN_BUNDLE_PASSPHRASE) unless --recipient is given"
        ),
    )
    b.add_argument(
        "--recipient",
        action="append",
        default=[],
        metavar="KEY",
        help=_("encrypt to this age public key (age1…) instead of a passphrase (repeatable)"),
    )
    b.add_argument(
        "--without-training",
        action="store_true",
        help=_("leave the firm's training records (trainees, sessions, attempts, reviews) out of the bundle"),
    )
    b = bsub.add_parser(
        "import", help=_("bring in a bundle; newer answers win per item, older ones stay in the history")
    )
    b.add_argument("path", type=Path, metavar="PATH")
    b.add_argument(
        "--identity",
        type=Path,
        metavar="FILE",
        help=_("the file with your age secret key, for a bundle encrypted to your public key"),
    )
    bsub.add_parser("undo", help=_("put the database back as it was before the last import"))

    s = sub.add_parser("finalize", help=_("lock an inspection with the responsible officer's sign-off"))
    s.add_argument("inspection", type=_id, metavar="INSPECTION", help=_("inspection id (see `tenken list`)"))
    s.add_argument("--officer", required=True, help=_("who signs off"))
    s.add_argument("--submitted", type=_date, metavar="DATE", help=_("the date the report was submitted"))
    s.add_argument(
        "--allow-incomplete",
        action="store_true",
        help=_("finalize although the readiness check finds open points (recorded on the report's cover)"),
    )

    s = sub.add_parser("firm", help=_("edit or delete a firm (deletions go to the trash)"))
    fsub = s.add_subparsers(
        dest="firm_command", metavar="ACTION", parser_class=_Parser, required=True, help=_("edit or delete")
    )
    f = fsub.add_parser("edit", help=_("change a firm's name or profile; open inspections are rescoped, answers kept"))
    f.add_argument("firm", type=_id, metavar="FIRM", help=_("firm id (see `tenken list`)"))
    f.add_argument("--name", metavar="NAME", help=_("the firm's new name"))
    f.add_argument("--profile", metavar="FILE", type=Path, help=_("a profile YAML file to replace the profile with"))
    f.add_argument("--dry-run", action="store_true", help=_("only show which items would be added and removed"))
    f = fsub.add_parser("delete", help=_("move a firm and its inspections to the trash"))
    f.add_argument("firm", type=_id, metavar="FIRM", help=_("firm id (see `tenken list`)"))

    s = sub.add_parser("inspection", help=_("rename or delete an inspection (deletions go to the trash)"))
    isub = s.add_subparsers(
        dest="inspection_command", metavar="ACTION", parser_class=_Parser, required=True, help=_("edit or delete")
    )
    f = isub.add_parser("edit", help=_("change an inspection's title or due date"))
    f.add_argument("inspection", type=_id, metavar="INSPECTION", help=_("inspection id (see `tenken list`)"))
    f.add_argument("--title", metavar="TITLE", help=_("the new title (blank: the names of its templates)"))
    f.add_argument("--due", type=_date, metavar="DATE", help=_("the new due date"))
    f = isub.add_parser("delete", help=_("move an inspection to the trash"))
    f.add_argument("inspection", type=_id, metavar="INSPECTION", help=_("inspection id (see `tenken list`)"))

    s = sub.add_parser("evidence", help=_("list, add or remove the evidence of an inspection item"))
    esub = s.add_subparsers(
        dest="evidence_command", metavar="ACTION", parser_class=_Parser, required=True, help=_("list, add or remove")
    )
    for name, text in (
        ("list", _("the evidence of an item, numbered")),
        ("add", _("a file (its SHA-256 is recorded), a description, or a training module id")),
        ("remove", _("remove one entry; the change history keeps it")),
    ):
        f = esub.add_parser(name, help=text)
        f.add_argument("inspection", type=_id, metavar="INSPECTION", help=_("inspection id (see `tenken list`)"))
        f.add_argument("item", metavar="ITEM", help=_("item number (2-3), item id, or an article it cites"))
        if name == "add":
            f.add_argument("text", metavar="TEXT", help=_("a file path, a description or a training module id"))
            f.add_argument(
                "--description", action="store_true", help=_("keep TEXT as a description even if it looks like a path")
            )
        if name == "remove":
            f.add_argument("number", type=int, metavar="N", help=_("a number from `tenken evidence list`"))

    s = sub.add_parser("trash", help=_("what was deleted, and undo"))
    tsub = s.add_subparsers(
        dest="trash_command", metavar="ACTION", parser_class=_Parser, required=True, help=_("list or undo")
    )
    tsub.add_parser("list", help=_("list deleted firms and inspections, newest first"))
    f = tsub.add_parser("undo", help=_("bring back the latest deletion, or the numbered one"))
    f.add_argument("number", type=int, nargs="?", metavar="N", help=_("a number from `tenken trash list`"))

    s = sub.add_parser("reopen", help=_("open a finalized inspection again as a new revision"))
    s.add_argument("inspection", type=_id, metavar="INSPECTION")

    s = sub.add_parser("compare", help=_("differences item by item between two inspections"))
    s.add_argument("left", type=_id, metavar="OLDER", help=_("the older inspection's id"))
    s.add_argument("right", type=_id, metavar="NEWER", help=_("the newer inspection's id"))
    s.add_argument("--json", action="store_true", help=_("print JSON instead of text"))

    s = sub.add_parser("verify", help=_("check whether a JSON or Word report matches a locked revision"))
    s.add_argument("file", type=Path, metavar="FILE")

    s = sub.add_parser("restore", help=_("list the automatic backups, or put one back in place of the database"))
    s.add_argument("backup", nargs="?", metavar="BACKUP", help=_("a number from the list, or a backup file"))

    s = sub.add_parser("report", help=_("write the response report of an inspection"))
    s.add_argument("inspection", type=_id, metavar="INSPECTION", help=_("inspection id (see `tenken list`)"))
    s.add_argument("--format", required=True, choices=FORMATS, help=_("the file format"))
    s.add_argument("--out", required=True, type=Path, metavar="PATH", help=_("where to write the report"))
    s.add_argument("--lang", choices=("ja", "en"), help=_("the report's language (default: the UI language)"))
    s.add_argument("--force", action="store_true", help=_("replace an existing file"))
    train_cli.add_parser(sub)
    from tui.cli import plan as plan_cli

    plan_cli.add_parsers(sub, _date)
    from tui.cli import team as team_cli

    team_cli.add_parsers(sub)
    team_cli.add_db_parsers(sub)
    return p


def database_url(args: argparse.Namespace) -> str | None:
    """The team database asked for with --db or TENKEN_DB (None: the data folder's own database)."""
    url = getattr(args, "db", None) or os.environ.get("TENKEN_DB") or None
    if url is None:
        return None
    from tui.workspace import is_team_url, mask_url

    if not is_team_url(url):
        raise UsageError(
            _("--db takes a PostgreSQL URL such as postgresql://user@host/tenken, not {url}.").format(url=mask_url(url))
        )
    if mask_url(url) != url and getattr(args, "db", None):
        print(
            _(
                "tenken: warning: a password on the command line stays in the shell history; "
                "put it in ~/.pgpass instead (or let tenken ask for it)."
            ),
            file=sys.stderr,
        )
    return url


def _workspace(args: argparse.Namespace):
    from tui.paths import user_data_dir
    from tui.workspace import Workspace

    ws = Workspace(user_data_dir(args.data_dir), database_url(args))
    ws.apply_language()
    return ws


def say(text: object = "") -> None:
    """Print a line for a person: control characters that survived in old data are shown escaped, never obeyed."""
    from tui.textsafe import printable

    print(printable(str(text)))


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def cmd_tui(args: argparse.Namespace) -> int:
    from tui.app import make_app

    ws = _workspace(args)
    try:
        app = make_app(ws)
        # Everything imported so far (Textual, our modules) lives as long as the process: moving it out of the
        # collector's reach spares the collections that would walk it again and again for the rest of the session
        # (with the collector on, they took about 40 ms of a 0.4 s start; see tests/bench/run.py).
        gc.freeze()
        app.run()
        return app.return_code or 0
    finally:
        ws.close()


def cmd_demo(args: argparse.Namespace) -> int:
    from tui.demo import create_demo

    ws = _workspace(args)
    try:
        info, created = create_demo(ws)
        if created:
            say(
                _("Created the demo firm “{firm}” with inspection {id}. Run `tenken` to open it.").format(
                    firm=info.firm_name, id=info.id
                )
            )
        else:
            say(_("The demo firm “{firm}” already exists (inspection {id}).").format(firm=info.firm_name, id=info.id))
        return EXIT_OK
    finally:
        ws.close()


def _inspection_json(ws, i) -> dict:
    from tui.domain.inspection import days_left

    return {
        "id": i.id,
        "title": ws.inspection_title(i),
        "templates": list(i.templates),
        "received_on": i.received_on.isoformat(),
        "due_on": i.due_on.isoformat(),
        "days_left": days_left(i.due_on),
        "answered": i.progress.answered,
        "total": i.progress.total,
        "problems": i.progress.problems,
        "finalized": i.finalized,
        "revision": i.revision,
    }


def cmd_list(args: argparse.Namespace) -> int:
    from tui.domain.inspection import days_left_text
    from tui.i18n import format_date

    ws = _workspace(args)
    try:
        firms = ws.firms()
        if args.json:
            _print_json(
                [
                    {
                        "id": f.id,
                        "name": f.name,
                        "business": list(f.profile.business),
                        "staff": f.profile.staff,
                        "size": f.profile.size_tier,
                        "inspections": [_inspection_json(ws, i) for i in f.inspections],
                    }
                    for f in firms
                ]
            )
            return EXIT_OK
        if not firms:
            say(_("No firms yet. Create one with `tenken init`, or try `tenken demo`."))
        for f in firms:
            say(f"[{f.id}] {f.name}")
            for i in f.inspections:
                state = _("finalized") if i.finalized else days_left_text(i.due_on)
                say(
                    "    #{id} {title} — {received}: {r} / {due}: {d} ({left}) — {answered}/{total} — {rev} {n}".format(
                        id=i.id,
                        title=ws.inspection_title(i),
                        received=_("received"),
                        r=format_date(i.received_on),
                        due=_("due"),
                        d=format_date(i.due_on),
                        left=state,
                        answered=i.progress.answered,
                        total=i.progress.total,
                        rev=_("revision"),
                        n=i.revision,
                    )
                )
        return EXIT_OK
    finally:
        ws.close()


def cmd_init(args: argparse.Namespace) -> int:
    from tui.content.profile import load_profile

    ws = _workspace(args)
    try:
        if args.profile is not None:
            profile = load_profile(args.profile, ws.thresholds())
        else:
            if not sys.stdin.isatty():
                raise UsageError(_("`tenken init` asks questions in a terminal; without one, give --profile FILE."))
            from tui.cli.wizard import ask_profile

            asked = ask_profile(ws.thresholds())
            if asked is None:
                say(_("Cancelled; nothing was saved."))
                return EXIT_OK
            profile = asked
        firm = ws.add_firm(profile, allow_duplicate=False)
        say(
            _("Created firm {id}: {name} ({size}, {n} staff).").format(
                id=firm.id, name=firm.name, size=_(profile.size_tier), n=profile.staff
            )
        )
        return EXIT_OK
    finally:
        ws.close()


def cmd_start(args: argparse.Namespace) -> int:
    from tui.domain.inspection import days_left_text, today
    from tui.i18n import format_date

    ws = _workspace(args)
    try:
        addressee = ws.checked_addressee(args.addressee) if args.addressee else ""
        templates = args.template or ws.templates_for(ws.firm(args.firm).profile)
        info = ws.start_inspection(args.firm, templates, args.received or today())
        if addressee:
            info = ws.set_addressee(info.id, addressee)
        if args.json:
            _print_json(_inspection_json(ws, info))
        else:
            say(
                _("Started inspection {id} with {n} items; due {due} ({left}).").format(
                    id=info.id, n=info.progress.total, due=format_date(info.due_on), left=days_left_text(info.due_on)
                )
            )
        return EXIT_OK
    finally:
        ws.close()


def _library(args: argparse.Namespace):
    """show and search need no database: only the content, cached in the data dir."""
    from tui.paths import user_data_dir
    from tui.workspace import Library

    return Library(user_data_dir(args.data_dir))


def cmd_show(args: argparse.Namespace) -> int:
    from tui.cli.show import provision_json, render_text
    from tui.domain.refs import nearest_refs, split_refs

    lang = args.lang or detect_language()
    set_language(lang)
    corpus = _library(args).corpus
    refs: list[str] = []
    for text, found in split_refs([w[:200] for w in args.refs[:50]], corpus):
        if not found:
            near = nearest_refs(text, corpus)
            raise UserError(_("no such provision: {ref}. Nearest: {near}").format(ref=text, near=", ".join(near)))
        refs.extend(found)
    if args.json:
        _print_json([provision_json(corpus, r) for r in refs])
    else:
        say("\n\n".join(render_text(corpus, r, lang) for r in refs))
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    import time

    if args.stdin == bool(args.query):
        raise UsageError(_("give a QUERY or --stdin, not both"))
    if args.limit < 1:
        raise UsageError(_("--limit must be at least 1"))
    library = _library(args)
    if args.rulebook and args.rulebook not in library.corpus.rulebooks:
        raise UserError(
            _("no such rulebook: {slug}; choose one of {slugs}").format(
                slug=args.rulebook, slugs=", ".join(library.corpus.rulebooks)
            )
        )
    index = library.search_index
    prefer = args.lang or detect_language()

    def run(query: str):
        start = time.perf_counter()
        hits = index.search(
            query, limit=args.limit, rulebook=args.rulebook, kind=args.kind, lang=args.lang, prefer=prefer
        )
        return hits, (time.perf_counter() - start) * 1000

    if args.stdin:
        for line in sys.stdin:
            query = line.rstrip("\n")
            hits, ms = run(query)
            if args.json:
                sys.stdout.write(
                    json.dumps(
                        {"query": query, "elapsed_ms": round(ms, 3), "hits": [h.as_json() for h in hits]},
                        ensure_ascii=False,
                    )
                    + "\n"
                )
            else:
                _print_hits(query, hits)
            sys.stdout.flush()
        return EXIT_OK
    hits, ms = run(args.query)
    if args.json:
        _print_json([{**h.as_json(), "elapsed_ms": round(ms, 3)} for h in hits])
    else:
        _print_hits(args.query, hits)
    return EXIT_OK


def _print_hits(query: str, hits) -> None:
    if not hits:
        say(_("No match for “{query}”.").format(query=query))
    for h in hits:
        say(f"{h.ref:<28} {h.title}")
        if h.snippet:
            say(f"{'':<28} {h.snippet}")


def cmd_scope(args: argparse.Namespace) -> int:
    from tui.content.profile import load_profile
    from tui.domain.scope import level_label

    ws = _workspace(args)
    try:
        profile = ws.firm(args.firm).profile if args.firm else load_profile(args.profile, ws.thresholds())
        scoped = ws.scope(profile, args.template or ws.templates_for(profile))
        lang = ws.language()
        shown = [s for s in scoped if s.included or args.all]
        if args.json:
            _print_json(
                [
                    {
                        "id": s.item.id,
                        "template": s.template_id,
                        "refs": list(s.cites),
                        "level": s.level or None,
                        "included": s.included,
                        "excluded": not s.included,
                        "merged_into": list(s.merged_into),
                        "reason": s.reason_text(lang),
                        "question": {"ja": s.item.question.ja, "en": s.item.question.en},
                        "guidance": {"ja": s.item.guidance.ja, "en": s.item.guidance.en} if s.item.guidance else None,
                    }
                    for s in shown
                ]
            )
            return EXIT_OK
        for s in shown:
            mark = level_label(s.level) if s.included else _("excluded")
            if s.merged_into:
                mark += " → " + ", ".join(s.merged_into)
            say(f"{s.item.id:<24} [{mark}] {s.item.question.get()}")
            say(f"{'':<24} {s.reason_text(lang)}")
        asked = sum(1 for s in scoped if s.asked)
        say(_("{n} of {total} items apply.").format(n=asked, total=len(scoped)))
        return EXIT_OK
    finally:
        ws.close()


def cmd_report(args: argparse.Namespace) -> int:
    from tui.export import export_report

    ws = _workspace(args)
    try:
        ws.check_output(args.out)
        report = ws.report(args.inspection, args.lang or ws.language())
        path = export_report(report, args.format, args.out, force=args.force)
        say(_("Wrote {path}.").format(path=path))
        return EXIT_OK
    finally:
        ws.close()


def cmd_restore(args: argparse.Namespace) -> int:
    from tui.paths import user_data_dir
    from tui.store.db import list_backups, restore_backup

    data_dir = user_data_dir(args.data_dir)
    backups = list_backups(data_dir)
    if args.backup is None:
        if not backups:
            say(_("There are no backups in {folder} yet.").format(folder=data_dir / "backups"))
            return EXIT_OK
        for n, path in enumerate(backups, start=1):
            say(f"{n:>3}  {path.name}  ({path.stat().st_size // 1024} KiB)")
        say(_("Restore one with `tenken restore N`; the current database is kept as a backup first."))
        return EXIT_OK
    if args.backup.isdigit():
        n = int(args.backup)
        if not 1 <= n <= len(backups):
            raise UserError(_("There is no backup number {n}; `tenken restore` lists them.").format(n=n))
        chosen = backups[n - 1]
    else:
        chosen = Path(args.backup).expanduser()
    restored = restore_backup(data_dir, chosen)
    say(
        _("Restored {backup} as {db}; the previous database was kept in the backups folder.").format(
            backup=chosen.name, db=restored
        )
    )
    return EXIT_OK


def cmd_bundle(args: argparse.Namespace) -> int:
    if args.bundle_command == "undo":
        return _bundle_undo(args)
    ws = _workspace(args)
    try:
        if args.bundle_command == "export":
            passphrase = None
            if args.encrypt and not args.recipient:
                passphrase = _bundle_passphrase(confirm=True)
            path = ws.export_bundle(
                args.inspection,
                args.path,
                force=args.force,
                passphrase=passphrase,
                recipients=args.recipient,
                training=not args.without_training,
            )
            if passphrase is not None:
                say(_("Wrote {path}, encrypted with the passphrase, with its evidence files.").format(path=path))
            elif args.recipient:
                say(
                    _("Wrote {path}, encrypted to {n} recipient keys, with its evidence files.").format(
                        path=path, n=len(args.recipient)
                    )
                )
            else:
                say(_("Wrote {path}.").format(path=path))
            return EXIT_OK
        result = ws.import_bundle(args.path, passphrase=_bundle_passphrase, identity=args.identity)
        if result.created:
            say(
                _("Imported inspection {id} of {firm}, with its answers and history.").format(
                    id=result.inspection_id, firm=result.firm_name
                )
            )
        else:
            say(
                _(
                    "Merged into inspection {id} of {firm}: {updated} answers taken from the bundle (newer), "
                    "{kept} kept from this laptop (newer), {added} items added, {history} history entries added."
                ).format(
                    id=result.inspection_id,
                    firm=result.firm_name,
                    updated=len(result.updated),
                    kept=len(result.kept),
                    added=len(result.added),
                    history=result.history_added,
                )
            )
            for item in result.updated:
                say("  ← " + item)
        t = result.training
        if t is not None:
            say(
                _(
                    "Training records: {trainees} new trainees, {sessions} new sessions, {attempts} attempts and "
                    "{cards} review cards taken from the bundle."
                ).format(trainees=t.trainees, sessions=t.sessions, attempts=t.attempts, cards=t.cards)
            )
            if t.erased:
                say(_("{n} trainees erased on the other laptop were erased here too.").format(n=t.erased))
            if t.withheld:
                say(_("{n} trainees erased on this laptop were not brought back.").format(n=t.withheld))
        return EXIT_OK
    finally:
        ws.close()


PASSPHRASE_ENV = "TENKEN_BUNDLE_PASSPHRASE"


def _bundle_passphrase(confirm: bool = False) -> str:
    """The bundle passphrase: from TENKEN_BUNDLE_PASSPHRASE for scripts, else asked without echo (never an argument,
    so it never lands in the shell history)."""
    import getpass
    import os

    given = os.environ.get(PASSPHRASE_ENV)
    if given:
        return given
    if not sys.stdin.isatty():
        raise UserError(_("A passphrase is needed: run this in a terminal, or set {env}.").format(env=PASSPHRASE_ENV))
    first = getpass.getpass(_("Bundle passphrase: "))
    if confirm and getpass.getpass(_("The same passphrase again: ")) != first:
        raise UserError(_("The two passphrases differ; nothing was written."))
    return first


def _bundle_undo(args: argparse.Namespace) -> int:
    from tui.store.db import restore_backup

    ws = _workspace(args)
    try:
        backup, name = ws.import_undo_point()
    finally:
        ws.close()
    restore_backup(ws.data_dir, backup)
    say(
        _(
            "Undid the import of {file}: the database is as it was before it. "
            "The state after the import was kept in the backups folder."
        ).format(file=name)
    )
    return EXIT_OK


def cmd_finalize(args: argparse.Namespace) -> int:
    from tui.workspace import NotReady

    ws = _workspace(args)
    try:
        info = ws.inspection(args.inspection)
        try:
            info = ws.finalize(args.inspection, args.officer, args.submitted, allow_incomplete=args.allow_incomplete)
        except NotReady as exc:
            for issue in exc.issues:
                print("  " + _safe(issue.text(info.received_on, args.submitted)), file=sys.stderr)
            raise
        if info.open_points:
            print(
                _("Finalized with {n} open points; the report's cover says so.").format(n=info.open_points),
                file=sys.stderr,
            )
        say(
            _("Finalized inspection {id} (revision {n}), signed off by {who}.").format(
                id=info.id, n=info.revision, who=_safe(info.finalized_by)
            )
        )
        return EXIT_OK
    finally:
        ws.close()


def cmd_addressee(args: argparse.Namespace) -> int:
    ws = _workspace(args)
    try:
        if args.default or args.text is not None:
            ws.set_addressee(args.inspection, "" if args.default else args.text)
        for lang in ("ja", "en"):
            text, default = ws.addressee(args.inspection, lang)
            mark = _(" (default)") if default else ""
            print(f"{lang}: {_safe(text)}{mark}")
        return EXIT_OK
    finally:
        ws.close()


def cmd_verify(args: argparse.Namespace) -> int:
    ws = _workspace(args)
    try:
        matches, message = ws.verify(args.file)
        print(_safe(message), file=sys.stdout if matches else sys.stderr)
        return EXIT_OK if matches else EXIT_INPUT
    finally:
        ws.close()


def _safe(text: str) -> str:
    """Text from the database or a file, printed without terminal escape codes or other control characters."""
    from tui.domain.report import clean

    return clean(text).replace("\n", " ")


def cmd_reopen(args: argparse.Namespace) -> int:
    ws = _workspace(args)
    try:
        info = ws.reopen(args.inspection)
        say(
            _("Opened revision {n} as inspection {id}; the finalized one stays as it was.").format(
                n=info.revision, id=info.id
            )
        )
        return EXIT_OK
    finally:
        ws.close()


def cmd_compare(args: argparse.Namespace) -> int:
    from tui.domain.inspection import FIELD_LABELS, RISK_LABELS, STATUS_LABELS

    def shown(field: str, value: str) -> str:
        """A value as the user reads it: statuses and risk ratings in their language, no control characters."""
        if field == "status" and value in STATUS_LABELS:
            return _(STATUS_LABELS[value])
        if field == "risk" and value in RISK_LABELS:
            return _(RISK_LABELS[value])
        return _safe(value) or "—"

    ws = _workspace(args)
    try:
        ws.inspection(args.left)
        ws.inspection(args.right)
        diffs = ws.compare(args.left, args.right)
        if args.json:
            _print_json([{"item_id": d.item_id, "field": d.field, "older": d.left, "newer": d.right} for d in diffs])
            return EXIT_OK
        if not diffs:
            say(_("No differences."))
        for d in diffs:
            label = _(FIELD_LABELS.get(d.field, d.field))
            say(f"{d.item_id:<22} {label}: {shown(d.field, d.left)} → {shown(d.field, d.right)}")
        return EXIT_OK
    finally:
        ws.close()


def _rescope_lines(changes) -> list[str]:
    from tui.domain.inspection import rescope_text

    return ["  " + rescope_text(info.id, change) for info, change in changes]


def cmd_firm(args: argparse.Namespace) -> int:
    import dataclasses

    from tui.content.profile import load_profile

    ws = _workspace(args)
    try:
        firm = ws.firm(args.firm)
        if args.firm_command == "delete":
            entry = ws.delete_firm(firm.id)
            print(_("Moved {what} to the trash; `tenken trash undo` brings it back.").format(what=entry.describe()))
            return EXIT_OK
        if args.profile is None and args.name is None:
            raise UsageError(_("say what to change: --name NAME and/or --profile FILE"))
        profile = load_profile(args.profile, ws.thresholds()) if args.profile is not None else firm.profile
        if args.name is not None:
            profile = dataclasses.replace(profile, name=args.name.strip())
        if args.dry_run:
            changes = ws.rescope_preview(firm.id, profile)
            print(_("Nothing changed (--dry-run). With this profile:") if changes else _("No inspection would change."))
        else:
            firm, changes = ws.edit_firm(firm.id, profile)
            print(_("Saved firm {id}: {name}.").format(id=firm.id, name=firm.name))
            if changes:
                print(_("Open inspections rescoped (answers are kept):"))
        for line in _rescope_lines(changes):
            print(line)
        return EXIT_OK
    finally:
        ws.close()


def cmd_inspection(args: argparse.Namespace) -> int:
    ws = _workspace(args)
    try:
        info = ws.inspection(args.inspection)
        if args.inspection_command == "delete":
            entry = ws.delete_inspection(info.id)
            print(_("Moved {what} to the trash; `tenken trash undo` brings it back.").format(what=entry.describe()))
            return EXIT_OK
        if args.title is None and args.due is None:
            raise UsageError(_("say what to change: --title TITLE and/or --due DATE"))
        if args.title is not None:
            info = ws.rename_inspection(info.id, args.title)
        if args.due is not None:
            info = ws.set_due_date(info.id, args.due)
        print(_("Saved inspection {id}: {title}.").format(id=info.id, title=ws.inspection_title(info)))
        return EXIT_OK
    finally:
        ws.close()


def cmd_evidence(args: argparse.Namespace) -> int:
    ws = _workspace(args)
    try:
        item = ws.find_item(args.inspection, args.item)
        if args.evidence_command == "add":
            answer = ws.add_evidence_text(args.inspection, item, args.text, as_description=args.description)
        elif args.evidence_command == "remove":
            answer = ws.remove_evidence(args.inspection, item, args.number - 1)
        else:
            answer = ws.answers(args.inspection)[item]
        if not answer.evidence:
            print(_("No evidence on {item} yet.").format(item=item))
        for n, e in enumerate(answer.evidence, start=1):
            line = f"{n:>3}  {e.label}" + (f"  {e.path}  sha256:{e.sha256}" if e.path else "")
            if e.origin == "bundle":  # the path is on the laptop that sent it: never looked for here
                line += "  (" + _("a path on the computer that sent the bundle; not checked here") + ")"
            say(line)
        return EXIT_OK
    finally:
        ws.close()


def cmd_trash(args: argparse.Namespace) -> int:
    from tui.i18n import format_datetime

    ws = _workspace(args)
    try:
        entries = ws.trash()
        if args.trash_command == "list":
            if not entries:
                print(_("The trash is empty."))
            for n, e in enumerate(entries, start=1):
                print(f"{n:>3}  {format_datetime(e.deleted_at)}  {e.describe()}")
            return EXIT_OK
        if args.number is None:
            entry = ws.undo_delete()
        else:
            if not 1 <= args.number <= len(entries):
                raise UserError(
                    _("There is no entry {n} in the trash; `tenken trash list` shows them.").format(n=args.number)
                )
            chosen = entries[args.number - 1]
            entry = ws.undo_delete(chosen.kind, chosen.id)
        print(_("Brought back {what}.").format(what=entry.describe()))
        return EXIT_OK
    finally:
        ws.close()


def cmd_train(args: argparse.Namespace) -> int:
    from tui.cli import train as train_cli

    return train_cli.run(args)


def cmd_team(args: argparse.Namespace) -> int:
    from tui.cli import team as team_cli

    return team_cli.COMMANDS[args.command](args)


def cmd_planning(args: argparse.Namespace) -> int:
    from tui.cli import plan as plan_cli

    return plan_cli.COMMANDS[args.command](args)


COMMANDS = {
    "train": cmd_train,
    "plan": cmd_planning,
    "due": cmd_planning,
    "remediation": cmd_planning,
    "portfolio": cmd_planning,
    "oscal": cmd_planning,
    "person": cmd_team,
    "db": cmd_team,
    "conflicts": cmd_team,
    "assign": cmd_team,
    "unassign": cmd_team,
    "mine": cmd_team,
    "delegate": cmd_team,
    None: cmd_tui,
    "demo": cmd_demo,
    "list": cmd_list,
    "init": cmd_init,
    "start": cmd_start,
    "show": cmd_show,
    "search": cmd_search,
    "scope": cmd_scope,
    "report": cmd_report,
    "restore": cmd_restore,
    "bundle": cmd_bundle,
    "finalize": cmd_finalize,
    "reopen": cmd_reopen,
    "compare": cmd_compare,
    "addressee": cmd_addressee,
    "verify": cmd_verify,
    "firm": cmd_firm,
    "inspection": cmd_inspection,
    "trash": cmd_trash,
    "evidence": cmd_evidence,
}


def _log_crash(args: argparse.Namespace | None) -> Path | None:
    try:
        from tui.paths import append_error_log, user_data_dir

        return append_error_log(user_data_dir(getattr(args, "data_dir", None)))
    except OSError:
        return None


def _prepare_streams() -> None:
    """Output that the console's encoding cannot show (cp932 on Japanese Windows has no 「—」, ascii no kana) is
    replaced, not a crash halfway through; a terminated command still cleans up its temporary files."""
    import codecs
    import signal

    codecs.register_error("tenken-replace", _replace_unencodable)
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="tenken-replace")
    if hasattr(signal, "SIGTERM"):
        with contextlib.suppress(ValueError):  # only the main thread may set handlers
            signal.signal(signal.SIGTERM, _terminated)


#: Characters cp932 lacks whose look-alike it has (Windows itself maps these when converting): 「—」 shows as 「―」
#: on a Japanese Windows console instead of 「?」.
_LOOK_ALIKES = {
    "\u2014": "\u2015",
    "\u2212": "\uff0d",
    "\u301c": "\uff5e",
    "\u2016": "\u2225",
    "\u00a2": "\uffe0",
    "\u00a3": "\uffe1",
    "\u00ac": "\uffe2",
}


def _replace_unencodable(exc: UnicodeError) -> tuple[str, int]:
    """An encoding error handler: a look-alike the console can show, else 「?」 (never a crash halfway through)."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = []
    for ch in exc.object[exc.start : exc.end]:
        alike = _LOOK_ALIKES.get(ch)
        try:
            out.append(alike if alike is not None and alike.encode(exc.encoding) else "?")
        except UnicodeEncodeError:
            out.append("?")
    return "".join(out), exc.end


def _terminated(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        # Plain `tenken` opens the TUI, the launch people wait for: no cyclic garbage collection while it starts
        # (imports and the first screen create hundreds of thousands of objects and little garbage). The app turns
        # it back on once the home screen is up (TenkenApp.settled); so does the way out.
        gc.disable()
    try:
        return _main(argv)
    finally:
        gc.enable()


def _main(argv: list[str]) -> int:
    from tui.content.errors import ContentError
    from tui.export import ExportError
    from tui.store import StoreError
    from tui.textsafe import one_line

    if argv:
        _prepare_streams()
    set_language(detect_language())
    args = None
    try:
        # Plain `tenken` opens the TUI: no parser to build (it is the launch people wait for).
        args = argparse.Namespace(command=None, data_dir=None, db=None) if not argv else build_parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"tenken: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except (StoreError, ContentError, ExportError, UserError) as exc:
        print(f"tenken: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print(_("tenken: interrupted; everything saved before is safe."), file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception:
        log = _log_crash(args)
        where = _(" Details were written to {path}.").format(path=log) if log else ""
        print(_("tenken: an unexpected error occurred; your saved answers are safe.") + where, file=sys.stderr)
        return EXIT_INPUT


if __name__ == "__main__":
    raise SystemExit(main())
