"""A corpus of hostile inputs: bundles, YAML templates, profiles, cache files, strings, paths and arguments.

Each case says what a careless user, a tampered laptop or a hostile sender would hand tenken, which command they
run it through, and what must happen: the exit status, one sentence on stderr when it fails, and whether the
database may change. `test_cli.py` runs every case against a data folder holding the demo inspection.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

#: Strings that must stay text: Rich/Textual markup, terminal escapes (OSC 52 clipboard, clear screen), NUL, C1.
MARKUP_STRINGS = [
    "テスト[/]",
    "[/var/log]",
    "[WIP] 対応中 [x]",
    "[link=https://evil.example]ここを押す[/link]",
    "[b]太字",
]
ESCAPE_STRINGS = ["A\x1b]52;c;ZXZpbA==\x07B", "消去\x1b[2J\x1b[H", "NUL\x00文字", "C1\x9b31m赤"]
HOSTILE_STRINGS = MARKUP_STRINGS + ESCAPE_STRINGS
CONTROL_CHARS = [chr(c) for c in range(0x20) if chr(c) not in "\n\t"] + ["\x7f"] + [chr(c) for c in range(0x80, 0xA0)]


def digest(payload: dict) -> str:
    """The checksum tenken writes into a bundle (unkeyed: anyone can recompute it)."""
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(canonical).hexdigest()


def read_document(bundle: Path) -> dict:
    return json.loads(gzip.decompress(bundle.read_bytes()))


def write_document(path: Path, document: dict, recompute: bool = True) -> Path:
    if recompute:
        document["sha256"] = digest(document["payload"])
    path.write_bytes(gzip.compress(json.dumps(document, ensure_ascii=False).encode("utf-8")))
    return path


@dataclass
class Ctx:
    """What a case may use: the test's folder, the data folder (demo loaded) and a good bundle of the demo."""

    root: Path
    home: Path
    bundle: Path

    def tampered(self, name: str, change: Callable[[dict], None]) -> Path:
        document = read_document(self.bundle)
        change(document["payload"])
        return write_document(self.root / name, document)


@dataclass
class Case:
    id: str
    #: argv for `tenken`, built from the context (files are created here)
    argv: Callable[[Ctx], list[str]]
    exit: int = 1
    #: may the database change (an accepted import or a new firm)?
    changes: bool = False
    #: files the command may create, relative to the test's folder
    creates: Callable[[Ctx], list[Path]] = field(default=lambda ctx: [])
    env: dict[str, str] = field(default_factory=dict)
    #: what stdout must not contain (escapes reaching the terminal)
    stdout_never: tuple[str, ...] = ()
    #: what stderr must not contain (pydantic's English under a Japanese sentence, a pasted document quoted whole)
    stderr_never: tuple[str, ...] = ()
    #: a command to run afterwards (exit 0), whose stdout must not contain `stdout_never` either
    then: list[str] | None = None


# --- bundles -------------------------------------------------------------------------------------------------


def _answer(payload: dict, item: str = "notice.4.ha") -> dict:
    return next(a for a in payload["inspection"]["answers"] if a["item_id"] == item)


def _set(path: tuple, value: object) -> Callable[[dict], None]:
    def change(payload: dict) -> None:
        node = payload
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return change


def _foreign_firm(payload: dict) -> None:
    payload["firm"]["uid"] = str(uuid.uuid4())
    payload["firm"]["name"] = "株式会社アタッカー"
    payload["firm"]["profile"]["name"] = "株式会社アタッカー"
    a = _answer(payload)
    a["finding"] = "INJECTED"
    a["updated_at"] = (dt.datetime.now() - dt.timedelta(minutes=1)).isoformat()


def _far_future(payload: dict) -> None:
    a = _answer(payload)
    a["note"] = "wins every merge"
    a["updated_at"] = "9999-12-31T00:00:00"


def _status(value: object) -> Callable[[dict], None]:
    def change(payload: dict) -> None:
        _answer(payload)["status"] = value

    return change


def _deep(payload: dict) -> None:
    nested: object = "x"
    for _ in range(200):
        nested = [nested]
    _answer(payload)["note"] = nested


def _many_answers(payload: dict) -> None:
    a = _answer(payload)
    payload["inspection"]["answers"] = [dict(a) for _ in range(3)]  # the same item three times


def _item_not_in_inspection(payload: dict) -> None:
    a = dict(_answer(payload))
    a["item_id"] = "no.such.item"
    payload["inspection"]["answers"].append(a)


def _na_without_reason(payload: dict) -> None:
    a = _answer(payload)
    a["status"], a["justification"] = "na", ""
    a["updated_at"] = (dt.datetime.now() - dt.timedelta(minutes=1)).isoformat()


def _escape_name(payload: dict) -> None:
    payload["firm"]["uid"] = str(uuid.uuid4())
    payload["inspection"]["uid"] = str(uuid.uuid4())
    payload["firm"]["name"] = payload["firm"]["profile"]["name"] = "悪意\x1b]52;c;ZXZpbA==\x07社\x1b[2J"
    _answer(payload)["note"] = "メモ\x1b[2J\x00"


def _gzip_bomb(ctx: Ctx) -> list[str]:
    path = ctx.root / "bomb.tenken"
    with gzip.open(path, "wb", compresslevel=9) as fh:
        fh.write(b'{"format": "tenken-bundle", "version": 1, "payload": {"x": "')
        zeros = b"0" * (1 << 20)
        for _ in range(300):  # 300 MiB once decompressed, about 300 KB on disk
            fh.write(zeros)
        fh.write(b'"}}')
    return ["bundle", "import", str(path)]


def _deep_json(ctx: Ctx) -> list[str]:
    path = ctx.root / "deep.tenken"
    path.write_bytes(gzip.compress(b'{"format": "tenken-bundle", "version": 1, "payload": ' + b"[" * 200_000 + b"]"))
    return ["bundle", "import", str(path)]


def _huge(ctx: Ctx) -> list[str]:
    path = ctx.root / "huge.tenken"
    with path.open("wb") as fh:  # sparse: costs no disk, but 1 GiB to anyone who reads it all
        fh.truncate(1 << 30)
    return ["bundle", "import", str(path)]


def _fifo(ctx: Ctx) -> list[str]:
    path = ctx.root / "pipe.tenken"
    os.mkfifo(path)
    return ["bundle", "import", str(path)]


def _bundle(name: str, change: Callable[[dict], None]) -> Callable[[Ctx], list[str]]:
    return lambda ctx: ["bundle", "import", str(ctx.tampered(f"{name}.tenken", change))]


BUNDLE_CASES = [
    Case("bundle-profile-name-is-a-number", _bundle("name42", _set(("firm", "profile", "name"), 42))),
    Case("bundle-templates-is-a-number", _bundle("tpl5", _set(("inspection", "templates"), 5))),
    Case("bundle-status-pwned", _bundle("pwned", _status("pwned"))),
    Case("bundle-staff-many", _bundle("staff", _set(("firm", "profile", "staff"), "many"))),
    Case("bundle-level-unknown", _bundle("level", _set(("inspection", "items", 0, 3), "mandatory!"))),
    Case("bundle-date-garbage", _bundle("date", _set(("inspection", "received_on"), "tomorrow"))),
    Case("bundle-note-too-long", _bundle("long", lambda p: _answer(p).update(note="長" * 200_001))),
    Case("bundle-other-firms-inspection", _bundle("foreign", _foreign_firm)),
    Case("bundle-far-future-timestamp", _bundle("future", _far_future)),
    Case("bundle-deep-nesting-in-a-field", _bundle("deepfield", _deep)),
    Case("bundle-same-item-twice", _bundle("twice", _many_answers)),
    Case("bundle-answer-for-unknown-item", _bundle("unknown-item", _item_not_in_inspection)),
    Case("bundle-na-without-justification", _bundle("na", _na_without_reason)),
    Case("bundle-payload-not-a-mapping", _bundle("notmap", lambda p: p.clear())),
    Case("bundle-gzip-bomb", _gzip_bomb),
    Case("bundle-deep-json", _deep_json),
    Case("bundle-huge-file", _huge),
    Case("bundle-dev-zero", lambda ctx: ["bundle", "import", "/dev/zero"]),
    Case("bundle-fifo", _fifo),
    Case("bundle-folder", lambda ctx: ["bundle", "import", str(ctx.root)]),
    Case("bundle-missing", lambda ctx: ["bundle", "import", str(ctx.root / "nowhere.tenken")]),
    Case(
        "bundle-escapes-in-names-are-removed",
        _bundle("esc", _escape_name),
        exit=0,
        changes=True,
        stdout_never=("\x1b", "\x07", "\x00"),
        then=["list"],
    ),
]

# --- YAML user templates -------------------------------------------------------------------------------------

ALIAS_BOMB = """\
id: bomb
title: {ja: 爆弾, en: bomb}
rulebooks: [fsa-notice-2020]
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""

COMPLEX_KEY = """\
id: ck
title: {ja: 複合キー, en: complex key}
rulebooks: [fsa-notice-2020]
sections:
  - id: s1
    title: {ja: 節, en: section}
    items:
      - id: ck.1
        question: {ja: 質問ですか。, en: A question?}
        cites: [fsa-notice-2020:4.ha]
        ? [a, b]
        : value
"""


#: Few values, but one long text repeated through an alias: under a megabyte on disk, about 900 million
#: characters once expanded (every template reader, and the search index built from it, would pay for each).
TEXT_ALIAS_BOMB = f"""\
id: repeat
title: {{ja: 繰り返し, en: repeat}}
rulebooks: [fsa-notice-2020]
sections:
  - id: s1
    title: {{ja: 節, en: section}}
    items:
      - id: repeat.1
        question: {{ja: &t "{"あ" * 300_000}", en: A question?}}
        cites: [fsa-notice-2020:4.ha]
        evidence: [{", ".join(["{ja: *t, en: x}"] * 3000)}]
"""


def _user_template(name: str, text: str) -> Callable[[Ctx], Path]:
    def make(ctx: Ctx) -> Path:
        folder = ctx.home / "templates"
        folder.mkdir(exist_ok=True)
        path = folder / name
        path.write_text(text, encoding="utf-8")
        return path

    return make


def _with_template(name: str, text: str, argv: list[str]) -> Callable[[Ctx], list[str]]:
    def build(ctx: Ctx) -> list[str]:
        _user_template(name, text)(ctx)
        return [a.replace("{root}", str(ctx.root)) for a in argv]

    return build


def _huge_yaml(ctx: Ctx) -> list[str]:
    folder = ctx.home / "templates"
    folder.mkdir(exist_ok=True)
    (folder / "big.yaml").write_text("id: big\ntitle: {ja: 大, en: big}\nrulebooks: [x]\n# " + "x" * (9 << 20))
    return ["start", "1", "--template", "big"]


YAML_CASES = [
    Case("yaml-alias-bomb-start", _with_template("bomb.yaml", ALIAS_BOMB, ["start", "1", "--template", "bomb"])),
    Case("yaml-alias-bomb-list", _with_template("bomb.yaml", ALIAS_BOMB, ["list"]), exit=0),
    Case(
        "yaml-text-alias-bomb-start",
        _with_template("repeat.yaml", TEXT_ALIAS_BOMB, ["start", "1", "--template", "repeat"]),
    ),
    Case("yaml-text-alias-bomb-search", _with_template("repeat.yaml", TEXT_ALIAS_BOMB, ["search", "証跡"]), exit=0),
    Case("yaml-complex-key-start", _with_template("ck.yaml", COMPLEX_KEY, ["start", "1", "--template", "ck"])),
    Case("yaml-huge-template", _huge_yaml),
]

# --- profiles ------------------------------------------------------------------------------------------------

PROFILE = """\
name: {name}
business: [crypto-exchange]
staff: 12
"""


def _profile(name_yaml: str, extra: str = "") -> Callable[[Ctx], list[str]]:
    def build(ctx: Ctx) -> list[str]:
        path = ctx.root / "profile.yaml"
        path.write_text(PROFILE.format(name=name_yaml) + extra, encoding="utf-8")
        return ["init", "--profile", str(path)]

    return build


def _profile_with_staff(ctx: Ctx, staff: str) -> list[str]:
    path = ctx.root / "profile.yaml"
    path.write_text(f'name: 株式会社テスト\nbusiness: [crypto-exchange]\nstaff: "{staff}"\n', encoding="utf-8")
    return ["init", "--profile", str(path)]


def _profile_bomb(ctx: Ctx) -> list[str]:
    path = ctx.root / "profile.yaml"
    path.write_text(ALIAS_BOMB.replace("id: bomb", PROFILE.format(name="x").strip()), encoding="utf-8")
    return ["init", "--profile", str(path)]


PROFILE_CASES = [
    Case("profile-markup-name", _profile('"テスト[/]"'), exit=0, changes=True, then=["list"]),
    Case("profile-link-markup", _profile('"[link=https://evil.example]x[/link]"'), exit=0, changes=True),
    Case(
        "profile-osc52-and-clear-screen",
        _profile('"A\\e]52;c;ZXZpbA==\\aB\\e[2J"'),
        exit=0,
        changes=True,
        stdout_never=("\x1b", "\x07"),
        then=["list"],
    ),
    Case("profile-nul", _profile('"A\\0B"'), exit=0, changes=True, stdout_never=("\x00",), then=["list"]),
    Case("profile-only-controls", _profile('"\\e\\a\\0"')),
    Case("profile-name-5000-characters", _profile('"' + "長" * 5000 + '"'), stderr_never=("String should", "長" * 100)),
    Case(
        "profile-staff-is-a-document",
        lambda ctx: _profile_with_staff(ctx, "従業員" * 2000),
        stderr_never=("従業員" * 40,),
    ),
    Case("profile-alias-bomb", _profile_bomb),
    Case("profile-dev-zero", lambda ctx: ["init", "--profile", "/dev/zero"]),
    Case("profile-folder", lambda ctx: ["init", "--profile", str(ctx.root)]),
    Case("profile-scope-dev-zero", lambda ctx: ["scope", "--profile", "/dev/zero"]),
]

# --- cache files --------------------------------------------------------------------------------------------


class _Pickled:
    """Unpickling it runs a shell command that leaves a file behind (the stray-file check then fails the case)."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch '{self.marker}'",))


def _pickled_caches(argv: list[str]) -> Callable[[Ctx], list[str]]:
    """Every cache file, and the names earlier versions used, replaced by a pickle that would run a command."""

    def build(ctx: Ctx) -> list[str]:
        import pickle
        import subprocess
        import sys

        env = {**os.environ, "TENKEN_HOME": str(ctx.home)}  # fill every cache first: search index, titles, formats
        subprocess.run([sys.executable, "-m", "tui", "search", "障害"], env=env, capture_output=True, check=True)
        folder = ctx.home / "cache"
        folder.mkdir(exist_ok=True)
        bomb = pickle.dumps(_Pickled(ctx.root / "PWNED"))
        assert any(f.name.startswith("search-") for f in folder.iterdir())
        for f in folder.iterdir():
            f.write_bytes(bomb)
        for name in ("corpus.pickle", "search.pickle", "titles.json", "search-0.json"):
            (folder / name).write_bytes(bomb)
        return argv

    return build


CACHE_CASES = [
    Case("cache-pickles-list", _pickled_caches(["list"]), exit=0),
    Case("cache-pickles-show", _pickled_caches(["show", "fsa-notice-2020:4.ha"]), exit=0),
    Case("cache-pickles-search", _pickled_caches(["search", "障害"]), exit=0),
    Case("cache-pickles-start", _pickled_caches(["start", "1", "--received", "2026-11-20"]), exit=0, changes=True),
]

# --- arguments and output ------------------------------------------------------------------------------------

LONG_NAME = "報" * 80 + ".md"  # 243 bytes: a valid name, but not once a temporary suffix is added
TOO_LONG_NAME = "報" * 90 + ".md"  # 273 bytes: no file system takes it


def _out(name: str) -> Callable[[Ctx], list[str]]:
    return lambda ctx: ["report", "1", "--format", "md", "--out", str(ctx.root / "out" / name)]


def _stale_tmp(ctx: Ctx) -> list[str]:
    out = ctx.root / "out"
    stale = out / ".r.md.abc123.tmp"  # left behind by an export that was killed
    stale.write_text("half a report")
    old = dt.datetime.now().timestamp() - 3 * 86400
    os.utime(stale, (old, old))
    return ["report", "1", "--format", "md", "--out", str(out / "r.md")]


ARG_CASES = [
    Case("start-huge-firm-id", lambda ctx: ["start", "99999999999999999999"]),
    Case("report-huge-inspection-id", lambda ctx: ["report", "99999999999999999999", "--format", "md", "--out", "x"]),
    Case("compare-huge-ids", lambda ctx: ["compare", "99999999999999999999", "1"]),
    Case("start-received-9999-12-31", lambda ctx: ["start", "1", "--received", "9999-12-31"], exit=2),
    Case(
        "finalize-submitted-0001", lambda ctx: ["finalize", "1", "--officer", "x", "--submitted", "0001-01-01"], exit=2
    ),
    Case("report-long-name", _out(LONG_NAME), exit=0, creates=lambda ctx: [ctx.root / "out" / LONG_NAME]),
    Case("report-name-too-long", _out(TOO_LONG_NAME)),
    Case(
        "report-into-the-database",
        lambda ctx: ["report", "1", "--format", "json", "--out", str(ctx.home / "tenken.sqlite3"), "--force"],
    ),
    Case("report-into-the-data-folder", lambda ctx: ["report", "1", "--format", "md", "--out", str(ctx.home / "r.md")]),
    Case(
        "report-removes-stale-temporary-files",
        _stale_tmp,
        exit=0,
        creates=lambda ctx: [ctx.root / "out" / "r.md"],
    ),
    Case("list-cp932", lambda ctx: ["list"], exit=0, env={"PYTHONIOENCODING": "cp932"}),
    Case(
        "show-cp932",
        lambda ctx: ["show", "fsa-notice-2020:5.i", "fsa-notice-2020:4.ha"],
        exit=0,
        env={"PYTHONIOENCODING": "cp932"},
    ),
    Case("show-ascii", lambda ctx: ["show", "fsa-notice-2020:4.ha"], exit=0, env={"PYTHONIOENCODING": "ascii"}),
    Case("evidence-path-with-newline-and-escapes", lambda ctx: ["evidence", "add", "1", "1-1", "/tmp/a\n\x1b[2Jb.pdf"]),
    Case("restore-not-a-backup", lambda ctx: ["restore", "/dev/zero"]),
    Case("restore-number-too-big", lambda ctx: ["restore", "99999999999999999999"]),
]

CASES = BUNDLE_CASES + YAML_CASES + PROFILE_CASES + CACHE_CASES + ARG_CASES
