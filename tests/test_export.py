"""Report writers: every answer reaches every format, text never becomes a formula or markup, files are atomic."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from markupsafe import escape

from tui.domain.inspection import Evidence
from tui.export import (
    FORMATS,
    WRITERS,
    ExportError,
    export_report,
    safe_cell_value,
    safe_filename,
    write_atomically,
)

INJECTIONS = ["=cmd|' /C calc'!A0", "+SUM(1,2)", "-1", "@x", "\tTAB"]
TARGET = dt.date(2027, 3, 31)
SHA = "ab" * 32


@pytest.fixture
def filled(ws, demo, pinned):
    """The demo inspection with every answer field used somewhere, in Japanese, with line breaks and symbols."""
    items = [row.item_id for row in ws.report(demo.id, "en").annex]
    damage = [row.item_id for row in ws.report(demo.id, "en").customer_damage]
    plain = [i for i in items if i not in damage]
    ws.save_answer(
        demo.id,
        plain[0],
        status="partial",
        note="1行目\n2行目 & <b>太字</b>",
        finding="ログの保存期間が\n定められていない。",
        risk="critical",
        remediation="保存期間を1年と定める。",
        owner="情報システム部 高橋",
        target_date=TARGET,
        justification="一部のみ該当。",
        evidence=[Evidence("ログ管理規程 第3条", "/srv/docs/log-policy.pdf", SHA), Evidence("口頭確認")],
    )
    ws.save_answer(demo.id, plain[-1], justification="当社は外部委託を行っていないため。", status="na")
    if damage:
        ws.save_answer(demo.id, damage[0], status="compliant", note="過去5年間、顧客被害は確認されていない。")
    return demo


def _export(ws, inspection_id: int, lang: str, fmt: str, folder: Path) -> tuple[object, Path]:
    report = ws.report(inspection_id, lang)
    return report, export_report(report, fmt, folder / f"report-{lang}.{fmt}")


def _docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts: list[str] = []

    def tables(ts):
        for table in ts:
            for row in table.rows:
                for cell in row.cells:
                    parts.extend(p.text for p in cell.paragraphs)
                    tables(cell.tables)

    parts.extend(p.text for p in document.paragraphs)
    tables(document.tables)
    for section in document.sections:
        parts.extend(p.text for p in section.header.paragraphs)
    return "\n".join(parts)


def _sheet_rows(ws) -> list[dict[str, object]]:
    header = [c.value for c in ws[1]]
    return [dict(zip(header, (c.value for c in row), strict=False)) for row in ws.iter_rows(min_row=2)]


def _as_date(value: object) -> dt.date | None:
    return value.date() if isinstance(value, dt.datetime) else value


# --- every answer field in every format ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_answer_field_in_json(ws, filled, tmp_path, lang):
    report, path = _export(ws, filled.id, lang, "json", tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["schema"] == "tenken-report/2" and data["lang"] == lang and data["draft"] is True
    assert data["firm"] == report.firm and data["due_on"] == report.due_on.isoformat()
    assert data["submitted_on"] is None and data["generated_on"] == "2026-11-23"
    assert [s["id"] for s in data["statuses"]] == list(report.statuses)
    assert [(s["section"], s["counts"], s["total"]) for s in data["summary"]] == [
        (s.section, s.counts, s.total) for s in report.summary
    ]
    assert [r["item_id"] for r in data["problems"]] == [r.item_id for r in report.problems]
    assert [r["item_id"] for r in data["customer_damage"]["items"]] == [r.item_id for r in report.customer_damage]
    assert data["customer_damage"]["state"] == "none" and data["customer_damage"]["statement"]
    assert len(data["annex"]) == len(report.annex)
    for got, row in zip(data["annex"], report.annex, strict=True):
        a = row.answer
        assert (got["number"], got["item_id"], got["section"], got["question"], got["level"]) == (
            row.number,
            row.item_id,
            row.section,
            row.question,
            row.level,
        )
        assert got["citations"] == [{"ref": c.ref, "label": c.label, "text": c.text} for c in row.citations]
        ans = got["answer"]
        assert ans["status"] == {"id": a.status, "label": row.status_label}
        assert ans["risk"] == ({"id": a.risk, "label": row.risk_label} if a.risk else None)
        for name in ("note", "finding", "remediation", "owner", "justification"):
            assert ans[name] == getattr(a, name)
        assert ans["target_date"] == (a.target_date.isoformat() if a.target_date else None)
        # evidence by label, file name and SHA-256: never the laptop's folders
        assert [{k: v for k, v in e.items() if k in ("label", "file", "sha256", "path")} for e in ans["evidence"]] == [
            {"label": e.label, "file": Path(e.path).name if e.path else None, "sha256": e.sha256} for e in a.evidence
        ]
        # the fixture's file path does not exist on this machine: the report says so
        assert [e["status"] for e in ans["evidence"]] == ["missing" if e.path else None for e in a.evidence]
    assert "\\u" not in path.read_text(encoding="utf-8"), "ensure_ascii=False: Japanese stays readable"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_answer_field_in_xlsx(ws, filled, tmp_path, lang):
    report, path = _export(ws, filled.id, lang, "xlsx", tmp_path)
    wb = openpyxl.load_workbook(path)
    t = report.t
    assert wb.sheetnames == [t("Summary"), t("Findings"), t("Answers"), t("Customer damage")]
    answers = wb[t("Answers")]
    assert answers.freeze_panes == "A2" and answers.auto_filter.ref
    rows = {r[t("No.")]: r for r in _sheet_rows(answers)}
    assert list(rows) == [row.number for row in report.annex]
    for row in report.annex:
        a, got = row.answer, rows[row.number]
        assert got[t("Item")] == row.question
        assert got[report.field_label("status")] == row.status_label
        assert got[t("Cited provisions")] == "\n".join(c.label for c in row.citations)
        text = got[t("Answer")] or ""
        for name in ("note", "finding", "remediation", "owner", "justification"):
            if getattr(a, name):
                assert f"{report.field_label(name)}: {getattr(a, name)}" in text
        if a.risk:
            assert f"{report.field_label('risk')}: {row.risk_label}" in text
        if a.target_date:
            assert report.date(a.target_date) in text
        for e in a.evidence:
            assert e.label in text
            if e.path:
                assert Path(e.path).name in text and e.sha256 in text and e.path not in text

    findings = _sheet_rows(wb[t("Findings")])
    assert [r[t("No.")] for r in findings] == [row.number for row in report.problems]
    for got, row in zip(findings, report.problems, strict=True):
        assert got[t("Cited provisions")] == "\n".join(c.label for c in row.citations)
        assert got[t("Status")] == row.status_label and (got[t("Owner")] or "") == row.answer.owner
        assert _as_date(got[t("Target date")]) == row.answer.target_date
    date_cells = [r[8] for r in wb[t("Findings")].iter_rows(min_row=2) if r[8].value is not None]
    assert date_cells and all(c.is_date and "yy" in c.number_format for c in date_cells)

    damage = _sheet_rows(wb[t("Customer damage")])
    assert damage[0][t("Status")] == report.damage.statement
    assert any("過去5年間、顧客被害は確認されていない。" in (r[t("Answer")] or "") for r in damage)

    summary = wb[t("Summary")]
    values = [c.value for r in summary.iter_rows() for c in r if c.value is not None]
    assert report.firm in values and report.representative in values
    assert any(isinstance(v, dt.datetime) and v.date() == report.due_on for v in values)
    for s in report.summary:
        assert s.section in values
    assert len(summary._charts) == 1
    assert t("DRAFT") in str(values)


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("fmt", ["docx", "html"])
def test_every_answer_field_in_docx_and_html(ws, filled, tmp_path, lang, fmt):
    report, path = _export(ws, filled.id, lang, fmt, tmp_path)
    if fmt == "docx":
        text, enc = _docx_text(path), str
    else:
        text, enc = path.read_text(encoding="utf-8"), lambda s: str(escape(s))
    assert enc(report.firm) in text and enc(report.title) in text and report.date(report.due_on) in text
    assert enc(report.t("Response report on the self-inspection")) in text
    for s in report.summary:
        assert enc(s.section) in text
    for row in report.annex:
        a = row.answer
        assert enc(f"{row.number}") in text and enc(row.question) in text and enc(row.status_label) in text
        for c in row.citations:
            assert enc(c.label) in text and c.ref not in text  # as readers cite it, never the internal id
        for name in ("note", "finding", "remediation", "owner", "justification"):
            if getattr(a, name):
                assert enc(getattr(a, name)) in text, (row.item_id, name)
        if a.risk:
            assert enc(row.risk_label) in text
        if a.target_date:
            assert report.date(a.target_date) in text
        for e in a.evidence:
            assert enc(e.label) in text
            if e.path:
                assert enc(Path(e.path).name) in text and e.sha256 in text and e.path not in text
    assert enc(report.t("DRAFT")) in text
    unofficial = "English renderings of the rules are unofficial translations"
    assert (unofficial in text) == (lang == "en")


def test_html_is_self_contained_and_print_ready(ws, filled, tmp_path):
    report, path = _export(ws, filled.id, "ja", "html", tmp_path)
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="ja">' in html
    assert "<script" not in html.lower() and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in html and "<link" not in html and "@import" not in html
    assert "@media print" in html and "@page" in html and "counter(page)" in html
    assert "Yu Gothic" in html and "Hiragino" in html
    assert html.count("<svg") == 1 and 'class="watermark"' in html
    # one bar per section, one segment per non-zero status count
    segments = sum(1 for s in report.summary for st in report.statuses if s.counts[st])
    assert html.count("<rect") >= len(report.summary) + segments


def test_finalized_report_has_no_draft_marking(ws, filled, tmp_path):
    report = dataclasses.replace(ws.report(filled.id, "en"), draft=False, finalized_by="Hanako Tanaka", revision=2)
    for fmt in ("html", "docx", "xlsx", "json"):
        path = export_report(report, fmt, tmp_path / f"final.{fmt}")
        if fmt == "html":
            text = path.read_text(encoding="utf-8")
            assert "watermark" not in text.split("</style>")[1] and "DRAFT" not in text
            assert "Hanako Tanaka (revision 2)" in text
        elif fmt == "docx":
            text = _docx_text(path)
            assert "DRAFT" not in text and "Hanako Tanaka (revision 2)" in text
        elif fmt == "xlsx":
            values = [str(c.value) for w in openpyxl.load_workbook(path) for r in w.iter_rows() for c in r]
            assert not any("DRAFT" in v for v in values) and "Hanako Tanaka (revision 2)" in values
        else:
            data = json.loads(path.read_text(encoding="utf-8"))
            assert data["draft"] is False and data["finalized_by"] == "Hanako Tanaka" and data["revision"] == 2


def test_docx_layout(ws, filled, tmp_path):
    _report, path = _export(ws, filled.id, "ja", "docx", tmp_path)
    document = docx.Document(str(path))
    first = document.sections[0]
    assert (round(first.page_width.mm), round(first.page_height.mm)) == (210, 297)
    assert any(s.page_width > s.page_height for s in document.sections), "the problems table is on a landscape page"
    with zipfile.ZipFile(path) as z:
        footer = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/footer"))
        styles = z.read("word/styles.xml").decode()
    assert 'w:instr=" PAGE "' in footer
    assert 'w:eastAsia="Yu Gothic"' in styles and "eastAsiaTheme" not in styles


# --- formula injection and markup --------------------------------------------------------------------------


def test_xlsx_never_stores_user_text_as_a_formula(ws, demo, pinned, tmp_path):
    items = [row.item_id for row in ws.report(demo.id, "ja").annex]
    for item, owner in zip(items, INJECTIONS, strict=False):
        ws.save_answer(demo.id, item, note=INJECTIONS[0], owner=owner)
    ws.save_answer(demo.id, "notice.4.ni", finding='=HYPERLINK("http://evil","x")', remediation="@SUM(A1)")
    report, path = _export(ws, demo.id, "ja", "xlsx", tmp_path)
    wb = openpyxl.load_workbook(path)
    for sheet in wb:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    answers = wb[report.t("Answers")]
    by_number = {r[0].value: r for r in answers.iter_rows(min_row=2)}
    note = report.field_label("note")
    for row in report.annex[: len(INJECTIONS)]:
        cell = by_number[row.number][4]
        assert cell.data_type == "s" and f"{note}: {INJECTIONS[0]}" in cell.value
    findings = wb[report.t("Findings")]
    owners = [r[7] for r in findings.iter_rows(min_row=2) if r[7].value in INJECTIONS]
    assert owners and all(c.data_type == "s" and c.quotePrefix for c in owners)
    cells = [c for r in findings.iter_rows(min_row=2) for c in r if isinstance(c.value, str) and c.value[:1] in "=@"]
    assert {c.value for c in cells} >= {'=HYPERLINK("http://evil","x")', "@SUM(A1)"}
    assert all(c.data_type == "s" for c in cells)
    with zipfile.ZipFile(path) as z:
        assert not any("<f>" in z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_safe_cell_value_for_csv_and_cells():
    for text in INJECTIONS + ["\rCR", "＝SUM(1)"]:
        assert safe_cell_value(text) == "'" + text
    for value in ("plain", "株式会社", "a=b", "", 12, None, dt.date(2026, 1, 1)):
        assert safe_cell_value(value) == value
    cell = openpyxl.Workbook().active["A1"]
    assert safe_cell_value("=1+1", cell) == "=1+1" and cell.data_type == "s" and cell.quotePrefix
    assert safe_cell_value(7, cell) == 7 and cell.data_type == "n"


def test_html_escapes_user_text(ws, demo, pinned, tmp_path):
    ws.save_answer(demo.id, "notice.4.ni", finding="<script>alert(1)</script>", owner='"><img src=x onerror=alert(1)>')
    report, path = _export(ws, demo.id, "en", "html", tmp_path)
    html = path.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html and "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_control_characters_do_not_break_xml_formats(ws, demo, pinned, tmp_path):
    ws.save_answer(demo.id, "notice.4.ni", note="bell\x07 and nul\x00 and form feed\x0c end")
    for fmt in ("xlsx", "docx"):
        _report, path = _export(ws, demo.id, "ja", fmt, tmp_path)
        text = (
            _docx_text(path)
            if fmt == "docx"
            else str([c.value for w in openpyxl.load_workbook(path) for r in w.iter_rows() for c in r])
        )
        assert "bell and nul and form feed end" in text


# --- files: no overwrite without force, nothing left behind on failure ------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_existing_file_needs_force(ws, demo, pinned, tmp_path, fmt):
    report = ws.report(demo.id, "ja")
    target = tmp_path / f"out.{fmt}"
    target.write_bytes(b"keep me")
    with pytest.raises(ExportError):
        export_report(report, fmt, target)
    assert target.read_bytes() == b"keep me"
    export_report(report, fmt, target, force=True)
    assert target.read_bytes() != b"keep me" and target.stat().st_size > 100
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_failed_writer_leaves_nothing_behind(ws, demo, pinned, tmp_path, monkeypatch, fmt):
    import importlib

    module_name, function = WRITERS[fmt]
    module = importlib.import_module(module_name)

    def broken(report, path):
        path.write_bytes(b"half a report")
        raise RuntimeError("writer failed midway")

    monkeypatch.setattr(module, function, broken)
    report = ws.report(demo.id, "ja")
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(RuntimeError):
        export_report(report, fmt, folder / f"r.{fmt}")
    assert list(folder.iterdir()) == []
    old = folder / f"old.{fmt}"
    old.write_bytes(b"previous version")
    with pytest.raises(RuntimeError):
        export_report(report, fmt, old, force=True)
    assert [p.name for p in folder.iterdir()] == [old.name] and old.read_bytes() == b"previous version"


def test_write_atomically_refuses_folders_and_missing_folders(tmp_path):
    with pytest.raises(ExportError):
        write_atomically(tmp_path, lambda p: p.write_text("x"), force=True)
    with pytest.raises(ExportError):
        write_atomically(tmp_path / "missing" / "r.md", lambda p: p.write_text("x"))


def test_unknown_format(ws, demo, tmp_path):
    with pytest.raises(ExportError):
        export_report(ws.report(demo.id, "ja"), "pdf", tmp_path / "r.pdf")
    assert list(tmp_path.glob("r.pdf*")) == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "etc_passwd"),
        ("株式会社 A/B:C", "株式会社 A_B_C"),
        ("CON", "report"),
        ("con.txt", "report"),
        ("LPT1", "report"),
        ("..", "report"),
        ("", "report"),
        ("a\x00b\nc", "a_b_c"),
        ('x<>:"|?*y', "x_y"),
        ("   trailing dots... ", "trailing dots"),
    ],
)
def test_safe_filename(name, expected):
    got = safe_filename(name)
    assert got == expected
    assert "/" not in got and "\\" not in got and not got.startswith(".")


def test_safe_filename_is_bounded():
    assert len(safe_filename("株" * 500)) <= 120


def test_cli_report_accepts_every_format():
    from tui.cli.main import build_parser

    parser = build_parser()
    for fmt in FORMATS:
        args = parser.parse_args(["report", "1", "--format", fmt, "--out", f"r.{fmt}"])
        assert args.format == fmt
