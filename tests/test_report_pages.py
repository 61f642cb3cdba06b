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
