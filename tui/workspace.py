"""Application services: what the CLI and the TUI both do, in one place.

A Workspace joins the store (one data directory), the content (corpus, templates) and the domain
rules. Screens and CLI commands call these methods; none of them holds a business rule of its own.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from tui.content.errors import ContentError
from tui.domain.inspection import Answer, FirmInfo, HistoryEntry, InspectionInfo, Rescope, TrashEntry, add_one_month
from tui.domain.profile import Profile, SizeThresholds
from tui.errors import UserError
from tui.i18n import N_, _, detect_language, set_language
from tui.paths import cache_dir, user_templates_dir

if TYPE_CHECKING:
    from tui.domain.corpus import Corpus
    from tui.domain.report import Report
    from tui.domain.scope import ScopedItem
    from tui.domain.search import SearchIndex
    from tui.domain.template import Template
    from tui.domain.text import Text
    from tui.domain.training import Module
    from tui.interop import Oscal
    from tui.planning import Planning
from tui.store import Store, StoreError, open_store

__all__ = ["Library", "StoreError", "UserError", "Workspace"]


class HashCancelled(Exception):
    """The person stopped the hashing of a large evidence file; nothing was recorded."""


def file_sha256(
    path: Path,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> str:
    """The SHA-256 of a regular file, read in 1 MiB chunks (FileRefused for anything else: device, pipe, folder).

    `progress(done, total)` is called after each chunk; `cancelled()` returning True stops with HashCancelled.
    """
    import hashlib
    import os
    import stat

    from tui.content.files import FileRefused, regular_file

    total = regular_file(path).st_size
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    digest = hashlib.sha256()
    done = 0
    with open(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise FileRefused(path, _("it is a device or a pipe, not an ordinary file"))
        while done < total and (chunk := fh.read(min(1 << 20, total - done))):
            digest.update(chunk)
            done += len(chunk)
            if progress is not None:
                progress(done, total)
            if cancelled is not None and cancelled():
                raise HashCancelled
        if fh.read(1):  # more than its size says: /proc/self/pagemap and the like would never end
            raise FileRefused(path, _("it is not an ordinary file (it is longer than its size)"))
    return digest.hexdigest()


def _format_cache_file(folder: Path) -> Path:
    """Where formatted dates and numbers are remembered: keyed on tui/i18n.py and Babel's version (its
    package file), so neither an edit of the formatting code nor a Babel upgrade meets old results."""
    import importlib.util

    from tui.content.cache import cache_key

    spec = importlib.util.find_spec("babel")  # found, not imported: start-up does without Babel
    babel_files = [Path(spec.origin)] if spec is not None and spec.origin else []
    path = folder / f"formats-{cache_key(('i18n.py',), babel_files)}.json"
    if not path.exists():
        for old in [*folder.glob("formats-*.json"), folder / "formats.json"]:
            old.unlink(missing_ok=True)
    return path


def _same_folder_above(target: Path, folder: Path) -> bool:
    """Whether `folder` is `target` or one of its parents as a file system object, whatever the spelling: on macOS
    and Windows `~/Library/…/TENKEN` is the data folder `tenken`, and a bind mount is another path to it, though
    neither path starts with the other."""
    import os

    try:
        wanted = os.stat(folder)
    except OSError:
        return False
    for above in (target, *target.parents):
        try:
            st = os.stat(above)
        except OSError:
            continue  # not there yet (the file to be written) or not readable
        if (st.st_dev, st.st_ino) == (wanted.st_dev, wanted.st_ino):
            return True
    return False


class NotReady(UserError):
    """Finalizing refused by the readiness check; `issues` lists what is open (tui.domain.finalize)."""

    def __init__(self, message: str, issues: list) -> None:
        super().__init__(message)
        self.issues = issues


ADDRESSEE_MAX = 300

MAX_NAME = 100  # characters in a trainee's name or department


def valid_email(text: str) -> bool:
    import re

    return len(text) <= 254 and re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text) is not None


def _xlsx_rows(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise UserError(_("{path} is not a readable .xlsx file.").format(path=path.name)) from exc
    sheet = wb.worksheets[0]
    rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(max_row=1001, values_only=True)]
    wb.close()
    return rows


class MissingEvidenceFile(UserError):
    """Evidence text that names a file which is not there: refused unless kept as a description on purpose."""


class DuplicateFirm(UserError):
    """A firm with the same name exists already."""


def looks_like_path(text: str) -> bool:
    """Whether a person typing `text` as evidence meant a file: a path, or a file name with an extension."""
    import re

    t = text.strip()
    if not t or "\n" in t:
        return False
    if t.startswith(("/", "~", "./", "../", "\\\\")) or re.match(r"[A-Za-z]:[\\/]", t):
        return True
    return not any(c.isspace() for c in t) and re.search(r"\.[A-Za-z][A-Za-z0-9]{0,4}$", t) is not None


DEFAULT_TEMPLATE = "fsa-notice-2020"
#: The setting that remembers the last bundle import (its backup and the database's state right after it).
UNDO_SETTING = "bundle_undo"


class Library:
    """The shipped and user content (corpus, templates, training, search index), loaded lazily and once.

    Thread-safe: the TUI warms it in a background thread while the home screen is already usable.
    """

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self._lock = threading.RLock()
        self._corpus: Corpus | None = None
        self._templates: tuple[dict[str, Template], list[ContentError]] | None = None
        self._titles: dict[str, Text] | None = None
        self._modules: dict[str, Module] | None = None
        self._index: SearchIndex | None = None

    @property
    def corpus(self) -> Corpus:
        with self._lock:
            if self._corpus is None:
                from tui.content.loader import load_corpus

                self._corpus = load_corpus()
            return self._corpus

    def _load_templates(self) -> tuple[dict[str, Template], list[ContentError]]:
        corpus = self.corpus
        with self._lock:
            if self._templates is None:
                from tui.content.loader import load_templates

                self._templates = load_templates(corpus, user_templates_dir(self.data_dir))
            return self._templates

    @property
    def templates(self) -> dict[str, Template]:
        return self._load_templates()[0]

    @property
    def template_problems(self) -> list[ContentError]:
        """User template files that failed validation and were skipped."""
        return self._load_templates()[1]

    def template(self, template_id: str) -> Template:
        try:
            return self.templates[template_id]
        except KeyError:
            skipped = next((p for p in self.template_problems if p.path.stem == template_id), None)
            if skipped is not None:
                raise UserError(
                    _("The template {id} was skipped because its file has a problem: {problem}.").format(
                        id=template_id, problem=skipped.describe().rstrip(".")
                    )
                ) from None
            raise UserError(
                _("There is no template {id}; available: {ids}.").format(id=template_id, ids=", ".join(self.templates))
            ) from None

    def template_titles(self) -> dict[str, Text]:
        """Template titles without loading the corpus (the home screen needs only these)."""
        with self._lock:
            if self._templates is not None:
                return {t.id: t.title for t in self._templates[0].values()}
            if self._titles is None:
                from tui.content.titles import load_template_titles

                self._titles = load_template_titles(user_templates_dir(self.data_dir), cache_dir(self.data_dir))
            return self._titles

    @property
    def modules(self) -> dict[str, Module]:
        corpus = self.corpus
        with self._lock:
            if self._modules is None:
                from tui.content.loader import load_modules

                self._modules = load_modules(corpus)
            return self._modules

    @property
    def search_index(self) -> SearchIndex:
        corpus, templates, modules = self.corpus, self.templates, self.modules
        with self._lock:
            if self._index is None:
                from tui.content.loader import load_search_index

                self._index = load_search_index(
                    corpus, templates, modules, cache_dir(self.data_dir), user_templates_dir(self.data_dir)
                )
            return self._index

    @property
    def search_loaded(self) -> bool:
        """True once the search index is in memory: a search then takes milliseconds, not a load."""
        return self._index is not None


def is_team_url(text: str | None) -> bool:
    """A PostgreSQL URL (`tenken --db`), without loading the driver."""
    from tui.store.pg import is_url

    return is_url(text)


def mask_url(url: str) -> str:
    """The URL with its password (if any) masked, for messages."""
    from tui.store.pg import mask

    return mask(url)


def copy_database(source: str, destination: str) -> dict[str, int]:
    """`tenken db copy`: every row of a data set into an empty database (data folder or PostgreSQL URL), as counts
    per table."""
    from tui.store.transfer import copy_data

    return copy_data(source, destination).counts


def migrate_database(target: str) -> tuple[str, int]:
    """`tenken db migrate`: the database (data folder or URL) brought to this tenken's schema; (its name, version)."""
    from tui.store.transfer import migrate

    return migrate(target)


class Workspace:
    def __init__(self, data_dir: Path, db: str | None = None):
        """`db`: a PostgreSQL URL for the shared team database (tui.store.pg); `data_dir` then keeps only this
        person's own settings, evidence files, caches and logs."""
        self.data_dir = data_dir
        self.store: Store = open_store(data_dir, db)
        self.library = Library(data_dir)
        #: SHA-256 of evidence files by (path, size, mtime): a report does not read an unchanged file twice
        self._hashes: dict[tuple[str, int, int], str] = {}
        #: per (inspection, item): the change rows of each field this person last saw (optimistic concurrency)
        self._seen: dict[tuple[int, str], dict[str, list[str]]] = {}

    @property
    def team_url(self) -> str | None:
        """The shared team database's URL (password masked), or None when the data folder's database is used."""
        return self.store.team_url

    def close(self) -> None:
        from tui.i18n import save_format_cache

        save_format_cache()
        self.store.close()

    def warm(self) -> list[ContentError]:
        """Load what the first actions need, in the background once the home screen is up: the storage layer
        (peewee), the rulebooks and templates, and the search index. Returns the user templates that were skipped."""
        self.store.prepare()
        problems = self.template_problems
        self.library.search_index.warm()  # build or load it now, not at the first keystroke
        return problems

    # --- settings ---------------------------------------------------------------------------

    def language(self) -> str:
        return self.store.get_setting("language") or detect_language()

    def apply_language(self) -> str:
        from tui.i18n import use_format_cache
        from tui.paths import ensure_private_dir

        with contextlib.suppress(OSError):
            use_format_cache(_format_cache_file(ensure_private_dir(cache_dir(self.data_dir))))
        return set_language(self.language())

    def set_language(self, lang: str) -> str:
        lang = set_language(lang)
        self.store.set_setting("language", lang)
        return lang

    def theme(self) -> str | None:
        """The theme chosen last (None: never chosen)."""
        return self.store.get_setting("theme")

    def set_theme(self, theme: str) -> None:
        self.store.set_setting("theme", theme)

    def user_name(self) -> str:
        """Who is at the keyboard: the name set in the settings, else the login name."""
        return self.store.user_name()

    def thresholds(self) -> SizeThresholds:
        try:
            return SizeThresholds(
                int(self.store.get_setting("size_medium_from") or 50),
                int(self.store.get_setting("size_large_from") or 300),
            )
        except ValueError:
            return SizeThresholds()

    # --- content (shared with commands that need no database) -------------------------------

    @property
    def corpus(self) -> Corpus:
        return self.library.corpus

    @property
    def templates(self) -> dict[str, Template]:
        return self.library.templates

    @property
    def template_problems(self) -> list[ContentError]:
        return self.library.template_problems

    @property
    def modules(self) -> dict[str, Module]:
        return self.library.modules

    @property
    def search_index(self) -> SearchIndex:
        return self.library.search_index

    @property
    def search_loaded(self) -> bool:
        return self.library.search_loaded

    def template(self, template_id: str) -> Template:
        return self.library.template(template_id)

    # --- firms and inspections --------------------------------------------------------------

    def firms(self) -> list[FirmInfo]:
        return self.store.list_firms()

    def add_firm(self, profile: Profile, allow_duplicate: bool = True) -> FirmInfo:
        """Create a firm; with allow_duplicate=False a firm whose name is taken already is refused (DuplicateFirm)."""
        from tui.textsafe import strip_controls

        texts = {
            k: strip_controls(v).strip()
            for k in ("name", "representative", "responsible_officer")
            if isinstance(v := getattr(profile, k), str)
        }
        profile = profile.with_changes(**texts)
        if not profile.name:
            raise UserError(_("A firm needs a name."))
        if not allow_duplicate:
            twins = self.firms_named(profile.name)
            if twins:
                raise DuplicateFirm(
                    _(
                        "A firm named {name} exists already (id {ids}); change it with `tenken firm edit`, "
                        "or give the new firm a name that tells them apart."
                    ).format(name=profile.name, ids=", ".join(str(f.id) for f in twins))
                )
        return self.store.create_firm(profile)

    def firms_named(self, name: str, exclude: int | None = None) -> list[FirmInfo]:
        """Firms a person would take for the one called `name` (width, case and spacing aside)."""
        from tui.domain.inspection import same_name

        return [f for f in self.firms() if f.id != exclude and same_name(f.name, name)]

    # --- housekeeping: edit, rescope, rename, trash ------------------------------------------

    def _scoped_items(self, profile: Profile, info: InspectionInfo) -> list[tuple[str, str, str]]:
        from tui.domain.scope import scope, template_order

        templates = template_order(self.inspection_templates(info))
        return [(s.item.id, s.item.section, s.level) for s in scope(profile, templates, self.corpus) if s.asked]

    def rescope_preview(self, firm_id: int, profile: Profile) -> list[tuple[InspectionInfo, Rescope]]:
        """For each open inspection of the firm, the items the new profile adds and removes (nothing is changed)."""
        import dataclasses

        from tui.domain.inspection import item_label, rescope_change
        from tui.domain.template import lay_out

        out = []
        for info in self.firm_inspections(firm_id):
            if info.finalized:
                continue  # a finalized revision is a record: it never changes
            rows = self.store.inspection_items(info.id)
            wanted = self._scoped_items(profile, info)
            change = rescope_change([i for i, _s, _l in rows], [i for i, _s, _l in wanted])
            if change:
                # Items leaving by the number they have now, items arriving by the number they will have.
                templates = self.inspection_templates(info)
                moved = set(change.added) | set(change.removed)
                labels = {
                    p.item.id: item_label(p.number, p.item.question.get())
                    for layout in (lay_out(templates, wanted), lay_out(templates, rows))
                    for _section, placed in layout
                    for p in placed
                    if p.item.id in moved
                }
                out.append((info, dataclasses.replace(change, labels=tuple(sorted(labels.items())))))
        return out

    def firm_inspections(self, firm_id: int) -> tuple[InspectionInfo, ...]:
        return next((f.inspections for f in self.firms() if f.id == firm_id), ())

    def edit_firm(self, firm_id: int, profile: Profile) -> tuple[FirmInfo, list[tuple[InspectionInfo, Rescope]]]:
        """Save a changed profile and rescope the firm's open inspections; answers are kept, also of removed items."""
        self.firm(firm_id)
        if not profile.name.strip():
            raise UserError(_("The firm's name must not be blank."))
        changes = self.rescope_preview(firm_id, profile)
        firm = self.store.update_firm(firm_id, profile)
        for info, _change in changes:
            self.store.set_inspection_items(info.id, self._scoped_items(profile, info))
        return firm, changes

    def set_due_date(self, inspection_id: int, due_on: dt.date) -> InspectionInfo:
        info = self.inspection(inspection_id)
        if info.finalized:
            raise UserError(_("This inspection is finalized; reopen it as a new revision to change it."))
        self.store.set_due_date(inspection_id, due_on)
        return self.inspection(inspection_id)

    def rename_inspection(self, inspection_id: int, title: str) -> InspectionInfo:
        self.inspection(inspection_id)
        self.store.rename_inspection(inspection_id, title.strip())
        return self.inspection(inspection_id)

    def delete_firm(self, firm_id: int) -> TrashEntry:
        firm = self.firm(firm_id)
        self.store.set_deleted("firm", firm.id, True)
        return self._trash_entry("firm", firm.id)

    def delete_inspection(self, inspection_id: int) -> TrashEntry:
        info = self.inspection(inspection_id)
        self.store.set_deleted("inspection", info.id, True)
        return self._trash_entry("inspection", info.id)

    def trash(self) -> list[TrashEntry]:
        """What was deleted, newest first; `undo_delete` brings an entry back."""
        return [TrashEntry(*row) for row in self.store.trash()]

    def _trash_entry(self, kind: str, row_id: int) -> TrashEntry:
        found = next((e for e in self.trash() if e.kind == kind and e.id == row_id), None)
        if found is None:
            raise UserError(_("Firm or inspection {id} is not in the trash.").format(id=row_id))
        return found

    def undo_delete(self, kind: str | None = None, row_id: int | None = None) -> TrashEntry:
        """Bring back the most recent deletion, or the given one."""
        entries = self.trash()
        if kind is not None and row_id is not None:
            entry = self._trash_entry(kind, row_id)
        elif entries:
            entry = entries[0]
        else:
            raise UserError(_("The trash is empty: there is nothing to undo."))
        self.store.set_deleted(entry.kind, entry.id, False)
        return entry

    def remember_item(self, inspection_id: int, item_id: str) -> None:
        """Where the user was, so the inspection reopens there."""
        if self.store.get_setting(f"last_item.{inspection_id}") != item_id:
            self.store.set_setting(f"last_item.{inspection_id}", item_id)

    def last_item(self, inspection_id: int) -> str | None:
        return self.store.get_setting(f"last_item.{inspection_id}")

    def update_firm(self, firm_id: int, profile: Profile) -> FirmInfo:
        return self.store.update_firm(firm_id, profile)

    def firm(self, firm_id: int) -> FirmInfo:
        firm = self.store.firm(firm_id)
        if firm is None:
            raise UserError(_("There is no firm with id {id}; `tenken list` shows the ids.").format(id=firm_id))
        return firm

    def templates_for(self, profile: Profile) -> list[str]:
        """The templates a firm with this profile would start from: its rulebooks' own (shipped and the user's)."""
        from tui.domain.scope import templates_for

        ids = [t.id for t in templates_for(profile, list(self.templates.values()))]
        return ids or [DEFAULT_TEMPLATE]

    def scope(self, profile: Profile, template_ids: list[str]) -> list[ScopedItem]:
        from tui.domain.scope import scope, template_order

        return scope(profile, template_order([self.template(t) for t in template_ids]), self.corpus)

    def start_inspection(
        self,
        firm_id: int,
        template_ids: list[str],
        received_on: dt.date,
        title: str | None = None,
        due_on: dt.date | None = None,
    ) -> InspectionInfo:
        from tui.domain.scope import scope, template_order
        from tui.textsafe import strip_controls

        firm = self.firm(firm_id)
        title = strip_controls(title or "").strip()
        if not dt.date(1900, 1, 1) <= received_on <= dt.date(2999, 12, 31):
            raise UserError(_("The received date {date} is not a plausible date.").format(date=received_on.isoformat()))
        templates = template_order([self.template(t) for t in template_ids])
        template_ids = [t.id for t in templates]
        scoped = [s for s in scope(firm.profile, templates, self.corpus) if s.asked]
        items = [(s.item.id, s.item.section, s.level) for s in scoped]
        # No addressee stored: the report addresses the templates' associations in its own language.
        info = self.store.create_inspection(
            firm_id, title or "", template_ids, items, received_on, due_on or add_one_month(received_on), ""
        )
        self.planning.carry_over(info)  # last cycle's open problems, linked to the items that ask about them
        return info

    def addressee(self, inspection_id: int, lang: str | None = None) -> tuple[str, bool]:
        """(whom the report is addressed to in `lang`, whether it is the default for its templates)."""
        from tui.domain.report import default_addressee, known_addressees
        from tui.i18n import get_language

        lang = lang or get_language()
        info = self.inspection(inspection_id)
        stored = info.addressee.strip()
        known = known_addressees(self.corpus)
        if stored and stored not in known:
            return stored, False
        books = [known[stored]] if stored else [b for t in self.inspection_templates(info) for b in t.rulebooks]
        if not stored:
            books += sorted(self.firm(info.firm_id).profile.rulebooks)
        return default_addressee(self.corpus, books, lang), not stored

    @staticmethod
    def checked_addressee(addressee: str) -> str:
        """The addressee as it will be stored (spaces folded), or UserError for one that is too long or has controls."""
        import unicodedata

        text = " ".join(unicodedata.normalize("NFC", addressee).split())
        if len(text) > ADDRESSEE_MAX:
            raise UserError(_("The addressee is too long (at most {n} characters).").format(n=ADDRESSEE_MAX))
        if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text):
            raise UserError(_("The addressee contains control characters."))
        return text

    def set_addressee(self, inspection_id: int, addressee: str) -> InspectionInfo:
        """Address the report to someone else ("" = back to the default for its templates)."""
        text = self.checked_addressee(addressee)
        self.inspection(inspection_id)
        self.store.set_addressee(inspection_id, text)
        return self.inspection(inspection_id)

    def inspection(self, inspection_id: int) -> InspectionInfo:
        info = self.store.inspection(inspection_id)
        if info is None:
            raise UserError(
                _("There is no inspection with id {id}; `tenken list` shows the ids.").format(id=inspection_id)
            )
        return info

    def inspection_items(self, inspection_id: int) -> list[tuple[str, str, str]]:
        """The items an inspection asks, as (item id, section id, level), in order."""
        return self.store.inspection_items(inspection_id)

    def answers(self, inspection_id: int) -> dict[str, Answer]:
        """The answers of an inspection; remembers what they were built from, so a later save of a field someone
        else changed meanwhile becomes a conflict instead of overwriting it (`save_answer_checked`)."""
        heads = self.store.answer_heads(inspection_id)
        answers = self.store.answers(inspection_id)
        for item in answers:
            self._seen[(inspection_id, item)] = heads.get(item, {})
        return answers

    def history(self, inspection_id: int, item_id: str | None = None) -> list[HistoryEntry]:
        """Every change to the answers (of one item), oldest first."""
        return self.store.history(inspection_id, item_id)

    def inspections_with_item(self, item_id: str) -> list[int]:
        """Open (not finalized) inspections that ask `item_id`, newest first."""
        return self.store.inspections_with_item(item_id)

    def inspection_title(self, info: InspectionInfo, lang: str | None = None) -> str:
        """The title the user gave, or the names of its templates in `lang`."""
        if info.title:
            return info.title
        titles = self.library.template_titles()
        return " + ".join(titles[t].get(lang) if t in titles else t for t in info.templates)

    def inspection_templates(self, info: InspectionInfo) -> list[Template]:
        return [self.templates[t] for t in info.templates if t in self.templates]

    def save_answer(self, inspection_id: int, item_id: str, **changes: object) -> Answer:
        """Save what a person typed; control characters (terminal escapes, NUL) are dropped on the way in."""
        return self.save_answer_checked(inspection_id, item_id, **changes)[0]

    def save_answer_checked(
        self, inspection_id: int, item_id: str, **changes: object
    ) -> tuple[Answer, list[tuple[str, list[str]]]]:
        """Save, and say which fields someone else changed since this person read the answers: those are kept
        both ways as conflicts (settled with `tenken conflicts` or the home screen's c), as (field, their names)."""
        from tui.textsafe import strip_controls

        clean = {k: strip_controls(v) if isinstance(v, str) else v for k, v in changes.items()}
        seen = self._seen.get((inspection_id, item_id))
        clashes: list[tuple[str, list[str]]] = []
        written: dict[str, str] = {}
        answer = self.store.save_answer(inspection_id, item_id, clean, seen=seen, conflicts=clashes, written=written)
        if seen is not None:  # this person has now seen their own changes (a conflict stays until it is settled)
            self._seen[(inspection_id, item_id)] = {**seen, **{f: [uid] for f, uid in written.items()}}
        return answer, clashes

    # --- finalize, compare, evidence, bundles ---------------------------------------------

    def readiness(self, inspection_id: int, submitted_on: dt.date | None = None, today: dt.date | None = None):
        """What keeps the inspection from being finalized (tui.domain.finalize.ReadinessIssue), in report order."""
        from tui.domain import inspection as _insp
        from tui.domain.finalize import readiness
        from tui.domain.template import lay_out

        info = self.inspection(inspection_id)
        rows = self.store.inspection_items(inspection_id)
        placed = [(p.item.id, p.number) for _s, ps in lay_out(self.inspection_templates(info), rows) for p in ps]
        known = {i for i, _n in placed}
        placed += [(i, i) for i, _s, _l in rows if i not in known]  # items of a template no longer installed
        return readiness(
            placed, self.store.answers(inspection_id), info.received_on, submitted_on, today or _insp.today()
        )

    def finalize(
        self,
        inspection_id: int,
        officer: str,
        submitted_on: dt.date | None = None,
        allow_incomplete: bool = False,
        today: dt.date | None = None,
    ) -> InspectionInfo:
        """Lock the inspection after the readiness check; with `allow_incomplete` the open points are recorded
        (and printed on the report's cover) instead of refusing."""
        info = self.inspection(inspection_id)
        self.check_signer(officer)
        if info.finalized or not officer.strip():
            return self.store.finalize(inspection_id, officer, submitted_on)  # the store refuses, in one sentence
        issues = self.readiness(inspection_id, submitted_on, today)
        if issues and not allow_incomplete:
            raise NotReady(
                _(
                    "Inspection {id} is not ready to finalize: {n} open points; complete them, "
                    "or finalize anyway with --allow-incomplete (recorded on the report)."
                ).format(id=inspection_id, n=len(issues)),
                issues,
            )
        return self.store.finalize(inspection_id, officer, submitted_on, open_points=len(issues))

    # --- named people (tui.domain.people) ---------------------------------------------------------------

    def persons(self) -> list:
        return self.store.persons()

    def add_person(self, name: str, role: str, use: bool = False):
        from tui.textsafe import strip_controls

        person = self.store.add_person(strip_controls(name).strip(), role)
        if use:
            self.store.use_person(person.uid)
        return person

    def person(self, key: str):
        """A person by name or uid (the CLI's way of naming one)."""
        found = [p for p in self.persons() if key in (p.uid, p.name)]
        if not found:
            raise UserError(_("There is no person {name}; `tenken person list` shows them.").format(name=key))
        return found[0]

    def use_person(self, key: str):
        person = self.person(key)
        self.store.use_person(person.uid)
        return person

    def current_person(self):
        return self.store.current_person()

    def check_signer(self, officer: str) -> None:
        """Once people are named, only a reviewer or an officer finalizes, and the signer named is an officer."""
        people = self.persons()
        if not people:
            return
        from tui.domain import people as people_roles

        me = self.current_person()
        if me is None:
            raise UserError(_("Say who you are before finalizing: tenken person use NAME (or w on the home screen)."))
        if not me.can_finalize:
            raise UserError(
                _("Only a reviewer or an officer finalizes; you are using tenken as {name} ({role}).").format(
                    name=me.name, role=_(people_roles.ROLE_LABELS.get(me.role, me.role))
                )
            )
        signer = " ".join(officer.split())
        # the officer as the profile writes it may carry a title: 「システム統括管理責任者 田中花子」 is 田中花子
        if not any(p.can_sign_off and (signer == p.name or signer.endswith(" " + p.name)) for p in people):
            officers = ", ".join(p.name for p in people if p.can_sign_off) or "—"
            raise UserError(
                _("Only a person with the officer role signs off; officers: {names}.").format(names=officers)
            )

    def reopen(self, inspection_id: int) -> InspectionInfo:
        return self.store.reopen(inspection_id)

    def compare(self, left_id: int, right_id: int):
        """Differences item by item between two inspections (revisions or yearly cycles), in the newer one's order."""
        from tui.domain.inspection import compare_answers

        order = [i for i, _s, _l in self.store.inspection_items(right_id)]
        order += [i for i, _s, _l in self.store.inspection_items(left_id) if i not in order]
        return compare_answers(self.store.answers(left_id), self.store.answers(right_id), order)

    def add_evidence(
        self,
        inspection_id: int,
        item_id: str,
        label: str,
        path: Path | None = None,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> Answer:
        """Attach evidence to an answer; a file is recorded by its absolute path, SHA-256, size and time.

        Only an ordinary file is read: a folder, a device, a pipe or a missing path gets a sentence (UserError).
        """
        from tui.domain.inspection import Evidence

        if path is not None:
            evidence = self.evidence_for_file(path, label, progress, cancelled)
        else:
            from tui.textsafe import strip_controls

            evidence = Evidence(strip_controls(label).strip())
        return self.attach_evidence(inspection_id, item_id, evidence)

    def evidence_for_file(
        self,
        path: Path,
        label: str = "",
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ):
        """Evidence for a file: reads it (any thread; HashCancelled when `cancelled()`), stores nothing."""
        from tui.content.files import FileRefused
        from tui.domain.inspection import Evidence
        from tui.textsafe import strip_controls

        path = Path(path).expanduser().absolute()
        try:
            before = path.stat()
            digest = file_sha256(path, progress, cancelled)
        except FileRefused as exc:
            raise UserError(
                _("{path} cannot be recorded as evidence: {reason}.").format(path=path, reason=exc.reason)
            ) from None
        except OSError as exc:
            raise UserError(
                _("Cannot read the evidence file {path} ({reason}).").format(path=path, reason=exc.strerror or exc)
            ) from None
        label = strip_controls(label).strip() or strip_controls(path.name)
        return Evidence(label, str(path), digest, size=before.st_size, mtime_ns=before.st_mtime_ns)

    def attach_evidence(self, inspection_id: int, item_id: str, evidence) -> Answer:
        if not evidence.label:
            raise UserError(_("Evidence needs a description or a file."))
        current = self.store.answer(inspection_id, item_id)
        return self.save_answer(inspection_id, item_id, evidence=current.evidence + (evidence,))

    def evidence_file(self, text: str) -> Path | None:
        """The file a person means by what they typed as evidence, or None for a description or a module id."""
        from tui.domain.inspection import looks_like_path

        raw = text.strip()
        if not raw or raw in self.modules:
            return None
        path = Path(raw).expanduser()
        if looks_like_path(raw) or os.path.lexists(path):
            return path
        return None

    def add_evidence_text(self, inspection_id: int, item_id: str, text: str, as_description: bool = False) -> Answer:
        """What a person types as evidence.

        A training module id (its completion records), a file path, or a description. Text that looks like a
        path to a file that is not there raises MissingEvidenceFile, unless `as_description` says to keep it as text.
        """
        raw = text.strip()
        if raw in self.modules:
            return self.add_evidence(inspection_id, item_id, self.training_evidence(raw).label)
        path = self.evidence_file(raw)
        if path is not None and not os.path.lexists(path):
            if as_description:  # the person chose to keep what they typed as a description
                return self.add_evidence(inspection_id, item_id, raw)
            raise MissingEvidenceFile(_("There is no file at {path}.").format(path=path))
        if path is not None:
            return self.add_evidence(inspection_id, item_id, path.name, path)
        return self.add_evidence(inspection_id, item_id, raw)

    def find_item(self, inspection_id: int, text: str) -> str:
        """The inspection's item that `text` names (number, id or a cited provision); UserError when none."""
        from tui.domain.template import find_item, lay_out

        info = self.inspection(inspection_id)
        sections = lay_out(self.inspection_templates(info), self.store.inspection_items(inspection_id))
        found = find_item(text, [p for _s, items in sections for p in items], self.corpus)
        if found is None:
            raise UserError(
                _("No item {text}; write a number such as 2-3, or an article such as 第10条.").format(text=text.strip())
            )
        return found

    def remove_evidence(self, inspection_id: int, item_id: str, index: int) -> Answer:
        """Remove one evidence entry (0-based); the change history keeps what it was."""
        current = self.store.answer(inspection_id, item_id)
        if not 0 <= index < len(current.evidence):
            raise UserError(_("There is no evidence entry {n} on this item.").format(n=index + 1))
        kept = current.evidence[:index] + current.evidence[index + 1 :]
        return self.save_answer(inspection_id, item_id, evidence=kept)

    def evidence_status(self, evidence) -> str:
        """For evidence that points at a file: ok, changed, missing, not-a-file, or sender (a path on the computer
        that sent the bundle, never looked at here); "" for a description.

        A file whose size and modification time are those recorded is not read again.
        """
        from tui.content.files import FileRefused, regular_file

        if not evidence.path:
            return ""
        if evidence.origin == "bundle":
            return "sender"
        path = Path(evidence.path)
        try:
            st = regular_file(path)
        except FileRefused:
            return "missing" if not os.path.lexists(path) else "not-a-file"
        if evidence.size == st.st_size and evidence.mtime_ns == st.st_mtime_ns:
            return "ok"
        key = (str(path), st.st_size, st.st_mtime_ns)
        digest = self._hashes.get(key)
        if digest is None:
            try:
                digest = self._hashes[key] = file_sha256(path)
            except FileRefused:
                return "not-a-file"
            except OSError:
                return "missing"
        return "ok" if digest == evidence.sha256 else "changed"

    def check_output(self, path: Path) -> None:
        """Refuse to write an export into the data folder (it could replace the open database or a backup)."""
        try:
            target = Path(path).expanduser().resolve()
            folder = self.data_dir.expanduser().resolve()
            inside = target.is_relative_to(folder) or _same_folder_above(target, folder)
        except (OSError, RuntimeError, ValueError):
            return
        if inside:
            raise UserError(
                _("{path} is inside tenken's data folder {folder}; write exports somewhere else.").format(
                    path=path, folder=self.data_dir
                )
            )

    def export_bundle(
        self,
        inspection_id: int,
        path: Path,
        force: bool = False,
        passphrase: str | None = None,
        recipients: Sequence[str] = (),
        training: bool = True,
    ) -> Path:
        """Write a bundle; with a passphrase or recipients' age keys it is encrypted and carries the evidence files.
        The firm's training records go with it unless `training` is False."""
        from tui.store.bundle import write_bundle

        self.check_output(path)
        self.inspection(inspection_id)
        return write_bundle(
            self.store,
            inspection_id,
            path,
            force=force,
            passphrase=passphrase,
            recipients=recipients,
            training=training,
        )

    def bundle_kind(self, path: Path) -> str:
        """ "passphrase" or "key" for an encrypted bundle (what import will need), else "archive" or "plain"."""
        from tui.store.sealed import kind

        return kind(Path(path))

    def import_bundle(
        self,
        path: Path,
        passphrase: Callable[[], str] | None = None,
        identity: Path | None = None,
    ):
        """Import a bundle after checking all of it; a backup named after the import is kept first (see undo).

        An encrypted bundle is opened with `passphrase()` (asked only when needed) or the age keys in `identity`;
        its evidence files are checked against their SHA-256 and stored under the data folder
        (evidence/<inspection uid>/<sha256>-<name>, readable only by the user), and the answers point at them.
        """
        import json

        from tui.store import sealed
        from tui.store.bundle import (
            check_carried,
            import_payload,
            localize_evidence,
            parse_bundle,
            read_bundle,
            received_files,
            received_names,
        )

        path = Path(path)
        found = sealed.kind(path)
        if found == "plain":
            bundle = read_bundle(path)
            files: dict[str, Path] = {}
            work = None
        else:
            identities = sealed.read_identities(identity) if identity is not None and found == "key" else None
            work = sealed.work_dir(self.data_dir)
        placed: list[Path] = []
        try:
            if work is not None:
                archive = path
                if found != "archive":
                    archive = work / "bundle.tar"
                    sealed.unseal(path, archive, passphrase, identities)
                from tui.store.bundle import MAX_FILE_BYTES

                opened = sealed.open_archive(path, archive, sealed.private_dir(work / "files"), MAX_FILE_BYTES)
                bundle = parse_bundle(opened.document, path)
                files = opened.files
                check_carried(path, bundle, files)
            folder = self.data_dir / "evidence" / bundle.inspection.uid
            backup = self.store.backup("before-import")
            with self.store.db.atomic():
                result = import_payload(self.store, bundle, who=self.store.user_name())
                if files:
                    names = received_names(bundle)
                    sealed.private_dir(folder.parent)
                    sealed.private_dir(folder)
                    have = received_files(folder)
                    for digest, staged in files.items():
                        if digest not in have:
                            target = folder / f"{digest}-{sealed.safe_name(names.get(digest, ''))}"
                            os.replace(staged, target)
                            os.chmod(target, 0o600)
                            placed.append(target)
                localize_evidence(self.store, result.inspection_id, received_files(folder))
        except OSError as exc:  # a full disk, a folder without write permission: a sentence, nothing kept
            for target in placed:
                target.unlink(missing_ok=True)
            raise sealed.SealError(
                _("Cannot import {path}: {reason}. Nothing was imported.").format(path=path, reason=exc.strerror or exc)
            ) from None
        except BaseException:
            for target in placed:
                target.unlink(missing_ok=True)
            raise
        finally:
            if work is not None:
                sealed.remove_tree(work)
        if backup is not None:  # the team database has no file backup to go back to
            marker = {"backup": backup.name, "file": path.name, "state": self.store.fingerprint()}
            self.store.set_setting(UNDO_SETTING, json.dumps(marker, ensure_ascii=False))
        return result

    def import_undo_point(self) -> tuple[Path, str]:
        """The backup taken before the last import, and the bundle's file name, while nothing changed since."""
        import json

        from tui.store.db import backup_dir

        raw = self.store.get_setting(UNDO_SETTING)
        try:
            marker = json.loads(raw) if raw else None
        except ValueError:
            marker = None
        if not isinstance(marker, dict) or not isinstance(marker.get("backup"), str):
            raise UserError(_("There is no bundle import to undo."))
        backup = backup_dir(self.data_dir) / marker["backup"]
        if marker.get("state") != self.store.fingerprint():
            raise UserError(
                _(
                    "Answers changed after the import of {file}, so undoing it would lose them; "
                    "`tenken restore` lists the backup taken before the import ({backup})."
                ).format(file=marker.get("file", ""), backup=marker["backup"])
            )
        if not backup.is_file():
            raise UserError(_("The backup taken before the import is gone ({backup}).").format(backup=backup.name))
        return backup, str(marker.get("file", ""))

    # --- conflicts from merged change rows (tui.domain.sync) ---------------------------------------------

    def conflicts(self, inspection_id: int | None = None) -> list:
        """Fields changed on two laptops without seeing each other's change, for a person to settle."""
        from tui.domain.sync import derive

        ids = [inspection_id] if inspection_id is not None else [i.id for f in self.firms() for i in f.inspections]
        out = []
        for iid in ids:
            self.inspection(iid)
            out += derive(self.store.changes(iid))[1]
        return out

    def resolve_conflict(self, inspection_id: int, item_id: str, field_name: str, value: str) -> Answer:
        """Settle a conflict with `value` (one of the values, or a new one): a change replacing every head."""
        from tui.domain.merge import apply_field

        current = self.store.answer(inspection_id, item_id)
        wanted = apply_field(current, field_name, value)
        return self.store.save_answer(inspection_id, item_id, {field_name: getattr(wanted, field_name)}, resolve=True)

    # --- assignment and delegation (tui.domain.assignment) ----------------------------------------------

    def known_person(self, name: str) -> str:
        """The name of the person `name` means; UserError (one sentence) for a person unknown here."""
        from tui.domain.assignment import find_person

        found = find_person(name, [p.name for p in self.persons()])
        if found is None:
            raise UserError(
                _("There is no person {name}; `tenken person add NAME --role preparer` adds one.").format(
                    name=name.strip()
                )
            )
        return found

    def assign(self, inspection_id: int, item: str, name: str, due: dt.date | None = None) -> Answer:
        """Assign an item (number, id or provision) to a known person with an optional due date; a change like
        any other answer field, so it travels in bundles and merges."""
        person = self.known_person(name)
        item_id = self.find_item(inspection_id, item)
        return self.store.save_answer(inspection_id, item_id, {"assignee": person, "assignee_due": due})

    def unassign(self, inspection_id: int, item: str) -> Answer:
        item_id = self.find_item(inspection_id, item)
        return self.store.save_answer(inspection_id, item_id, {"assignee": "", "assignee_due": None})

    def me(self) -> str:
        """The name of the person using tenken on this login; UserError when none was chosen."""
        person = self.current_person()
        if person is None:
            raise UserError(_("Choose who you are first: `tenken person use NAME`."))
        return str(person.name)

    def assigned_items(self, name: str | None = None) -> list:
        """Items assigned (to `name`) in open inspections, earliest due first (tui.domain.assignment.AssignedItem)."""
        from tui.domain.assignment import AssignedItem, sort_assigned

        titles: dict[int, str] = {}
        numbers: dict[int, dict[str, str]] = {}
        out = []
        for iid, title, item_id, assignee, due, status in self.store.assigned(name):
            if iid not in titles:
                titles[iid] = title or self.inspection_title(self.inspection(iid))
                numbers[iid] = self.item_numbers(iid)
            out.append(AssignedItem(iid, titles[iid], item_id, assignee, due, status, numbers[iid].get(item_id, "")))
        return sort_assigned(out)

    def item_numbers(self, inspection_id: int) -> dict[str, str]:
        """Item id → its number as the inspection screen shows it (「2-3」)."""
        from tui.domain.template import lay_out

        info = self.inspection(inspection_id)
        sections = lay_out(self.inspection_templates(info), self.store.inspection_items(inspection_id))
        return {p.item.id: p.number for _s, items in sections for p in items}

    def _delegate_key(self) -> bytes:
        """This database's key for signing delegation workbooks, made once."""
        import secrets

        found = self.store.get_setting("delegate_key")
        if not found:
            found = secrets.token_hex(32)
            self.store.set_setting("delegate_key", found)
        return bytes.fromhex(found)

    def delegate_export(self, inspection_id: int, name: str, path: Path, lang: str, force: bool = False) -> int:
        """Write the workbook of the items of `inspection_id` assigned to `name`; how many items it holds."""
        import uuid

        from tui.domain.assignment import DELEGATED_FIELDS, digest, sign
        from tui.domain.merge import field_text
        from tui.domain.sync import heads
        from tui.export.delegate import Meta, Row, write_workbook

        self.check_output(path)
        info = self.inspection(inspection_id)
        if info.finalized:
            raise UserError(_("This inspection is finalized; reopen it as a new revision to change answers."))
        person = self.known_person(name)
        answers = self.store.answers(inspection_id)
        mine = {i for i, a in answers.items() if a.assignee == person}
        if not mine:
            raise UserError(
                _("No item of inspection {id} is assigned to {name}; `tenken assign` assigns items.").format(
                    id=inspection_id, name=person
                )
            )
        insp_uid = self.store.inspection_uid(inspection_id)
        current = heads(self.store.changes(inspection_id))
        report = self.report(inspection_id, lang, check_evidence=False)
        rows = []
        meta = Meta(str(uuid.uuid4()), insp_uid, person, lang, {})
        for r in report.annex:
            if r.item_id not in mine:
                continue
            a = answers[r.item_id]
            values = {f: field_text(a, f) for f in DELEGATED_FIELDS}
            rule = "\n\n".join(f"{c.label}\n{c.text}".strip() for c in r.citations)
            rows.append(Row(r.item_id, r.number, r.question, rule, a.assignee_due, values))
            meta.items[r.item_id] = {
                f: [digest(values[f]), sorted(h.uid for h in current.get((insp_uid, r.item_id, f), ()))]
                for f in DELEGATED_FIELDS
            }
        meta.signature = sign(self._delegate_key(), meta.lines())
        write_workbook(Path(path), meta, rows, force=force)
        return len(rows)

    def delegate_import(self, path: Path):
        """Read a filled delegation workbook back under its person's name through the bundle merge
        (tui.store.bundle.import_payload): conflicts are reported, a second import changes nothing. Returns
        (person, ImportResult or None when the workbook brought nothing new)."""
        import time

        from tui.domain.assignment import (
            MAX_CELL,
            Base,
            DelegationRefused,
            cell_value,
            delegated_changes,
            device_of,
            signature_ok,
        )
        from tui.domain.sync import HLC, Clock
        from tui.export.delegate import read_workbook

        path = Path(path)

        def refused(reason: str, row: int = 0) -> UserError:
            fragment = _(reason).format(row=row, limit=MAX_CELL)
            return UserError(
                _("Cannot import {path}: {reason}. Nothing was imported.").format(path=path, reason=fragment)
            )

        try:
            filled = read_workbook(path)
        except DelegationRefused as exc:
            raise refused(exc.message, exc.row) from None
        meta = filled.meta
        if not signature_ok(self._delegate_key(), meta.lines(), meta.signature):
            raise refused(N_("it was not written by this tenken, or its hidden part was changed"))
        iid = self.store.inspection_by_uid(meta.inspection)
        if iid is None:
            raise refused(N_("its inspection is not on this computer"))
        info = self.inspection(iid)
        if info.finalized:
            raise refused(N_("its inspection is finalized; reopen it as a new revision first"))
        names = [p.name for p in self.persons()]
        if meta.person not in names:
            raise refused(N_("it is for a person unknown here"))
        answers = self.store.answers(iid)
        values: dict[str, dict[str, str]] = {}
        for item_id, (row, cells) in filled.rows.items():
            answer = answers.get(item_id)
            if answer is None:
                raise refused(N_("row {row} has an id that is not part of the inspection"), row)
            if answer.assignee != meta.person:
                raise refused(N_("row {row} is no longer assigned to the workbook's person"), row)
            try:
                values[item_id] = {f: cell_value(f, text) for f, text in cells.items()}
            except DelegationRefused as exc:
                raise refused(exc.message, row) from None
        base = {
            item: {f: Base(str(v[0]), tuple(str(u) for u in v[1])) for f, v in fields.items() if len(v) == 2}
            for item, fields in meta.items.items()
            if isinstance(fields, dict)
        }
        last = self.store.get_setting("hlc_last")
        clock = Clock(device_of(meta.workbook), HLC.parse(last) if last else HLC(0, 0, ""))
        changes = delegated_changes(
            meta.workbook,
            meta.person,
            meta.inspection,
            base,
            values,
            self.store.changes(iid),
            clock,
            int(time.time() * 1000),
        )
        if not changes:
            return meta.person, None
        from tui.store.bundle import BundleError, delegated_payload, import_payload, validate_payload

        payload = delegated_payload(self.store, iid, changes)

        try:
            bundle = validate_payload(payload, path)
        except BundleError as exc:
            raise UserError(str(exc)) from None
        backup = self.store.backup("before-import")
        with self.store.db.atomic():
            result = import_payload(self.store, bundle, who=meta.person)
        if backup is not None:  # the team database has no file backup to go back to
            import json

            marker = {"backup": backup.name, "file": path.name, "state": self.store.fingerprint()}
            self.store.set_setting(UNDO_SETTING, json.dumps(marker, ensure_ascii=False))
        return meta.person, result

    @cached_property
    def planning(self) -> Planning:
        """The month's plan, remediation tracking, carried-over problems and the portfolio (tui.planning)."""
        from tui.planning import Planning

        return Planning(self)

    @cached_property
    def oscal(self) -> Oscal:
        """OSCAL catalogs, mapping, profile, assessment results and POA&M; results read back (tui.interop)."""
        from tui.interop import Oscal

        return Oscal(self)

    # --- reports ----------------------------------------------------------------------------

    def report(
        self, inspection_id: int, lang: str, today: dt.date | None = None, check_evidence: bool = True
    ) -> Report:
        """The report model; `check_evidence=False` skips re-hashing evidence files (plans and lists need no hash)."""
        info = self.inspection(inspection_id)
        firm = self.firm(info.firm_id)
        from tui.domain.report import build_report

        return build_report(
            info,
            firm.profile,
            self.inspection_templates(info),
            self.store.inspection_items(inspection_id),
            self.store.answers(inspection_id),
            self.corpus,
            lang,
            today,
            title=self.inspection_title(info, lang),
            evidence_status=self.evidence_status if check_evidence else None,
            people=self.attribution(inspection_id, info),
        )

    def attribution(self, inspection_id: int, info: InspectionInfo | None = None) -> dict:
        """Who answered and who reviewed each item, by the change rows and the people's roles
        (tui.domain.people.attribution); empty until people are named."""
        from tui.domain.people import attribution

        people = self.persons()
        if not people:
            return {}
        info = info or self.inspection(inspection_id)
        signer = " ".join(info.finalized_by.split())
        signed = next((p.name for p in people if signer == p.name or signer.endswith(" " + p.name)), "")
        return attribution(self.store.changes(inspection_id), people, signed)

    def verify(self, path: Path) -> tuple[bool, str]:
        """(matches, one sentence): whether a report file matches a locked revision in this database."""
        from tui.export.verify import VerifyError, read_claim
        from tui.i18n import format_date

        try:
            claim = read_claim(path)
        except VerifyError as exc:
            raise UserError(str(exc)) from None
        if claim.recomputed is not None and claim.recomputed != claim.sha256:
            return False, _(
                "{path} was changed after it was written: its answers no longer match its fingerprint."
            ).format(path=path)
        for info in self.store.locked_revisions():
            if info.content_sha256 == claim.sha256 and claim.text_changed:
                return False, _(
                    "{path} carries the fingerprint of inspection {id}, revision {n}, but its text was changed "
                    "after it was written."
                ).format(path=path, id=info.id, n=info.revision)
            if info.content_sha256 == claim.sha256:
                return True, _(
                    "{path} matches inspection {id} of {firm}, revision {n}, finalized on {date} by {who}."
                ).format(
                    path=path,
                    id=info.id,
                    firm=info.firm_name,
                    n=info.revision,
                    date=format_date(info.finalized_at.date() if info.finalized_at else None),
                    who=info.finalized_by,
                )
        return False, _("{path} matches no locked revision in this database.").format(path=path)

    # --- training ---------------------------------------------------------------------------
    # Trainees, trainer sessions and rosters, quizzes and tabletop exercises saved answer by answer, review of
    # missed questions, completion records and the evidence they give an inspection. The training screens and
    # `tenken train` call these methods; the rules themselves live in tui.domain.training.

    @property
    def training(self):
        """The training tables (tui.store.training.TrainingStore) of this workspace's store."""
        found = self.__dict__.get("_training_store")
        if found is None:
            from tui.store.training import TrainingStore

            found = self.__dict__["_training_store"] = TrainingStore(self.store)
        return found

    def training_modules(self) -> list[Module]:
        return list(self.modules.values())

    def training_module(self, module_id: str) -> Module:
        module = self.modules.get(module_id)
        if module is None:
            raise UserError(
                _("There is no training module {id}; available: {ids}.").format(
                    id=module_id, ids=", ".join(self.modules)
                )
            )
        return module

    def trainees(self) -> list:
        return self.training.trainees()

    def trainee(self, trainee_id: int):
        found = self.training.trainee(trainee_id)
        if found is None:
            raise UserError(_("There is no trainee with id {id}.").format(id=trainee_id))
        return found

    def add_trainee(self, name: str, department: str = "", lang: str = "", firm_id: int | None = None):
        from tui.textsafe import strip_controls

        name, department = strip_controls(name).strip(), strip_controls(department).strip()
        if not name:
            raise UserError(_("A trainee needs a name."))
        if len(name) > MAX_NAME or len(department) > MAX_NAME:
            raise UserError(_("A trainee needs a name of at most {n} characters.").format(n=MAX_NAME))
        return self.training.create_trainee(name, department, firm_id=firm_id, lang=lang)

    def trainee_named(self, name: str, department: str = "", firm_id: int | None = None):
        """The trainee with this name (and department, when one is given), created when there is none yet."""
        from tui.textsafe import strip_controls

        name = strip_controls(name).strip()
        found = self.training.find_trainee(name, department or None)
        return found if found is not None else self.add_trainee(name, department, firm_id=firm_id)

    def edit_trainee(
        self,
        trainee_id: int,
        name: str | None = None,
        department: str | None = None,
        email: str | None = None,
        firm_id: int | None | bool = False,
    ):
        """Correct a trainee's name, department, e-mail or firm (checked first; nothing changes on a bad value)."""
        self.trainee(trainee_id)
        if name is not None and (not name.strip() or len(name) > MAX_NAME):
            raise UserError(_("A trainee needs a name of at most {n} characters.").format(n=MAX_NAME))
        if department is not None and len(department) > MAX_NAME:
            raise UserError(_("A department name has at most {n} characters.").format(n=MAX_NAME))
        if email is not None and email.strip() and not valid_email(email.strip()):
            raise UserError(_("{email} is not an e-mail address.").format(email=email.strip()[:80]))
        if firm_id not in (False, None):
            self.firm(int(firm_id))
        return self.training.update_trainee(trainee_id, name, department, email, firm_id)

    def merge_trainees(self, keep_id: int, drop_id: int):
        """The same person entered twice: everything of `drop_id` moves to `keep_id`."""
        self.trainee(keep_id)
        self.trainee(drop_id)
        if keep_id == drop_id:
            raise UserError(_("Choose two different trainees to merge."))
        return self.training.merge_trainees(keep_id, drop_id)

    def delete_trainee(self, trainee_id: int) -> None:
        """Erase the trainee's personal data; their attempts stay as anonymous counts."""
        self.trainee(trainee_id)
        self.training.delete_trainee(trainee_id)

    def import_roster(self, path: Path, session_id: int | None = None, firm_id: int | None = None) -> tuple[int, int]:
        """Trainees from a CSV or xlsx roster (columns name/氏名, department/部署, email/メール); (added, known).

        Every row is checked before anything is saved: one bad row, nothing changes. With a session, everyone
        goes on its roster.
        """
        from tui.domain.training import parse_roster

        path = Path(path)
        if not path.is_file():
            raise UserError(_("There is no file {path}.").format(path=path))
        if path.stat().st_size > 5_000_000:
            raise UserError(_("The roster file is larger than 5 MB."))
        if path.suffix.lower() == ".xlsx":
            rows = _xlsx_rows(path)
        elif path.suffix.lower() == ".csv":
            import csv

            try:
                with open(path, encoding="utf-8-sig", newline="") as fh:
                    rows = [list(r) for r in csv.reader(fh)]
            except UnicodeDecodeError as exc:
                raise UserError(_("Save the roster as UTF-8 CSV (Excel: CSV UTF-8).")) from exc
        else:
            raise UserError(_("A roster is a .csv or .xlsx file."))
        people, problem = parse_roster(rows)
        if problem:
            raise UserError(problem)
        session = self.training_session(session_id) if session_id is not None else None
        if firm_id is not None:
            self.firm(firm_id)
        added = known = 0
        for name, department, email in people:
            found = self.training.find_trainee(name, department or None)
            if found is None:
                found = self.add_trainee(name, department, firm_id=firm_id or (session.firm_id if session else None))
                added += 1
            else:
                known += 1
            if email and not found.email:
                self.training.update_trainee(found.id, email=email)
            if session is not None:
                self.training.add_to_roster(session.id, found.id)
        return added, known

    def set_trainee_language(self, trainee_id: int, lang: str):
        self.trainee(trainee_id)
        self.training.set_trainee_language(trainee_id, lang)
        return self.trainee(trainee_id)

    def trainee_language(self, trainee, session=None) -> str:
        """The language a trainee sees lessons and questions in: their own, else the session's, else the UI's."""
        from tui.i18n import get_language

        return trainee.lang or (session.lang if session is not None else "") or get_language()

    def create_training_session(
        self,
        module_id: str,
        held_on: dt.date,
        trainer: str,
        lang: str,
        firm_id: int | None = None,
        note: str = "",
        mode: str = "practice",
        prepost: bool = False,
    ):
        """A trainer's session; in an `exam` session quizzes show no verdict or explanation until the end. With
        `prepost` every trainee takes the module's quiz as a pre-test before the lessons and as a post-test after."""
        from tui.domain.training import MODES
        from tui.textsafe import strip_controls

        self.training_module(module_id)
        trainer, note = strip_controls(trainer).strip(), strip_controls(note)
        if not trainer:
            raise UserError(_("A training session needs the trainer's name."))
        if lang not in ("ja", "en"):
            raise UserError(_("The session language must be ja or en."))
        if mode not in MODES:
            raise UserError(_("The session mode must be practice or exam."))
        self.store.set_setting("training.trainer", trainer.strip())
        return self.training.create_session(module_id, held_on, trainer, lang, firm_id, note, mode, prepost)

    def default_trainer(self) -> str:
        """Who runs a new session: the trainer of the last one, else the name set for the person using tenken, else
        the firm's responsible officer; never the operating-system login (「root」 is nobody's name)."""
        for key in ("training.trainer", "user_name"):
            name = self.store.get_setting(key)
            if name:
                return name
        firms = self.firms()
        officer = getattr(firms[0].profile, "responsible_officer", None) if len(firms) == 1 else None
        return officer or ""

    def edit_training_session(
        self,
        session_id: int,
        held_on: dt.date | None = None,
        trainer: str | None = None,
        lang: str | None = None,
        mode: str | None = None,
        note: str | None = None,
        prepost: bool | None = None,
    ):
        """Correct a session's date, trainer, language, mode, note or pre/post-test switch; module and attempts
        stay."""
        from tui.domain.training import MODES

        self.training_session(session_id)
        if trainer is not None and not trainer.strip():
            raise UserError(_("A training session needs the trainer's name."))
        if lang is not None and lang not in ("ja", "en"):
            raise UserError(_("The session language must be ja or en."))
        if mode is not None and mode not in MODES:
            raise UserError(_("The session mode must be practice or exam."))
        return self.training.update_session(session_id, held_on, trainer, lang, mode, note, prepost)

    def training_sessions(self, module_id: str | None = None) -> list:
        return self.training.sessions(module_id)

    def training_session(self, session_id: int):
        found = self.training.session(session_id)
        if found is None:
            raise UserError(_("There is no training session with id {id}.").format(id=session_id))
        return found

    def add_to_roster(self, session_id: int, name: str, department: str = ""):
        """Put the trainee called `name` on the roster, creating the trainee when the name is new."""
        self.training_session(session_id)
        trainee = self.trainee_named(name, department)
        self.training.add_to_roster(session_id, trainee.id)
        return trainee

    def remove_from_roster(self, session_id: int, trainee_id: int) -> None:
        self.training.remove_from_roster(session_id, trainee_id)

    def start_attempt(
        self,
        trainee_id: int,
        module_id: str,
        kind: str = "quiz",
        session_id: int | None = None,
        lang: str | None = None,
        resume: bool = True,
        mode: str | None = None,
        rng=None,
        phase: str = "",
    ):
        """A new attempt, or the trainee's unfinished one for this module (answers given before are kept).

        A new attempt shuffles every question's choices (an exercise's decisions) and stores that order; its mode is
        `mode`, else the session's, else practice. An unfinished attempt resumes only in the same session and phase.
        A pre-test (`phase` pre) is always taken as an exam: no explanation teaches the answers before the lessons.
        """
        from tui.domain.training import EXAM, EXERCISE, MODES, PHASES, PRACTICE, PRE, QUIZ, make_layout

        module = self.training_module(module_id)
        trainee = self.trainee(trainee_id)
        if kind not in (QUIZ, EXERCISE):
            raise UserError(_("An attempt is a quiz or an exercise."))
        exercise = module.exercise
        if kind == EXERCISE and exercise is None:
            raise UserError(_("The module {id} has no exercise.").format(id=module_id))
        if mode is not None and mode not in MODES:
            raise UserError(_("The session mode must be practice or exam."))
        if phase not in PHASES or (phase and (kind != QUIZ or session_id is None)):
            raise UserError(_("Only a session's quiz has a pre-test and a post-test."))
        if resume:
            found = self.training.unfinished_attempt(trainee_id, module_id, kind, phase)
            if found is not None and found.session_id == session_id:
                return found
        session = self.training_session(session_id) if session_id is not None else None
        lang = lang or self.trainee_language(trainee, session)
        mode = EXAM if phase == PRE else (mode or (session.mode if session is not None else PRACTICE))
        total = exercise.max_score if kind == EXERCISE and exercise is not None else len(module.quiz)
        layout = make_layout(module, kind, rng)
        return self.training.start_attempt(trainee_id, module_id, kind, lang, total, session_id, layout, mode, phase)

    def set_exercise_roles(self, attempt_id: int, roles: dict[str, int]):
        """Record which trainee plays which role in an exercise (role key → trainee id; one person may hold
        several roles around one laptop). Only the session's roster, and only the exercise's roles."""
        from tui.domain.training import EXERCISE, ROLES

        attempt = self._attempt(attempt_id)
        if attempt.kind != EXERCISE:
            raise UserError(_("Roles are recorded for a tabletop exercise."))
        allowed = (
            {t.id: t for t in self.training_session(attempt.session_id).roster if not t.deleted}
            if attempt.session_id is not None
            else {attempt.trainee_id: self.trainee(attempt.trainee_id)}
        )
        out: dict[str, str] = {}
        for role, trainee_id in roles.items():
            if role not in ROLES:
                raise UserError(_("There is no role {role}.").format(role=role))
            if trainee_id not in allowed:
                raise UserError(_("The trainee {id} is not on this session's roster.").format(id=trainee_id))
            out[role] = allowed[trainee_id].uid
        return self.training.save_roles(attempt_id, out)

    def trainees_by_uid(self) -> dict:
        """Every trainee (the erased ones too, anonymous) by uid: who played the roles of an exercise."""
        return {t.uid: t for t in self.training.trainees(include_deleted=True)}

    def session_report(self, session_id: int):
        """The session's completion report (tui.domain.training.SessionReport): every trainee on the roster with
        pass / fail / not attended, the best score, pre- and post-test and the day completed."""
        from tui.domain.training import session_report

        session = self.training_session(session_id)
        module = self.training_module(session.module_id)
        attempts = [a for a in self.training.attempts(module_id=module.id) if a.session_id == session_id]
        firm = self.firm(session.firm_id).name if session.firm_id is not None else ""
        from tui.domain import inspection as _insp

        return session_report(session, module, attempts, firm, _insp.today())

    def export_session_report(self, session_id: int, path: Path, lang: str | None = None, force: bool = False) -> Path:
        """Write the session's completion report as .docx or .xlsx (by the file's suffix)."""
        from tui.export.records import REPORT_FORMATS, write_session_report

        self.check_output(path)
        fmt = Path(path).suffix.lower().lstrip(".")
        if fmt not in REPORT_FORMATS:
            raise UserError(_("The report must end in .docx or .xlsx."))
        report = self.session_report(session_id)
        return write_session_report(report, fmt, path, lang or report.session.lang, force=force)

    def next_phase(self, session_id: int, trainee_id: int) -> str:
        """What the trainee's next quiz in this session is: "" (no pre/post-test), "pre" until a pre-test is
        finished, then "post"."""
        from tui.domain.training import POST, PRE, QUIZ

        session = self.training_session(session_id)
        if not session.prepost:
            return ""
        done = any(
            a.session_id == session_id and a.kind == QUIZ and a.phase == PRE and a.finished
            for a in self.training.attempts(trainee_id=trainee_id, module_id=session.module_id)
        )
        return POST if done else PRE

    def session_pre_post(self, session_id: int) -> dict:
        """Trainee id → PrePost (pre-test and post-test percent, gain) for everyone on the session's roster."""
        from tui.domain.training import pre_post

        session = self.training_session(session_id)
        attempts = [a for a in self.training.attempts(module_id=session.module_id) if a.session_id == session_id]
        return {t.id: pre_post(t.id, attempts) for t in session.roster}

    def _attempt(self, attempt_id: int):
        found = self.training.attempt(attempt_id)
        if found is None:
            raise UserError(_("There is no attempt with id {id}.").format(id=attempt_id))
        return found

    def answer_question(self, attempt_id: int, question_id: str, picked, today: dt.date | None = None):
        """Store one quiz answer at once; a wrong one (re)schedules the question for review in the same transaction.

        Returns the attempt as stored. A question already answered in this attempt keeps its first answer.
        """
        from tui.domain import inspection as _insp
        from tui.domain.training import schedule

        attempt = self._attempt(attempt_id)
        module = self.training_module(attempt.module_id)
        question = next((q for q in module.quiz if q.id == question_id), None)
        if question is None:
            raise UserError(_("The module has no question {id}.").format(id=question_id))
        chosen = sorted(set(picked))
        if not chosen or not set(chosen) <= {c.id for c in question.choices}:
            raise UserError(_("Choose at least one of the question's choices."))
        today = today or _insp.today()
        card = self.training.card(attempt.trainee_id, module.id, question.id)
        correct = question.is_correct(set(chosen))
        update = None
        if not correct:
            update = (module.id, question.id, schedule(card, False, today))
        elif card is not None and card.due_on <= today:
            update = (module.id, question.id, schedule(card, True, today))
        return self.training.save_answer(attempt_id, question.id, chosen, update)

    def choose_decision(self, attempt_id: int, inject_id: str, decision_id: str):
        """Store one decision of a tabletop exercise at once; returns the attempt as stored."""
        attempt = self._attempt(attempt_id)
        module = self.training_module(attempt.module_id)
        exercise = module.exercise
        inject = next((i for i in exercise.injects if i.id == inject_id), None) if exercise else None
        if exercise is None or inject is None or decision_id not in {d.id for d in inject.decisions}:
            raise UserError(
                _("The exercise has no decision {id} for inject {inject}.").format(id=decision_id, inject=inject_id)
            )
        chosen = {k: str(v) for k, v in attempt.answers.items() if isinstance(v, str)}
        if inject.id not in chosen and not inject.reached(exercise.flags(chosen)):
            raise UserError(_("The decisions so far do not lead to inject {inject}.").format(inject=inject_id))
        return self.training.save_answer(attempt_id, inject.id, decision_id)

    def finish_attempt(self, attempt_id: int):
        """Score the attempt from its stored answers and close it."""
        from tui.domain.training import score_attempt

        attempt = self._attempt(attempt_id)
        score, total, passed = score_attempt(self.training_module(attempt.module_id), attempt)
        return self.training.finish_attempt(attempt_id, score, total, passed)

    def due_reviews(self, trainee_id: int, today: dt.date | None = None) -> list:
        """(module, question, card) for every review card of the trainee due by `today`, soonest first."""
        from tui.domain import inspection as _insp

        out = []
        for module_id, question_id, card in self.training.cards(trainee_id, today or _insp.today()):
            module = self.modules.get(module_id)
            question = next((q for q in module.quiz if q.id == question_id), None) if module else None
            if question is not None:  # content may have changed since the card was made
                out.append((module, question, card))
        return out

    def review_answer(
        self,
        trainee_id: int,
        module_id: str,
        question_id: str,
        picked,
        today: dt.date | None = None,
        rating: str | None = None,
    ):
        """Answer a review card: (correct, the card's new state), saved at once.

        A wrong answer is rated Again; a right one as the trainee rates it (hard / good / easy; good if not said).
        """
        from tui.domain import inspection as _insp
        from tui.domain.training import AGAIN, GOOD, RATINGS, schedule

        module = self.training_module(module_id)
        question = next((q for q in module.quiz if q.id == question_id), None)
        if question is None:
            raise UserError(_("The module has no question {id}.").format(id=question_id))
        if rating is not None and (rating not in RATINGS or rating == AGAIN):
            raise UserError(_("Rate a right answer as hard, good or easy."))
        today = today or _insp.today()
        correct = question.is_correct(set(picked))
        grade = (rating or GOOD) if correct else AGAIN
        state = schedule(self.training.card(trainee_id, module_id, question_id), grade, today)
        self.training.save_card(trainee_id, module_id, question_id, state)
        return correct, state

    def due_review_summary(self, today: dt.date | None = None) -> list:
        """(trainee, number of review questions due by today) for every trainee with any, most due first."""
        from tui.domain import inspection as _insp

        counts = self.training.due_counts(today or _insp.today())
        if not counts:
            return []
        by_id = {t.id: t for t in self.trainees()}
        return sorted(((by_id[i], n) for i, n in counts.items() if i in by_id), key=lambda p: (-p[1], p[0].name))

    def trainee_history(self, trainee_id: int) -> list:
        """(attempt, session or None) for everything the trainee took, oldest first."""
        self.trainee(trainee_id)
        return self.training.history(trainee_id)

    def training_records(
        self,
        module_id: str | None = None,
        trainee_ids=None,
        session_id: int | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        firm_id: int | None = None,
    ) -> list:
        """One Completion per trainee × module (every module, or `module_id`), by trainee name then module order.

        Only the attempts that count are used: those taken in `session_id`, and those started between `since` and
        `until` (both days included), so a 2027 refresher is not completed by a 2026 pass. `firm_id` keeps the
        trainees of one firm.
        """
        from tui.domain.training import completion

        modules = [self.training_module(module_id)] if module_id else self.training_modules()
        trainees, attempts = self._counted(module_id, trainee_ids, session_id, since, until, firm_id)
        by_trainee: dict[int, list] = {}
        for a in attempts:
            by_trainee.setdefault(a.trainee_id, []).append(a)
        return [completion(mod, t, by_trainee.get(t.id, ())) for t in trainees for mod in modules]

    def _counted(self, module_id, trainee_ids, session_id, since, until, firm_id) -> tuple[list, list]:
        """The trainees (of `trainee_ids`, of `firm_id`) and their attempts that count (in the session, started in
        the period): the one filter behind the records, the exports and the xAPI statements."""
        trainees = self.trainees()
        if trainee_ids is not None:
            wanted = set(trainee_ids)
            trainees = [t for t in trainees if t.id in wanted]
        if firm_id is not None:
            trainees = [t for t in trainees if t.firm_id == firm_id]
        ids = {t.id for t in trainees}
        attempts = [
            a
            for a in self.training.attempts(module_id=module_id)
            if a.trainee_id in ids
            and (session_id is None or a.session_id == session_id)
            and (since is None or a.started_at.date() >= since)
            and (until is None or a.started_at.date() <= until)
        ]
        return trainees, attempts

    def session_results(self, session_id: int) -> list:
        """Scores, pass and completion of everyone on a session's roster, from the attempts taken in that session
        (a trainee whose personal data was erased stays as an anonymous row)."""
        from tui.domain.training import completion

        session = self.training_session(session_id)
        module = self.training_module(session.module_id)
        attempts = [a for a in self.training.attempts(module_id=module.id) if a.session_id == session_id]
        return [completion(module, t, attempts) for t in session.roster]

    def session_passed_counts(self) -> dict[int, int]:
        """Session id → how many on its roster passed the session's module in that session."""
        from tui.domain.training import PASSED, completion

        out: dict[int, int] = {}
        by_key: dict[tuple[int, int], list] = {}
        for a in self.training.attempts():
            if a.session_id is not None:
                by_key.setdefault((a.session_id, a.trainee_id), []).append(a)
        for s in self.training_sessions():
            module = self.modules.get(s.module_id)
            if module is None:
                continue
            out[s.id] = sum(1 for t in s.roster if completion(module, t, by_key.get((s.id, t.id), ())).status == PASSED)
        return out

    def training_evidence(self, module_id: str):
        """Evidence for an inspection item on training or drills: 「研修記録: <module> <n>名修了 (<date>)」."""
        from tui.domain import inspection as _insp
        from tui.domain.inspection import Evidence
        from tui.domain.training import PASSED
        from tui.i18n import format_date

        module = self.training_module(module_id)
        passed = [c for c in self.training_records(module_id) if c.status == PASSED]
        day = max((c.passed_on for c in passed if c.passed_on), default=None) or _insp.today()
        return Evidence(
            _("Training records: {module} — {n} completed ({date})").format(
                module=module.title.get(), n=len(passed), date=format_date(day)
            )
        )

    def export_training_records(
        self,
        fmt: str,
        path: Path,
        lang: str | None = None,
        module_id: str | None = None,
        force: bool = False,
        session_id: int | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        firm_id: int | None = None,
    ) -> Path:
        """Write the records: every trainee × module, or one session's roster and attempts, one period's, one firm's."""
        from tui.export.records import export_records

        self.check_output(path)
        if since is not None and until is not None and since > until:
            raise UserError(_("The period starts after it ends."))
        if module_id is not None:
            self.training_module(module_id)
        if session_id is not None:
            session = self.training_session(session_id)
            if module_id is not None and module_id != session.module_id:
                raise UserError(_("Session {id} is not a session of {module}.").format(id=session_id, module=module_id))
            module_id = session.module_id
            trainee_ids = [t.id for t in session.roster]
        else:
            trainee_ids = None
        if fmt == "json":
            from tui.export.records import statements, write_statements

            records = self.training_attempt_records(module_id, trainee_ids, session_id, since, until, firm_id)
            return write_statements(statements(records, self.xapi_options()), path, force=force)
        rows = self.training_records(module_id, trainee_ids, session_id, since, until, firm_id)
        return export_records(rows, fmt, path, lang or self.language(), force=force)

    def certificate_path(self, path: Path) -> tuple[Path, str]:
        """Where a certificate asked for at `path` will be written, and the sentence to say about it: a .pdf asked
        for without LibreOffice installed becomes the .docx beside it."""
        from tui.export.pdf import converter

        path = Path(path)
        if path.suffix.lower() == ".pdf" and converter() is None:
            return path.with_suffix(".docx"), _(
                "No PDF converter (LibreOffice) is installed, so the certificate was written as a Word file."
            )
        return path, ""

    def training_certificate(
        self, session_id: int, trainee_id: int, path: Path, lang: str | None = None, force: bool = False
    ) -> Path:
        """A certificate for a trainee who passed the session's module in that session: PDF when `path` ends in
        .pdf (see certificate_path for when no converter is installed), else docx."""
        from tui.domain.training import PASSED
        from tui.export.records import write_certificate

        session = self.training_session(session_id)
        result = next((c for c in self.session_results(session_id) if c.trainee.id == trainee_id), None)
        if result is None or result.trainee.deleted:
            raise UserError(_("The trainee is not on this session's roster."))
        if result.status != PASSED or result.passed_on is None:
            raise UserError(
                _("{name} has not passed in this session; no certificate.").format(name=result.trainee.name)
            )
        firm = ""
        if session.firm_id is not None:
            firm = self.firm(session.firm_id).name
        score = f"{result.best_score}/{result.best_total} ({result.best_percent}%)"
        return write_certificate(
            path,
            lang or session.lang,
            result.trainee,
            self.training_module(session.module_id),
            result.passed_on,
            score,
            session.trainer,
            firm,
            force=force,
        )

    def training_attempt_records(
        self,
        module_id: str | None = None,
        trainee_ids=None,
        session_id: int | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        firm_id: int | None = None,
    ) -> list:
        """Every attempt that counts (same filters as training_records), with its trainee, module and session."""
        from tui.export.records import AttemptRecord

        trainees, attempts = self._counted(module_id, trainee_ids, session_id, since, until, firm_id)
        by_id = {t.id: t for t in trainees}
        sessions = {s.id: s for s in self.training_sessions()}
        return [
            AttemptRecord(a, by_id[a.trainee_id], self.modules[a.module_id], sessions.get(a.session_id or 0))
            for a in attempts
            if a.module_id in self.modules
        ]

    def xapi_options(self):
        """How statements name trainees: the settings `xapi.actor` (account | mbox) and `xapi.home_page`."""
        from tui.export.records import ACTORS, HOME_PAGE, XapiOptions

        actor = self.store.get_setting("xapi.actor") or "account"
        return XapiOptions(
            actor if actor in ACTORS else "account", self.store.get_setting("xapi.home_page") or HOME_PAGE
        )

    def set_xapi_options(self, actor: str | None = None, home_page: str | None = None):
        from urllib.parse import urlsplit

        from tui.export.records import ACTORS

        if actor is not None:
            if actor not in ACTORS:
                raise UserError(_("The actor is account or mbox."))
            self.store.set_setting("xapi.actor", actor)
        if home_page is not None:
            parts = urlsplit(home_page)
            if parts.scheme not in ("http", "https") or not parts.netloc or len(home_page) > 300:
                raise UserError(_("The home page must be an http(s) address such as https://example.co.jp/."))
            self.store.set_setting("xapi.home_page", home_page)
        return self.xapi_options()

    def send_training_statements(
        self, url: str, user: str = "", password: str = "", batch: int = 50, retries: int = 3, **filters
    ) -> tuple[int, int]:
        """Post the statements not yet sent to this LRS; (sent now, already sent before). Sent ids are kept."""
        import json

        from tui.export.lrs import post_statements
        from tui.export.records import statements

        key = "xapi.sent." + url.rstrip("/")
        try:
            done = set(json.loads(self.store.get_setting(key) or "[]"))
        except ValueError:
            done = set()
        items = statements(self.training_attempt_records(**filters), self.xapi_options())
        todo = [st for st in items if st["id"] not in done]

        def sent(ids: list[str]) -> None:  # after each accepted batch, so a failure later loses nothing
            done.update(ids)
            self.store.set_setting(key, json.dumps(sorted(done)))

        post_statements(url, todo, user=user, password=password, batch=batch, retries=retries, on_sent=sent)
        return len(todo), len(items) - len(todo)
