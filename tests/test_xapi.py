"""xAPI statements as evidence (issue 18, point 5): who took what, in which language, with whom, when; and
`tenken train send` to a Learning Record Store run here on 127.0.0.1 that checks every statement by the xAPI 1.0.3
rules (no LRS installs from the package registries without a server stack, so the rules are checked here)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.conftest import PINNED_TODAY, run_cli
from tui.domain.training import EXERCISE
from tui.export import ExportError
from tui.store import models
from tui.workspace import Workspace

MODULE = "security-awareness"
IRI = re.compile(r"^[a-z][a-z0-9+.-]*:[^\s]+$", re.I)
LANG = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")
DURATION = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")


def _agent_problems(agent: object, where: str) -> list[str]:
    if not isinstance(agent, dict):
        return [f"{where} is not an object"]
    ifis = [k for k in ("mbox", "mbox_sha1sum", "openid", "account") if k in agent]
    out = [] if len(ifis) == 1 else [f"{where} has {len(ifis)} identifiers, not exactly one"]
    if agent.get("objectType", "Agent") != "Agent":
        out.append(f"{where}.objectType")
    if "mbox" in agent and not str(agent["mbox"]).startswith("mailto:"):
        out.append(f"{where}.mbox is not a mailto: IRI")
    if "account" in agent:
        acc = agent["account"]
        if set(acc) != {"homePage", "name"} or not IRI.match(str(acc.get("homePage", ""))) or not acc.get("name"):
            out.append(f"{where}.account needs an IRL homePage and a name")
    return out


def xapi_problems(s: dict) -> list[str]:
    """What breaks the xAPI 1.0.3 rules in one statement (the parts tenken writes)."""
    out: list[str] = []
    try:
        uuid.UUID(s["id"])
    except (KeyError, ValueError, TypeError):
        out.append("id is not a UUID")
    out += _agent_problems(s.get("actor"), "actor")
    verb = s.get("verb", {})
    if not IRI.match(str(verb.get("id", ""))) or not all(LANG.match(k) for k in verb.get("display", {})):
        out.append("verb")
    obj = s.get("object", {})
    if obj.get("objectType", "Activity") != "Activity" or not IRI.match(str(obj.get("id", ""))):
        out.append("object")
    result = s.get("result", {})
    score = result.get("score")
    if score is not None and (
        not -1 <= score.get("scaled", 0) <= 1 or not score["min"] <= score["raw"] <= score["max"]
    ):
        out.append("result.score")
    if "duration" in result and not DURATION.match(result["duration"]):
        out.append("result.duration is not ISO 8601")
    context = s.get("context", {})
    if "registration" in context:
        try:
            uuid.UUID(context["registration"])
        except ValueError:
            out.append("context.registration is not a UUID")
    if "language" in context and not LANG.match(context["language"]):
        out.append("context.language is not RFC 5646")
    if "instructor" in context:
        out += _agent_problems(context["instructor"], "context.instructor")
    try:
        stamp = dt.datetime.fromisoformat(s["timestamp"])
        if stamp.tzinfo is None:
            out.append("timestamp without a time zone")
    except (KeyError, ValueError):
        out.append("timestamp")
    return out


class LRS:
    """A Learning Record Store on 127.0.0.1: Basic auth, xAPI version header, the rules above, one copy per id."""

    def __init__(self, user: str = "lrs", password: str = "secret", fail_first: int = 0) -> None:
        self.user, self.password, self.fail_first = user, password, fail_first
        self.stored: dict[str, dict] = {}
        self.requests = 0
        self.problems: list[str] = []
        lrs = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                lrs.requests += 1
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                expected = "Basic " + base64.b64encode(f"{lrs.user}:{lrs.password}".encode()).decode()
                if self.headers.get("Authorization") != expected:
                    return self._answer(401, [])
                if self.headers.get("X-Experience-API-Version") != "1.0.3" or self.path != "/xapi/statements":
                    return self._answer(400, [])
                if lrs.fail_first > 0:
                    lrs.fail_first -= 1
                    return self._answer(503, [])
                items = json.loads(body)
                for st in items:
                    lrs.problems += [f"{st.get('id')}: {p}" for p in xapi_problems(st)]
                    if st["id"] in lrs.stored and lrs.stored[st["id"]] != st:
                        return self._answer(409, [])
                for st in items:
                    lrs.stored[st["id"]] = st
                return self._answer(200, [st["id"] for st in items])

            def _answer(self, code: int, ids: list[str]) -> None:
                data = json.dumps(ids).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/xapi"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LRS:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def _answer_all(ws: Workspace, attempt_id: int, wrong: frozenset[str] = frozenset()):
    module = ws.training_module(MODULE)
    for q in module.quiz:
        picked = [next(c.id for c in q.choices if not c.correct)] if q.id in wrong else sorted(q.correct_ids)
        ws.answer_question(attempt_id, q.id, picked, today=PINNED_TODAY)
    return ws.finish_attempt(attempt_id)


@pytest.fixture
def taught(ws, monkeypatch, pinned):
    """A session in Japanese where 山田 takes the quiz in English: failed first, passed later; an exercise too."""
    s = ws.create_training_session(MODULE, PINNED_TODAY, "佐藤花子", "ja")
    t = ws.add_to_roster(s.id, "山田太郎")
    ws.set_trainee_language(t.id, "en")
    monkeypatch.setattr(models, "now", lambda: dt.datetime(2026, 11, 23, 10, 0))
    _answer_all(ws, ws.start_attempt(t.id, MODULE, session_id=s.id).id)  # passed at 10:00
    monkeypatch.setattr(models, "now", lambda: dt.datetime(2026, 11, 23, 11, 0))
    _answer_all(
        ws, ws.start_attempt(t.id, MODULE, session_id=s.id, resume=False).id, frozenset({"q01", "q02", "q03", "q04"})
    )
    module = ws.training_module("csirt-onboarding")
    ex = ws.start_attempt(t.id, module.id, EXERCISE)
    chosen: dict[str, str] = {}
    while (inject := module.exercise.next_inject(chosen)) is not None:
        best = max(inject.decisions, key=lambda d: d.score)
        chosen = {k: str(v) for k, v in ws.choose_decision(ex.id, inject.id, best.id).answers.items()}
    ws.finish_attempt(ex.id)
    return ws, s, t


def test_statements_say_who_what_in_which_language_with_whom_and_when(taught):
    ws, session, trainee = taught
    statements = [st for st in _export(ws) if st["actor"]["name"] == "山田太郎"]
    assert all(not xapi_problems(st) for st in statements), [xapi_problems(st) for st in statements]
    passed = next(
        st for st in statements if st["verb"]["id"].endswith("passed") and "exercises" not in st["object"]["id"]
    )
    failed = next(st for st in statements if st["verb"]["id"].endswith("failed"))
    # the pass is stamped when it happened, not with the later failed attempt's time
    assert passed["timestamp"].startswith("2026-11-23T10:00") and failed["timestamp"].startswith("2026-11-23T11:00")
    assert passed["context"]["language"] == "en"  # taken in English, in a Japanese session
    assert passed["context"]["registration"] != failed["context"]["registration"]
    assert passed["context"]["instructor"]["name"] == "佐藤花子"
    assert passed["actor"]["account"]["name"] == trainee.uid  # stable, not trainee-<local id>
    exercise = next(st for st in statements if "exercises/hot-wallet-outflow" in st["object"]["id"])
    assert exercise["result"]["success"] is True and exercise["result"]["score"]["scaled"] == 1.0
    assert exercise["result"]["extensions"]["https://tenken.example/xapi/critical"] == []


def test_two_laptops_never_give_two_people_the_same_actor(tmp_path, pinned):
    actors = []
    for n in range(2):
        w = Workspace(tmp_path / f"laptop{n}")
        t = w.add_trainee("山田太郎" if n == 0 else "鈴木一郎")
        _answer_all(w, w.start_attempt(t.id, MODULE).id)
        actors.append(json.dumps(_export(w)[0]["actor"]["account"]))
        w.close()
    assert actors[0] != actors[1]  # both were trainee-1 on the same made-up homePage


def test_the_actor_can_be_the_email_or_an_account_on_the_firms_home_page(taught):
    ws, _session, trainee = taught
    ws.training.update_trainee(trainee.id, email="yamada@example.co.jp")
    ws.set_xapi_options("mbox")
    assert all(st["actor"].get("mbox") == "mailto:yamada@example.co.jp" for st in _export(ws))
    ws.set_xapi_options("account", "https://www.example.co.jp/")
    assert all(st["actor"]["account"]["homePage"] == "https://www.example.co.jp/" for st in _export(ws))
    from tui.workspace import UserError

    with pytest.raises(UserError):
        ws.set_xapi_options(home_page="javascript:alert(1)")


def _export(ws) -> list[dict]:
    import tempfile
    from pathlib import Path

    path = Path(tempfile.mkdtemp()) / "x.json"
    ws.export_training_records("json", path)
    return json.loads(path.read_text(encoding="utf-8"))


def test_send_posts_in_batches_retries_and_never_sends_a_statement_twice(taught):
    ws, _s, _t = taught
    with LRS(fail_first=1) as lrs:
        sent, before = ws.send_training_statements(lrs.url, user="lrs", password="secret", batch=2, retries=2)
        assert sent == 3 and before == 0 and len(lrs.stored) == 3
        assert lrs.requests == 3  # a 503, then two batches (2 + 1)
        assert lrs.problems == []
        again = ws.send_training_statements(lrs.url, user="lrs", password="secret", batch=2)
        assert again == (0, 3) and lrs.requests == 3


def test_a_wrong_password_or_an_unreachable_lrs_is_one_sentence_and_nothing_is_marked_sent(taught):
    ws, _s, _t = taught
    with LRS() as lrs:
        with pytest.raises(ExportError, match="LRS"):
            ws.send_training_statements(lrs.url, user="lrs", password="wrong")
        assert ws.send_training_statements(lrs.url, user="lrs", password="secret")[0] == 3
    with pytest.raises(ExportError):
        ws.send_training_statements("http://127.0.0.1:9/xapi", retries=0)


def test_cli_train_send(data_dir):
    ws = Workspace(data_dir)
    t = ws.add_trainee("山田太郎")
    _answer_all(ws, ws.start_attempt(t.id, MODULE).id)
    ws.close()
    env = {"TENKEN_HOME": str(data_dir), "TENKEN_LRS_PASSWORD": "secret"}
    with LRS() as lrs:
        r = run_cli("train", "send", "--lrs", lrs.url, "--user", "lrs", env=env)
        assert r.returncode == 0, r.stderr
        assert len(lrs.stored) == 1 and lrs.problems == []
        r = run_cli("train", "send", "--lrs", lrs.url, "--user", "lrs", env={**env, "TENKEN_LRS_PASSWORD": "no"})
        assert r.returncode == 0  # nothing new to send: no request at all
        r = run_cli("train", "send", "--lrs", "ftp://x", "--user", "lrs", env=env)
        assert r.returncode == 1 and "Traceback" not in r.stderr
