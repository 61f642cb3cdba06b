"""`tenken demo`: a sample firm with a partly answered notice inspection, to try the app on."""

from __future__ import annotations

import datetime as dt

from tui.domain.inspection import InspectionInfo
from tui.domain.profile import Profile
from tui.workspace import DEFAULT_TEMPLATE, Workspace

DEMO_NAME = "株式会社サンプル"

# (item id, changes) — a realistic mix: most compliant, two problems, one not applicable.
DEMO_ANSWERS: list[tuple[str, dict]] = [
    ("notice.4.ha", {"status": "compliant", "note": "FW・EDR導入済み。年1回設定見直し。"}),
    (
        "notice.4.ni",
        {
            "status": "partial",
            "finding": "顧客の重要情報の洗い出しが障害解析用データに及んでいない。",
            "risk": "medium",
            "remediation": "障害解析用データを含めて重要情報台帳を更新する。",
            "owner": "システム部 佐藤",
            "target_date": None,
        },
    ),
    ("notice.4.he", {"status": "compliant", "note": "権限は四半期ごとに棚卸し。"}),
    ("notice.5.i", {"status": "compliant"}),
    (
        "notice.5.ro",
        {
            "status": "noncompliant",
            "finding": "CSIRTの体制・役割が文書化されていない。",
            "risk": "high",
            "remediation": "CSIRT規程を策定し、外部の支援事業者と契約する。",
            "owner": "リスク管理部 鈴木",
            "target_date": None,
        },
    ),
    ("notice.5.ho", {"status": "compliant", "note": "月次でパッチ適用。"}),
]


def find_demo(ws: Workspace) -> InspectionInfo | None:
    for firm in ws.firms():
        if firm.name == DEMO_NAME and firm.inspections:
            return firm.inspections[0]
    return None


def create_demo(ws: Workspace, today: dt.date | None = None) -> tuple[InspectionInfo, bool]:
    """The demo inspection, created if absent. Returns (inspection, created)."""
    existing = find_demo(ws)
    if existing is not None:
        return existing, False
    from tui.domain import inspection

    today = today or inspection.today()
    profile = Profile(
        name=DEMO_NAME,
        business=("crypto-exchange", "online-securities"),
        staff=12,
        uses_cloud=True,
        outsourcing="multi-tier",
        online_transactions=True,
        custody=True,
        representative="代表取締役 山田太郎",
        responsible_officer="システム統括管理責任者 田中花子",
        thresholds=ws.thresholds(),
    )
    firm = ws.add_firm(profile)
    received = today - dt.timedelta(days=9)
    info = ws.start_inspection(firm.id, [DEFAULT_TEMPLATE], received)
    in_scope = {i for i, _s, _l in ws.inspection_items(info.id)}
    for item_id, changes in DEMO_ANSWERS:
        if item_id in in_scope:
            if "target_date" in changes:
                changes = {**changes, "target_date": info.due_on + dt.timedelta(days=60)}
            ws.save_answer(info.id, item_id, **changes)
    return ws.inspection(info.id), True
