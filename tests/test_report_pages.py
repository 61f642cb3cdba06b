"""The report as printed pages (LibreOffice for docx/xlsx, headless Chromium for html): page counts stay in
proportion. Skipped, with the reason, where the converters are not installed.

- English within 1.3× the Japanese page count (the English summary once printed one row per page: 48 vs 36).
- A 20,000-character finding costs about what its text needs at 10 pt (some 2,000 Japanese characters fill an A4
  page), never a narrow column run down hundreds of pages (the HTML once took 142 pages).
"""

from __future__ import annotations

import pytest

from tests.report_scenarios import THREE, build, chromium, pdf_pages, soffice, to_pdf
from tui.export import export_report

pytestmark = [
    pytest.mark.usefixtures("pinned"),
    pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed: no PDF to count pages of"),
]

HUGE = "ログの保存期間が定められていない。" * 1200  # 20,400 characters
FORMATS = ["docx", "xlsx"] + (["html"] if chromium() else [])


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[tuple[str, str, str], int]:
    """Page counts of (scenario, language, format) for a three-template inspection, plain and with a huge finding."""
    from tui.workspace import Workspace

    root = tmp_path_factory.mktemp("pages")
    ws = Workspace(root / "home")
    try:
        plain = build(ws, THREE, root / "evidence")
        huge = build(ws, THREE, root / "evidence", long_finding=HUGE)
        out: dict[tuple[str, str, str], int] = {}
        for name, inspection, langs in (("plain", plain, ("ja", "en")), ("huge", huge, ("ja",))):
            for lang in langs:
                report = ws.report(inspection, lang)
                for fmt in FORMATS:
                    path = export_report(report, fmt, root / f"{name}-{lang}.{fmt}")
                    out[(name, lang, fmt)] = pdf_pages(to_pdf(path, root / "pdf"))
        return out
    finally:
        ws.close()


@pytest.mark.parametrize("fmt", FORMATS)
def test_english_stays_within_1_3_times_the_japanese_pages(pages, fmt):
    ja, en = pages[("plain", "ja", fmt)], pages[("plain", "en", fmt)]
    assert ja > 3 and en <= 1.3 * ja, (fmt, ja, en)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_20000_character_finding_adds_only_the_pages_its_text_needs(pages, fmt):
    added = pages[("huge", "ja", fmt)] - pages[("plain", "ja", fmt)]
    assert 0 < added <= len(HUGE) // 2000 + 3, (fmt, added)


def _words_past_the_right_margin(pdf, margin_mm: float) -> list[str]:
    """Words that print beyond the page's right margin (or are cut by the page edge), from pdftotext's boxes."""
    import re
    import subprocess

    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    limit, out = 0.0, []
    for line in boxes.splitlines():
        page = re.search(r'<page width="([\d.]+)"', line)
        if page:
            limit = float(page.group(1)) - margin_mm * 72 / 25.4 + 1  # 1 pt of slack for rounding
            continue
        word = re.search(r'xMax="([\d.]+)"[^>]*>(.*)</word>', line)
        if word and float(word.group(1)) > limit:
            out.append(word.group(2))
    return out


@pytest.mark.skipif(chromium() is None, reason="Chromium is not installed: the HTML is not printed")
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_html_problems_table_prints_every_target_date_whole_inside_the_page(tmp_path, lang):
    """The Japanese target date 「2027年1月31日」 once ran past the table and the page edge, its 「日」 cut off."""
    import shutil
    import subprocess

    from tui.workspace import Workspace

    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    ws = Workspace(tmp_path / "home")
    try:
        report = ws.report(build(ws, THREE, tmp_path / "evidence"), lang)
    finally:
        ws.close()
    pdf = to_pdf(export_report(report, "html", tmp_path / f"r-{lang}.html"), tmp_path / "pdf")
    assert _words_past_the_right_margin(pdf, margin_mm=14) == []  # the report's @page margin
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    dates = {report.date(r.answer.target_date) for r in report.problems}
    assert len(dates) > 3
    if lang == "ja":  # on one line each: 「2027年1月31日」 whole (an English date may wrap after its comma)
        assert all(d in text for d in dates), dates


def _cells(pdf, first: int = 1, last: int = 0) -> set[str]:
    """What pdftotext -layout shows in each table cell (runs of text between wide gaps), spaces removed: a word
    broken over two lines shows as two pieces ("unanswere" and "d")."""
    import re
    import subprocess

    args = ["pdftotext", "-layout", "-f", str(first)] + (["-l", str(last)] if last else []) + [str(pdf), "-"]
    text = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return {re.sub(r"\s", "", c) for line in text.splitlines() for c in re.split(r"\s{2,}", line) if c.strip()}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_word_tables_keep_header_words_and_dates_on_one_line(tmp_path, lang):
    """Printed through LibreOffice (which has no Calibri here and falls back to wider DejaVu Sans): the summary's
    "unanswered" once broke into "unanswere|d", 「リスク評価」 and 「2027年1月31日」 into two lines each."""
    import shutil

    from tui.workspace import Workspace

    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    ws = Workspace(tmp_path / "home")
    try:
        report = ws.report(build(ws, THREE, tmp_path / "evidence"), lang)
    finally:
        ws.close()
    pdf = to_pdf(export_report(report, "docx", tmp_path / f"r-{lang}.docx"), tmp_path / "pdf")
    cells = _cells(pdf, 1, 6)
    for status in report.statuses:
        assert report.status_short(status).replace(" ", "") in cells, status
    if lang == "ja":  # ("Risk rating" may wrap at its space; 「リスク評価」 has none to wrap at)
        assert "リスク評価" in cells
        assert {report.date(r.answer.target_date).replace(" ", "") for r in report.problems} <= cells
