"""Application services: what the CLI and the TUI both do, in one place.

A Workspace joins the store (one data directory), the content (corpus, templates) and the domain
rules. Screens and CLI commands call these methods; none of them holds a business rule of its own.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from tui.content.errors import ContentError
from tui.domain.corpus import Corpus
from tui.domain.inspection import Answer, FirmInfo, InspectionInfo, add_one_month
from tui.domain.profile import Profile, SizeThresholds
from tui.domain.template import Template
from tui.domain.text import Text
from tui.i18n import _, detect_language, set_language
from tui.paths import cache_dir, user_templates_dir

if TYPE_CHECKING:
    from tui.domain.report import Report
    from tui.domain.scope import ScopedItem
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

                self._titles = load_template_titles(user_templates_dir(self.data_dir))
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
        self.store.close()

    # --- settings ---------------------------------------------------------------------------

    def language(self) -> str:
        return self.store.get_setting("language") or detect_language()

    def apply_language(self) -> str:
        return set_language(self.language())

    def set_language(self, lang: str) -> str:
        lang = set_language(lang)
        self.store.set_setting("language", lang)
        return lang

    def thresholds(self) -> SizeThresholds:
        try:
            return SizeThresholds(
                int(self.store.get_setting("size_medium_from") or 50), int(self.store.get_setting("size_large_from") or 300)
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

    def add_firm(self, profile: Profile) -> FirmInfo:
        return self.store.create_firm(profile)

    def firm(self, firm_id: int) -> FirmInfo:
        firm = self.store.firm(firm_id)
        if firm is None:
            raise UserError(_("There is no firm with id {id}; `tenken list` shows the ids.").format(id=firm_id))
        return firm

    def scope(self, profile: Profile, template_ids: list[str]) -> list[ScopedItem]:
        from tui.domain.scope import scope, template_order

        return scope(profile, template_order([self.template(t) for t in template_ids]), self.corpus)

    def start_inspection(
        self, firm_id: int, template_ids: list[str], received_on: dt.date, title: str | None = None,
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
                raise UserError(_("Cannot read the evidence file {path} ({reason}).").format(
                    path=path, reason=exc.strerror or exc)) from None
        if not evidence.label:
            raise UserError(_("Evidence needs a description or a file."))
        current = self.store.answer(inspection_id, item_id)
        return self.save_answer(inspection_id, item_id, evidence=current.evidence + (evidence,))

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
            info, firm.profile, self.inspection_templates(info), self.store.inspection_items(inspection_id),
            self.store.answers(inspection_id), self.corpus, lang, today, title=self.inspection_title(info, lang),
            evidence_status=self.evidence_status,
        )
