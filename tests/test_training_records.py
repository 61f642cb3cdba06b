"""Training records that travel and report (issue 18, second part): bundles carry trainees, sessions, rosters,
attempts and review cards; pre- and post-tests; the session's completion report; PDF certificates; who played which
role in a tabletop exercise. Each test asserts what a trainer would see."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from tests.conftest import PINNED_TODAY, run_cli
from tui.domain.training import EXERCISE, PASSED
from tui.store.bundle import BundleError
from tui.workspace import UserError, Workspace

MODULE = "security-awareness"


def _answer_all(ws: Workspace, attempt_id: int, wrong: int = 0):
    """Answer every question, the first `wrong` of them wrongly, and finish."""
    module = ws.training_module(MODULE)
    for n, q in enumerate(module.quiz):
        picked = [next(c.id for c in q.choices if not c.correct)] if n < wrong else sorted(q.correct_ids)
        ws.answer_question(attempt_id, q.id, picked, today=PINNED_TODAY)
    return ws.finish_attempt(attempt_id)


@pytest.fixture
def english():
    from tui.i18n import set_language

    set_language("en")  # the autouse fixture sets Japanese back afterwards


@pytest.fixture
def classroom(english, ws, demo):
    """A session of the demo firm's for three trainees: 山田 passed, 佐藤 failed, 鈴木 never started."""
    firm_id = ws.firms()[0].id
    s = ws.create_training_session(MODULE, PINNED_TODAY, "研修 講師", "ja", firm_id=firm_id, prepost=True)
    people = [ws.add_to_roster(s.id, name, dept) for name, dept in (("山本次郎", "総務部"), ("佐藤花子", "営業部"))]
    people.append(ws.add_to_roster(s.id, "鈴木一郎", "システム部"))
    yamada, sato, _suzuki = people
    _answer_all(ws, ws.start_attempt(yamada.id, MODULE, session_id=s.id, phase="pre").id, wrong=8)
    _answer_all(ws, ws.start_attempt(yamada.id, MODULE, session_id=s.id, phase="post").id)
    _answer_all(ws, ws.start_attempt(sato.id, MODULE, session_id=s.id, phase="post").id, wrong=10)
    card_trainee = sato.id
    assert ws.training.cards(card_trainee)  # wrong answers made review cards
    return ws, s, people


def _other(tmp_path: Path, name: str) -> Workspace:
    return Workspace(tmp_path / name)


def _names(ws: Workspace) -> set[str]:
    return {t.name for t in ws.trainees()}


# --- 1. training records travel in bundles -------------------------------------------------------------------


def test_a_bundle_carries_the_firms_training_records(classroom, demo, tmp_path):
    ws, s, (yamada, sato, suzuki) = classroom
    path = ws.export_bundle(demo.id, tmp_path / "with-training.tenken")
    doc = json.loads(gzip.decompress(path.read_bytes()))
    assert doc["version"] == 2 and len(doc["payload"]["training"]["attempts"]) == 3
    other = _other(tmp_path, "laptop-b")
    result = other.import_bundle(path)
    assert result.training is not None and result.training.trainees == 3 and result.training.attempts == 3
    assert _names(other) == {"山本次郎", "佐藤花子", "鈴木一郎"}
    (session,) = other.training_sessions()
    assert session.uid == s.uid and session.prepost and session.trainer == "研修 講師"
    by_name = {c.trainee.name: c for c in other.session_results(session.id)}
    assert by_name["山本次郎"].status == PASSED and by_name["佐藤花子"].status_label == "not passed"
    assert by_name["鈴木一郎"].status_label == "not started"
    sato_there = next(t for t in other.trainees() if t.name == "佐藤花子")
    assert sato_there.uid == sato.uid and sato_there.department == "営業部"
    assert len(other.training.cards(sato_there.id)) == len(ws.training.cards(sato.id))
    pp = other.session_pre_post(session.id)
    yamada_there = next(t for t in other.trainees() if t.name == "山本次郎")
    assert pp[yamada_there.id].gain is not None and pp[yamada_there.id].gain > 0
    other.close()


def test_importing_the_same_bundle_twice_changes_nothing(classroom, demo, tmp_path):
    ws, _s, _people = classroom
    path = ws.export_bundle(demo.id, tmp_path / "twice.tenken")
    other = _other(tmp_path, "laptop-b")
    other.import_bundle(path)
    before = (
        [(t.uid, t.name) for t in other.trainees()],
        [(a.uid, a.finished_at, dict(a.answers)) for a in other.training.attempts()],
        [(s.uid, [t.uid for t in s.roster]) for s in other.training_sessions()],
    )
    again = other.import_bundle(path)
    assert again.training is not None and not again.training.changed
    after = (
        [(t.uid, t.name) for t in other.trainees()],
        [(a.uid, a.finished_at, dict(a.answers)) for a in other.training.attempts()],
        [(s.uid, [t.uid for t in s.roster]) for s in other.training_sessions()],
    )
    assert after == before
    # and back to the first laptop: nothing doubles there either
    back = other.export_bundle(other.firm_inspections(other.firms()[0].id)[0].id, tmp_path / "back.tenken")
    returned = ws.import_bundle(back)
    assert returned.training is not None and not returned.training.changed
    assert len(ws.trainees()) == 3 and len(ws.training.attempts()) == 3
    other.close()


def test_an_erased_trainee_is_not_brought_back_by_an_older_bundle(classroom, demo, tmp_path):
    ws, s, (yamada, _sato, _suzuki) = classroom
    old = ws.export_bundle(demo.id, tmp_path / "old.tenken")  # still holds 山本次郎's name
    ws.delete_trainee(yamada.id)
    result = ws.import_bundle(old)
    assert "山本次郎" not in _names(ws)
    assert result.training is not None and result.training.withheld == 1 and result.training.trainees == 0
    raw = gzip.decompress(ws.export_bundle(demo.id, tmp_path / "new.tenken").read_bytes()).decode()
    assert "山本次郎" not in raw and yamada.uid not in raw  # the bundle names them by the tombstone's digest only
    # counts survive: the session still has three on its roster and 山田's attempts, anonymous
    assert len(ws.training_session(s.id).roster) == 3
    assert sum(1 for a in ws.training.attempts() if a.trainee_id == yamada.id) == 2


def test_an_erasure_travels_to_the_other_laptop(classroom, demo, tmp_path):
    ws, s, (yamada, _sato, _suzuki) = classroom
    other = _other(tmp_path, "laptop-b")
    other.import_bundle(ws.export_bundle(demo.id, tmp_path / "first.tenken"))
    assert "山本次郎" in _names(other)
    ws.delete_trainee(yamada.id)
    result = other.import_bundle(ws.export_bundle(demo.id, tmp_path / "after-erasure.tenken"))
    assert result.training is not None and result.training.erased == 1
    assert "山本次郎" not in _names(other)
    (session,) = other.training_sessions()
    assert len(session.roster) == 3  # the anonymous row, not a second one
    again = other.import_bundle(tmp_path / "first.tenken")  # the older bundle again: still erased
    assert "山本次郎" not in _names(other) and again.training is not None and again.training.withheld == 1
    other.close()


def test_a_bundle_without_training_records_on_request(classroom, demo, tmp_path):
    _ws, _s, _people = classroom
    out = run_cli(
        "--data-dir",
        str(_ws.data_dir),
        "bundle",
        "export",
        str(demo.id),
        str(tmp_path / "plain.tenken"),
        "--without-training",
    )
    assert out.returncode == 0, out.stderr
    doc = json.loads(gzip.decompress((tmp_path / "plain.tenken").read_bytes()))
    assert doc["version"] == 1 and "training" not in doc["payload"]


def _forged(path: Path, change) -> Path:
    from tui.store.bundle import _digest

    doc = json.loads(gzip.decompress(path.read_bytes()))
    change(doc["payload"]["training"])
    doc["sha256"] = _digest(doc["payload"])
    forged = path.with_name("forged-" + path.name)
    forged.write_bytes(gzip.compress(json.dumps(doc).encode()))
    return forged


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda t: t["trainees"][0].update(name="x" * 101), "trainees.0.name"),
        (lambda t: t["attempts"][0].update(trainee="0" * 64), "do not list"),
        (lambda t: t["trainees"].append(dict(t["trainees"][0])), "listed twice"),
        (lambda t: t["trainees"][0].update(erased=True), "personal data"),
        (lambda t: t["trainees"][0].update(email="not an address"), "e-mail"),
        (lambda t: t["attempts"][0].update(started_at="2099-01-01T00:00:00"), "ahead"),
        (lambda t: t["attempts"][0].update(phase="during"), "phase"),
        (lambda t: t["attempts"][0]["answers"].update({f"q{n}": "a" for n in range(600)}), "too many"),
    ],
)
def test_a_forged_training_part_is_refused_whole(classroom, demo, tmp_path, change, words):
    ws, _s, _people = classroom
    forged = _forged(ws.export_bundle(demo.id, tmp_path / "b.tenken"), change)
    other = _other(tmp_path, "laptop-b")
    with pytest.raises(BundleError) as info:
        other.import_bundle(forged)
    assert "Nothing was imported" in str(info.value) and words in str(info.value)
    assert other.firms() == [] and other.trainees() == []
    other.close()


def test_cli_import_says_what_the_training_records_brought(classroom, demo, tmp_path):
    ws, _s, _people = classroom
    path = ws.export_bundle(demo.id, tmp_path / "cli.tenken")
    out = run_cli("--data-dir", str(tmp_path / "laptop-c"), "bundle", "import", str(path), env={"LANG": "en_US.UTF-8"})
    assert out.returncode == 0, out.stderr
    assert "Training records: 3 new trainees, 1 new sessions, 3 attempts" in out.stdout


# --- 3. pre- and post-tests -----------------------------------------------------------------------------------


def test_pre_and_post_test_side_by_side_with_the_gain(classroom):
    ws, s, (yamada, sato, suzuki) = classroom
    pp = ws.session_pre_post(s.id)
    n = len(ws.training_module(MODULE).quiz)
    assert pp[yamada.id].pre == (n - 8) * 100 // n and pp[yamada.id].post == 100
    assert pp[yamada.id].gain == 100 - (n - 8) * 100 // n
    assert pp[sato.id].pre is None and pp[sato.id].gain is None
    assert pp[suzuki.id].pre is None and pp[suzuki.id].post is None


def test_a_pre_test_is_an_exam_and_never_completes_the_module(pinned, english, ws):
    s = ws.create_training_session(MODULE, PINNED_TODAY, "講師", "ja", prepost=True)
    t = ws.add_to_roster(s.id, "高橋")
    pre = ws.start_attempt(t.id, MODULE, session_id=s.id, phase="pre")
    assert pre.mode == "exam"  # no explanation teaches the answers before the lessons
    _answer_all(ws, pre.id)  # full marks on the pre-test …
    (result,) = ws.session_results(s.id)
    assert result.status_label == "in progress"  # … is not a pass: the post-test is
    post = ws.start_attempt(t.id, MODULE, session_id=s.id, phase="post")
    assert post.id != pre.id and post.phase == "post"
    _answer_all(ws, post.id)
    assert ws.session_results(s.id)[0].status == PASSED
    with pytest.raises(UserError):
        ws.start_attempt(t.id, MODULE, phase="pre")  # outside a session there is no pre-test


# --- 6. roles per person in a tabletop exercise ---------------------------------------------------------------


EXERCISE_MODULE = "csirt-onboarding"  # the hot-wallet exercise


def _exercise_session(ws: Workspace, people):
    s = ws.create_training_session(EXERCISE_MODULE, PINNED_TODAY, "研修 講師", "ja", firm_id=ws.firms()[0].id)
    for t in people:
        ws.training.add_to_roster(s.id, t.id)
    return s


def test_who_played_which_role_is_recorded_and_travels(classroom, demo, tmp_path):
    ws, _s, (yamada, sato, suzuki) = classroom
    s = _exercise_session(ws, (yamada, sato, suzuki))
    attempt = ws.start_attempt(yamada.id, EXERCISE_MODULE, kind=EXERCISE, session_id=s.id)
    ws.set_exercise_roles(attempt.id, {"csirt": yamada.id, "legal": sato.id, "comms": suzuki.id})
    stored = ws.training.attempt(attempt.id)
    from tui.domain.training import role_players

    assert role_players(stored, ws.trainees_by_uid()) == [
        ("csirt", "山本次郎"),
        ("legal", "佐藤花子"),
        ("comms", "鈴木一郎"),
    ]
    stranger = ws.add_trainee("部外者")
    with pytest.raises(UserError):
        ws.set_exercise_roles(attempt.id, {"csirt": stranger.id})
    with pytest.raises(UserError):
        ws.set_exercise_roles(attempt.id, {"janitor": yamada.id})
    other = _other(tmp_path, "laptop-b")
    other.import_bundle(ws.export_bundle(demo.id, tmp_path / "roles.tenken"))
    there = next(a for a in other.training.attempts() if a.kind == EXERCISE)
    assert role_players(there, other.trainees_by_uid())[1] == ("legal", "佐藤花子")
    other.close()


def test_roles_are_in_the_xapi_context(classroom, tmp_path):
    ws, _s, (yamada, sato, _suzuki) = classroom
    s = _exercise_session(ws, (yamada, sato))
    attempt = ws.start_attempt(yamada.id, EXERCISE_MODULE, kind=EXERCISE, session_id=s.id)
    ws.set_exercise_roles(attempt.id, {"csirt": yamada.id, "management": sato.id})
    ex = ws.training_module(EXERCISE_MODULE).exercise
    while (
        inject := ex.next_inject({k: str(v) for k, v in ws.training.attempt(attempt.id).answers.items()})
    ) is not None:
        ws.choose_decision(attempt.id, inject.id, inject.decisions[0].id)
    ws.finish_attempt(attempt.id)
    path = ws.export_training_records("json", tmp_path / "xapi.json", session_id=s.id)
    statements = json.loads(path.read_text())
    (st,) = [x for x in statements if x["context"]["registration"] == attempt.uid]
    roles = next(v for k, v in st["context"]["extensions"].items() if k.endswith("/xapi/roles"))
    assert roles == {"csirt": yamada.uid, "management": sato.uid}


# --- 2. content gaps --------------------------------------------------------------------------------------------


def _lesson_text(ws: Workspace, module_id: str, lesson_id: str, lang: str) -> str:
    module = ws.training_module(module_id)
    return next(lesson for lesson in module.lessons if lesson.id == lesson_id).body.get(lang)


@pytest.mark.parametrize(
    ("module_id", "lesson_id", "ja_words", "en_words"),
    [
        (
            "security-awareness",
            "social-engineering",
            ("ボイスフィッシング", "ヘルプデスク", "採用担当者", "ディープフェイク", "かけ直"),
            ("vishing", "help desk", "recruiter", "deepfake", "call back"),
        ),
        (
            "security-awareness",
            "passwords-mfa",
            (
                "定期的な変更を強制しない",
                "15文字以上",
                "8文字以上",
                "ブロックリスト",
                "パスワードマネージャー",
                "パスキー",
            ),
            (
                "No forced periodic changes",
                "at least 15 characters",
                "at least 8",
                "blocklist",
                "password manager",
                "Passkeys",
            ),
        ),
        (
            "csirt-onboarding",
            "ransomware-backups",
            ("3-2-1", "オフライン", "復元テスト"),
            ("3-2-1", "offline", "Restore tests"),
        ),
        (
            "csirt-onboarding",
            "wallet-keys",
            ("コールドウォレット", "マルチシグ", "照合"),
            ("Cold wallets", "multisig", "Reconcile"),
        ),
        (
            "csirt-onboarding",
            "reporting",
            ("3～5日", "30日以内", "60日以内", "第一報"),
            ("3–5 days", "30 days", "60 days", "First report"),
        ),
    ],
)
def test_the_missing_topics_are_taught_in_both_languages(ws, module_id, lesson_id, ja_words, en_words):
    ja, en = _lesson_text(ws, module_id, lesson_id, "ja"), _lesson_text(ws, module_id, lesson_id, "en")
    assert all(w in ja for w in ja_words), [w for w in ja_words if w not in ja]
    assert all(w.lower() in en.lower() for w in en_words), [w for w in en_words if w.lower() not in en.lower()]


def test_the_exercise_prescribes_phishing_resistant_mfa_after_credential_phishing(ws):
    """The intrusion came from a password and one-time code typed into a fake page: the best way to prevent a
    recurrence is phishing-resistant authentication, and forced periodic changes are not it (NIST SP 800-63B-4)."""
    exercise = ws.training_module("csirt-onboarding").exercise
    inject = next(i for i in exercise.injects if i.id == "i8")  # 再発防止 / preventing recurrence
    assert "fake login page" in inject.situation.en
    best = max(inject.decisions, key=lambda d: d.score)
    assert "phishing-resistant" in best.text.en and "FIDO2" in best.text.en and "フィッシングに強い認証" in best.text.ja
    periodic = next(d for d in inject.decisions if "every month" in d.text.en)
    assert periodic.score < best.score / 2 and "periodic" in periodic.debrief.en


def test_a_quiz_asks_about_passkeys_and_help_desk_resets(ws):
    quiz = ws.training_module("security-awareness").quiz
    passkeys = next(q for q in quiz if "fake login page" in q.text.en)
    assert [c.text.en for c in passkeys.choices if c.correct] == ["Passkeys or FIDO2 security keys."]
    helpdesk = next(q for q in quiz if "help desk" in q.text.en)
    assert "call back on the registered number" in next(c for c in helpdesk.choices if c.correct).text.en


# --- 4. the session's completion report -------------------------------------------------------------------------


def _docx_text(path: Path) -> tuple[str, list[list[str]]]:
    from docx import Document

    doc = Document(str(path))
    text = "\n".join(p.text for p in doc.paragraphs)
    tables = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    return text, tables


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("ja", {"title": "研修修了報告書", "pass": "合格", "fail": "不合格", "absent": "未受講", "pre": "事前テスト"}),
        (
            "en",
            {
                "title": "Training completion report",
                "pass": "Pass",
                "fail": "Fail",
                "absent": "Not attended",
                "pre": "Pre-test",
            },
        ),
    ],
)
def test_the_completion_report_lists_the_roster_with_results_in_both_languages(classroom, tmp_path, lang, words):
    ws, s, (yamada, sato, suzuki) = classroom
    path = ws.export_session_report(s.id, tmp_path / f"report-{lang}.docx", lang=lang)
    text, rows = _docx_text(path)
    assert words["title"] in text
    from docx import Document
    from docx.shared import Length

    page = Document(str(path)).sections[0]  # A4 landscape, 15 mm on every side, as the progress report
    margins = [page.left_margin, page.right_margin, page.top_margin, page.bottom_margin]
    sizes = [page.page_width, page.page_height, *margins]  # stored in twips: compared to the millimetre
    assert [round(Length(v).mm) for v in sizes] == [297, 210, 15, 15, 15, 15]
    facts = {r[0]: r[1] for r in rows if len(r) == 2}
    assert "研修 講師" in facts.values() and "株式会社サンプル" in facts.values()  # the trainer, the firm
    assert ws.training_module(MODULE).title.get(lang) in facts.values()
    header = next(r for r in rows if len(r) > 2)
    assert words["pre"] in header
    by_name = {r[1]: r for r in rows if len(r) > 2 and r[1] in ("山本次郎", "佐藤花子", "鈴木一郎")}
    n = len(ws.training_module(MODULE).quiz)
    assert by_name["山本次郎"][3] == words["pass"] and by_name["山本次郎"][5:8] == [
        f"{(n - 8) * 100 // n}%",
        "100%",
        f"+{100 - (n - 8) * 100 // n}",
    ]
    assert by_name["佐藤花子"][3] == words["fail"]  # failed: 不合格, never 受講中
    assert by_name["鈴木一郎"][3] == words["absent"] and by_name["鈴木一郎"][4] == "—"
    assert by_name["山本次郎"][-1] != "—" and by_name["佐藤花子"][-1] == "—"  # the day completed
    # the xlsx says the same
    from openpyxl import load_workbook

    book = load_workbook(ws.export_session_report(s.id, tmp_path / f"report-{lang}.xlsx", lang=lang))
    cells = [[c.value for c in row] for row in book.active.iter_rows()]
    sato_row = next(r for r in cells if "佐藤花子" in r)
    assert sato_row[3] == words["fail"] and sato_row[1] == "佐藤花子"


def test_cli_writes_the_report_and_refuses_other_suffixes(classroom, tmp_path):
    ws, s, _people = classroom
    env = {"TENKEN_HOME": str(ws.data_dir), "LANG": "en_US.UTF-8"}
    ok = run_cli("train", "report", str(s.id), "-o", str(tmp_path / "r.docx"), env=env)
    assert ok.returncode == 0, ok.stderr
    assert "Wrote" in ok.stdout and (tmp_path / "r.docx").is_file()
    bad = run_cli("train", "report", str(s.id), "-o", str(tmp_path / "r.pdf"), env=env)
    assert bad.returncode == 1 and "must end in .docx or .xlsx" in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "r.pdf").exists()


# --- 5. PDF certificates ----------------------------------------------------------------------------------------

FAKE_SOFFICE = """#!{python}
import sys, pathlib
args = sys.argv[1:]
pathlib.Path({log!r}).write_text("\\n".join(args))
out = pathlib.Path(args[args.index("--outdir") + 1])
out.mkdir(parents=True, exist_ok=True)
source = pathlib.Path(args[-1])
{body}
"""


def _fake_converter(tmp_path: Path, monkeypatch, body: str) -> Path:
    import sys

    folder = tmp_path / "bin"
    folder.mkdir()
    log = tmp_path / "soffice-args.txt"
    script = folder / "soffice"
    script.write_text(FAKE_SOFFICE.format(python=sys.executable, log=str(log), body=body))
    script.chmod(0o755)
    monkeypatch.setenv("PATH", str(folder))
    return log


def test_a_pdf_certificate_through_the_converter_on_path(classroom, tmp_path, monkeypatch):
    ws, s, (yamada, _sato, _suzuki) = classroom
    log = _fake_converter(
        tmp_path,
        monkeypatch,
        'assert source.suffix == ".docx" and source.stat().st_size > 0\n'
        '(out / (source.stem + ".pdf")).write_bytes(b"%PDF-1.4 fake certificate")',
    )
    target, note = ws.certificate_path(tmp_path / "cert.pdf")
    assert target == tmp_path / "cert.pdf" and note == ""
    written = ws.training_certificate(s.id, yamada.id, target)
    assert written.read_bytes() == b"%PDF-1.4 fake certificate"
    args = log.read_text().split("\n")
    assert "--headless" in args and args[args.index("--convert-to") + 1] == "pdf"
    assert not Path(args[-1]).parent.exists()  # the converter's temporary folder is gone


def test_a_converter_that_fails_writes_nothing_and_says_so(classroom, tmp_path, monkeypatch):
    from tui.export import ExportError

    ws, s, (yamada, _sato, _suzuki) = classroom
    _fake_converter(tmp_path, monkeypatch, "sys.exit(3)")
    with pytest.raises(ExportError) as info:
        ws.training_certificate(s.id, yamada.id, tmp_path / "cert.pdf")
    assert str(info.value) == "The PDF converter did not produce a PDF; nothing was written."
    assert not (tmp_path / "cert.pdf").exists()


def test_without_a_converter_the_certificate_is_a_docx_and_one_sentence_says_so(classroom, tmp_path):
    ws, s, (yamada, _sato, _suzuki) = classroom
    empty = tmp_path / "nothing-on-path"
    empty.mkdir()
    env = {"TENKEN_HOME": str(ws.data_dir), "LANG": "en_US.UTF-8", "PATH": str(empty)}
    out = run_cli("train", "certificate", str(s.id), str(yamada.id), "-o", str(tmp_path / "c.pdf"), env=env)
    assert out.returncode == 0, out.stderr
    assert "No PDF converter (LibreOffice) is installed, so the certificate was written as a Word file." in out.stdout
    assert (tmp_path / "c.docx").is_file() and not (tmp_path / "c.pdf").exists()


@pytest.mark.skipif(
    not (__import__("shutil").which("soffice") or __import__("shutil").which("libreoffice")),
    reason="LibreOffice is not installed",
)
def test_a_real_pdf_certificate_with_libreoffice(classroom, tmp_path):
    import shutil
    import subprocess

    ws, s, (yamada, _sato, _suzuki) = classroom
    written = ws.training_certificate(s.id, yamada.id, tmp_path / "real.pdf", lang="ja")
    assert written.read_bytes().startswith(b"%PDF-")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(written), "-"], capture_output=True, text=True, check=True).stdout
        assert "修了証" in text and "山本次郎" in text


def test_a_pre_test_is_never_a_pass_of_the_course_in_xapi(classroom, tmp_path):
    ws, s, (yamada, _sato, _suzuki) = classroom
    statements = json.loads(ws.export_training_records("json", tmp_path / "x.json", session_id=s.id).read_text())
    mine = [st for st in statements if st["actor"]["account"]["name"] == yamada.uid]
    pre = next(st for st in mine if st["context"]["extensions"].get("https://tenken.example/xapi/phase") == "pre")
    post = next(st for st in mine if st["context"]["extensions"].get("https://tenken.example/xapi/phase") == "post")
    assert pre["object"]["id"].endswith("/pre-test") and pre["object"]["definition"]["type"].endswith("assessment")
    assert pre["context"]["contextActivities"]["parent"][0]["id"] == post["object"]["id"]
    assert post["verb"]["id"].endswith("passed") and post["object"]["id"].endswith("/modules/security-awareness")
    from tests.test_xapi import xapi_problems

    assert not any(xapi_problems(st) for st in statements)  # still valid by the xAPI 1.0.3 rules
