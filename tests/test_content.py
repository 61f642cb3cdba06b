"""Content files: a bad file names its file, line and field; a consultant's bad template is skipped, never fatal."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tui.content.errors import ContentError
from tui.content.loader import build_corpus, load_module, load_template_file, load_templates
from tui.paths import training_dir

GOOD_TEMPLATE = """\
id: my-check
title: {ja: "自社点検", en: "Our check"}
rulebooks: [fsa-notice-2020]
sections:
  - id: s1
    title: {ja: "第一", en: "First"}
    items:
      - id: my.1
        question: {ja: "確認していますか。", en: "Do you check?"}
        cites: [fsa-notice-2020:5.ro]
"""


@pytest.fixture(scope="module")
def corpus():
    return build_corpus()


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_template_loads(tmp_path, corpus):
    t = load_template_file(_write(tmp_path, GOOD_TEMPLATE), corpus)
    assert [i.id for i in t.items()] == ["my.1"]


@pytest.mark.parametrize(
    ("change", "line", "field", "words"),
    [
        (
            ("cites: [fsa-notice-2020:5.ro]", "cites: [fsa-notice-2020:9.zz]"),
            10,
            "sections.0.items.0.cites.0",
            "unknown reference",
        ),
        (
            ("        cites: [fsa-notice-2020:5.ro]\n", "        cites: [fsa-notice-2020:5.ro]\n        asked: yes\n"),
            11,
            "sections.0.items.0.asked",
            "unknown field",
        ),
        (("      - id: my.1\n", "      - id: My One\n"), 8, "sections.0.items.0.id", "expected form"),
        (("rulebooks: [fsa-notice-2020]", "rulebooks: [no-such-book]"), 3, "rulebooks.0", "unknown rulebook"),
        (('title: {ja: "第一", en: "First"}', 'title: {ja: "第一"}'), 6, "sections.0.title.en", "missing"),
        (("sections:", "sections: [oops"), None, None, "YAML syntax error"),
    ],
)
def test_bad_template_names_file_line_and_field(tmp_path, corpus, change, line, field, words):
    from tui.i18n import set_language

    set_language("en")
    path = _write(tmp_path, GOOD_TEMPLATE.replace(*change))
    with pytest.raises(ContentError) as err:
        load_template_file(path, corpus)
    e = err.value
    assert e.path == path
    if line is not None:
        assert e.line == line, e.describe()
    if field is not None:
        assert e.field == field, e.describe()
    assert words in e.describe() and str(path) in e.describe()


def test_duplicate_item_ids_are_refused(tmp_path, corpus):
    text = (
        GOOD_TEMPLATE
        + """\
      - id: my.1
        question: {ja: "二度目ですか。", en: "Twice?"}
        cites: [fsa-notice-2020:5.ro]
"""
    )
    with pytest.raises(ContentError, match="my.1"):
        load_template_file(_write(tmp_path, text), corpus)


def test_a_bad_user_template_is_reported_and_skipped(tmp_path, corpus):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "good.yaml").write_text(GOOD_TEMPLATE, encoding="utf-8")
    (folder / "bad.yaml").write_text(GOOD_TEMPLATE.replace("my-check", "bad").replace("5.ro", "5.zz"), encoding="utf-8")
    templates, problems = load_templates(corpus, folder)
    assert "my-check" in templates and "bad" not in templates
    assert "fsa-notice-2020" in templates
    assert len(problems) == 1 and problems[0].path.name == "bad.yaml"


def test_every_shipped_module_loads_with_its_minimums(corpus):
    from tui.content.loader import load_modules

    modules = load_modules(corpus)
    assert len(modules) >= 4
    for m in modules.values():
        assert len(m.lessons) >= 4 and len(m.quiz) >= 10, m.id
        for q in m.quiz:
            assert all(c.explanation.ja and c.explanation.en for c in q.choices)
            assert q.cites
        for lesson in m.lessons:
            assert lesson.body.ja.strip() and lesson.body.en.strip()
    assert modules["csirt-onboarding"].exercise is not None


def test_a_broken_module_names_its_file_and_field(tmp_path, corpus):
    src = training_dir() / "security-awareness"
    dst = tmp_path / "security-awareness"
    shutil.copytree(src, dst)
    module = dst / "module.yaml"
    text = module.read_text(encoding="utf-8")
    cite = next(line for line in text.splitlines() if "cites: [" in line and "quiz" not in line)
    module.write_text(text.replace(cite, cite.replace("[", "[jvcea-exchange:99.9, ", 1), 1), encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_module(dst, corpus)
    assert err.value.path == module and err.value.line and "cites" in (err.value.field or "")
