"""The month as a plan, remediation tracked after submission, open problems carried into the next cycle."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import open_inspection
from tui.domain.plan import PlanItem, Remediation, propose_plan, sort_remediations
from tui.workspace import UserError

BOTH_DATABASES = True  # the tests with `ws` run on SQLite and on PostgreSQL (tests/conftest.py)


def _items(n: int, owners=("システム部 高橋", "総務部 佐藤", ""), answered: int = 0, board: int = 0):
    return [
        PlanItem(f"i{k}", f"1-{k + 1}", f"question {k}", owners[k % len(owners)], k < answered, k < board)
        for k in range(n)
    ]


def test_the_plan_works_back_from_the_due_date():
    received, due = dt.date(2026, 11, 2), dt.date(2026, 12, 2)
    plan = propose_plan(received, due, _items(30, board=1), today=received)
    kinds = [m.kind for m in plan.milestones]
    assert kinds[0] == "received" and kinds[-1] == "due"
    # submission buffer, then the board, then the officer's review, each before the next
    board, review, buffer = plan.milestone("board"), plan.milestone("review"), plan.milestone("buffer")
    assert review.end < board.start < buffer.start < due
    assert plan.milestone("answers").start < review.start
    # every open item is planned exactly once, in a week that ends before the review
    planned = [item.item_id for w in plan.weeks for items in w.by_owner.values() for item in items]
    assert sorted(planned) == sorted(i.item_id for i in _items(30))
    assert all(w.end < review.start for w in plan.weeks)
    # weeks run Monday to Sunday and hold roughly the same share per day
    assert all(w.end.weekday() == 6 or w.end == plan.milestone("answers").start for w in plan.weeks)
    full = [w for w in plan.weeks if (w.end - w.start).days == 6]
    assert max(w.count for w in full) - min(w.count for w in full) <= 1


def test_no_board_slot_unless_the_rules_cited_address_the_board():
    plan = propose_plan(dt.date(2026, 11, 2), dt.date(2026, 12, 2), _items(10), today=dt.date(2026, 11, 2))
    assert plan.milestone("board") is None and not plan.board


def test_items_are_grouped_by_owner_and_the_unassigned_come_last_with_a_warning():
    plan = propose_plan(dt.date(2026, 11, 2), dt.date(2026, 12, 2), _items(12), today=dt.date(2026, 11, 2))
    for week in plan.weeks:
        owners = list(week.by_owner)
        if "" in owners:
            assert owners[-1] == ""
    assert any("no owner" in w for w in plan.warnings)  # msgids: the plan speaks in the UI language when shown


def test_answered_items_are_not_planned_again_and_a_late_plan_says_so():
    received, due = dt.date(2026, 11, 2), dt.date(2026, 12, 2)
    plan = propose_plan(received, due, _items(10, answered=4), today=dt.date(2026, 11, 30))
    assert plan.done == 4 and plan.remaining == 6
    assert plan.late and len(plan.weeks) == 1 and plan.weeks[0].count == 6
    assert any("closed" in w for w in plan.warnings)


def test_overdue_remediation_comes_first_and_done_last():
    on = dt.date(2027, 3, 1)

    def r(number, target, state="planned"):
        return Remediation(1, "F", "T", number, number, "q", "f", "fix", "o", target, "high", state)

    lines = sort_remediations(
        [r("a", dt.date(2027, 4, 1)), r("b", dt.date(2027, 2, 1), "done"), r("c", dt.date(2027, 2, 15)), r("d", None)],
        on,
    )
    assert [x.number for x in lines] == ["c", "a", "d", "b"]
    assert lines[0].overdue(on) and not lines[-1].overdue(on)


@pytest.fixture
def problem(ws, demo):
    ws.save_answer(demo.id, "notice.4.ni", status="noncompliant")
    ws.save_answer(
        demo.id,
        "notice.4.ni",
        finding="顧客情報の棚卸しが未実施",
        remediation="全システムの顧客情報を棚卸しする",
        owner="システム部 高橋",
        target_date=dt.date(2027, 1, 31),
    )
    return demo


def test_remediation_progress_is_tracked_after_finalize_with_history(ws, problem):
    ws.finalize(problem.id, "田中花子", allow_incomplete=True)
    lines = ws.planning.remediations(dt.date(2027, 2, 15))
    line = next(x for x in lines if x.item_id == "notice.4.ni")
    assert line.overdue(dt.date(2027, 2, 15)) and line.state == "planned" and line.finalized
    assert ws.planning.remediations(dt.date(2027, 2, 15), overdue_only=True)
    ws.planning.set_progress(problem.id, "notice.4.ni", "done", note="棚卸し完了", on=dt.date(2027, 2, 20))
    line = next(x for x in ws.planning.remediations(dt.date(2027, 2, 21)) if x.item_id == "notice.4.ni")
    assert line.state == "done" and line.done_on == dt.date(2027, 2, 20) and not line.overdue(dt.date(2027, 2, 21))
    history = ws.planning.store.progress_history(problem.id, "notice.4.ni")
    assert ("state", "planned", "done") in [(f, o, n) for f, o, n, _at, _by in history]


def test_progress_is_refused_for_an_item_that_is_not_a_problem_or_in_the_future(ws, problem):
    with pytest.raises(UserError, match="問題点ではありません"):
        ws.planning.set_progress(problem.id, "notice.4.ha", "done")
    with pytest.raises(UserError, match="未来の日付"):
        ws.planning.set_progress(problem.id, "notice.4.ni", "done", done_on=dt.date(2099, 1, 1))


def test_the_next_cycle_carries_last_cycles_open_problems(ws, problem):
    ws.finalize(problem.id, "田中花子", allow_incomplete=True)
    info = ws.inspection(problem.id)
    nxt = ws.start_inspection(info.firm_id, list(info.templates), dt.date(2027, 11, 1))
    carried = ws.planning.carried(nxt.id)
    assert "notice.4.ni" in carried
    c = carried["notice.4.ni"]
    assert c.from_inspection_id == problem.id and c.finding == "顧客情報の棚卸しが未実施" and c.state == "planned"


def test_a_fixed_problem_is_not_carried(ws, problem):
    ws.finalize(problem.id, "田中花子", allow_incomplete=True)
    ws.planning.set_progress(problem.id, "notice.4.ni", "done", done_on=dt.date(2027, 1, 20), on=dt.date(2027, 2, 1))
    info = ws.inspection(problem.id)
    nxt = ws.start_inspection(info.firm_id, list(info.templates), dt.date(2027, 11, 1))
    assert "notice.4.ni" not in ws.planning.carried(nxt.id)


def test_plan_of_the_demo_inspection(ws, demo):
    plan = ws.planning.plan(demo.id, on=dt.date(2026, 11, 23))
    assert plan.total == 25 and plan.done == 6
    assert plan.board  # the notice's ⑤イ asks about 取締役会等
    assert sum(w.count for w in plan.weeks) == 19


def test_the_board_slot_does_not_depend_on_the_language_the_plan_is_shown_in(ws, demo):
    # the rules cited speak of 取締役会等 in Japanese; an English plan still reserves the board's day
    for lang in ("ja", "en"):
        plan = ws.planning.plan(demo.id, on=dt.date(2026, 11, 23), lang=lang)
        assert plan.board and plan.milestone("board") is not None, lang


def test_the_plan_groups_items_by_the_person_they_are_assigned_to(ws, demo):
    ws.add_person("高橋", "preparer")
    ws.add_person("佐藤", "preparer")
    ws.assign(demo.id, "notice.4.to.1", "高橋")
    ws.assign(demo.id, "notice.8.ro.1", "佐藤", due=dt.date(2026, 11, 27))  # in the first week, not the last
    plan = ws.planning.plan(demo.id, on=dt.date(2026, 11, 23))
    where = {i.item_id: (w.start, owner) for w in plan.weeks for owner, items in w.by_owner.items() for i in items}
    assert where["notice.4.to.1"][1] == "高橋"
    assert where["notice.8.ro.1"] == (plan.weeks[0].start, "佐藤")
    assert sum(w.count for w in plan.weeks) == plan.remaining  # every open item still planned exactly once
    # the calendar, read back with the icalendar library: each person's week is an event of their own
    from icalendar import Calendar

    from tui.export.ics import plan_calendar

    cal = Calendar.from_ical(plan_calendar(plan, demo.id, "サンプル", "en"))
    sato = [e for e in cal.walk("VEVENT") if str(e["summary"]).startswith("佐藤: 1 item to answer")]
    assert len(sato) == 1 and sato[0].decoded("dtstart") == plan.weeks[0].start
    assert "question" not in str(sato[0]["description"]) and len(str(sato[0]["description"]).splitlines()) == 1


def test_an_item_assigned_with_a_due_date_is_planned_in_that_week():
    items = _items(12, owners=("高橋",))
    pinned = PlanItem("late", "9-9", "q", "佐藤", due=dt.date(2026, 11, 4))
    plan = propose_plan(dt.date(2026, 11, 2), dt.date(2026, 12, 2), [*items, pinned], today=dt.date(2026, 11, 2))
    first = plan.weeks[0]
    assert "佐藤" in first.by_owner and first.by_owner["佐藤"][0].item_id == "late"
    past = PlanItem("past", "9-8", "q", "佐藤", due=dt.date(2026, 10, 1))  # already past: this week
    after = PlanItem("after", "9-7", "q", "佐藤", due=dt.date(2027, 1, 1))  # past the window: its last week
    plan = propose_plan(dt.date(2026, 11, 2), dt.date(2026, 12, 2), [past, after], today=dt.date(2026, 11, 10))
    assert plan.weeks[0].by_owner["佐藤"][0].item_id == "past"
    assert plan.weeks[-1].by_owner["佐藤"][0].item_id == "after"


# --- what users read: calendars, workbooks, documents ------------------------------------------------------------


def test_the_plan_calendar_reads_back_with_stable_uids_and_alarms(ws, demo, tmp_path):
    from icalendar import Calendar

    from tui.export.ics import plan_calendar

    plan = ws.planning.plan(demo.id, on=dt.date(2026, 11, 23))
    first = Calendar.from_ical(plan_calendar(plan, demo.id, "サンプル", "ja"))
    events = list(first.walk("VEVENT"))
    summaries = [str(e["summary"]) for e in events]
    assert any("取締役会" in s for s in summaries)  # the board slot
    due = next(e for e in events if str(e["uid"]) == f"tenken-{demo.id}-due@tenken")
    assert due.decoded("dtstart") == plan.due
    assert any(e.walk("VALARM") for e in events)
    weekly = [e for e in events if "-week-" in str(e["uid"])]
    assert sum(len(str(e.get("description", "")).splitlines()) for e in weekly) == plan.remaining
    again = Calendar.from_ical(plan_calendar(plan, demo.id, "サンプル", "ja"))
    assert sorted(str(e["uid"]) for e in again.walk("VEVENT")) == sorted(str(e["uid"]) for e in events)


def test_remediation_report_and_calendar(ws, problem, tmp_path):
    from docx import Document
    from docx.shared import Cm
    from icalendar import Calendar
    from openpyxl import load_workbook

    from tui.export.ics import remediation_calendar
    from tui.export.progress import write_progress_docx, write_progress_xlsx

    on = dt.date(2027, 2, 15)
    lines = ws.planning.remediations(on)
    cal = Calendar.from_ical(remediation_calendar(lines, "ja"))
    ev = next(e for e in cal.walk("VEVENT") if "notice.4.ni" in str(e["uid"]))
    assert ev.decoded("dtstart") == dt.date(2027, 1, 31)
    write_progress_xlsx(tmp_path / "p.xlsx", lines, "ja", on)
    sheet = load_workbook(tmp_path / "p.xlsx").active
    values = [c.value for row in sheet.iter_rows() for c in row if c.value]
    assert "顧客情報の棚卸しが未実施" in values and any("期限超過" in str(v) for v in values)
    assert sheet.page_setup.orientation == "landscape" and sheet.sheet_properties.pageSetUpPr.fitToPage
    write_progress_docx(tmp_path / "p.docx", lines, "en", on)
    doc = Document(str(tmp_path / "p.docx"))
    text = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "overdue" in text and "全システムの顧客情報を棚卸しする" in text
    # the columns are as wide as their content needs in the table's own grid (what LibreOffice and Word lay out
    # from): the item's question gets six times the number's width, not the same
    grid = [c.width for c in doc.tables[0].columns]
    assert grid[2] > 5 * grid[1] and abs(sum(grid) - Cm(26.7)) < Cm(0.1)
    from docx.shared import Length

    page = doc.sections[0]  # A4 landscape, 15 mm on every side (tui.export.docx.a4_landscape)
    margins = [page.left_margin, page.right_margin, page.top_margin, page.bottom_margin]
    sizes = [page.page_width, page.page_height, *margins]  # stored in twips: compared to the millimetre
    assert [round(Length(v).mm) for v in sizes] == [297, 210, 15, 15, 15, 15]


def test_portfolio_ranks_provisions_across_firms(ws, demo, tmp_path):
    from openpyxl import load_workbook

    from tui.domain.profile import Profile
    from tui.export.progress import write_portfolio_xlsx

    other = ws.add_firm(Profile(name="株式会社ほか", business=("online-securities",), staff=30))
    second = ws.start_inspection(other.id, ["fsa-notice-2020"], dt.date(2026, 11, 1))
    ws.save_answer(second.id, "notice.4.ni", status="noncompliant")
    ws.save_answer(demo.id, "notice.4.ni", status="noncompliant")
    portfolio = ws.planning.portfolio("ja")
    top = portfolio.provisions[0]
    assert top.noncompliant == 2 and top.firms == 2 and top.ref.endswith("4.ni")
    assert {f.firm_name for f in portfolio.firms} == {"株式会社サンプル", "株式会社ほか"}
    write_portfolio_xlsx(tmp_path / "pf.xlsx", portfolio, "ja")
    wb = load_workbook(tmp_path / "pf.xlsx")
    assert len(wb.worksheets) == 3 and wb.worksheets[0]._charts  # openpyxl keeps charts it wrote


def test_a_new_cycle_not_yet_answered_does_not_wipe_a_firm_from_the_portfolio():
    from tui.domain.portfolio import AnswerFact, build_portfolio

    last, new = dt.date(2026, 11, 1), dt.date(2027, 11, 1)
    facts = [
        AnswerFact(1, "A", 1, last, "i1", "r:1", "Art. 1", "noncompliant"),
        AnswerFact(1, "A", 1, last, "i2", "r:2", "Art. 2", "compliant"),
        AnswerFact(1, "A", 2, new, "i1", "r:1", "Art. 1", "unanswered"),  # next cycle started, nothing answered
        AnswerFact(2, "B", 3, last, "i1", "r:1", "Art. 1", "partial"),
    ]
    p = build_portfolio(facts)
    assert (p.provisions[0].ref, p.provisions[0].noncompliant, p.provisions[0].partial) == ("r:1", 1, 1)
    assert {f.firm_name: (f.problems, f.answered) for f in p.firms} == {"A": (1, 2), "B": (1, 1)}
    assert [(c.firm_name, c.cycle) for c in p.cycles] == [("A", "2026"), ("A", "2027"), ("B", "2026")]
    # once the new cycle has answers, it is the one that counts
    p = build_portfolio([*facts, AnswerFact(1, "A", 2, new, "i2", "r:2", "Art. 2", "compliant")])
    assert {f.firm_name: (f.problems, f.answered) for f in p.firms}["A"] == (0, 1)


# --- the TUI and the CLI ----------------------------------------------------------------------------------------


async def test_plan_due_and_portfolio_screens(problem, app_factory):
    from textual.widgets import DataTable

    from tui.screens.planning import DueScreen, PlanScreen, PortfolioScreen

    app = app_factory("ja")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await open_inspection(pilot)
        await pilot.press("P")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        milestones = app.screen.query_one("#milestones", DataTable)
        assert any("提出期限" in str(c) or "取締役会" in str(c) for r in range(milestones.row_count)
                   for c in milestones.get_row_at(r))  # fmt: skip
        await pilot.press("escape", "escape")
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, DueScreen)
        table = app.screen.query_one("#due", DataTable)
        rows = [[str(c) for c in table.get_row_at(r)] for r in range(table.row_count)]
        assert any("1-2" in r for r in rows)
        index = next(i for i, r in enumerate(rows) if "1-2" in r)
        table.move_cursor(row=index)
        await pilot.press("s")
        await pilot.pause()
        line = next(x for x in app.ws.planning.remediations() if x.item_id == "notice.4.ni")
        assert line.state == "in_progress"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PortfolioScreen)


async def test_the_plan_due_and_portfolio_screens_keep_their_tables_after_a_language_switch(problem, app_factory):
    from textual.widgets import DataTable

    from tui.screens.planning import DueScreen, PlanScreen, PortfolioScreen

    def cells(table_id: str) -> list[str]:
        table = app.screen.query_one(table_id, DataTable)
        return [str(c) for r in range(table.row_count) for c in table.get_row_at(r)]

    app = app_factory("ja")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("P")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen) and "協会への報告期限" in cells("#milestones")
        await pilot.press("l")
        await pilot.pause()
        assert "Report due to the association" in cells("#milestones") and cells("#weeks")
        await pilot.press("escape", "escape")
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, DueScreen) and "1-2" in cells("#due")
        await pilot.press("l")
        await pilot.pause()
        assert "1-2" in cells("#due") and "未着手" in cells("#due")  # "planned" in Japanese
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PortfolioScreen) and cells("#firms")
        await pilot.press("l")
        await pilot.pause()
        assert cells("#provisions") and cells("#firms") and cells("#cycles")


async def test_tenken_says_at_start_what_is_due_this_week_and_what_is_overdue(problem, data_dir, database, monkeypatch):
    from tests.conftest import wait_until
    from tui.app import make_app
    from tui.workspace import Workspace

    async def start_notice(on: dt.date):
        monkeypatch.setattr("tui.planning.today", lambda: on)
        w = Workspace(data_dir, database)
        try:
            w.set_language("en")
            w.apply_language()
            app = make_app(w)  # as `tenken` starts: the content loads in the background, then the notice
            async with app.run_test(size=(120, 36)) as pilot:
                await wait_until(pilot, lambda: any(n.title == "This week" for n in app._notifications), 60)
                return next(n for n in app._notifications if n.title == "This week")
        finally:
            w.close()

    # a week in which the demo's answering window is open and the problem's fix (due 2027-01-31) is not yet late
    note = await start_notice(dt.date(2026, 11, 30))
    assert "items planned for this week" in note.message and "overdue" not in note.message
    # after the target date: the overdue fix is named, in the singular, and the notice is a warning
    note = await start_notice(dt.date(2027, 2, 1))  # the demo's own problem is due later in February
    assert "1 remediation overdue" in note.message and note.severity == "warning"


def test_cli_plan_due_remediation_portfolio(problem, data_dir, tmp_path):
    from tests.conftest import run_cli

    env = {"TENKEN_HOME": str(data_dir)}
    out = run_cli("plan", str(problem.id), "--json", env=env)
    assert out.returncode == 0, out.stderr
    import json

    data = json.loads(out.stdout)
    assert data["total"] == 25 and data["milestones"][-1]["kind"] == "due"
    out = run_cli("plan", str(problem.id), "--ics", str(tmp_path / "plan.ics"), env=env)
    assert out.returncode == 0 and (tmp_path / "plan.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")
    out = run_cli("due", "--json", env=env)
    assert any(r["item"] == "notice.4.ni" for r in json.loads(out.stdout))
    out = run_cli("remediation", str(problem.id), "notice.4.ni", "--state", "done", env=env)
    assert out.returncode == 0, out.stderr
    out = run_cli("due", "--report", "xlsx", "--out", str(tmp_path / "r.xlsx"), env=env)
    assert out.returncode == 0 and (tmp_path / "r.xlsx").stat().st_size > 1000
    out = run_cli("remediation", str(problem.id), "notice.4.ha", "--state", "done", env=env)
    assert out.returncode == 1 and "Traceback" not in out.stderr and out.stderr.count("\n") == 1
    out = run_cli("due", "--report", "xlsx", env=env)
    assert out.returncode == 1 and "--out" in out.stderr
    out = run_cli("portfolio", "--json", env=env)
    assert out.returncode == 0 and json.loads(out.stdout)["firms"]


def test_cli_due_lang_speaks_for_the_listing_too(problem, data_dir):
    from tests.conftest import run_cli

    env = {"TENKEN_HOME": str(data_dir)}
    out = run_cli("due", "--lang", "en", env=env)
    assert out.returncode == 0, out.stderr
    assert "Target date" in out.stdout and "January 31, 2027" in out.stdout and "対応期限" not in out.stdout
    out = run_cli("due", "--lang", "ja", env=env)
    assert "対応期限" in out.stdout and "2027年1月31日" in out.stdout


def test_a_plan_made_at_the_weekend_starts_with_the_coming_week():
    sunday = dt.date(2026, 11, 29)
    plan = propose_plan(dt.date(2026, 11, 20), dt.date(2026, 12, 20), _items(18), today=sunday)
    assert plan.weeks[0].start == sunday and plan.weeks[0].end == dt.date(2026, 12, 6)


async def test_a_carried_problem_is_shown_on_its_item(ws, problem, app_factory):
    from textual.widgets import Static

    ws.finalize(problem.id, "田中花子", allow_incomplete=True)
    info = ws.inspection(problem.id)
    nxt = ws.start_inspection(info.firm_id, list(info.templates), dt.date(2027, 11, 1))
    app = app_factory("ja")
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        app.open_inspection(nxt.id, item="notice.4.ni")
        await pilot.pause()
        meta = str(app.screen.query_one("#meta", Static).render())
        assert "顧客情報の棚卸しが未実施" in meta and "全システムの顧客情報を棚卸しする" in meta
