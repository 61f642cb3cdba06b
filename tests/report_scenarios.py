"""Inspections a firm would submit: three templates (exchange + derivatives + notice) and all five, every item
answered, with problems, customer damage found and evidence files. Used by the report tests and to render pages."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from tui.domain.profile import Profile
from tui.workspace import Workspace

THREE = ["jvcea-exchange", "jvcea-derivatives", "fsa-notice-2020"]
FIVE = ["jvcea-exchange", "jvcea-derivatives", "jvcea-epayment", "fsi-bcp", "fsa-notice-2020"]
BUSINESS = {
    3: ("crypto-exchange", "crypto-derivatives", "online-securities"),
    5: ("crypto-exchange", "crypto-derivatives", "e-payment", "fs-intermediary", "online-securities"),
}
DAMAGE_CASE = "顧客2名で不正出金（計120万円）"
RECEIVED = dt.date(2026, 11, 2)


def build(ws: Workspace, templates: list[str], folder: Path, long_finding: str = "") -> int:
    """A fully answered inspection of a medium-sized firm; returns its id."""
    profile = Profile(
        name="株式会社テスト暗号資産取引所",
        business=BUSINESS[5 if len(templates) == 5 else 3],
        staff=80,
        uses_cloud=True,
        outsourcing="multi-tier",
        online_transactions=True,
        custody=True,
        representative="代表取締役 山田太郎",
        responsible_officer="システム統括管理責任者 田中花子",
    )
    firm = ws.add_firm(profile)
    info = ws.start_inspection(firm.id, templates, RECEIVED)
    evidence = folder / "アクセスログ分析結果.pdf"
    evidence.parent.mkdir(parents=True, exist_ok=True)
    evidence.write_bytes(b"log analysis")
    items = [i for i, _s, _l in ws.store.inspection_items(info.id)]
    damage = {"notice.part2.past-damage", "notice.part2.report", "notice.part2.customer-response"}
    plain = [i for i in items if i not in damage]
    problems = plain[3 :: max(1, len(plain) // 6)][:6]
    for n, item in enumerate(plain):
        if item in problems:
            k = problems.index(item)
            finding = (
                long_finding
                if (long_finding and k == 0)
                else f"管理者アカウントの多要素認証が一部のサーバで未導入（{k + 1}）。"
            )
            ws.save_answer(
                info.id,
                item,
                status="noncompliant" if k % 2 else "partial",
                finding=finding,
                risk=("high", "medium", "critical", "low")[k % 4],
                remediation="全サーバに多要素認証を導入し、導入状況を月次で点検する。",
                owner="システム部 佐藤",
                target_date=RECEIVED + dt.timedelta(days=90 + k),
            )
        else:
            ws.save_answer(
                info.id, item, status="compliant", note="規程・手順書を整備し運用している。" if n % 3 == 0 else ""
            )
    ws.save_answer(
        info.id,
        "notice.part2.past-damage",
        status="noncompliant",
        note="2026年10月1日〜31日のログイン・出金ログを分析し、11月5日に判明した。",
        finding=DAMAGE_CASE,
        risk="critical",
        remediation="被害顧客への補償と出金時の追加認証を導入する。",
        owner="カスタマーサポート部 伊藤",
        target_date=RECEIVED + dt.timedelta(days=30),
    )
    ws.add_evidence(info.id, "notice.part2.past-damage", "アクセスログ分析結果", evidence)
    ws.save_answer(
        info.id,
        "notice.part2.report",
        justification="2026年11月6日に関東財務局へ電話で一報済みで、本点検の対象外として整理した。",
        status="na",
    )
    ws.save_answer(
        info.id,
        "notice.part2.customer-response",
        status="compliant",
        note="被害顧客2名に11月7日に電話と書面で説明し、問合せ窓口を設けた。",
    )
    return info.id


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def soffice() -> str | None:
    import shutil

    return shutil.which("soffice") or shutil.which("libreoffice")


def chromium() -> str | None:
    import shutil

    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def to_pdf(path: Path, out: Path) -> Path:
    """docx/xlsx through LibreOffice, html through headless Chromium, to a PDF in `out`."""
    import subprocess

    out.mkdir(parents=True, exist_ok=True)
    pdf = out / (path.stem + "-" + path.suffix[1:] + ".pdf")
    if path.suffix == ".html":
        subprocess.run(
            [
                chromium(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-pdf-header-footer",
                f"--print-to-pdf={pdf}",
                path.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        return pdf
    profile = out / ".lo-profile"
    subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation={profile.resolve().as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out / "tmp"),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (out / "tmp" / (path.stem + ".pdf")).replace(pdf)
    return pdf


def pdf_pages(pdf: Path) -> int:
    import re
    import shutil
    import subprocess

    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        return int(re.search(r"Pages:\s+(\d+)", info).group(1))
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
