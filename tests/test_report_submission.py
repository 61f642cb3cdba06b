"""A response report a firm can submit as is (issue 14): each test reads the produced file back.

Scenarios: the demo, a three-template inspection (exchange + derivatives + notice) and a five-template one, every
item answered, with problems, customer damage found (「顧客2名で不正出金（計120万円）」) and an evidence file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import stat
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.shared import Mm

from tests.conftest import open_inspection, run_cli
from tests.report_scenarios import DAMAGE_CASE, FIVE, RECEIVED, THREE, build
from tui.export import ExportError, export_report, write_atomically
from tui.workspace import NotReady

pytestmark = pytest.mark.usefixtures("pinned")

TEXT_FORMATS = ("md", "html", "docx", "xlsx")


@pytest.fixture
def three(ws, tmp_path) -> int:
    return build(ws, THREE, tmp_path / "evidence")


@pytest.fixture
def five(ws, tmp_path) -> int:
    return build(ws, FIVE, tmp_path / "evidence")


def _export(ws, inspection_id: int, lang: str, fmt: str, folder: Path, name: str = "report") -> Path:
    return export_report(ws.report(inspection_id, lang), fmt, folder / f"{name}-{lang}.{fmt}")


class _Text(HTMLParser):
    """The visible text of an HTML page, and its tables as lists of rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.tables: list[dict] = []
        self._cell: list[str] | None = None
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("style", "title"):
            self._skip += 1
        elif tag == "table":
            self.tables.append({"class": a.get("class", ""), "rows": [], "cols": []})
        elif tag == "col" and self.tables:
            self.tables[-1]["cols"].append(a.get("class", ""))
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("style", "title"):
            self._skip -= 1
        elif tag in ("td", "th") and self._cell is not None and self.tables:
            self.tables[-1]["rows"][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._skip:
            return
        self.parts.append(data)
        if self._cell is not None:
            self._cell.append(data)

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _html(path: Path) -> _Text:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def _xlsx_text(path: Path) -> str:
    wb = openpyxl.load_workbook(path)
    return "\n".join(str(c.value) for sheet in wb for row in sheet.iter_rows() for c in row if c.value is not None)


def _text(path: Path) -> str:
    if path.suffix == ".html":
        return _html(path).text
    if path.suffix == ".docx":
        return _docx_text(path)
    if path.suffix == ".xlsx":
        return _xlsx_text(path)
    return path.read_text(encoding="utf-8")


# --- 1. English Word export of three or more templates; export errors stay in the dialog ------------------


@pytest.mark.parametrize("which", ["three", "five"])
def test_english_docx_of_many_templates_is_written_with_a_title_word_accepts(ws, tmp_path, request, which):
    inspection = request.getfixturevalue(which)
    for lang in ("en", "ja"):
        path = _export(ws, inspection, lang, "docx", tmp_path)
        props = docx.Document(str(path)).core_properties
        assert 0 < len(props.title) <= 255 and props.title.startswith(("Response report", "自主点検"))
        assert ws.report(inspection, lang).title in _docx_text(path)  # the whole title is still on the cover


async def test_a_failing_export_is_one_sentence_in_the_dialog_and_the_app_keeps_running(
    demo, app_factory, tmp_path, monkeypatch
):
    import tui.export.docx

    def broken(report, path):
        raise ValueError("python-docx refused a property: 1月 回答 secret")

    monkeypatch.setattr(tui.export.docx, "write_docx", broken)
    out = tmp_path / "report.docx"
    app = app_factory()
    async with app.run_test(size=(140, 50)) as pilot:
        await open_inspection(pilot)
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#path").value = str(out)
        await pilot.click("#ok")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running and type(app.screen).__name__ == "ExportDialog"
        message = str(app.screen.query_one("#dialog-error").render())
        assert message.count("。") + message.count(". ") <= 2 and "secret" not in message and "Traceback" not in message
        assert not app.screen.query_one("#ok").disabled  # the user can try again
    assert not out.exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".report.docx")]


# --- 2. English HTML summary readable --------------------------------------------------------------------------


def test_english_html_summary_has_a_wide_section_column_and_short_status_headers(ws, three, tmp_path):
    path = _export(ws, three, "en", "html", tmp_path)
    html = path.read_text(encoding="utf-8")
    summary = next(t for t in _html(path).tables if t["class"] == "summary")
    assert summary["cols"][0] == "section" and "table.summary col.section { width: 31%; }" in html
    header = summary["rows"][0]
    assert header[1:] == ["unanswered", "compliant", "partial", "problem", "n/a", "Total"]
    assert "overflow-wrap: anywhere" not in html and "white-space: nowrap; }" not in html.split(".problems")[0]
    assert summary["rows"][-1][0] == "Total" and summary["rows"][-1][-1] == str(ws.inspection(three).progress.total)


# --- 3. customer damage as its own section ------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_customer_damage_found_is_stated_plainly_with_each_case(ws, three, tmp_path, lang, fmt):
    report = ws.report(three, lang)
    path = export_report(report, fmt, tmp_path / f"r.{fmt}")
    text = _text(path)
    statement = {"ja": "顧客被害あり", "en": "Customer damage was found."}[lang]
    assert statement in text
    assert DAMAGE_CASE in text  # what happened
    assert "11月5日に判明" in text  # when it was found
    assert "関東財務局へ電話で一報済み" in text  # reported when and to whom: an n/a answer shows its justification
    assert "被害顧客2名に11月7日に電話と書面で説明" in text  # how customers were answered
    # the problems table lists the damage item the summary counts
    assert "notice.part2.past-damage" in [r.item_id for r in report.problems]
    if fmt == "md":
        problems = text.split("\n## ")[3]  # the problems section
        assert DAMAGE_CASE in problems


def test_damage_statement_none_and_still_checking(ws, demo, tmp_path):
    report = ws.report(demo.id, "ja")
    assert report.damage.state == "checking" and "確認中" in _text(export_report(report, "md", tmp_path / "a.md"))
    ws.save_answer(demo.id, "notice.part2.past-damage", status="compliant", note="過去3年分のログを確認した。")
    report = ws.report(demo.id, "en")
    assert report.damage.state == "none"
    assert "No customer damage was found." in _text(export_report(report, "html", tmp_path / "b.html"))


# --- 4. finalize checks readiness -------------------------------------------------------------------------


def test_finalize_refuses_an_incomplete_inspection_and_lists_what_is_open(ws, demo):
    ws.save_answer(demo.id, "notice.5.ro", owner="", target_date=None)
    issues = ws.readiness(demo.id)
    kinds = {i.kind for i in issues}
    assert "unanswered" in kinds and "problem-incomplete" in kinds
    missing = next(i for i in issues if i.kind == "problem-incomplete")
    assert missing.item_id == "notice.5.ro" and missing.missing == ("owner", "target_date")
    assert "担当者" in missing.text() and "対応期限" in missing.text()
    with pytest.raises(NotReady) as refused:
        ws.finalize(demo.id, "田中花子")
    assert refused.value.issues == issues and not ws.inspection(demo.id).finalized
    assert all(re.fullmatch(r"\d+-\d+", i.number) for i in issues)  # numbered as in the report, to jump to


def test_finalize_checks_the_submission_date(ws, three):
    with pytest.raises(NotReady) as refused:
        ws.finalize(three, "田中花子", submitted_on=dt.date(2020, 1, 1))
    assert [i.kind for i in refused.value.issues] == ["submitted-before-received"]
    info = ws.finalize(three, "田中花子", submitted_on=RECEIVED + dt.timedelta(days=20))
    assert info.finalized and info.open_points == 0


def test_cli_finalize_prints_the_open_points_and_records_an_override(tmp_path):
    env = {"TENKEN_HOME": str(tmp_path / "home")}
    assert run_cli("demo", env=env).returncode == 0
    refused = run_cli("finalize", "1", "--officer", "田中", env=env)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert re.search(r"^  \d+-\d+", refused.stderr, re.M) and "--allow-incomplete" in refused.stderr.splitlines()[-1]
    early = run_cli("finalize", "1", "--officer", "田中", "--submitted", "2020-01-01", env=env)
    assert early.returncode == 1 and "2020" in early.stderr
    done = run_cli("finalize", "1", "--officer", "田中", "--allow-incomplete", env=env)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "r.md"
    assert run_cli("report", "1", "--format", "md", "--out", str(out), "--lang", "en", env=env).returncode == 0
    cover = out.read_text(encoding="utf-8").split("## ")[0]
    assert "finalized although the readiness check found" in cover and "--allow-incomplete" in cover


@pytest.mark.parametrize("fmt", ["md", "html", "docx", "xlsx", "json"])
def test_finalized_report_carries_its_sign_off_date_and_keeps_its_document_date(ws, three, tmp_path, monkeypatch, fmt):
    from tui.domain import inspection

    ws.finalize(three, "田中花子", submitted_on=dt.date(2026, 11, 20))  # pinned clock: 2026-11-23 10:30
    monkeypatch.setattr(inspection, "today", lambda: dt.date(2027, 4, 1))  # exported again months later
    report = ws.report(three, "en")
    assert report.document_date == dt.date(2026, 11, 23)
    path = export_report(report, fmt, tmp_path / f"r.{fmt}")
    if fmt == "json":
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["finalized_at"].startswith("2026-11-23T10:30") and data["document_date"] == "2026-11-23"
        return
    if fmt == "xlsx":
        wb = openpyxl.load_workbook(path)
        dates = {c.value.date() for r in wb.worksheets[0].iter_rows() for c in r if isinstance(c.value, dt.datetime)}
        assert {dt.date(2026, 11, 23), dt.date(2026, 11, 20)} <= dates and dt.date(2027, 4, 1) not in dates
        return
    text = _text(path)
    assert "November 23, 2026" in text and "November 20, 2026" in text and "April 1, 2027" not in text
    if fmt == "docx":
        props = docx.Document(str(path)).core_properties
        assert props.created.replace(tzinfo=None) == dt.datetime(2026, 11, 23, 10, 30)  # not the template's 2013


async def test_tui_finalize_dialog_lists_open_points_to_jump_to_and_asks_for_the_submission_date(
    demo, app_factory, data_dir
):
    from textual.widgets import OptionList

    app = app_factory()
    async with app.run_test(size=(140, 50)) as pilot:
        screen = await open_inspection(pilot)
        await pilot.press("f")
        await pilot.pause()
        issues = app.screen.query_one("#issues", OptionList)
        assert issues.option_count == len(screen.tenken.ws.readiness(demo.id))
        assert app.screen.query_one("#submitted").value == "2026-11-23"
        issues.focus()
        issues.highlighted = 1
        await pilot.press("enter")  # go to that item
        await pilot.pause()
        assert app.screen is screen and screen.current == screen.tenken.ws.readiness(demo.id)[1].item_id
        await pilot.press("f")
        await pilot.pause()
        app.screen.query_one("#submitted").value = "2026-11-20"
        app.screen.query_one("#allow").value = True
        await pilot.click("#ok")
        await pilot.pause()
        assert screen.info.finalized and screen.info.submitted_on == dt.date(2026, 11, 20)


# --- 5. xlsx on paper ----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_xlsx_prints_landscape_fitted_to_width_with_rows_as_tall_as_their_text(ws, three, tmp_path, lang):
    report = ws.report(three, lang)
    wb = openpyxl.load_workbook(export_report(report, "xlsx", tmp_path / "r.xlsx"))
    for sheet in wb:
        setup = sheet.page_setup
        assert setup.orientation == "landscape" and int(setup.paperSize) == 9, sheet.title  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and setup.fitToWidth == 1 and setup.fitToHeight == 0
        widths = [sheet.column_dimensions[c].width for c in "ABCDE" if sheet.column_dimensions[c].width]
        assert sum(w for w in widths) <= 200, sheet.title  # prints at a readable scale, not 25 %
    answers = wb[report.t("Answers")]
    assert answers.max_column <= 6
    for row in answers.iter_rows(min_row=2):
        lines = max(str(c.value).count("\n") + 1 for c in row if c.value)
        assert all(c.alignment.wrap_text for c in row if c.value)
        if lines >= 4:
            assert answers.row_dimensions[row[0].row].height >= 4 * 10, row[0].value
    summary = wb[report.t("Summary")]
    values = [[c.value for c in r] for r in summary.iter_rows()]
    assert summary.row_dimensions[1].height >= 24 and not summary.cell(1, 1).alignment.wrap_text
    assert any(r[0] == report.t("Total") and r[-1] == report.total for r in values)
    assert any(
        str(r[0]).endswith(f"{len(report.problems)}件" if lang == "ja" else f": {len(report.problems)}") for r in values
    )


# --- 6. html problems table -------------------------------------------------------------------------


def test_html_problems_table_has_column_widths_and_a_huge_finding_stays_in_the_annex(ws, tmp_path):
    huge = "ログの保存期間が定められていない。" * 1200  # 20,400 characters
    inspection = build(ws, THREE, tmp_path / "evidence", long_finding=huge)
    path = _export(ws, inspection, "ja", "html", tmp_path)
    page = _html(path)
    problems = next(t for t in page.tables if t["class"] == "problems")
    assert problems["cols"] == ["no", "item", "cites", "status", "finding", "risk", "remedy", "owner", "date"]
    cell = next(r[4] for r in problems["rows"][1:] if r[4].startswith("ログの保存期間"))
    assert len(cell) < 700 and "別紙の項目" in cell
    assert huge in page.text  # the whole finding, once, in the annex


# --- 7. docx tables --------------------------------------------------------------------------------------


def test_docx_tables_have_their_own_column_widths_and_the_chart_fits_its_column(ws, three, tmp_path):
    path = _export(ws, three, "en", "docx", tmp_path)
    document = docx.Document(str(path))
    problems = next(t for t in document.tables if t.rows[0].cells[0].text == "No." and len(t.columns) == 9)
    widths = [round(c.width.mm) for c in problems.columns]
    assert len(set(widths)) > 3 and sum(widths) <= 258  # landscape A4 less margins
    assert widths[1] > 2 * widths[0]
    with zipfile.ZipFile(path) as z:
        body = z.read("word/document.xml").decode()
    assert body.count("<w:cantSplit") > 10 and 'w:type="fixed"' in body
    chart = next(t for t in document.tables if "█" in t.rows[0].cells[1].text)
    bar_cell = chart.columns[1].width
    longest = max(len(r.cells[1].text) for r in chart.rows)
    assert longest * Mm(2.6) <= bar_cell  # a 7 pt block is about 2.5 mm wide: one line per section
    landscape = [s for s in document.sections if s.page_width > s.page_height]
    assert len(landscape) == 1


# --- 8. citations as readers know them ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_citations_as_readers_cite_them_never_internal_ids(ws, three, tmp_path, fmt):
    ja = _text(_export(ws, three, "ja", fmt, tmp_path))
    en = _text(_export(ws, three, "en", fmt, tmp_path))
    assert "監督指針 III-2-8(1)⑤イ" in ja and "交換業規則 第10条第2項" in ja
    assert "Exchange Rules Art. 10(2)" in en and "Supervisory Guidelines III-2-8(1)(5) i" in en
    for text in (ja, en):
        assert not re.search(r"(jvcea-exchange|jvcea-derivatives|fsa-notice-2020|fsi-bcp):", text)
        assert not re.search(r"\bnotice\.\d", text)  # nor item ids
    # each rulebook's full title once (the list of rules cited), not on every row
    assert ja.count("暗号資産交換業に係るシステムリスク管理に関する規則") == 1


# --- 9. evidence without the laptop's folders ---------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["md", "html", "docx", "xlsx", "json"])
def test_evidence_by_label_file_name_and_hash_never_the_absolute_path(ws, three, tmp_path, fmt):
    evidence = ws.store.answers(three)["notice.part2.past-damage"].evidence[0]
    assert evidence.path and Path(evidence.path).is_absolute()
    raw = _export(ws, three, "ja", fmt, tmp_path).read_bytes()
    text = raw.decode("utf-8", "replace") if fmt != "xlsx" and fmt != "docx" else _text(tmp_path / f"report-ja.{fmt}")
    assert "アクセスログ分析結果.pdf" in text and evidence.sha256 in text
    assert str(Path(evidence.path).parent) not in text and str(tmp_path) not in text


# --- 10. addressee ----------------------------------------------------------------------------------


def test_addressee_defaults_to_the_association_in_the_report_language(ws, demo, tmp_path):
    ja = _text(_export(ws, demo.id, "ja", "md", tmp_path))
    en = _text(_export(ws, demo.id, "en", "md", tmp_path))
    assert "（宛先未設定）" not in ja and "一般社団法人日本暗号資産等取引業協会 御中" in ja
    assert "**To:** Japan Virtual and Crypto assets Exchange Association" in en


def test_an_inspection_under_jvcea_and_fsi_rules_addresses_both(ws, five, tmp_path):
    text = _text(_export(ws, five, "ja", "docx", tmp_path))
    assert "一般社団法人日本暗号資産等取引業協会 御中、金融サービス仲介業者の協会 御中" in text


def test_addressee_set_by_cli_and_refused_when_hostile(tmp_path):
    env = {"TENKEN_HOME": str(tmp_path / "home")}
    assert run_cli("demo", env=env).returncode == 0
    set_ = run_cli("addressee", "1", "関東財務局 理財部長 殿", env=env)
    assert set_.returncode == 0 and "関東財務局 理財部長 殿" in set_.stdout
    hostile = run_cli("addressee", "1", "x\x1b[31my", env=env)
    assert hostile.returncode == 1 and "\x1b" not in hostile.stderr + hostile.stdout
    out = tmp_path / "r.md"
    assert run_cli("report", "1", "--format", "md", "--out", str(out), env=env).returncode == 0
    assert "関東財務局 理財部長 殿" in out.read_text(encoding="utf-8")
    assert "一般社団法人" in run_cli("addressee", "1", "--default", env=env).stdout
    started = run_cli("start", "1", "--addressee", "金融庁 証券課 御中", "--json", env=env)
    assert started.returncode == 0, started.stderr
    new_id = str(json.loads(started.stdout)["id"])
    assert "ja: 金融庁 証券課 御中" in run_cli("addressee", new_id, env=env).stdout
    refused = run_cli("start", "1", "--addressee", "x" * 301, env=env)
    assert refused.returncode == 1 and len(json.loads(run_cli("list", "--json", env=env).stdout)[0]["inspections"]) == 2


async def test_addressee_set_in_the_export_dialog(demo, app_factory, tmp_path):
    out = tmp_path / "report.md"
    app = app_factory()
    async with app.run_test(size=(140, 50)) as pilot:
        await open_inspection(pilot)
        await pilot.press("e")
        await pilot.pause()
        field = app.screen.query_one("#addressee")
        assert "日本暗号資産等取引業協会" in field.placeholder and field.value == ""
        field.value = "日本証券業協会 御中"
        app.screen.query_one("#format").value = "md"
        app.screen.query_one("#path").value = str(out)
        await pilot.click("#ok")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert "日本証券業協会 御中" in out.read_text(encoding="utf-8")


# --- 11. safe output ------------------------------------------------------------------------------


HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>\x00\x1b[31m赤\x07"


@pytest.mark.parametrize("fmt", ["md", "html", "docx", "xlsx", "json"])
def test_raw_html_and_control_characters_never_reach_a_report(ws, demo, tmp_path, fmt):
    ws.save_answer(demo.id, "notice.4.ha", note=HOSTILE)
    path = _export(ws, demo.id, "en", fmt, tmp_path)
    raw = path.read_bytes()
    if fmt in ("docx", "xlsx"):
        with zipfile.ZipFile(path) as z:
            raw = b"".join(z.read(n) for n in z.namelist() if n.endswith(".xml"))
    assert b"\x00" not in raw and b"\x1b" not in raw and b"\x07" not in raw
    text = raw.decode("utf-8")
    if fmt != "json":  # JSON keeps the text as data; every page format shows it as text
        assert "<script>" not in text and "<img src=x" not in text
    if fmt == "md":
        assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;\\[31m赤" in text


def test_compare_shows_statuses_in_the_users_language_and_no_escape_codes(tmp_path):
    env = {"TENKEN_HOME": str(tmp_path / "home"), "LANG": "ja_JP.UTF-8", "TENKEN_LANG": "ja"}
    assert run_cli("demo", env=env).returncode == 0
    assert run_cli("finalize", "1", "--officer", "田中", "--allow-incomplete", env=env).returncode == 0
    assert run_cli("reopen", "1", env=env).returncode == 0
    from tui.workspace import Workspace

    ws = Workspace(tmp_path / "home")
    try:
        ws.set_language("ja")
        ws.save_answer(2, "notice.4.ha", status="partial", note="更新\x1b[2J済み")
    finally:
        ws.close()
    out = run_cli("compare", "1", "2", env=env)
    assert out.returncode == 0 and "\x1b" not in out.stdout
    assert "適合 → 一部適合" in out.stdout and "compliant" not in out.stdout


# --- 12. unwritable destinations, devices, symlinks, modes, extensions -----------------------------------


def test_an_unwritable_folder_is_one_sentence_and_nothing_is_written(ws, demo, tmp_path, monkeypatch):
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)  # a read-only folder, also for root
    with pytest.raises(ExportError) as failed:
        export_report(ws.report(demo.id, "ja"), "md", tmp_path / "r.md")
    assert "Permission denied" in str(failed.value) and not (tmp_path / "r.md").exists()


def test_cli_read_only_folder_as_a_normal_user(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders; covered by the test above")
    env = {"TENKEN_HOME": str(tmp_path / "home")}
    assert run_cli("demo", env=env).returncode == 0
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    out = run_cli("report", "1", "--format", "md", "--out", str(folder / "r.md"), env=env)
    assert out.returncode == 1 and "unexpected" not in out.stderr and not list(folder.iterdir())


def test_force_never_replaces_a_device_a_pipe_or_a_symlink(tmp_path):
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    target = tmp_path / "real.md"
    target.write_text("kept", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    for path in (fifo, link, Path("/dev/null")):
        with pytest.raises(ExportError):
            write_atomically(path, lambda p: p.write_text("new", encoding="utf-8"), force=True)
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and link.is_symlink() and target.read_text(encoding="utf-8") == "kept"
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_force_keeps_the_replaced_files_mode_and_a_new_file_is_private(tmp_path):
    """A report lists the firm's vulnerabilities: a new file is readable by its owner only (0600, as before issue
    14); a file the user replaces with --force keeps the permissions the user gave it."""
    shared = tmp_path / "shared.md"
    shared.write_text("old", encoding="utf-8")
    shared.chmod(0o644)
    write_atomically(shared, lambda p: p.write_text("new", encoding="utf-8"), force=True)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o644 and shared.read_text(encoding="utf-8") == "new"
    old = os.umask(0o022)
    try:
        fresh = write_atomically(tmp_path / "fresh.md", lambda p: p.write_text("x", encoding="utf-8"))
    finally:
        os.umask(old)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600


def test_a_file_name_naming_another_format_is_refused(ws, demo, tmp_path):
    with pytest.raises(ExportError) as refused:
        export_report(ws.report(demo.id, "ja"), "xlsx", tmp_path / "report.md")
    assert "report.xlsx" in str(refused.value) and not (tmp_path / "report.md").exists()
    out = run_cli("report", "1", "--format", "xlsx", "--out", str(tmp_path / "r.md"))
    assert out.returncode == 1


# --- 13. verify -------------------------------------------------------------------------------------


def test_verify_matches_a_finalized_report_and_catches_an_edited_one(ws, three, tmp_path):
    ws.finalize(three, "田中花子", submitted_on=dt.date(2026, 11, 20))
    info = ws.inspection(three)
    assert len(info.content_sha256) == 64
    js = _export(ws, three, "en", "json", tmp_path)
    word = _export(ws, three, "ja", "docx", tmp_path)
    data = json.loads(js.read_text(encoding="utf-8"))
    assert data["content_sha256"] == info.content_sha256
    assert docx.Document(str(word)).core_properties.identifier == f"sha256:{info.content_sha256}"
    assert info.content_sha256 in _docx_text(word)
    for path in (js, word):
        ok, message = ws.verify(path)
        assert ok and "revision 1" in message.replace("第1版", "revision 1"), message
    data["annex"][0]["answer"]["status"]["id"] = (
        "compliant" if data["annex"][0]["answer"]["status"]["id"] != "compliant" else "partial"
    )
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    ok, _message = ws.verify(edited)
    assert not ok


def test_cli_verify(tmp_path):
    env = {"TENKEN_HOME": str(tmp_path / "home")}
    assert run_cli("demo", env=env).returncode == 0
    draft = tmp_path / "draft.json"
    assert run_cli("report", "1", "--format", "json", "--out", str(draft), env=env).returncode == 0
    refused = run_cli("verify", str(draft), env=env)
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1
    assert run_cli("finalize", "1", "--officer", "田中", "--allow-incomplete", env=env).returncode == 0
    final = tmp_path / "final.docx"
    assert run_cli("report", "1", "--format", "docx", "--out", str(final), env=env).returncode == 0
    matched = run_cli("verify", str(final), env=env)
    assert matched.returncode == 0 and "1" in matched.stdout
    other = run_cli("verify", str(final), env={"TENKEN_HOME": str(tmp_path / "elsewhere")})
    assert other.returncode == 1
    junk = tmp_path / "junk.json"
    junk.write_text("{not json", encoding="utf-8")
    bad = run_cli("verify", str(junk), env=env)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr


def test_migration_5_adds_the_finalize_record_to_an_old_database(ws, demo):
    from tui.store.migrations import MIGRATIONS

    assert len(MIGRATIONS) >= 5
    columns = {r[1] for r in ws.store.db.execute_sql("PRAGMA table_info(inspection)").fetchall()}
    assert {"open_points", "content_sha256"} <= columns


def test_dataclass_report_is_unchanged_by_rendering(ws, demo, tmp_path):
    """Writers read the Report and never change it (the same report is written in several formats)."""
    report = ws.report(demo.id, "ja")
    before = dataclasses.asdict(report)
    for fmt in ("md", "html", "docx", "xlsx", "json"):
        export_report(report, fmt, tmp_path / f"r.{fmt}")
    assert dataclasses.asdict(report) == before


def test_xlsx_prints_a_huge_finding_whole_in_continuation_rows(ws, tmp_path):
    huge = "ログの保存期間が定められていない。" * 1200
    inspection = build(ws, THREE, tmp_path / "evidence", long_finding=huge)
    report = ws.report(inspection, "ja")
    wb = openpyxl.load_workbook(export_report(report, "xlsx", tmp_path / "r.xlsx"))
    answers = wb[report.t("Answers")]
    number = next(r.number for r in report.annex if r.answer.finding == huge)
    rows = [r for r in answers.iter_rows(min_row=2) if r[0].value == number]
    assert len(rows) > 10 and all(len(r[4].value) <= 1000 for r in rows)
    assert huge in "".join(r[4].value for r in rows).replace("\n", "")
    assert all(answers.row_dimensions[r[0].row].height <= 409 for r in rows)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_docx_chart_names_each_section_whole(ws, five, tmp_path, lang):
    """The chart's labels once cut 「第3章 サイバーセキュリテ…」 and "Reporting the results of the self-inspe…"."""
    report = ws.report(five, lang)
    document = docx.Document(str(export_report(report, "docx", tmp_path / "r.docx")))
    chart = next(t for t in document.tables if "█" in t.rows[0].cells[1].text)
    labels = [r.cells[0].text for r in chart.rows]
    assert labels == [s.section for s in report.summary]


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_a_full_disk_is_one_sentence_and_no_traceback(ws, demo, tmp_path, monkeypatch, fmt):
    """A disk that fills while a Word or Excel file is written: the writer's zip file once printed
    "Exception ignored in: <function ZipFile.__del__ …> Traceback …" under the one sentence."""
    import gc
    import sys
    import tempfile

    made = []

    def full_disk(prefix="", suffix="", dir=None):  # the temporary file lands on a full disk
        path = Path(dir) / f"{prefix}full{suffix}"
        path.symlink_to("/dev/full")
        made.append(path)
        return os.open(os.devnull, os.O_RDONLY), str(path)

    ignored = []
    monkeypatch.setattr(tempfile, "mkstemp", full_disk)
    monkeypatch.setattr(sys, "unraisablehook", lambda u: ignored.append(repr(u.exc_value)))
    with pytest.raises(ExportError) as failed:
        export_report(ws.report(demo.id, "en"), fmt, tmp_path / f"r.{fmt}")
    del failed
    gc.collect()
    assert ignored == [] and made and not (tmp_path / f"r.{fmt}").exists() and not made[0].is_symlink()


def _edit_docx(src: Path, dst: Path, old: str, new: str) -> None:
    """A copy of a Word file with one piece of its body text changed, as someone editing it in Word would."""
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            data = z.read(info)
            if info.filename == "word/document.xml":
                text = data.decode("utf-8")
                assert f">{old}<" in text
                data = text.replace(f">{old}<", f">{new}<", 1).encode("utf-8")
            out.writestr(info, data)


def test_verify_catches_text_edited_in_a_finalized_word_report(ws, three, tmp_path):
    ws.finalize(three, "田中花子", submitted_on=dt.date(2026, 11, 20))
    word = _export(ws, three, "ja", "docx", tmp_path)
    assert ws.verify(word)[0]
    copy = tmp_path / "copy.docx"
    _edit_docx(word, copy, "一部適合", "一部適合")  # rewritten, nothing changed
    assert ws.verify(copy)[0]
    for old, new in (("一部適合", "適合"), (DAMAGE_CASE, "顧客被害なし"), ("2026年11月20日", "2026年11月19日")):
        edited = tmp_path / "edited.docx"
        _edit_docx(word, edited, old, new)
        ok, message = ws.verify(edited)
        assert not ok and ("changed" in message or "変更" in message), (old, message)


def test_verify_catches_a_json_report_edited_outside_its_answers(ws, three, tmp_path):
    """The answers in the annex are checked against the database; the cover, the problems table and the damage
    section are covered by the file's own fingerprint."""
    ws.finalize(three, "田中花子", submitted_on=dt.date(2026, 11, 20))
    path = _export(ws, three, "ja", "json", tmp_path)
    assert ws.verify(path)[0]
    data = json.loads(path.read_text(encoding="utf-8"))
    for edit in (
        lambda d: d.update(submitted_on="2026-11-19"),
        lambda d: d["customer_damage"].update(statement="顧客被害なし", cases=[]),
        lambda d: d["problems"][0]["answer"].update(finding="問題なし"),
    ):
        edited = json.loads(json.dumps(data))
        edit(edited)
        copy = tmp_path / "edited.json"
        copy.write_text(json.dumps(edited, ensure_ascii=False), encoding="utf-8")
        ok, message = ws.verify(copy)
        assert not ok and ("変更" in message or "changed" in message), message


def test_cli_read_only_folder_as_root_without_the_override(tmp_path):
    """As root, with the capability that lets root write anywhere dropped (setpriv), a read-only folder behaves
    as it does for a normal user: one sentence for every format, nothing written (runs where the test above is
    skipped)."""
    import shutil
    import subprocess
    import sys

    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0 or not setpriv:
        pytest.skip("needs root and setpriv (util-linux); a normal user runs the test above")
    env = {**os.environ, "TENKEN_HOME": str(tmp_path / "home")}
    assert run_cli("demo", env=env).returncode == 0
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    for fmt in ("md", "html", "xlsx", "docx", "json"):
        out = subprocess.run(
            [setpriv, "--bounding-set=-dac_override,-dac_read_search", sys.executable, "-m", "tui"]
            + ["report", "1", "--format", fmt, "--out", str(folder / f"r.{fmt}")],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert out.returncode == 1 and out.stderr.count("\n") == 1, out.stderr
        assert "Traceback" not in out.stderr and "unexpected" not in out.stderr and "予期しない" not in out.stderr
    assert list(folder.iterdir()) == []


def test_docx_annex_keeps_each_item_on_one_page(ws, three, tmp_path):
    """An item's lines are kept together (keep with next), so no page ends between 'Scope' and 'Status'."""
    from tui.domain.report import UNOFFICIAL_NOTE

    report = ws.report(three, "en")
    document = docx.Document(str(export_report(report, "docx", tmp_path / "r.docx")))
    paragraphs = document.paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.text == report.t("Annex: all answers"))
    items, current = [], None
    for p in paragraphs[start + 1 :]:
        if p.style.name == "Heading 2":
            current = []
            items.append(current)
        elif current is not None and p.text and p.text != report.t(UNOFFICIAL_NOTE):
            current.append(p)
    assert len(items) == len(report.annex)
    for lines in items:
        assert [bool(p.paragraph_format.keep_with_next) for p in lines] == [True] * (len(lines) - 1) + [False]


def test_verify_of_an_excel_report_says_which_formats_it_checks(ws, three, tmp_path):
    """A finalized workbook was called 'a draft report' (it is neither a draft nor checkable)."""
    from tui.workspace import UserError

    ws.finalize(three, "田中花子", submitted_on=dt.date(2026, 11, 20))
    workbook = _export(ws, three, "en", "xlsx", tmp_path)
    with pytest.raises(UserError) as refused:
        ws.verify(workbook)
    assert "draft" not in str(refused.value) and "下書き" not in str(refused.value)
    assert "JSON" in str(refused.value) and "Word" in str(refused.value)


@pytest.mark.parametrize("writer", ["progress-xlsx", "progress-docx", "records-xlsx", "delegation"])
def test_every_word_and_excel_writer_on_a_full_disk_is_one_sentence(ws, demo, tmp_path, monkeypatch, writer):
    """The remediation progress report, the training records and the delegation workbook write their zip files the
    way the report does: on a full disk, one sentence and nothing written — no "Exception ignored … Traceback"."""
    import datetime as dt
    import gc
    import sys
    import tempfile

    from tui.export.delegate import Meta, write_workbook
    from tui.export.progress import write_progress_docx, write_progress_xlsx
    from tui.export.records import write_xlsx
    from tui.fsutil import write_atomically

    def full_disk(prefix="", suffix="", dir=None):
        path = Path(dir) / f"{prefix}full{suffix}"
        path.symlink_to("/dev/full")
        return os.open(os.devnull, os.O_RDONLY), str(path)

    target = tmp_path / ("out.docx" if writer == "progress-docx" else "out.xlsx")
    produce = {
        "progress-xlsx": lambda p: write_progress_xlsx(p, [], "ja", dt.date(2027, 1, 1)),
        "progress-docx": lambda p: write_progress_docx(p, [], "en", dt.date(2027, 1, 1)),
        "records-xlsx": lambda p: write_xlsx([], p, "ja"),
    }
    ignored = []
    monkeypatch.setattr(tempfile, "mkstemp", full_disk)
    monkeypatch.setattr(sys, "unraisablehook", lambda u: ignored.append(repr(u.exc_value)))
    with pytest.raises(ExportError) as failed:
        if writer == "delegation":
            write_workbook(target, Meta(workbook="w", inspection="u", person="p", lang="ja", items={}), [])
        else:
            write_atomically(target, produce[writer])
    assert "\n" not in str(failed.value)
    del failed
    gc.collect()
    assert ignored == [] and not target.exists()
