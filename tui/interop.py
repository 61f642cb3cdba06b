"""OSCAL export and import as application services (reached through `Workspace.oscal`; `tenken oscal …` calls them).

The documents are built in tui.export.oscal; this module gathers what they need from the workspace and writes
them through the same atomic writer as every other export.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from tui.i18n import _

if TYPE_CHECKING:
    from tui.workspace import Workspace

KINDS = ("catalog", "mapping", "profile", "assessment", "poam")
MAX_IMPORT_BYTES = 50 * 1024 * 1024


class Oscal:
    def __init__(self, ws: Workspace):
        self.ws = ws

    def document(self, kind: str, target: str | int | None = None, lang: str = "ja") -> dict:
        from tui.export import oscal
        from tui.workspace import UserError

        corpus = self.ws.corpus
        if kind == "catalog":
            if target not in corpus.rulebooks:
                raise UserError(
                    _("There is no rulebook {slug}; choose one of: {slugs}.").format(
                        slug=target, slugs=", ".join(b.slug for b in corpus.ordered_rulebooks())
                    )
                )
            return oscal.catalog(corpus, str(target))
        if kind == "mapping":
            return oscal.mapping_collection(corpus)
        if kind == "profile":
            firm = self.ws.firm(int(target or 0))
            scoped = self.ws.scope(firm.profile, self.ws.templates_for(firm.profile))
            ids: dict[str, set[str]] = {}
            for s in scoped:
                if s.asked:
                    for ref in s.item.cites:
                        control = oscal.selected_control(corpus, ref) if ref in corpus else None
                        if control:
                            ids.setdefault(corpus[ref].rulebook, set()).add(control)
            return oscal.profile(firm.name, ids)
        info = self.ws.inspection(int(target or 0))
        if kind == "assessment":
            return oscal.assessment_results(info, self.ws.report(info.id, lang, check_evidence=False), corpus=corpus)
        if kind == "poam":
            lines = [r for r in self.ws.planning.remediations(inspection_id=info.id, lang=lang) if r.state != "done"]
            return oscal.poam(info, lines)
        raise UserError(_("Unknown OSCAL document {kind}; choose one of: {kinds}.").format(kind=kind, kinds=KINDS))

    def export(self, kind: str, target: str | int | None, path: Path, force: bool = False, lang: str = "ja") -> Path:
        from tui.export import write_atomically

        data = json.dumps(self.document(kind, target, lang), ensure_ascii=False, indent=2) + "\n"
        return write_atomically(path, lambda tmp: tmp.write_text(data, encoding="utf-8"), force=force)

    def import_results(self, path: Path, inspection_id: int) -> int:
        """Read OSCAL assessment results (as tenken writes them) into an inspection; every answer goes through
        the same rules as a typed one, and nothing is saved unless all of them pass."""
        from tui.domain.inspection import AnswerRejected
        from tui.export.oscal import OscalImportError, read_assessment_results
        from tui.workspace import UserError

        info = self.ws.inspection(inspection_id)
        if info.finalized:
            raise UserError(_("Inspection {id} is finalized; reopen it as a new revision first.").format(id=info.id))
        path = Path(path)
        if not path.is_file():
            raise UserError(_("{path} is not a file.").format(path=path))
        if path.stat().st_size > MAX_IMPORT_BYTES:
            raise UserError(_("{path} is larger than tenken reads (50 MB).").format(path=path))
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            changes = read_assessment_results(data)
        except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
            reason = str(exc) if isinstance(exc, OscalImportError) else _("not readable JSON")
            raise UserError(
                _("{path} is not OSCAL assessment results from tenken ({reason}); nothing was imported.").format(
                    path=path, reason=reason
                )
            ) from None
        items = {item_id for item_id, _s, _l in self.ws.inspection_items(info.id)}
        unknown = sorted({item for item, _c in changes if item not in items})
        if unknown:
            raise UserError(
                _("The file answers items that inspection {id} does not have ({items}); nothing was imported.").format(
                    id=info.id, items=", ".join(item[:40] + ("…" if len(item) > 40 else "") for item in unknown[:5])
                )
            )
        try:
            with self.ws.store.db.atomic():
                for item_id, fields in changes:
                    # the status last: "not applicable" needs its justification saved first
                    rest = {k: v for k, v in fields.items() if k != "status"}
                    if rest:
                        self.ws.save_answer(info.id, item_id, **rest)
                    self.ws.save_answer(info.id, item_id, status=fields["status"])
        except AnswerRejected as exc:
            raise UserError(_("{reason} Nothing was imported.").format(reason=exc)) from None
        return len(changes)
