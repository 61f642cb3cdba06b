"""Application services: what the CLI and the TUI both do, in one place.

A Workspace joins the store (one data directory), the content (corpus, templates) and the domain
rules. Screens and CLI commands call these methods; none of them holds a business rule of its own.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from tui.content.errors import ContentError
from tui.domain.inspection import Answer, FirmInfo, InspectionInfo, Rescope, TrashEntry, add_one_month
from tui.domain.profile import Profile, SizeThresholds
from tui.i18n import _, detect_language, set_language
from tui.paths import cache_dir, user_templates_dir

if TYPE_CHECKING:
    from tui.domain.corpus import Corpus
    from tui.domain.report import Report
    from tui.domain.scope import ScopedItem
    from tui.domain.template import Template
    from tui.domain.text import Text
from tui.store import Store, open_store


def file_sha256(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class UserError(Exception):
    """Bad input from the user: one sentence, exit status 1."""


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
        self._modules: dict | None = None
        self._index = None

    @property
    def corpus(self) -> Corpus:
        with self._lock:
            if self._corpus is None:
                from tui.content.loader import load_corpus

                self._corpus = load_corpus(cache=cache_dir(self.data_dir))
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
    def modules(self) -> dict:
        corpus = self.corpus
        with self._lock:
            if self._modules is None:
                from tui.content.loader import load_modules

                self._modules = load_modules(corpus)
            return self._modules

    @property
    def search_index(self):
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

    def close(self) -> None:
        from tui.i18n import save_format_cache

        save_format_cache()
        self.store.close()

    def warm(self) -> list[ContentError]:
        """Load what the first actions need, in the background once the home screen is up: the storage layer
        (peewee), the rulebooks and templates, and the search index. Returns the user templates that were skipped."""
        self.store.prepare()
        problems = self.template_problems
        self.library.search_index  # noqa: B018 - build or load it now, not at the first keystroke
        return problems

    # --- settings ---------------------------------------------------------------------------

    def language(self) -> str:
        return self.store.get_setting("language") or detect_language()

    def apply_language(self) -> str:
        from tui.i18n import use_format_cache
        from tui.paths import ensure_private_dir

        with contextlib.suppress(OSError):
            use_format_cache(ensure_private_dir(cache_dir(self.data_dir)) / "formats.json")
        return set_language(self.language())

    def set_language(self, lang: str) -> str:
        lang = set_language(lang)
        self.store.set_setting("language", lang)
        return lang

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
    def modules(self) -> dict:
        return self.library.modules

    @property
    def search_index(self):
        return self.library.search_index

    def template(self, template_id: str) -> Template:
        return self.library.template(template_id)

    # --- firms and inspections --------------------------------------------------------------

    def firms(self) -> list[FirmInfo]:
        return self.store.list_firms()

    def add_firm(self, profile: Profile, allow_duplicate: bool = True) -> FirmInfo:
        """Create a firm; with allow_duplicate=False a firm whose name is taken already is refused (DuplicateFirm)."""
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
        from tui.domain.inspection import rescope_change

        out = []
        for info in self.firm_inspections(firm_id):
            if info.finalized:
                continue  # a finalized revision is a record: it never changes
            current = [i for i, _s, _l in self.store.inspection_items(info.id)]
            change = rescope_change(current, [i for i, _s, _l in self._scoped_items(profile, info)])
            if change:
                out.append((info, change))
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

    def firm(self, firm_id: int) -> FirmInfo:
        firm = self.store.firm(firm_id)
        if firm is None:
            raise UserError(_("There is no firm with id {id}; `tenken list` shows the ids.").format(id=firm_id))
        return firm

    def templates_for(self, profile: Profile) -> list[str]:
        """The templates a firm with this profile would start from: its rulebooks' own, then the notice."""
        from tui.domain.profile import BUSINESS_RULEBOOK

        wanted = [BUSINESS_RULEBOOK[b] for b in profile.business if b in BUSINESS_RULEBOOK]
        ids = [t.id for t in self.templates.values() if set(t.rulebooks) & set(wanted)]
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

        firm = self.firm(firm_id)
        templates = template_order([self.template(t) for t in template_ids])
        template_ids = [t.id for t in templates]
        scoped = [s for s in scope(firm.profile, templates, self.corpus) if s.asked]
        items = [(s.item.id, s.item.section, s.level) for s in scoped]
        addressee = self._addressee(templates)
        return self.store.create_inspection(
            firm_id, title or "", template_ids, items, received_on, due_on or add_one_month(received_on), addressee
        )

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

    def inspection_title(self, info: InspectionInfo, lang: str | None = None) -> str:
        """The title the user gave, or the names of its templates in `lang`."""
        if info.title:
            return info.title
        titles = self.library.template_titles()
        return " + ".join(titles[t].get(lang) if t in titles else t for t in info.templates)

    def inspection_templates(self, info: InspectionInfo) -> list[Template]:
        return [self.templates[t] for t in info.templates if t in self.templates]

    def save_answer(self, inspection_id: int, item_id: str, **changes: object) -> Answer:
        return self.store.save_answer(inspection_id, item_id, changes)

    # --- finalize, compare, evidence, bundles ---------------------------------------------

    def finalize(self, inspection_id: int, officer: str, submitted_on: dt.date | None = None) -> InspectionInfo:
        return self.store.finalize(inspection_id, officer, submitted_on)

    def reopen(self, inspection_id: int) -> InspectionInfo:
        return self.store.reopen(inspection_id)

    def compare(self, left_id: int, right_id: int):
        """Differences item by item between two inspections (revisions or yearly cycles), in the newer one's order."""
        from tui.domain.inspection import compare_answers

        order = [i for i, _s, _l in self.store.inspection_items(right_id)]
        order += [i for i, _s, _l in self.store.inspection_items(left_id) if i not in order]
        return compare_answers(self.store.answers(left_id), self.store.answers(right_id), order)

    def add_evidence(self, inspection_id: int, item_id: str, label: str, path: Path | None = None) -> Answer:
        """Attach evidence to an answer; a file is recorded by its absolute path and SHA-256."""
        from tui.domain.inspection import Evidence

        evidence = Evidence(label.strip() or (path.name if path else ""))
        if path is not None:
            path = Path(path).expanduser().resolve()
            try:
                evidence = Evidence(evidence.label, str(path), file_sha256(path))
            except OSError as exc:
                raise UserError(
                    _("Cannot read the evidence file {path} ({reason}).").format(path=path, reason=exc.strerror or exc)
                ) from None
        if not evidence.label:
            raise UserError(_("Evidence needs a description or a file."))
        current = self.store.answer(inspection_id, item_id)
        return self.save_answer(inspection_id, item_id, evidence=current.evidence + (evidence,))

    def add_evidence_text(self, inspection_id: int, item_id: str, text: str, as_description: bool = False) -> Answer:
        """What a person types as evidence.

        A training module id (its completion records), a file path, or a description. Text that looks like a
        path to a file that is not there raises MissingEvidenceFile, unless `as_description` says to keep it as text.
        """
        raw = text.strip()
        if raw in self.modules:
            return self.add_evidence(inspection_id, item_id, self.training_evidence(raw).label)
        path = Path(raw).expanduser()
        if path.is_file():
            return self.add_evidence(inspection_id, item_id, path.name, path)
        if not as_description and looks_like_path(raw):
            raise MissingEvidenceFile(_("There is no file at {path}.").format(path=path))
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

    @staticmethod
    def evidence_status(evidence) -> str:
        """ok, changed or missing for evidence that points at a file; "" otherwise."""
        if not evidence.path:
            return ""
        path = Path(evidence.path)
        if not path.is_file():
            return "missing"
        try:
            return "ok" if file_sha256(path) == evidence.sha256 else "changed"
        except OSError:
            return "missing"

    def export_bundle(self, inspection_id: int, path: Path, force: bool = False) -> Path:
        from tui.store.bundle import write_bundle

        self.inspection(inspection_id)
        return write_bundle(self.store, inspection_id, path, force=force)

    def import_bundle(self, path: Path):
        from tui.store.bundle import import_payload, read_bundle

        payload = read_bundle(Path(path))
        return import_payload(self.store, payload, who=self.store.user_name())

    # --- reports ----------------------------------------------------------------------------

    def report(self, inspection_id: int, lang: str, today: dt.date | None = None) -> Report:
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
            evidence_status=self.evidence_status,
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

    def training_modules(self) -> list:
        return list(self.modules.values())

    def training_module(self, module_id: str):
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
        if not name.strip():
            raise UserError(_("A trainee needs a name."))
        return self.training.create_trainee(name, department, lang=lang)

    def trainee_named(self, name: str, department: str = ""):
        """The trainee with this name, created when there is none yet."""
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
        self.training_module(module_id)
        if not trainer.strip():
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
        if kind == EXERCISE and module.exercise is None:
            raise UserError(_("The module {id} has no exercise.").format(id=module_id))
        if resume:
            found = self.training.unfinished_attempt(trainee_id, module_id, kind)
            if found is not None:
                return found
        session = self.training_session(session_id) if session_id is not None else None
        lang = lang or self.trainee_language(trainee, session)
        total = len(module.quiz) if kind == QUIZ else module.exercise.max_score  # type: ignore[union-attr]
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
