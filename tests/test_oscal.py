"""OSCAL documents validate against compliance-trestle's models (OSCAL 1.2.1) and against NIST's JSON schemas of
the current OSCAL release (1.2.3, in tests/fixtures/oscal-1.2.3), and assessment results written by tenken read back
into an inspection unchanged (round trip)."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
from pathlib import Path

import jsonschema
import pytest
import regex

trestle = pytest.importorskip("trestle", reason="compliance-trestle validates the OSCAL documents (test extra)")

from trestle.oscal import OSCAL_VERSION, OSCAL_VERSION_REGEX  # noqa: E402 - after the skip above
from trestle.oscal import assessment_results as AR  # noqa: E402
from trestle.oscal import catalog as CAT  # noqa: E402
from trestle.oscal import mapping as MAP  # noqa: E402
from trestle.oscal import poam as POAM  # noqa: E402
from trestle.oscal import profile as PROF  # noqa: E402

from tui.export import oscal  # noqa: E402
from tui.workspace import UserError  # noqa: E402


def test_oscal_version_is_the_current_release_trestle_knows():
    assert oscal.OSCAL_VERSION == OSCAL_VERSION
    # trestle's own rule for a version it supports (its strict check, off in 5.2); the 1.2.3 schema takes it too
    assert re.match(OSCAL_VERSION_REGEX, oscal.OSCAL_VERSION)


# --- NIST's OSCAL 1.2.3 JSON schemas ------------------------------------------------------------------------------

SCHEMA_123 = Path(__file__).parent / "fixtures" / "oscal-1.2.3" / "oscal_complete_schema.json"
SCHEMA_123_SHA256 = "e0b41f5c9f06a702bd6139566b3db089cec4c734353e958624e4ba4a2d35a806"  # as released (its README)


@functools.cache
def _validator_123(root: str):
    """A validator of one OSCAL model (the document's root key) by the complete 1.2.3 schema, its `pattern`s
    matched with the `regex` module: its TokenDatatype uses \\p{L} and \\p{N}, which Python's re lacks."""
    raw = SCHEMA_123.read_bytes()
    assert hashlib.sha256(raw).hexdigest() == SCHEMA_123_SHA256, "the vendored schema is not NIST's file"
    complete = json.loads(raw)
    assert complete["$id"].endswith("/1.2.3/oscal-complete-schema.json")
    # the branch of the schema's oneOf for this model, so an error names its place, not "valid under none of 8"
    branch = next(b for b in complete["oneOf"] if b["required"] == [root])
    schema = {k: v for k, v in complete.items() if k != "oneOf"} | branch

    def pattern(validator, patrn, instance, _schema):
        if validator.is_type(instance, "string") and not regex.search(patrn, instance):
            yield jsonschema.ValidationError(f"{instance[:80]!r} does not match the pattern {patrn[:60]!r}…")

    cls = jsonschema.validators.extend(jsonschema.Draft7Validator, {"pattern": pattern})
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def schema_123_errors(doc: dict) -> list[str]:
    """Every error of an OSCAL document against the 1.2.3 schema, each as 'where: what'."""
    (root,) = (k for k in doc if k != "$schema")
    errors = sorted(_validator_123(root).iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    # an error of an anyOf/oneOf ("not valid under any of the given schemas") is told by its most relevant cause
    errors = [jsonschema.exceptions.best_match([e]) for e in errors]
    return [f"{e.json_path}: {e.message[:300]}" for e in errors]


def test_every_document_of_the_demo_validates_against_the_oscal_1_2_3_schemas(ws, demo, tmp_path):
    """The five catalogs, the mapping, the demo firm's profile, and the demo inspection's assessment results and
    POA&M, each as `tenken oscal export` writes it, have no error against NIST's JSON schemas of OSCAL 1.2.3."""
    exports = [("catalog", slug) for slug in SLUGS] + [
        ("mapping", None),
        ("profile", demo.firm_id),
        ("assessment", demo.id),
        ("poam", demo.id),
    ]
    failed = {}
    for kind, target in exports:
        path = ws.oscal.export(kind, target, tmp_path / f"{kind}-{target}.json")
        doc = json.loads(path.read_text(encoding="utf-8"))
        if errors := schema_123_errors(doc):
            failed[path.name] = f"{len(errors)} errors, the first: {errors[0]}"
    assert failed == {}
    # the POA&M is not an empty shell: the demo inspection has problems with their remediation
    assert ws.oscal.document("poam", demo.id)["plan-of-action-and-milestones"]["poam-items"]


def test_the_oscal_1_2_3_schemas_reject_a_broken_document(ws, demo):
    """The check above can fail: a control without its id, a malformed uuid, a finding with no target."""
    catalog = ws.oscal.document("catalog", "jvcea-exchange")
    assert schema_123_errors(catalog) == []
    del catalog["catalog"]["groups"][0]["controls"][0]["id"]
    assert schema_123_errors(catalog) == ["$.catalog.groups[0].controls[0]: 'id' is a required property"]
    results = ws.oscal.document("assessment", demo.id)
    results["assessment-results"]["uuid"] = "not-a-uuid"
    del results["assessment-results"]["results"][0]["findings"][0]["target"]
    errors = schema_123_errors(results)
    assert len(errors) == 2
    assert errors[0].startswith("$['assessment-results'].results[0].findings[0]: 'target' is a required property")
    assert errors[1].startswith("$['assessment-results'].uuid: 'not-a-uuid' does not match the pattern")


@pytest.mark.parametrize(
    "slug", ["jvcea-exchange", "jvcea-derivatives", "jvcea-epayment", "fsi-bcp", "fsa-notice-2020"]
)
def test_every_rulebook_is_a_valid_catalog_with_both_languages_levels_and_guidance(ws, slug):
    doc = ws.oscal.document("catalog", slug)
    CAT.Catalog.model_validate(doc["catalog"])
    corpus = ws.corpus
    text = json.dumps(doc, ensure_ascii=False)
    provisions = [p for p in corpus.provisions.values() if p.rulebook == slug and p.kind != "guideline"]
    # every provision is a control, with its Japanese text and its English as an unofficial translation
    assert all(f'"{oscal.control_id(p.ref)}"' in text for p in provisions)
    assert all(p.ja in text for p in provisions if p.ja)
    assert text.count('"name": "translation"') >= sum(1 for p in provisions if p.en)
    assert '"obligation-level"' in text
    guidelines = corpus.rulebooks[slug].guidelines
    assert text.count('"name": "guidance"') == len(guidelines)


def test_the_equivalences_are_a_valid_mapping_collection(ws):
    doc = ws.oscal.document("mapping")
    MAP.MappingCollection.model_validate(doc["mapping-collection"])
    maps = [m for mapping in doc["mapping-collection"]["mappings"] for m in mapping["maps"]]
    links = {(r, e.ref) for r, es in ws.corpus.equivalents.items() for e in es}
    assert len(maps) == len({tuple(sorted(pair)) for pair in links})
    assert {m["relationship"] for m in maps} <= set(oscal.RELATIONSHIPS.values())


def test_a_firms_scope_is_a_valid_profile(ws, demo):
    doc = ws.oscal.document("profile", demo.firm_id)
    PROF.Profile.model_validate(doc["profile"])
    hrefs = {i["href"] for i in doc["profile"]["imports"]}
    assert "fsa-notice-2020.json" in hrefs


SLUGS = ("jvcea-exchange", "jvcea-derivatives", "jvcea-epayment", "fsi-bcp", "fsa-notice-2020")


def _ids(doc: dict) -> tuple[set[str], set[str]]:
    """The control ids and the part ids of a catalog."""
    controls: set[str] = set()
    parts: set[str] = set()

    def walk_parts(ps):
        for p in ps or ():
            parts.add(p["id"]) if "id" in p else None
            walk_parts(p.get("parts"))

    def walk(cs):
        for c in cs or ():
            controls.add(c["id"])
            walk_parts(c.get("parts"))
            walk(c.get("controls"))

    for g in doc["catalog"].get("groups", ()):
        walk(g.get("controls"))
        walk_parts(g.get("parts"))
    walk(doc["catalog"].get("controls"))
    return controls, parts


def test_every_id_the_mapping_profile_and_results_name_is_in_the_catalogs(ws, demo, tmp_path):
    """Valid shapes are not enough: a profile that selects a guideline comment's id does not resolve."""
    catalogs = {slug: _ids(ws.oscal.document("catalog", slug)) for slug in SLUGS}
    controls = set().union(*(c for c, _p in catalogs.values()))
    parts = set().union(*(p for _c, p in catalogs.values()))
    items = [
        i
        for mapping in ws.oscal.document("mapping")["mapping-collection"]["mappings"]
        for m in mapping["maps"]
        for i in m["sources"] + m["targets"]
    ]
    assert {i["type"] for i in items} == {"control", "statement"}  # guideline comments map as statements
    assert [i for i in items if i["id-ref"] not in (controls if i["type"] == "control" else parts)] == []
    profile = ws.oscal.document("profile", demo.firm_id)["profile"]
    assert any(i["href"].startswith("jvcea-") for i in profile["imports"])  # the demo firm's scope cites guidelines
    for imp in profile["imports"]:
        selected = set(imp["include-controls"][0]["with-ids"])
        assert selected <= catalogs[imp["href"].removesuffix(".json")][0], imp["href"]
    # an inspection of templates citing guideline comments: its results name controls the catalogs have
    firm = ws.firm(demo.firm_id)
    slugs = ws.templates_for(firm.profile)
    info = ws.start_inspection(demo.firm_id, slugs, dt.date(2026, 11, 20))
    result = ws.oscal.document("assessment", info.id)["assessment-results"]["results"][0]
    reviewed = {c["control-id"] for sel in result["reviewed-controls"]["control-selections"]
                for c in sel["include-controls"]}  # fmt: skip
    assert reviewed and reviewed <= controls
    assert {f["target"]["target-id"] for f in result["findings"]} <= controls


def test_the_profile_resolves_against_the_catalogs_with_trestle(ws, demo, tmp_path, monkeypatch):
    from trestle.core.profile_resolver import ProfileResolver

    for slug in SLUGS:
        ws.oscal.export("catalog", slug, tmp_path / f"{slug}.json")
    ws.oscal.export("profile", demo.firm_id, tmp_path / "profile.json")
    (tmp_path / ".trestle" / "cache").mkdir(parents=True)  # trestle's resolver caches under a trestle root
    monkeypatch.chdir(tmp_path)  # and reads a relative href from the working folder
    resolved = ProfileResolver.get_resolved_profile_catalog(tmp_path, tmp_path / "profile.json")
    count = 0

    def walk(cs):
        nonlocal count
        for c in cs or ():
            count += 1
            walk(c.controls)

    for g in resolved.groups or ():
        walk(g.controls)
    walk(resolved.controls)
    selected = json.loads((tmp_path / "profile.json").read_text())["profile"]["imports"]
    assert count == sum(len(i["include-controls"][0]["with-ids"]) for i in selected) > 0


def test_assessment_results_and_poam_validate_and_round_trip(ws, demo, tmp_path):
    ws.save_answer(demo.id, "notice.4.ni", status="noncompliant")
    ws.save_answer(
        demo.id,
        "notice.4.ni",
        finding="棚卸し未実施",
        remediation="棚卸しする",
        owner="高橋",
        target_date=dt.date(2027, 1, 31),
    )
    doc = ws.oscal.document("assessment", demo.id)
    AR.AssessmentResults.model_validate(doc["assessment-results"])
    POAM.PlanOfActionAndMilestones.model_validate(ws.oscal.document("poam", demo.id)["plan-of-action-and-milestones"])
    before = ws.store.answers(demo.id)
    path = tmp_path / "ar.json"
    ws.oscal.export("assessment", demo.id, path)
    # into a fresh inspection of the same templates: every answer arrives as it was
    fresh = ws.start_inspection(demo.firm_id, ["fsa-notice-2020"], dt.date(2026, 11, 20))
    n = ws.oscal.import_results(path, fresh.id)
    assert n == len(ws.store.inspection_items(fresh.id))
    after = ws.store.answers(fresh.id)
    for item_id, a in before.items():
        b = after[item_id]
        assert (a.status, a.finding, a.remediation, a.owner, a.target_date, a.risk, a.justification) == (
            b.status, b.finding, b.remediation, b.owner, b.target_date, b.risk, b.justification
        )  # fmt: skip


def test_hostile_or_foreign_assessment_results_change_nothing(ws, demo, tmp_path):
    doc = ws.oscal.document("assessment", demo.id)
    before = ws.store.answers(demo.id)
    cases = {
        "not-json.json": "{",
        "catalog.json": json.dumps(ws.oscal.document("catalog", "fsa-notice-2020")),
    }
    bad_status = json.loads(json.dumps(doc))
    bad_status["assessment-results"]["results"][0]["findings"][0]["props"][2]["value"] = "pwned"
    cases["status.json"] = json.dumps(bad_status)
    other_item = json.loads(json.dumps(doc))
    other_item["assessment-results"]["results"][0]["findings"][0]["props"][0]["value"] = "jvcea.99.9"
    cases["item.json"] = json.dumps(other_item)
    na_without_reason = json.loads(json.dumps(doc))
    f = na_without_reason["assessment-results"]["results"][0]["findings"][-1]
    f["props"] = [p for p in f["props"] if p["name"] not in ("status", "justification")]
    f["props"].append({"name": "status", "ns": oscal.NS, "value": "na"})
    cases["na.json"] = json.dumps(na_without_reason)
    for props in (None, 5, "status"):  # props that are no list: a refusal, not a crash
        odd = json.loads(json.dumps(doc))
        odd["assessment-results"]["results"][0]["findings"][0]["props"] = props
        cases[f"props-{props}.json"] = json.dumps(odd)
    long_item = json.loads(json.dumps(doc))
    long_item["assessment-results"]["results"][0]["findings"][0]["props"][0]["value"] = "x" * 100_000
    cases["long-item.json"] = json.dumps(long_item)
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        with pytest.raises(UserError) as refused:
            ws.oscal.import_results(path, demo.id)
        assert ws.store.answers(demo.id) == before, name
        assert len(str(refused.value)) < 1000, name  # the message names the file, not 100,000 characters of it


def test_cli_oscal_export_and_import(demo, data_dir, tmp_path):
    from tests.conftest import run_cli

    env = {"TENKEN_HOME": str(data_dir)}
    for args in (["catalog", "fsi-bcp"], ["mapping"], ["profile", str(demo.firm_id)], ["assessment", str(demo.id)]):
        out = run_cli("oscal", "export", *args, "--out", str(tmp_path / f"{args[0]}.json"), env=env)
        assert out.returncode == 0, out.stderr
    CAT.Catalog.model_validate(json.loads((tmp_path / "catalog.json").read_text())["catalog"])
    out = run_cli("oscal", "export", "catalog", "nonesuch", "--out", str(tmp_path / "x.json"), env=env)
    assert out.returncode == 1 and "fsi-bcp" in out.stderr and not (tmp_path / "x.json").exists()
    out = run_cli("oscal", "import", str(tmp_path / "assessment.json"), "--inspection", str(demo.id), env=env)
    assert out.returncode == 0, out.stderr
    out = run_cli("oscal", "import", str(tmp_path / "catalog.json"), "--inspection", str(demo.id), env=env)
    assert out.returncode == 1 and "Traceback" not in out.stderr
