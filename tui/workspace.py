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
from pathlib import Path
from typing import TYPE_CHECKING

from tui.content.errors import ContentError
from tui.domain.inspection import Answer, FirmInfo, HistoryEntry, InspectionInfo, add_one_month
from tui.domain.profile import Profile, SizeThresholds
from tui.errors import UserError
from tui.i18n import _, detect_language, set_language
from tui.paths import cache_dir, user_templates_dir

if TYPE_CHECKING:
    from tui.domain.corpus import Corpus
    from tui.domain.report import Report
    from tui.domain.scope import ScopedItem
    from tui.domain.search import SearchIndex
    from tui.domain.template import Template
    from tui.domain.text import Text
    from tui.domain.training import Module
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
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            done += len(chunk)
            if progress is not None:
                progress(done, total)
            if cancelled is not None and cancelled():
                raise HashCancelled
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


class Workspace:
    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.store: Store = open_store(data_dir)
        self.library = Library(data_dir)
        #: SHA-256 of evidence files by (path, size, mtime): a report does not read an unchanged file twice
        self._hashes: dict[tuple[str, int, int], str] = {}

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

    def template(self, template_id: str) -> Template:
        return self.library.template(template_id)

    # --- firms and inspections --------------------------------------------------------------

    def firms(self) -> list[FirmInfo]:
        return self.store.list_firms()

    def add_firm(self, profile: Profile) -> FirmInfo:
        from tui.textsafe import strip_controls

        texts = {
            k: strip_controls(v).strip()
            for k in ("name", "representative", "responsible_officer")
            if isinstance(v := getattr(profile, k), str)
        }
        profile = profile.with_changes(**texts)
        if not profile.name:
            raise UserError(_("A firm needs a name."))
        return self.store.create_firm(profile)

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
        templates = template_order([self.template(t) for t in template_ids])
        template_ids = [t.id for t in templates]
        scoped = [s for s in scope(firm.profile, templates, self.corpus) if s.asked]
        items = [(s.item.id, s.item.section, s.level) for s in scoped]
        addressee = self._addressee(templates)
        info = self.store.create_inspection(
            firm_id, title or "", template_ids, items, received_on, due_on or add_one_month(received_on), addressee
        )
        self.planning.carry_over(info)  # last cycle's open problems, linked to the items that ask about them
        return info

    def _addressee(self, templates: list[Template]) -> str:
        books = {b for t in templates for b in t.rulebooks}
        for slug in books:
            book = self.corpus.rulebooks.get(slug)
            if book and book.issuer:
                return book.issuer.ja
        return ""

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
        return self.store.answers(inspection_id)

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
        from tui.textsafe import strip_controls

        clean = {k: strip_controls(v) if isinstance(v, str) else v for k, v in changes.items()}
        return self.store.save_answer(inspection_id, item_id, clean)

    # --- finalize, compare, evidence, bundles ---------------------------------------------

    def finalize(self, inspection_id: int, officer: str, submitted_on: dt.date | None = None) -> InspectionInfo:
        self.check_signer(officer)
        return self.store.finalize(inspection_id, officer, submitted_on)

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
        """Once people are named, only a person with the officer role signs off."""
        people = self.persons()
        if not people:
            return
        if not any(p.name == officer.strip() and p.can_sign_off for p in people):
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
        from tui.content.files import FileRefused
        from tui.domain.inspection import Evidence
        from tui.textsafe import strip_controls

        label = strip_controls(label).strip()
        evidence = Evidence(label or (path.name if path else ""))
        if path is not None:
            path = Path(path).expanduser().absolute()
            try:
                before = path.stat()
                digest = file_sha256(path, progress, cancelled)
                evidence = Evidence(evidence.label, str(path), digest, size=before.st_size, mtime_ns=before.st_mtime_ns)
            except FileRefused as exc:
                raise UserError(
                    _("{path} cannot be recorded as evidence: {reason}.").format(path=path, reason=exc.reason)
                ) from None
            except OSError as exc:
                raise UserError(
                    _("Cannot read the evidence file {path} ({reason}).").format(path=path, reason=exc.strerror or exc)
                ) from None
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

    def add_evidence_text(self, inspection_id: int, item_id: str, text: str) -> Answer:
        """What a person types as evidence.

        A training module id (its completion records), a file path, or a description.
        """
        raw = text.strip()
        if raw in self.modules:
            return self.add_evidence(inspection_id, item_id, self.training_evidence(raw).label)
        path = self.evidence_file(raw)
        if path is not None:
            return self.add_evidence(inspection_id, item_id, path.name, path)
        return self.add_evidence(inspection_id, item_id, raw)

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
            except (OSError, FileRefused):
                return "missing"
        return "ok" if digest == evidence.sha256 else "changed"

    def export_bundle(
        self,
        inspection_id: int,
        path: Path,
        force: bool = False,
        passphrase: str | None = None,
        recipients: Sequence[str] = (),
    ) -> Path:
        """Write a bundle; with a passphrase or recipients' age keys it is encrypted and carries the evidence files."""
        from tui.store.bundle import write_bundle

        self.inspection(inspection_id)
        return write_bundle(self.store, inspection_id, path, force=force, passphrase=passphrase, recipients=recipients)

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

    @property
    def planning(self):
        """The month's plan, remediation tracking, carried-over problems and the portfolio (tui.planning)."""
        found = self.__dict__.get("_planning")
        if found is None:
            from tui.planning import Planning

            found = self.__dict__["_planning"] = Planning(self)
        return found

    @property
    def oscal(self):
        """OSCAL catalogs, mapping, profile, assessment results and POA&M; results read back (tui.interop)."""
        found = self.__dict__.get("_oscal")
        if found is None:
            from tui.interop import Oscal

            found = self.__dict__["_oscal"] = Oscal(self)
        return found

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
        )

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

    def add_trainee(self, name: str, department: str = "", lang: str = ""):
        from tui.textsafe import strip_controls

        name, department = strip_controls(name).strip(), strip_controls(department).strip()
        if not name:
            raise UserError(_("A trainee needs a name."))
        return self.training.create_trainee(name, department, lang=lang)

    def trainee_named(self, name: str, department: str = ""):
        """The trainee with this name, created when there is none yet."""
        from tui.textsafe import strip_controls

        name = strip_controls(name).strip()
        found = self.training.find_trainee(name)
        return found if found is not None else self.add_trainee(name, department)

    def set_trainee_language(self, trainee_id: int, lang: str):
        self.trainee(trainee_id)
        self.training.set_trainee_language(trainee_id, lang)
        return self.trainee(trainee_id)

    def trainee_language(self, trainee, session=None) -> str:
        """The language a trainee sees lessons and questions in: their own, else the session's, else the UI's."""
        from tui.i18n import get_language

        return trainee.lang or (session.lang if session is not None else "") or get_language()

    def create_training_session(
        self, module_id: str, held_on: dt.date, trainer: str, lang: str, firm_id: int | None = None, note: str = ""
    ):
        from tui.textsafe import strip_controls

        self.training_module(module_id)
        trainer, note = strip_controls(trainer).strip(), strip_controls(note)
        if not trainer:
            raise UserError(_("A training session needs the trainer's name."))
        if lang not in ("ja", "en"):
            raise UserError(_("The session language must be ja or en."))
        return self.training.create_session(module_id, held_on, trainer, lang, firm_id, note)

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
    ):
        """A new attempt, or the trainee's unfinished one for this module (answers given before are kept)."""
        from tui.domain.training import EXERCISE, QUIZ

        module = self.training_module(module_id)
        trainee = self.trainee(trainee_id)
        if kind not in (QUIZ, EXERCISE):
            raise UserError(_("An attempt is a quiz or an exercise."))
        exercise = module.exercise
        if kind == EXERCISE and exercise is None:
            raise UserError(_("The module {id} has no exercise.").format(id=module_id))
        if resume:
            found = self.training.unfinished_attempt(trainee_id, module_id, kind)
            if found is not None:
                return found
        session = self.training_session(session_id) if session_id is not None else None
        lang = lang or self.trainee_language(trainee, session)
        total = exercise.max_score if kind == EXERCISE and exercise is not None else len(module.quiz)
        return self.training.start_attempt(trainee_id, module_id, kind, lang, total, session_id)

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
        if inject is None or decision_id not in {d.id for d in inject.decisions}:
            raise UserError(
                _("The exercise has no decision {id} for inject {inject}.").format(id=decision_id, inject=inject_id)
            )
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

    def review_answer(self, trainee_id: int, module_id: str, question_id: str, picked, today: dt.date | None = None):
        """Answer a review card: (correct, the card's new state), saved at once."""
        from tui.domain import inspection as _insp
        from tui.domain.training import schedule

        module = self.training_module(module_id)
        question = next((q for q in module.quiz if q.id == question_id), None)
        if question is None:
            raise UserError(_("The module has no question {id}.").format(id=question_id))
        today = today or _insp.today()
        correct = question.is_correct(set(picked))
        state = schedule(self.training.card(trainee_id, module_id, question_id), correct, today)
        self.training.save_card(trainee_id, module_id, question_id, state)
        return correct, state

    def trainee_history(self, trainee_id: int) -> list:
        """(attempt, session or None) for everything the trainee took, oldest first."""
        self.trainee(trainee_id)
        return self.training.history(trainee_id)

    def training_records(self, module_id: str | None = None, trainee_ids=None) -> list:
        """One Completion per trainee × module (every module, or `module_id`), by trainee name then module order."""
        from tui.domain.training import completion

        modules = [self.training_module(module_id)] if module_id else self.training_modules()
        trainees = self.trainees()
        if trainee_ids is not None:
            wanted = set(trainee_ids)
            trainees = [t for t in trainees if t.id in wanted]
        by_trainee: dict[int, list] = {}
        for a in self.training.attempts(module_id=module_id):
            by_trainee.setdefault(a.trainee_id, []).append(a)
        return [completion(mod, t, by_trainee.get(t.id, ())) for t in trainees for mod in modules]

    def session_results(self, session_id: int) -> list:
        """Scores, pass and completion of everyone on a session's roster, for the session's module."""
        session = self.training_session(session_id)
        by_id = {c.trainee.id: c for c in self.training_records(session.module_id, [t.id for t in session.roster])}
        return [by_id[t.id] for t in session.roster if t.id in by_id]

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
        self, fmt: str, path: Path, lang: str | None = None, module_id: str | None = None, force: bool = False
    ) -> Path:
        from tui.export.records import export_records

        return export_records(self.training_records(module_id), fmt, path, lang or self.language(), force=force)
