"""OSCAL (1.2) documents from tenken's content and answers, and assessment results read back into an inspection.

- each rulebook as a **catalog**: chapters as groups, articles as controls, paragraphs and items as nested
  controls; the Japanese text is the statement, the unofficial English a `translation` part (lang en); obligation
  levels as props; guideline comments as `guidance` parts of the provision they explain;
- the cross-rulebook equivalences as a **mapping collection** (equal → equivalent-to, similar → intersects-with,
  broader → superset-of, narrower → subset-of);
- a firm's scoped templates as a **profile** selecting the provisions its items cite;
- an inspection as **assessment results** (one finding per item, satisfied / not-satisfied, with tenken's own
  answer fields as namespaced props so they can be read back) and a **plan of action and milestones** (one item
  per problem with its remediation, owner and target date).

Documents are plain dicts (JSON), built without any OSCAL library. They declare OSCAL 1.2.1, the release
compliance-trestle 5.2 models; the tests validate them with trestle's models and against NIST's JSON schemas of the
current release, 1.2.3, which accept a document declaring 1.2.1 (tests/fixtures/oscal-1.2.3). UUIDs are derived
(uuid5) from stable ids, so exporting twice gives the same document identities.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from tui import __version__
from tui.domain.corpus import Corpus, Provision
from tui.domain.inspection import STATUSES, InspectionInfo
from tui.domain.plan import Remediation
from tui.domain.report import Report

OSCAL_VERSION = "1.2.1"
NS = "https://tenken.invalid/ns/oscal"  # tenken's namespace for its own props and parts
_UUID_NS = uuid.UUID("6f1c2d0e-7a52-4d3c-9d7e-0b9c1f3a5e21")

RELATIONSHIPS = {
    "equal": "equivalent-to",
    "similar": "intersects-with",
    "broader": "superset-of",
    "narrower": "subset-of",
}


def stable_uuid(*parts: object) -> str:
    return str(uuid.uuid5(_UUID_NS, "|".join(str(p) for p in parts)))


def control_id(ref: str) -> str:
    """An OSCAL token for a provision ref: `jvcea-exchange:10.2` → `jvcea-exchange_10.2`."""
    token = re.sub(r"[^A-Za-z0-9._-]", "_", ref.replace(":", "_"))
    return token if re.match(r"[A-Za-z_]", token) else f"_{token}"


def _now(now: dt.datetime | None) -> str:
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    return stamp.isoformat().replace("+00:00", "Z")


def _metadata(title: str, now: dt.datetime | None, version: str = __version__, **extra: Any) -> dict:
    return {
        "title": title or "tenken",
        "last-modified": _now(now),
        "version": version,
        "oscal-version": OSCAL_VERSION,
        **extra,
    }


def _prop(name: str, value: str, ns: bool = True) -> dict:
    out = {"name": name, "value": value}
    if ns:
        out["ns"] = NS
    return out


# --- catalogs ------------------------------------------------------------------------------------------------


def _control(corpus: Corpus, prov: Provision, guidance: Mapping[str, list[Provision]]) -> dict:
    title = prov.caption.ja if prov.caption and prov.caption.ja else prov.local
    control: dict[str, Any] = {
        "id": control_id(prov.ref),
        "title": title,
        "props": [
            _prop("label", prov.local, ns=False),
            _prop("obligation-level", prov.level),
            _prop("tenken-ref", prov.ref),
        ],
    }
    if prov.caption and prov.caption.en:
        control["props"].append(_prop("title-en", prov.caption.en))
    parts: list[dict[str, Any]] = []
    if prov.ja:
        parts.append({"id": f"{control_id(prov.ref)}_smt", "name": "statement", "prose": prov.ja})
    if prov.en:
        parts.append(
            {
                "id": f"{control_id(prov.ref)}_en",
                "name": "translation",
                "ns": NS,
                "props": [_prop("lang", "en"), _prop("unofficial", "true")],
                "prose": prov.en,
            }
        )
    for g in guidance.get(prov.ref, ()):
        part: dict[str, Any] = {
            "id": control_id(g.ref),  # the guideline's own id: a mapping points at it as a statement
            "name": "guidance",
            "props": [_prop("tenken-ref", g.ref)],
            "prose": g.ja or g.en or g.local,
        }
        if g.en:
            part["parts"] = [{"id": f"{control_id(g.ref)}_en", "name": "translation", "ns": NS, "prose": g.en}]
        parts.append(part)
    if parts:
        control["parts"] = parts
    children = [corpus[c] for c in prov.children if c in corpus and corpus[c].kind != "guideline"]
    if children:
        control["controls"] = [_control(corpus, c, guidance) for c in children]
    return control


def _guidance_places(corpus: Corpus, slug: str) -> dict[str, str]:
    """Where each guideline comment of a rulebook sits in its catalog: guideline ref → the provision ref whose
    control holds it as a `guidance` part, or `ch<N>` for a chapter's comments (a part of the chapter's group).
    A comment not in this map stands as a control of its own."""
    places: dict[str, str] = {}
    for ref in corpus.rulebooks[slug].guidelines:
        g = corpus.get(ref)
        if g is None:
            continue
        local = g.local
        if local.startswith("gch") and local[3:].isdigit():
            places[ref] = f"ch{int(local[3:])}"
            continue
        target = g.parent or f"{slug}:{local[1:]}" if local.startswith("g") else g.parent
        if target and target in corpus:
            places[ref] = target
    return places


def subject(corpus: Corpus, ref: str) -> tuple[str, str]:
    """A provision or guideline comment as the subject of a mapping: ("control", id) for a provision (and a
    comment that stands as a control of its own), ("statement", id) for a comment held as a guidance part. The
    id is one the rulebook's catalog has."""
    prov = corpus[ref]
    if prov.kind == "guideline" and ref in _guidance_places(corpus, prov.rulebook):
        return "statement", control_id(ref)
    return "control", control_id(ref)


def selected_control(corpus: Corpus, ref: str) -> str | None:
    """The control of a rulebook's catalog that a profile selects for a cited provision or comment: the
    provision's own, the control a comment explains, or none for a chapter's comments (they belong to no
    single control)."""
    prov = corpus[ref]
    if prov.kind != "guideline":
        return control_id(ref)
    place = _guidance_places(corpus, prov.rulebook).get(ref)
    if place is None:
        return control_id(ref)
    return None if place not in corpus else control_id(place)


def catalog(corpus: Corpus, slug: str, now: dt.datetime | None = None) -> dict:
    book = corpus.rulebooks[slug]
    guidance: dict[str, list[Provision]] = {}  # provision ref → the guideline comments on it
    chapter_guidance: dict[int, list[Provision]] = {}
    places = _guidance_places(corpus, slug)
    placed = set(places)
    for ref in book.guidelines:
        if ref not in places:
            continue
        place = places[ref]
        if place.startswith("ch") and place not in corpus:
            chapter_guidance.setdefault(int(place[2:]), []).append(corpus[ref])
        else:
            guidance.setdefault(place, []).append(corpus[ref])
    in_chapter = {a for ch in book.chapters for a in ch.articles}
    body: dict[str, Any] = {
        "uuid": stable_uuid("catalog", slug),
        "metadata": _metadata(
            book.title.ja,
            now,
            props=[_prop("rulebook", slug), _prop("title-en", book.title.en or book.title.ja)],
        ),
    }
    groups = [
        {
            "id": f"ch{ch.number}",
            "title": ch.title.ja or f"第{ch.number}章",
            "props": [_prop("title-en", ch.title.en or ch.title.ja)],
            "controls": [_control(corpus, corpus[a], guidance) for a in ch.articles if a in corpus],
            **(
                {
                    "parts": [
                        {
                            "id": control_id(g.ref),
                            "name": "guidance",
                            "props": [_prop("tenken-ref", g.ref)],
                            "prose": g.ja or g.en,
                            **(
                                {
                                    "parts": [
                                        {
                                            "id": f"{control_id(g.ref)}_en",
                                            "name": "translation",
                                            "ns": NS,
                                            "prose": g.en,
                                        }
                                    ]
                                }
                                if g.en
                                else {}
                            ),
                        }
                        for g in chapter_guidance[ch.number]
                    ]
                }
                if ch.number in chapter_guidance
                else {}
            ),
        }
        for ch in book.chapters
    ]
    supplementary = [_control(corpus, corpus[s], guidance) for s in book.supplementary if s in corpus]
    if supplementary:
        groups.append(
            {"id": "supplementary", "title": "附則", "props": [_prop("title-en", "Supplementary provisions")],
             "controls": supplementary}
        )  # fmt: skip
    if groups:
        body["groups"] = groups
    loose = [_control(corpus, corpus[a], guidance) for a in book.articles if a not in in_chapter and a in corpus]
    orphans = [corpus[g] for g in book.guidelines if g in corpus and g not in placed]
    if orphans:
        loose += [
            {
                "id": control_id(g.ref),
                "title": g.heading or g.local,
                "props": [_prop("kind", "guideline"), _prop("tenken-ref", g.ref)],
                "parts": [{"id": f"{control_id(g.ref)}_gdn", "name": "guidance", "prose": g.ja or g.en or g.local}],
            }
            for g in orphans
        ]
    if loose:
        body["controls"] = loose
    return {"catalog": body}


def _mapping_item(corpus: Corpus, ref: str) -> dict:
    kind, id_ref = subject(corpus, ref)
    return {"type": kind, "id-ref": id_ref, "props": [_prop("tenken-ref", ref)]}


def mapping_collection(corpus: Corpus, now: dt.datetime | None = None) -> dict:
    pairs: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
    for ref, equivalents in corpus.equivalents.items():
        for link in equivalents:
            if ref not in corpus or link.ref not in corpus or (link.ref, ref) < (ref, link.ref):
                continue
            a, b = corpus[ref].rulebook, corpus[link.ref].rulebook
            pairs.setdefault((a, b), []).append((ref, link.ref, link.relation))
    mappings = []
    for (a, b), links in sorted(pairs.items()):
        mappings.append(
            {
                "uuid": stable_uuid("mapping", a, b),
                "source-resource": {"type": "catalog", "href": f"{a}.json"},
                "target-resource": {"type": "catalog", "href": f"{b}.json"},
                "maps": [
                    {
                        "uuid": stable_uuid("map", src, dst),
                        "relationship": RELATIONSHIPS.get(relation, "intersects-with"),
                        "sources": [_mapping_item(corpus, src)],
                        "targets": [_mapping_item(corpus, dst)],
                    }
                    for src, dst, relation in links
                ],
            }
        )
    return {
        "mapping-collection": {
            "uuid": stable_uuid("mapping-collection"),
            "metadata": _metadata("tenken: equivalent provisions across the rulebooks", now),
            "provenance": {
                "method": "human",
                "matching-rationale": "semantic",
                "status": "complete",
                "mapping-description": "Provisions of the JVCEA, FSI and FSA rules that ask the same duty, as "
                "reviewed for tenken's templates (checklists/equivalents.yaml).",
            },
            "mappings": mappings,
        }
    }


def profile(firm_name: str, scoped_controls: Mapping[str, Iterable[str]], now: dt.datetime | None = None) -> dict:
    """`scoped_controls`: rulebook slug → the ids of its catalog's controls that the firm's scoped items cite
    (`selected_control` of each cited ref)."""
    imports = [
        {"href": f"{slug}.json", "include-controls": [{"with-ids": sorted(set(ids))}]}
        for slug, ids in sorted(scoped_controls.items())
        if ids
    ]
    return {
        "profile": {
            "uuid": stable_uuid("profile", firm_name, *sorted(scoped_controls)),
            "metadata": _metadata(f"{firm_name} — tenken scope", now, props=[_prop("firm", firm_name)]),
            "imports": imports,
            "merge": {"as-is": True},
        }
    }


# --- inspections -------------------------------------------------------------------------------------------

ANSWER_PROPS = ("status", "risk", "owner", "target-date", "justification")


def assessment_results(
    info: InspectionInfo, report: Report, now: dt.datetime | None = None, corpus: Corpus | None = None
) -> dict:
    """With the corpus, every control id named is one of the catalogs' controls (a cited guideline comment
    counts as the control it explains)."""

    def control_of(ref: str) -> str | None:
        return selected_control(corpus, ref) if corpus is not None and ref in corpus else control_id(ref)

    findings = []
    observations = []
    for row in report.annex:
        a = row.answer
        obs_uuid = stable_uuid("observation", info.id, row.item_id)
        observations.append(
            {
                "uuid": obs_uuid,
                "title": f"{row.number} {row.question}"[:250],
                "description": a.note or row.question,
                "methods": ["EXAMINE", "INTERVIEW"],
                "collected": _now(dt.datetime.combine(a.updated_at.date(), dt.time()) if a.updated_at else now),
            }
        )
        cited = [c for c in (control_of(c.ref) for c in row.citations) if c]
        target: dict[str, Any] = {"type": "objective-id", "target-id": cited[0] if cited else f"item-{row.item_id}"}
        if a.status in ("compliant", "na"):
            target["status"] = {"state": "satisfied"}
        elif a.status in ("partial", "noncompliant"):
            target["status"] = {"state": "not-satisfied"}
        else:
            target["status"] = {"state": "not-satisfied", "reason": "other", "remarks": "unanswered"}
        props = [_prop("item-id", row.item_id), _prop("number", row.number), _prop("status", a.status)]
        if a.risk:
            props.append(_prop("risk", a.risk))
        if a.owner:
            props.append(_prop("owner", a.owner))
        if a.target_date:
            props.append(_prop("target-date", a.target_date.isoformat()))
        if a.justification:
            props.append(_prop("justification", a.justification))
        finding: dict[str, Any] = {
            "uuid": stable_uuid("finding", info.id, row.item_id),
            "title": f"{row.number} {row.question}"[:250],
            "description": a.finding or report.status_label(a.status),
            "props": props,
            "target": target,
            "related-observations": [{"observation-uuid": obs_uuid}],
        }
        if a.remediation:
            finding["remarks"] = a.remediation
        findings.append(finding)
    refs = sorted({c for row in report.annex for c in (control_of(x.ref) for x in row.citations) if c})
    start = dt.datetime.combine(info.received_on, dt.time(), tzinfo=dt.UTC)
    result: dict[str, Any] = {
        "uuid": stable_uuid("result", info.id, info.revision),
        "title": report.title,
        "description": f"{info.firm_name}: self-inspection, revision {info.revision}",
        "start": _now(start),
        "props": [_prop("inspection-id", str(info.id)), _prop("firm", info.firm_name)],
        "reviewed-controls": {"control-selections": [{"include-controls": [{"control-id": r} for r in refs]}]},
        "observations": observations,
        "findings": findings,
    }
    if info.finalized_at:
        result["end"] = _now(info.finalized_at.replace(tzinfo=dt.UTC))
    return {
        "assessment-results": {
            "uuid": stable_uuid("assessment-results", info.id, info.revision),
            "metadata": _metadata(report.title, now, version=f"revision {info.revision}"),
            "import-ap": {"href": f"#tenken-inspection-{info.id}"},
            "results": [result],
        }
    }


def poam(info: InspectionInfo, lines: Iterable[Remediation], now: dt.datetime | None = None) -> dict:
    items = []
    for r in lines:
        props = [_prop("item-id", r.item_id), _prop("number", r.number), _prop("state", r.state)]
        if r.owner:
            props.append(_prop("owner", r.owner))
        if r.target_date:
            props.append(_prop("target-date", r.target_date.isoformat()))
        if r.done_on:
            props.append(_prop("done-on", r.done_on.isoformat()))
        item: dict[str, Any] = {
            "uuid": stable_uuid("poam-item", info.id, r.item_id),
            "title": f"{r.number} {r.question}"[:250],
            "description": r.remediation or r.finding or r.question,
            "props": props,
        }
        if r.finding:
            item["remarks"] = r.finding
        items.append(item)
    return {
        "plan-of-action-and-milestones": {
            "uuid": stable_uuid("poam", info.id),
            "metadata": _metadata(f"{info.firm_name} — plan of action and milestones", now),
            "system-id": {"identifier-type": "https://tenken.invalid/inspection", "id": str(info.id)},
            "poam-items": items
            or [{"uuid": stable_uuid("poam-empty", info.id), "title": "—", "description": "No open problems."}],
        }
    }


# --- reading assessment results back ---------------------------------------------------------------------------

MAX_FINDINGS = 5000
MAX_TEXT = 20000


class OscalImportError(ValueError):
    """The file is not assessment results tenken can read (the message says why)."""


def read_assessment_results(data: object) -> list[tuple[str, dict[str, object]]]:
    """(item id, changes) for every finding that carries tenken's item id: the inverse of `assessment_results`.

    Validated with limits before use; statuses must be tenken's; dates ISO. Raises OscalImportError.
    """
    if not isinstance(data, dict) or not isinstance(data.get("assessment-results"), dict):
        raise OscalImportError("not OSCAL assessment results")
    results = data["assessment-results"].get("results")
    if not isinstance(results, list) or not results:
        raise OscalImportError("no results")
    out: list[tuple[str, dict[str, object]]] = []
    for result in results:
        findings = result.get("findings", []) if isinstance(result, dict) else None
        if not isinstance(findings, list) or len(findings) > MAX_FINDINGS:
            raise OscalImportError("findings are missing or too many")
        for f in findings:
            if not isinstance(f, dict):
                raise OscalImportError("a finding is not an object")
            if not isinstance(f.get("props", []), list):
                raise OscalImportError("a finding's props are not a list")
            props = {
                p.get("name"): p.get("value")
                for p in f.get("props", [])
                if isinstance(p, dict) and p.get("ns") == NS and isinstance(p.get("value"), str)
            }
            item_id = props.get("item-id")
            if not item_id:
                continue
            status = props.get("status", "unanswered")
            if status not in STATUSES:
                raise OscalImportError(f"unknown status {status!r}")
            changes: dict[str, object] = {"status": status}
            description = f.get("description", "")
            if not isinstance(description, str) or len(description) > MAX_TEXT:
                raise OscalImportError("a finding's description is not text or too long")
            if status in ("partial", "noncompliant"):
                changes["finding"] = description
            remarks = f.get("remarks", "")
            if isinstance(remarks, str) and remarks:
                changes["remediation"] = remarks[:MAX_TEXT]
            for name in ("risk", "owner", "justification"):
                if props.get(name):
                    changes[name] = str(props[name])[:MAX_TEXT]
            if props.get("target-date"):
                try:
                    changes["target_date"] = dt.date.fromisoformat(str(props["target-date"]))
                except ValueError:
                    raise OscalImportError(f"bad target date {props['target-date']!r}") from None
            out.append((str(item_id), changes))
    return out
