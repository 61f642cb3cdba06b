"""Nothing the rules ask is lost (issue 13): merging, obligation levels, links, triggers, defaults and reasons.

The coverage oracle here is independent of the scoping code: an item asks the provisions of its own rulebook
(family) that it cites, whatever is linked `equal` to those, and what it declares, after review, in `covers:`.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import SOURCES, run_cli
from tui.content.loader import build_corpus, load_templates
from tui.content.profile import load_profile
from tui.domain.profile import BUSINESS_LINES, CHARACTERISTICS, OUTSOURCING, Profile
from tui.domain.text import LEVELS

CORPUS = build_corpus()
TEMPLATES, _PROBLEMS = load_templates(CORPUS)
JVCEA = ("jvcea-exchange", "jvcea-derivatives", "jvcea-epayment")
PROFILES = Path(__file__).parent / "profiles"


def book(ref: str) -> str:
    return ref.split(":", 1)[0]


def family(slug: str) -> set[str]:
    return set(JVCEA) if slug in JVCEA else {slug}


def asks(item) -> set[str]:
    """The provisions an item's question asks: its own rulebook's cites, their `equal` links, reviewed covers."""
    home = family(book(item.cites[0]))
    own = {r for r in item.cites if book(r) in home}
    out = own | set(getattr(item, "covers", ()) or ())
    for r in own:
        out |= {e.ref for e in CORPUS.equivalents_of(r) if e.relation == "equal"}
    return out


def templates_for(profile: Profile, templates: dict) -> list:
    from tui.domain.scope import template_order
    from tui.domain.scope import templates_for as pick

    return template_order(pick(profile, list(templates.values())))


def dropped(profile: Profile, templates: list) -> list[str]:
    """Absorbed items whose cited provisions (in the firm's rulebooks) the absorbing questions do not ask."""
    from tui.domain.scope import scope

    scoped = scope(profile, templates, CORPUS)
    by_id = {s.item.id: s for s in scoped}
    books = set(profile.rulebooks) | {b for t in templates for b in t.rulebooks}
    problems = []
    for s in scoped:
        if not s.included or not s.merged_into:
            continue
        into = [by_id[i] for i in s.merged_into]
        assert all(y.asked for y in into), (s.item.id, s.merged_into)
        for r in s.item.cites:
            if book(r) not in books:
                continue
            if not any(r in asks(y.item) and r in y.item.cites for y in into):
                problems.append(f"{s.item.id} → {','.join(s.merged_into)}: {r}")
        if s.level == "required" and not any(y.level == "required" for y in into):
            problems.append(f"{s.item.id}: required, absorbed into a question that is not")
    return problems


# --- 1. Merging never drops a duty ----------------------------------------------------------------------------

CONDITION_FIELDS = ("uses_cloud", "online_transactions", "system_integration_planned", "bank_api")


def condition_fields(templates: dict | None = None) -> tuple[str, ...]:
    """The yes/no profile facts the templates' conditions read (has_contractors comes from cloud and outsourcing)."""
    used = {c.field for t in (templates or TEMPLATES).values() for i in t.items() for c in i.conditions}
    flags = {f for f in used if f in CHARACTERISTICS} | set(CONDITION_FIELDS)
    return tuple(sorted(flags))


def every_profile(templates: dict | None = None):
    """Every business-line combination, outsourcing kind and combination of the facts the templates ask about.

    The firms are small (10 staff): the tier where an example is optional, so a duty dropped by size shows here.
    """
    fields = condition_fields(templates)
    lines = [c for n in range(1, len(BUSINESS_LINES) + 1) for c in itertools.combinations(BUSINESS_LINES, n)]
    for business in lines:
        for outsourcing in OUTSOURCING:
            for flags in itertools.product((False, True), repeat=len(fields)):
                yield Profile(
                    name="x",
                    business=business,
                    staff=10,
                    outsourcing=outsourcing,
                    **dict(zip(fields, flags, strict=True)),
                )


def test_no_duty_is_dropped_by_merging_for_any_profile():
    """For every combination of templates a profile can produce, absorbed items are covered by their absorbers."""
    problems: set[str] = set()
    for profile in every_profile():
        problems.update(dropped(profile, templates_for(profile, TEMPLATES)))
    assert not problems, sorted(problems)[:20]


def test_no_duty_is_dropped_when_templates_are_chosen_by_hand():
    """`start --template fsi-bcp --template fsa-notice-2020` and every other pair of shipped templates."""
    from tui.domain.scope import template_order

    problems: set[str] = set()
    ids = list(TEMPLATES)
    for a, b in itertools.combinations(ids, 2):
        chosen = template_order([TEMPLATES[a], TEMPLATES[b]])
        for profile in (
            Profile(name="x", business=("fs-intermediary", "online-securities"), staff=30, online_transactions=True),
            Profile(name="x", business=("e-payment", "online-securities"), staff=10, online_transactions=True),
        ):
            problems.update(dropped(profile, chosen))
    assert not problems, sorted(problems)[:20]


def asked_items(profile: Profile, template_ids: list[str]):
    from tui.domain.scope import scope, template_order

    return [s for s in scope(profile, template_order([TEMPLATES[t] for t in template_ids]), CORPUS) if s.asked]


def test_epayment_firm_under_the_notice_is_asked_about_access_rights_and_cyber_contingency_plans():
    firm = Profile(name="x", business=("e-payment", "online-securities"), staff=10, online_transactions=True)
    asked = asked_items(firm, ["jvcea-epayment", "fsa-notice-2020"])
    for ref in ("fsa-notice-2020:4.he", "fsa-notice-2020:5.ri"):
        assert any(ref in asks(s.item) for s in asked), ref
    ids = {s.item.id for s in asked}
    assert "notice.4.he" in ids  # jvcea.8.5 asks neither access rights nor the review of access logs
    assert "notice.5.ri.1" in ids  # jvcea.5.2.a/b ask neither a cyberattack contingency plan nor its review


def test_intermediary_offering_online_trading_is_asked_every_point_of_the_notice():
    firm = Profile(name="x", business=("fs-intermediary", "online-securities"), staff=30, online_transactions=True)
    asked = {s.item.id for s in asked_items(firm, ["fsi-bcp", "fsa-notice-2020"])}
    assert {"notice.5.ri.2", "notice.4.to.2", "notice.5.ro"} <= asked  # 「整備を図っているか」 is not 「当否を検討」


# --- 2. Obligation levels --------------------------------------------------------------------------------------

SENTENCE_LEVELS = [  # (sentence ending, level): checklists/README.md "Obligation levels"
    (r"当否を真摯に検討するものとする$", "consider"),
    (r"努め(なければならない|るものとする|る)$|努めなければならない$", "endeavor"),
    (r"(ならない|ものとする|遵守する)$", "shall"),
    (r"考えられる$", "example"),
    (r"望ましい$", "desirable"),
    (r"お願い(いた)?します$", "shall"),  # the notice's requests to members
    (r"か$", "shall"),  # the notice's supervisory points 「…しているか」
]
EXAMPLE_LIST = re.compile(r"例えば次の|例えば、次の|以下のような|次のような|危機例")


def sentence_level(sentence: str, defining: bool = False) -> str:
    s = sentence.strip().rstrip("。")
    if defining and s.endswith("含むものとする"):
        return "info"  # the scope of a definition (「…をいう。…も含むものとする」) states no duty
    for pattern, level in SENTENCE_LEVELS:
        if re.search(pattern, s):
            return level
    return "info"


def text_level(text: str) -> str:
    defining = "をいう" in text
    levels = [sentence_level(s, defining) for s in re.split(r"(?<=[。？])", text) if s.strip()]
    return next((lv for lv in LEVELS if lv in levels), "info")


def list_level(intro_text: str, inherited: str) -> str:
    """The level of the entries of a list introduced by `intro_text`, whose own level falls back to `inherited`."""
    intros = [
        s for s in re.split(r"(?<=。)", intro_text) if re.search(r"以下の|以下のような|次の各号|下記|次のような", s)
    ]
    intro = intros[-1] if intros else ""
    level = sentence_level(intro) if intro else "info"
    if level == "info":
        level = inherited
    if EXAMPLE_LIST.search(intro) or level == "example":
        return "example"  # the duty keeps its level; the listed measures are examples of how to meet it
    return level


def derived_levels() -> dict[str, str]:
    """Every rule provision's level (and its bullets', keyed ref#n) derived from the text alone."""
    out: dict[str, str] = {}

    def visit(ref: str, inherited: str) -> None:
        p = CORPUS[ref]
        own = text_level(p.ja)
        level = own if p.kind == "paragraph" or own != "info" else inherited
        out[ref] = level
        entries = list_level(p.ja, level)
        for n, b in enumerate(p.bullets):
            own_b = text_level(b.ja)
            out[f"{ref}#{n}"] = own_b if own_b != "info" else ("example" if "例えば" in b.ja else entries)
        for child in p.children:
            visit(child, entries)

    for p in CORPUS.provisions.values():
        if p.kind == "paragraph" and p.rulebook in CORPUS.rulebooks and not p.article.startswith("g"):
            visit(p.ref, "info")
    return out


GUIDELINE_LEVELS = [  # checklists/README.md: guideline comments
    (r"努める必要があります", "endeavor"),
    (r"必要があります|必要となります|必要です|べき|なりません", "shall"),
    (r"望ましい|望まれます", "desirable"),
    (r"例えば|考えられます", "example"),
]


def guideline_level(text: str) -> str:
    levels = []
    for sentence in re.split(r"(?<=。)", text):
        levels += [next((lv for pattern, lv in GUIDELINE_LEVELS if re.search(pattern, sentence)), "info")]
    return next((lv for lv in LEVELS if lv in levels), "info")


def test_every_guideline_level_is_derived_from_its_sentence_endings():
    wrong = [
        (p.ref, p.level, guideline_level(p.ja))
        for p in CORPUS.provisions.values()
        if p.kind == "guideline" and p.level != guideline_level(p.ja)
    ]
    assert not wrong, wrong[:10]


def corpus_level(key: str) -> str:
    ref, _, n = key.partition("#")
    p = CORPUS[ref]
    if not n:
        return p.level
    return getattr(p.bullets[int(n)], "level", None) or p.level


def test_every_level_is_derived_from_the_sentence_ending_and_the_list_context():
    wrong = [(k, corpus_level(k), want) for k, want in derived_levels().items() if corpus_level(k) != want]
    assert not wrong, f"{len(wrong)} levels differ from the rule in checklists/README.md, e.g. {wrong[:12]}"


@pytest.mark.parametrize(
    ("ref", "level"),
    [
        *((f"fsi-bcp:3.1.{n}", "shall") for n in range(1, 7)),  # 「例えば、以下の措置を講じるものとする」
        ("fsi-bcp:4.1.12", "shall"),  # comply with the FSA's personal-information guideline: binds regardless
        *((f"{b}:10.6.{n}", "example") for b in JVCEA for n in (1, 2, 3)),  # 「例えば次の各号に掲げる措置を含め」
        *((f"{b}:10.2.{n}", "example") for b in JVCEA for n in (1, 2, 3)),  # 「例えば次の各号の措置」
        *((f"{b}:10.6", "shall") for b in JVCEA),  # the duty keeps its level
        *((f"{b}:10.2", "endeavor") for b in JVCEA),
    ],
)
def test_levels_named_in_the_issue(ref, level):
    assert CORPUS[ref].level == level


def test_notice_bullets_are_examples_under_their_duty():
    for local in ("4.he", "5.ro", "5.ha", "5.ni", "5.to", "5.chi"):
        p = CORPUS[f"fsa-notice-2020:{local}"]
        assert p.level == "shall", local
        assert {getattr(b, "level", None) or p.level for b in p.bullets} == {"example"}, local


def test_fsi_crisis_examples_are_not_duties():
    p = CORPUS["fsi-bcp:13.1"]
    assert p.level == "shall"
    assert {getattr(b, "level", None) or p.level for b in p.bullets} == {"example"}


def test_a_small_firm_is_still_asked_the_duty_behind_an_example_list():
    from tui.domain.scope import scope

    small = Profile(name="x", business=("crypto-exchange",), staff=10)
    scoped = {s.item.id: s for s in scope(small, [TEMPLATES["jvcea-exchange"]], CORPUS)}
    duty = [s for s in scoped.values() if s.asked and {f"{b}:10.2" for b in JVCEA} & set(s.item.cites)]
    assert duty and all(s.level == "required" for s in duty)  # the 努力義務 of Art. 10(2) itself
    assert scoped["jvcea.10.2.2"].level != "required"  # DDoS load distribution is an example, not a duty


def test_fsi_personal_information_guideline_is_required_for_a_small_firm():
    from tui.domain.scope import scope

    small = Profile(name="x", business=("fs-intermediary",), staff=5, bank_api=True)  # 3(1)(vi): linkage
    scoped = {s.item.id: s for s in scope(small, [TEMPLATES["fsi-bcp"]], CORPUS)}
    assert scoped["fsi.4.1.12"].level == "required"
    for n in range(1, 7):
        rows = [s for s in scoped.values() if s.included and f"fsi-bcp:3.1.{n}" in s.item.cites]
        assert rows and all(s.level == "required" for s in rows), n


def test_the_rule_is_written_down():
    readme = (Path(__file__).resolve().parent.parent / "checklists" / "README.md").read_text(encoding="utf-8")
    assert "例えば" in readme and "お願いいたします" in readme and "以下のような" in readme


# --- 3. Links --------------------------------------------------------------------------------------------------

LINKS = [
    ("fsi-bcp:10.1", "5.2"),
    ("fsi-bcp:10.1", "23.5"),
    ("fsi-bcp:12.1", "4.5"),
    ("fsi-bcp:12.1", "6.1.3"),
    ("fsi-bcp:11.2", "4.5"),
    ("fsi-bcp:11.2", "6.1.3"),
    ("fsi-bcp:11.1", "27.1.9"),
    ("fsi-bcp:7.2", "11.5"),
    ("fsi-bcp:7.2", "8.3"),
    ("fsi-bcp:3.1.5", "11.5"),
    ("fsi-bcp:3.1.5", "8.3"),
    ("fsi-bcp:4.1.1", "8.4"),
    ("fsa-notice-2020:part2.1", "6.1.3"),
]


@pytest.mark.parametrize(("left", "jvcea"), LINKS)
def test_links_named_in_the_issue_exist(left, jvcea):
    linked = {e.ref for e in CORPUS.equivalents_of(left)}
    assert {f"{b}:{jvcea}" for b in JVCEA} <= linked


def test_notice_part2_links_to_fsi_recurrence_prevention():
    assert "fsi-bcp:12.1" in {e.ref for e in CORPUS.equivalents_of("fsa-notice-2020:part2.1")}


def test_weak_pairings_are_reviewed():
    """fsi 3.1.3 (report to management, crisis headquarters) and 3.1.4 (identify and answer risks of new services)."""
    for left, right in (("fsi-bcp:3.1.3", "jvcea-exchange:7.3"), ("fsi-bcp:3.1.4", "jvcea-exchange:11.1")):
        link = next((e for e in CORPUS.equivalents_of(left) if e.ref == right), None)
        assert link is None or (link.relation != "equal" and link.note and link.note.en), (left, right)
    assert "jvcea-exchange:4.5" in {e.ref for e in CORPUS.equivalents_of("fsi-bcp:3.1.3")}
    assert "jvcea-exchange:8.3" in {e.ref for e in CORPUS.equivalents_of("fsi-bcp:3.1.4")}


def test_fraud_prevention_note_does_not_call_a_shared_example_jvcea_only():
    for b in JVCEA:
        note = next(e.note for e in CORPUS.equivalents_of("fsa-notice-2020:5.chi") if e.ref == f"{b}:10.6")
        assert "both" in note.en and "共通" in note.ja, b


JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def test_same_numbered_jvcea_links_explain_their_difference_in_both_languages():
    for ref in CORPUS.equivalents:
        if book(ref) not in JVCEA:
            continue
        for e in CORPUS.equivalents_of(ref):
            if book(e.ref) in JVCEA and e.relation != "equal" and e.ref.split(":")[1] == ref.split(":")[1]:
                assert e.note and e.note.ja and e.note.en, (ref, e.ref)
                assert not JAPANESE.search(e.note.en.replace("「", "").replace("」", "")) or "(" in e.note.en, (
                    ref,
                    e.ref,
                    e.note.en,
                )


def test_subject_change_and_trivial_wording_are_told_apart():
    board = next(e for e in CORPUS.equivalents_of("jvcea-exchange:4.1") if e.ref == "jvcea-derivatives:4.1")
    assert "board of directors" in board.note.en and "representative director" in board.note.en
    assert "取締役会等" in board.note.ja
    wording = next(e for e in CORPUS.equivalents_of("jvcea-exchange:24.3") if e.ref == "jvcea-derivatives:24.3")
    assert "wording" in wording.note.en.lower() and "same" in wording.note.en.lower()
    assert "代表" not in wording.note.en and "−" not in wording.note.en


def test_english_readers_get_the_difference_in_english():
    proc = run_cli("show", "jvcea-exchange:4.1", "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    assert "board of directors" in proc.stdout and "representative director" in proc.stdout
    assert "−代表" not in proc.stdout and "+会等" not in proc.stdout


# --- 4. Triggers -----------------------------------------------------------------------------------------------


def test_cloud_without_outsourcing_still_brings_outsourcing_management():
    from tui.domain.scope import scope

    firm = Profile(name="x", business=("e-payment",), staff=10, uses_cloud=True, outsourcing="none")
    scoped = {s.item.id: s for s in scope(firm, [TEMPLATES["jvcea-epayment"]], CORPUS)}
    for item_id in ("jvcea.25.1", "jvcea.25.2", "jvcea.25.3", "jvcea.25.4", "jvcea.26.1", "jvcea.26.3", "jvcea.26.4"):
        assert scoped[item_id].included, item_id
        assert "クラウド" in scoped[item_id].reason_text("ja"), item_id
    online = Profile(name="x", business=("online-securities",), staff=10, uses_cloud=True, outsourcing="none")
    notice = {s.item.id: s for s in scope(online, [TEMPLATES["fsa-notice-2020"]], CORPUS)}
    for item_id in ("notice.8.ro.1", "notice.8.ro.2", "notice.8.ni.1", "notice.8.ni.2"):
        assert notice[item_id].included, item_id


def test_fsi_authentication_applies_to_any_access_to_the_service():
    from tui.domain.scope import scope

    firm = Profile(name="x", business=("fs-intermediary",), staff=10, online_transactions=False)
    scoped = {s.item.id: s for s in scope(firm, [TEMPLATES["fsi-bcp"]], CORPUS)}
    assert scoped["fsi.4.1.11.a"].included  # at fsi-bcp 4(1)'s level: an example measure (「考えられる」)
    assert "非対面" not in scoped["fsi.4.1.11.a"].reason_text("ja")


def test_derivatives_firm_is_not_asked_wording_its_article_lacks():
    from tui.domain.scope import scope

    firm = Profile(name="x", business=("crypto-derivatives",), staff=10)
    for s in scope(firm, [TEMPLATES["jvcea-derivatives"]], CORPUS):
        if not s.asked:
            continue
        if any(r.startswith("jvcea-derivatives:10.2") for r in s.cites):
            assert "速やかに実施" not in s.item.question.ja, s.item.id
    guidance = TEMPLATES["jvcea-exchange"].item("jvcea.23.1").guidance
    assert guidance and "役職員" in guidance.ja and "officers and employees" in guidance.en


# --- 5. Defaults and reasons -----------------------------------------------------------------------------------


def write_profile(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_cli_scope_without_template_uses_the_business_lines_templates(tmp_path):
    path = write_profile(tmp_path, "name: x\nbusiness: [crypto-exchange]\nstaff: 12\n")
    proc = run_cli("scope", "--profile", str(path), "--json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert any(r["id"].startswith("jvcea.") for r in rows)
    assert not any(r["template"] == "fsa-notice-2020" for r in rows)


def test_cli_start_without_template_uses_the_firms_templates(tmp_path, data_dir):
    path = write_profile(tmp_path, "name: x\nbusiness: [fs-intermediary]\nstaff: 12\n")
    assert run_cli("init", "--profile", str(path)).returncode == 0
    proc = run_cli("start", "1", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["templates"] == ["fsi-bcp"]


def test_workspace_and_cli_pick_templates_the_same_way(ws):
    from tui.domain.scope import templates_for as pick

    profile = Profile(name="x", business=("fs-intermediary", "online-securities"), staff=30)
    assert ws.templates_for(profile) == [t.id for t in pick(profile, list(ws.templates.values()))]


def test_reasons_cite_only_the_firms_rulebooks_and_never_contradict_themselves():
    from tui.domain.scope import scope

    for business in (("e-payment",), ("crypto-exchange",), ("crypto-derivatives", "e-payment")):
        firm = Profile(name="x", business=business, staff=10, online_transactions=True)
        chosen = templates_for(firm, TEMPLATES) + [TEMPLATES["fsa-notice-2020"]]
        allowed = set(firm.rulebooks) | {"fsa-notice-2020"}
        for s in scope(firm, chosen, CORPUS):
            for lang in ("ja", "en"):
                text = s.reason_text(lang)
                slugs = set(re.findall(r"(jvcea-[a-z]+|fsi-bcp|fsa-notice-2020):", text))
                assert slugs <= allowed, (s.item.id, text)
            en = s.reason_text("en")
            assert not ("optional" in en and "every firm" in en), (s.item.id, en)
            ja = s.reason_text("ja")
            assert not ("任意" in ja and "すべての事業者" in ja), (s.item.id, ja)


# --- 6. Notice framing and translations --------------------------------------------------------------------------


@pytest.mark.skipif(not SOURCES.is_dir(), reason="../shared/sources is not beside the checkout")
def test_notice_headings_use_the_notices_own_wording():
    from tests.test_corpus import norm, source_text

    source = source_text("fsa-notice-2020")
    for ref in ("fsa-notice-2020:4.1", "fsa-notice-2020:5.1", "fsa-notice-2020:8.1"):
        assert norm(CORPUS[ref].ja) in source, ref  # as printed, in one piece
    assert "III. 監督上の評価項目と諸手続（共通編）" in CORPUS["fsa-notice-2020:4.1"].ja
    assert CORPUS["fsa-notice-2020:5.1"].ja.startswith("⑤")
    assert CORPUS["fsa-notice-2020:8.1"].ja.startswith("⑧")
    raw = (Path(__file__).resolve().parent.parent / "checklists" / "rulebooks" / "fsa-notice-2020.yaml").read_text(
        encoding="utf-8"
    )
    assert "(周知文)" in raw


def test_the_notice_is_cited_as_the_notice_it_is(tmp_path, data_dir):
    """The source prints 「(周知文)」 above the notice's title: the report's list of cited documents keeps it."""
    path = write_profile(tmp_path, "name: x\nbusiness: [online-securities]\nstaff: 12\n")
    assert run_cli("init", "--profile", str(path)).returncode == 0
    assert run_cli("start", "1").returncode == 0
    labels = {"ja": "(周知文) オンライン取引サービスを顧客に提供する", "en": "(Notice) Request for Self-Inspection"}
    for lang, label in labels.items():
        out = tmp_path / f"r-{lang}.md"
        proc = run_cli("report", "1", "--format", "md", "--out", str(out), "--lang", lang)
        assert proc.returncode == 0, proc.stderr
        assert label in out.read_text(encoding="utf-8"), lang
    proc = run_cli("show", "fsa-notice-2020:part2", "--json")
    assert json.loads(proc.stdout)[0]["rulebook_label"] == {"ja": "(周知文)", "en": "(Notice)"}


def test_notice_paragraphs_are_not_given_numbers_the_notice_does_not_print():
    """The notice numbers its two requests (1. and 2.) but not the paragraphs under them."""
    proc = run_cli("show", "fsa-notice-2020:part2", "--lang", "ja")
    assert proc.returncode == 0, proc.stderr
    assert "また、不正アクセス" in proc.stdout
    assert not re.search(r"^\s*2\s+また", proc.stdout, re.M)
    proc = run_cli("show", "fsa-notice-2020:part1", "--lang", "en")
    assert not re.search(r"^\s*[234]\s+\S", proc.stdout, re.M), proc.stdout


def test_translation_fixes():
    assert CORPUS["jvcea-exchange:g7"].en.split(". ")[1].startswith("Depending on")
    assert re.search(r"\b(are to|shall|must)\b put in place", CORPUS["fsi-bcp:9.4"].en)
    assert CORPUS["jvcea-derivatives:10.2.2"].en == CORPUS["jvcea-exchange:10.2.2"].en
    for b in JVCEA:
        assert "without due cause" in CORPUS[f"{b}:20.2"].en, b
        assert "Rules on Information Security Management for" in CORPUS[f"{b}:8.1"].en, b
        assert "malicious IP addresses" in CORPUS[f"{b}:10.6.1"].en, b
    assert (
        "constantly" in CORPUS["jvcea-epayment:g9.3.6"].en and "day and night" not in CORPUS["jvcea-epayment:g9.3.6"].en
    )


# --- Three firms: `tenken scope --profile F --json`, no --template, asks everything they are subject to --------

DUTY = ("shall", "endeavor", "consider")


def is_covered(ref: str, refs: set[str]) -> bool:
    """`ref`, one of its ancestors, or all of its children are among `refs`."""
    node: str | None = ref
    while node:
        if node in refs:
            return True
        node = CORPUS[node].parent
    children = CORPUS[ref].children
    return bool(children) and all(c in refs for c in children)


def is_cited(ref: str, refs: set[str]) -> bool:
    """`ref` itself, or every one of its children (recursively), is among `refs`: citing the article or paragraph
    above a duty does not count as asking it."""
    if ref in refs:
        return True
    children = CORPUS[ref].children
    return bool(children) and all(is_cited(c, refs) for c in children)


def subject_to(profile: Profile, rows: list[dict]) -> list[str]:
    """Duties of the firm's rulebooks that no listed, asked item asks (conditional ones excluded by a fact aside)."""
    asked_rows = [r for r in rows if r["included"] and not r["merged_into"]]
    items = {i.id: i for t in TEMPLATES.values() for i in t.items()}
    asked_refs: set[str] = set()
    for r in asked_rows:
        asked_refs |= asks(items[r["id"]]) & set(items[r["id"]].cites)
    excluded_refs = {ref for r in rows if r["excluded"] for ref in items[r["id"]].cites}
    missing = []
    for p in CORPUS.provisions.values():
        if p.rulebook not in profile.rulebooks or p.kind not in ("paragraph", "item") or p.level not in DUTY:
            continue
        ok = is_covered(p.ref, asked_refs)
        if not ok and p.ref in excluded_refs:
            ok = True  # conditional on a fact the firm does not have
        if not ok:
            missing.append(p.ref)
    return missing


@pytest.mark.parametrize("name", ["epayment-10-cloud", "exchange-derivatives-400", "intermediary-online-30"])
def test_three_firms_are_asked_every_provision_they_are_subject_to(name):
    path = PROFILES / f"{name}.yaml"
    profile = load_profile(path)
    proc = run_cli("scope", "--profile", str(path), "--all", "--json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert not subject_to(profile, rows)
    books = set(profile.rulebooks)
    for r in rows:
        if not r["included"]:
            continue
        refs = [x for x in r["refs"] if book(x) in books]
        assert refs, r["id"]
        assert any(x in r["reason"] for x in refs), (r["id"], r["reason"])
        assert "ため" in r["reason"] or "対象外" in r["reason"], (r["id"], r["reason"])  # names the fact
        level = max((CORPUS[x].level for x in refs if x in CORPUS), key=lambda lv: -LEVELS.index(lv))
        if level == "shall":
            assert r["level"] == "required", (r["id"], r["level"])  # no shall dropped by size
    # nothing absorbed that its absorber does not ask
    templates = templates_for(profile, TEMPLATES)
    assert not dropped(profile, templates)
    assert not dropped(replace(profile, size="small"), templates)


#: Provisions whose own words make them conditional (「…を行う場合」「外部委託」「クラウドサービスを利用する場合」),
#: with the profile fact that brings them in; reviewed against ../shared/sources. "jvcea" stands for the three
#: JVCEA rulebooks; a key covers its paragraphs, items and guideline comments. Every other provision a firm's
#: rulebooks state at shall, endeavor or consider level is a duty of every firm under them, whatever its size.
CONDITIONAL = {
    "jvcea:10.5": "online_transactions",  # インターネット等…非対面の取引を行う場合
    "jvcea:10.6": "online_transactions",
    "jvcea:23": "system_integration_planned",  # システム統合を行う場合
    "jvcea:25": "has_contractors",  # システムに関する外部委託 (a cloud provider is a contractor: g26.4)
    "jvcea:26": "has_contractors",
    "jvcea:27.1": "uses_cloud",  # クラウドサービスを利用する場合
    "fsi-bcp:9": "has_contractors",  # 外部委託管理
    "fsi-bcp:11.1": "uses_cloud",  # クラウドサービスを利用する場合
    "fsa-notice-2020:5.to": "online_transactions",  # 非対面の取引を行う場合
    "fsa-notice-2020:5.chi": "online_transactions",
    "fsa-notice-2020:8.ro": "has_contractors",  # 外部委託契約
    "fsa-notice-2020:8.ni": "has_contractors",
}


FACT_WORDS = {
    "online_transactions": "非対面の取引を行う場合",
    "system_integration_planned": "システム統合",
    "has_contractors": "外部委託",
    "uses_cloud": "クラウドサービスを利用する場合",
}


def test_the_conditional_provisions_are_conditional_in_their_own_words():
    """Each entry of CONDITIONAL is read from the text: every duty under it names the fact that brings it in
    (itself, or the paragraph or article above it)."""
    for key, fact in CONDITIONAL.items():
        slug, local = key.split(":", 1)
        for b in JVCEA if slug == "jvcea" else (slug,):
            ref = f"{b}:{local}"
            for p in CORPUS.walk(ref):
                if p.kind == "article" or p.level not in DUTY:
                    continue
                text = p.ja + (CORPUS[p.parent].ja if p.parent else "")
                assert FACT_WORDS[fact] in text, (p.ref, fact)


def condition_of(ref: str) -> str | None:
    """The fact `ref` is conditional on by its own words, or None for a duty of every firm under its rulebook."""
    slug, local = ref.split(":", 1)
    local = local[1:] if local.startswith("g") and not local.startswith("gch") else local
    for key, fact in CONDITIONAL.items():
        k_book, k_local = key.split(":", 1)
        if (slug in JVCEA if k_book == "jvcea" else slug == k_book) and (
            local == k_local or local.startswith(k_local + ".")
        ):
            return fact
    return None


def duties(profile: Profile) -> list[str]:
    """Every provision (paragraph, item, guideline comment) the firm is subject to at shall/endeavor/consider."""
    out = []
    for p in CORPUS.provisions.values():
        if p.rulebook not in profile.rulebooks or p.kind not in ("paragraph", "item", "guideline"):
            continue
        if p.level not in DUTY:
            continue
        fact = condition_of(p.ref)
        if fact is None or profile.value(fact):
            out.append(p.ref)
    return out


def firm_problems(profile: Profile, templates: list, corpus=CORPUS) -> list[str]:
    """What the Done-when of issue 13 forbids, for one firm and the templates it gets.

    Every duty of the firm's rulebooks is asked by a question the firm answers (cited by it, or by an item that
    question absorbed); every included item has a reason naming a fact (「…ため」) and one of the firm's provisions,
    and cites no rulebook the firm is not under; no item citing a shall/endeavor/consider provision of the firm's
    rulebooks is anything but required; and nothing is absorbed into a question that does not ask it.
    """
    from tui.domain.scope import scope

    scoped = scope(profile, templates, corpus)
    chosen = set(profile.rulebooks) | {b for t in templates for b in t.rulebooks}
    asked: set[str] = set()
    for s in scoped:
        if s.included:  # an absorbed item's provisions are asked through the items that absorbed it
            asked |= set(s.item.cites)
    problems = [f"not asked: {ref}" for ref in duties(profile) if not is_cited(ref, asked)]
    for s in scoped:
        if not s.included:
            continue
        own = [r for r in s.cites if book(r) in profile.rulebooks]
        for lang, fact_marker in (("ja", "ため"), ("en", "included: ")):
            text = s.reason_text(lang)
            if fact_marker not in text:
                problems.append(f"{s.item.id}: the reason names no fact ({lang}): {text}")
            if own and not any(r in text for r in own):
                problems.append(f"{s.item.id}: the reason names none of the firm's provisions ({lang}): {text}")
            foreign = set(re.findall(r"(jvcea-[a-z]+|fsi-bcp|fsa-notice-2020):", text)) - chosen
            if foreign:
                problems.append(f"{s.item.id}: the reason cites {sorted(foreign)}, which the firm is not under")
        levels = {corpus.effective_level(r) for r in own if r in corpus}
        if levels & set(DUTY) and s.level != "required":
            problems.append(f"{s.item.id}: cites a {sorted(levels & set(DUTY))} provision but is {s.level}")
    return problems + dropped(profile, templates)


def test_every_firm_is_asked_every_duty_it_is_subject_to():
    """The Done-when for every firm a profile can describe, not only the three fixtures.

    Every business-line combination, outsourcing kind and yes/no fact the templates read, at the small tier.
    """
    problems: set[str] = set()
    for profile in every_profile():
        found = firm_problems(profile, templates_for(profile, TEMPLATES))
        problems.update(f"{'+'.join(profile.business)}: {p}" for p in found)
    assert not problems, sorted(problems)[:20]


def test_a_financial_service_intermediary_without_an_api_is_asked_its_linkage_duty():
    """fsi-bcp 3(1)(vi) sets no condition: every intermediary works with the financial institutions it serves."""
    from tui.domain.scope import scope

    firm = Profile(name="x", business=("fs-intermediary",), staff=30, bank_api=False)
    scoped = {s.item.id: s for s in scope(firm, [TEMPLATES["fsi-bcp"]], CORPUS)}
    assert scoped["fsi.3.1.6"].asked and scoped["fsi.3.1.6"].level == "required"
    assert "fsi-bcp:3.1.6" in scoped["fsi.3.1.6"].reason_text("en")


@pytest.mark.parametrize("ref", ["g5.1", "g6.1.2", "g7", "g9.3.6"])
def test_guideline_duties_are_cited_by_the_question_that_asks_them(ref):
    """A guideline comment that says what a member must do (必要があります, べき) is cited, so the report cites it."""
    for b in JVCEA:
        assert any(f"{b}:{ref}" in i.cites for t in TEMPLATES.values() for i in t.items()), (b, ref)


@pytest.mark.parametrize("path", sorted(PROFILES.glob("*.yaml")), ids=lambda p: p.stem)
def test_scope_without_all_lists_every_duty_of_the_firm(path):
    """`tenken scope --profile F --json`, exactly as the issue runs it: the listed items ask every duty."""
    profile = load_profile(path)
    proc = run_cli("scope", "--profile", str(path), "--json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert rows and all(r["included"] for r in rows)
    assert all("guidance" in r for r in rows) and any(r["guidance"] for r in rows)  # how to answer, when there is any
    items = {i.id: i for t in TEMPLATES.values() for i in t.items()}
    listed = {ref for r in rows for ref in items[r["id"]].cites}
    assert not [ref for ref in duties(profile) if not is_cited(ref, listed)]
    books = set(profile.rulebooks)
    for r in rows:
        own = [x for x in r["refs"] if book(x) in books]
        assert own and any(x in r["reason"] for x in own), (r["id"], r["reason"])
        assert "ため" in r["reason"], (r["id"], r["reason"])  # 「…ため」: the fact that brings the item in
        if {CORPUS.effective_level(x) for x in own} & set(DUTY):
            assert r["level"] == "required", (r["id"], r["level"])


USER_TEMPLATE = """
id: my-notice-check
title: {ja: 自社版周知文点検, en: Our notice check}
rulebooks: [fsa-notice-2020]
sections:
  - id: mine
    title: {ja: 自社, en: Ours}
    items:
      - id: mine.access
        question:
          ja: アクセス権限とアクセス記録の検証を行っていますか。
          en: Do you limit access rights and review logs?
        cites: [fsa-notice-2020:4.he, jvcea-epayment:8.5]
      - id: mine.mutual
        question: {ja: 開発と運用を分離していますか。, en: Do you separate development and operations?}
        cites: [jvcea-epayment:8.5, fsa-notice-2020:4.he]
"""


def test_the_same_checks_run_on_user_templates(ws, data_dir):
    (data_dir / "templates").mkdir(parents=True, exist_ok=True)
    (data_dir / "templates" / "mine.yaml").write_text(USER_TEMPLATE, encoding="utf-8")
    from tui.workspace import Workspace

    w = Workspace(data_dir)
    try:
        templates, problems = load_templates(CORPUS, data_dir / "templates")
        assert not problems
        for profile in every_profile():
            if "online-securities" not in profile.business or profile.outsourcing != "none":
                continue
            chosen = templates_for(profile, templates)
            assert "my-notice-check" in [t.id for t in chosen]
            assert not dropped(profile, chosen), profile.business
        firm = Profile(name="x", business=("e-payment", "online-securities"), staff=10)
        assert "my-notice-check" in w.templates_for(firm)
    finally:
        w.close()


USER_FSI_TEMPLATE = """
id: my-fsi-check
title: {ja: 自社版仲介業点検, en: Our intermediary check}
rulebooks: [fsi-bcp]
sections:
  - id: mine-fsi
    title: {ja: 自社, en: Ours}
    items:
      - id: mine.fsi.keys
        question:
          ja: 利用者から預かる認証情報と暗号鍵の管理ルールを定めていますか。
          en: Have you set rules for managing the credentials and keys you hold for users?
        cites: [fsi-bcp:4.1.7, fsa-notice-2020:4.to]
        applies_if:
          - field: custody
            any_of: [true]
            reason: {ja: 顧客の資産又は鍵を管理している, en: you hold customer assets or keys}
      - id: mine.fsi.plan
        question:
          ja: コンティンジェンシープランを年1回見直していますか。
          en: Do you review the contingency plan yearly?
        cites: [fsi-bcp:10.2, jvcea-exchange:5.2]
"""


def test_the_done_when_checks_run_on_user_templates(tmp_path):
    """A consultant's templates beside the shipped ones: for any firm, every duty still asked, reasons and levels
    as for the shipped templates, nothing absorbed that its absorber does not ask (hypothesis over profiles)."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    (tmp_path / "mine.yaml").write_text(USER_TEMPLATE, encoding="utf-8")
    (tmp_path / "mine-fsi.yaml").write_text(USER_FSI_TEMPLATE, encoding="utf-8")
    templates, problems = load_templates(CORPUS, tmp_path)
    assert not problems and {"my-notice-check", "my-fsi-check"} <= set(templates)
    facts = {f: st.booleans() for f in CHARACTERISTICS}
    firms = st.builds(
        Profile,
        name=st.just("x"),
        business=st.lists(st.sampled_from(BUSINESS_LINES), min_size=1, max_size=5, unique=True).map(tuple),
        staff=st.integers(min_value=1, max_value=2000),
        outsourcing=st.sampled_from(OUTSOURCING),
        **facts,
    )
    seen: set[str] = set()

    @settings(max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(firms)
    def check(profile: Profile) -> None:
        chosen = templates_for(profile, templates)
        seen.update(t.id for t in chosen)
        assert not firm_problems(profile, chosen), (profile, firm_problems(profile, chosen)[:5])

    check()
    assert {"my-notice-check", "my-fsi-check"} <= seen


def test_a_user_template_cannot_claim_to_cover_what_it_does_not_cite(tmp_path):
    bad = USER_TEMPLATE.replace("id: my-notice-check", "id: my-bad-check").replace(
        "        cites: [fsa-notice-2020:4.he, jvcea-epayment:8.5]\n",
        "        cites: [fsa-notice-2020:4.he, jvcea-epayment:8.5]\n        covers: [fsi-bcp:4.1.6]\n",
    )
    (tmp_path / "bad.yaml").write_text(bad, encoding="utf-8")
    templates, problems = load_templates(CORPUS, tmp_path)
    assert "my-bad-check" not in templates
    assert len(problems) == 1 and "covers" in str(problems[0]) and "fsi-bcp:4.1.6" in str(problems[0])


def test_the_report_cites_the_provisions_of_absorbed_items(tmp_path, data_dir):
    from tui.domain.scope import scope

    text = "name: x\nbusiness: [crypto-exchange, online-securities]\nstaff: 20\nonline_transactions: true\n"
    path = write_profile(tmp_path, text)
    assert run_cli("init", "--profile", str(path)).returncode == 0
    assert run_cli("start", "1").returncode == 0
    out = tmp_path / "r.json"
    proc = run_cli("report", "1", "--format", "json", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    report = out.read_text(encoding="utf-8")
    profile = load_profile(path)
    absorbed = [s for s in scope(profile, templates_for(profile, TEMPLATES), CORPUS) if s.merged_into]
    assert absorbed  # the notice's (5) ho, he and to are asked once, through the JVCEA items
    for s in absorbed:
        for ref in s.cites:
            assert f'"{ref}"' in report, (s.item.id, ref)


async def test_the_inspection_screen_shows_how_to_answer(ws, app_factory, pinned):
    """An item's guidance is what turns an example list into "which of these" and names a difference between the
    rulebooks (jvcea.23.1: 会員 vs 役職員): the person answering sees it beside the question, in either language."""
    import datetime as dt

    from textual.widgets import Static

    firm = ws.add_firm(
        Profile(name="x", business=("crypto-exchange", "crypto-derivatives"), staff=10, system_integration_planned=True)
    )
    ws.start_inspection(firm.id, ws.templates_for(firm.profile), dt.date(2026, 11, 20))
    for lang, words in (("ja", ("回答の手引き：", "役職員")), ("en", ("How to answer: ", "officers and employees"))):
        app = app_factory(lang)
        async with app.run_test(size=(140, 40)) as pilot:
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            screen = app.screen
            example = "例えば" if lang == "ja" else "examples"
            for item_id, expected in (("jvcea.23.1", words[1]), ("jvcea.10.2", example)):
                screen.show_item(item_id)
                await pilot.pause()
                shown = str(screen.query_one("#expectation", Static).content)
                assert words[0] in shown and expected in shown, (lang, item_id, shown[-300:])
