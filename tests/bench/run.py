"""tenken's benchmarks. Prints one JSON object of figures as its last line.

    python tests/bench/run.py            full sizes, figures compared with the bars in design.md
    python tests/bench/run.py --smoke    small sizes, few repeats, no bars (CI runs this)
    python tests/bench/run.py --only pg-concurrency    10 writers on PostgreSQL (TENKEN_TEST_PG_URL) and on SQLite
    python tests/bench/run.py --only merge       two laptops' 5,000 changes each merged, time and memory
    python tests/bench/run.py --only terminal    only what a user sees in a real terminal (start-up, typing in
                                                 search, PgDn in an inspection); --only terminal-startup etc. for one

Each figure is measured against a baseline in the same run where design.md asks for one (start-up against a
minimal Textual app, search against rapidfuzz.process.extract with WRatio), so a slow shared machine slows both.
The terminal figures run the apps in a pseudo-terminal of 120x36 and read the screen through a VT emulator
(tests/bench/terminal.py): the time runs from launching the command, or from the keystroke, until the text is on
the screen, frame and all, as a user would see it.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

from terminal import PtyApp  # noqa: E402 - beside this file

BARS = {
    "startup_ratio": ("<=", 1.3),
    "startup_terminal_ratio": ("<=", 1.3),
    "search_keystroke_p95_ms": ("<=", 50.0),
    "pgdn_p95_ms": ("<=", 30.0),
    "search_p95_ms": ("<=", 5.0),
    "search_speedup": (">=", 10.0),
    "save_median_ms": ("<=", 5.0),
    "export_max_s": ("<=", 1.0),
    "list_200x10_ms": ("<=", 200.0),
    "relevance_hit_at_3": (">=", 0.9),
    "natural_hit_at_3": (">=", 0.9),
    "natural_min_category_hit_at_3": (">=", 0.85),
    "natural_margin_over_baseline": (">=", 0.25),
    "natural_zero_result_rate": ("<=", 0.02),
    "natural_prefix_p95_ms": ("<=", 5.0),
    "natural_sentence_p95_ms": ("<=", 20.0),
    "search_index_build_s": ("<=", 5.0),
    "bundle_import_peak_rss_mb": ("<=", 200.0),
    "merge_s": ("<=", 1.0),
    "pg_lost_updates": ("<=", 0),
    "pg_conflicts_unreported": ("<=", 0),
}
JVCEA_BOOKS = ("jvcea-exchange", "jvcea-derivatives", "jvcea-epayment")


def expand_expect(expect: list[str]) -> list[str]:
    """`jvcea:N` names the same ref in the three JVCEA rulebooks (see the relevance files' headers)."""
    out: list[str] = []
    for e in expect:
        out += [f"{b}:{e[6:]}" for b in JVCEA_BOOKS] if e.startswith("jvcea:") else [e]
    return out


def accepts(expected: str, ref: str) -> bool:
    """A right answer: the ref itself, anything below it, or a guideline comment on the expected article."""
    if ref == expected or ref.startswith(expected + "."):
        return True
    book, _, local = expected.partition(":")
    return local[:1].isdigit() and (ref == f"{book}:g{local}" or ref.startswith(f"{book}:g{local}."))


def judge(cases: list[dict], search) -> dict:
    """hit@1, hit@3 and MRR (first right answer in the top 10) per category and overall, and the zero-result rate."""
    per: dict[str, list[tuple[int | None, bool]]] = {}
    for case in cases:
        expect = expand_expect(case["expect"])
        refs = search(case["q"])[:10]
        rank = next((n for n, r in enumerate(refs, 1) if any(accepts(e, r) for e in expect)), None)
        per.setdefault(case.get("cat", "all"), []).append((rank, not refs))

    def summary(rows: list[tuple[int | None, bool]]) -> dict:
        n = len(rows)
        return {
            "n": n,
            "hit_at_1": round(sum(1 for r, _z in rows if r == 1) / n, 3),
            "hit_at_3": round(sum(1 for r, _z in rows if r and r <= 3) / n, 3),
            "mrr": round(sum(1 / r for r, _z in rows if r) / n, 3),
            "zero_results": round(sum(1 for _r, z in rows if z) / n, 3),
        }

    out = {cat: summary(rows) for cat, rows in sorted(per.items())}
    out["overall"] = summary([row for rows in per.values() for row in rows])
    return out


def naive_baseline(corpus):
    """The 25-line search the issue compares with: rapidfuzz partial_ratio over NFKC-normalized provision texts."""
    import unicodedata

    from rapidfuzz import fuzz, process

    refs, texts = [], []
    for ref, p in corpus.provisions.items():
        if p.kind in ("article", "item", "guideline"):
            for lang in ("ja", "en"):
                refs.append(ref)
                texts.append(unicodedata.normalize("NFKC", corpus.full_text(ref, lang)).lower())

    def search(query: str) -> list[str]:
        q = unicodedata.normalize("NFKC", query).lower()
        found = process.extract(q, texts, scorer=fuzz.partial_ratio, limit=40, score_cutoff=60)
        out: list[str] = []
        for _t, _score, i in found:
            if refs[i] not in out:
                out.append(refs[i])
        return out[:10]

    return search


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def demo_dir(root: Path) -> Path:
    from tui.demo import create_demo
    from tui.workspace import Workspace

    data = root / "demo"
    if data.exists():  # made once a run, shared by the start-up benchmarks
        return data
    ws = Workspace(data)
    create_demo(ws)
    _ = ws.search_index  # warm the content caches like a second start would find them
    ws.close()
    return data


def bench_startup(root: Path, repeats: int) -> dict:
    data = demo_dir(root)
    env = {**os.environ, "TENKEN_HOME": str(data)}

    def once(kind: str, extra: list[str] | None = None) -> tuple[float, float]:
        t0 = time.time()
        out = subprocess.run(
            [sys.executable, str(HERE / "startup_probe.py"), kind, str(data), repr(t0), *(extra or [])],
            capture_output=True,
            text=True,
            env=env,
            cwd=REPO,
            timeout=120,
            check=True,
        ).stdout.split()
        return float(out[0]), float(out[1])

    # An installed tenken starts from bytecode (pip compiles it on install), like Textual in site-packages does; a
    # source checkout under PYTHONDONTWRITEBYTECODE would compile our modules on every start instead.
    compileall.compile_dir(REPO / "tui", quiet=1)
    once("minimal"), once("tenken")  # warm the OS file cache for both
    minimal, tenken = [], []
    for _ in range(repeats):  # interleaved, so both see the same machine load
        minimal.append(once("minimal")[0])
        tenken.append(once("tenken")[0])
    _t, rss = once("tenken", ["explore"])
    return {
        "startup_tenken_s": round(statistics.median(tenken), 3),
        "startup_minimal_s": round(statistics.median(minimal), 3),
        # Each pair ran back to back, so the median of the pair ratios follows the machine's load as it drifts.
        "startup_ratio": round(statistics.median(t / m for t, m in zip(tenken, minimal, strict=True)), 3),
        "rss_mb": round(rss, 1),
    }


# --- in a real terminal -------------------------------------------------------------------------------------------


def terminal_env(data: Path) -> dict[str, str]:
    """The environment of a user's terminal: xterm with true colour, Textual's own settings left out, and no
    COLUMNS or LINES (pytest sets them; they would override the pty's size)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL") and k not in ("COLUMNS", "LINES")}
    env.update(TERM="xterm-256color", COLORTERM="truecolor", TENKEN_HOME=str(data))
    return env


def tenken_command() -> list[str]:
    """Plain `tenken` as installed: the console script beside this Python, else `python -m tui`."""
    script = Path(sys.executable).parent / "tenken"
    return [str(script)] if script.exists() else [sys.executable, "-m", "tui"]


def home_texts(data: Path) -> list[str]:
    """Text that is on tenken's home screen once it is painted: a firm, the last key of the footer, the palette."""
    from tui.i18n import gettext_in
    from tui.workspace import Workspace

    ws = Workspace(data)
    try:
        lang = ws.language()
        firm = ws.firms()[0].name
    finally:
        ws.close()
    return [firm, gettext_in(lang, "Quit"), "^p"]


def launch_tenken(data: Path) -> PtyApp:
    return PtyApp(tenken_command(), terminal_env(data), REPO)


def bench_terminal_startup(root: Path, pairs: int) -> dict:
    """Launch to first screen in a pseudo-terminal, plain `tenken` against a minimal Textual app, pair by pair."""
    from minimal_app import TEXT as MINIMAL_TEXT

    data = demo_dir(root)
    compileall.compile_dir(REPO / "tui", quiet=1)  # as pip leaves an installed tenken: see bench_startup
    env = terminal_env(data)
    tenken_texts = home_texts(data)

    def once(kind: str) -> float:
        if kind == "minimal":
            app = PtyApp([sys.executable, str(HERE / "minimal_app.py")], env, REPO)
            texts, quit_key = [MINIMAL_TEXT, "palette"], b"\x11"  # ctrl+q
        else:
            app = PtyApp(tenken_command(), env, REPO)
            texts, quit_key = tenken_texts, b"q"
        try:
            return app.wait_for(texts, timeout=60) - app.started_at
        finally:
            app.close(quit_key)

    once("minimal"), once("tenken")  # warm the OS file cache for both
    minimal, tenken = [], []
    for n in range(pairs):  # back to back, in turns first, so both see the same machine load
        for kind in ("minimal", "tenken") if n % 2 == 0 else ("tenken", "minimal"):
            (minimal if kind == "minimal" else tenken).append(once(kind))
    ratios = sorted(t / m for t, m in zip(tenken, minimal, strict=True))
    return {
        "startup_terminal_tenken_s": round(statistics.median(tenken), 3),
        "startup_terminal_minimal_s": round(statistics.median(minimal), 3),
        "startup_terminal_ratio": round(statistics.median(ratios), 3),
        "startup_terminal_ratio_range": [round(ratios[0], 3), round(ratios[-1], 3)],
        "startup_terminal_pairs": pairs,
    }


def squeeze(text: str) -> str:
    """Text without white space and without block elements (borders, scroll bars), so wrapped lines compare."""
    return "".join(c for c in text if not c.isspace() and not "\u2580" <= c <= "\u259f")


def search_screen_state(ws, query: str) -> tuple[str, str, str]:
    """What the search screen shows for `query`: its status line and the start of the first two hits."""
    from tui.i18n import _, get_language
    from tui.screens.search import hit_prompt

    hits = ws.search_index.search(query, limit=30, prefer=get_language()) if query.strip() else []
    if not hits:
        status = _("No match for “{query}”.").format(query=query) if query.strip() else ""
    else:
        status = _("{n} results — ↓ to the list, Enter to open").format(n=len(hits))
    first = [squeeze(hit_prompt(h).plain.split("\n")[0])[:12] for h in hits[:2]]
    return squeeze(status), *(first + ["", ""])[:2]


def shows_search_state(screen: str, state: tuple[str, str, str]) -> bool:
    """True if the screen shows `state`: the status line, the first hit's title right under it (past the list's
    border, wrapped or not), the second hit's somewhere below."""
    status, first, second = state
    if not status:
        return False
    lines = [squeeze(line) for line in screen.split("\n")]
    row = next((n for n, line in enumerate(lines) if line == status), None)
    if row is None:
        return False
    return "".join(lines[row + 2 : row + 4]).startswith(first) and second in "".join(lines[row + 3 : row + 14])


def bench_terminal_search(root: Path, queries: int) -> dict:
    """Keystroke to painted results in the search screen, typing the relevance queries one character at a time.

    A keystroke counts when it changes what the screen should show (the status line or the first two hits), so
    the paint can be seen; the time runs from writing the key to the pty until the last byte of that paint."""
    import yaml

    from tui.i18n import set_language
    from tui.workspace import Workspace

    data = demo_dir(root)
    ws = Workspace(data)
    set_language(ws.language())
    cases = yaml.safe_load((HERE / "relevance.yaml").read_text(encoding="utf-8"))
    step = max(1, len(cases) // queries)
    chosen = [c["q"] for c in cases[::step]][:queries]
    app = launch_tenken(data)
    times: list[float] = []
    cpu_times: list[float] = []  # the app's own CPU time from key to paint: the latency on an idle core
    keystrokes = 0
    try:
        app.wait_for(home_texts(data), timeout=60)
        app.send("/")
        warm = search_screen_state(ws, chosen[0])
        app.wait_for(lambda s: "▔" in s, timeout=30)  # the search box
        app.send(chosen[0])  # the first search loads the index: not timed
        app.wait_for(lambda s: shows_search_state(s, warm), timeout=60)
        shown = warm
        for q in chosen:
            app.send("\x15")  # ctrl+u: empty the box, and wait until the last results have gone
            app.wait_for(lambda s, old=shown[0]: old not in [squeeze(line) for line in s.split("\n")], timeout=30)
            app.drain(0.05)
            before = ("", "", "")
            for k in range(1, len(q) + 1):
                expected = search_screen_state(ws, q[:k])
                cpu = app.cpu_seconds()
                sent = app.send(q[k - 1])
                keystrokes += 1
                if expected == before:  # nothing new to see: let the search finish, then type on
                    app.drain(0.08)
                    continue
                times.append((app.wait_for(lambda s, e=expected: shows_search_state(s, e), timeout=30) - sent) * 1000)
                cpu_after = app.cpu_seconds()
                if cpu is not None and cpu_after is not None:
                    cpu_times.append((cpu_after - cpu) * 1000)
                app.drain(0.03)
                before = shown = expected
    finally:
        app.close()
        ws.close()
    return {
        "search_keystroke_p95_ms": round(percentile(times, 0.95), 1),
        "search_keystroke_median_ms": round(statistics.median(times), 1),
        "search_keystroke_cpu_p95_ms": round(percentile(cpu_times, 0.95), 1) if cpu_times else None,
        "search_keystroke_cpu_median_ms": round(statistics.median(cpu_times), 1) if cpu_times else None,
        "search_keystrokes_timed": len(times),
        "search_keystrokes_typed": keystrokes,
    }


def inspection_dir(root: Path, size: int) -> tuple[Path, list[tuple[str, str]]]:
    """A data folder with one inspection of `size` items (a consultant's template drawn from the shipped ones), and
    the (number, question) of each item in the screen's order."""
    import datetime as dt

    import yaml

    from tui.domain.profile import Profile
    from tui.domain.template import lay_out
    from tui.paths import checklists_dir
    from tui.workspace import Workspace

    data = root / f"inspection{size}"
    (data / "templates").mkdir(parents=True)
    items = []
    for path in sorted((checklists_dir() / "templates").glob("*.yaml")):
        for section in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("sections", []):
            items += [
                {k: v for k, v in item.items() if k in ("question", "cites", "expectations", "evidence")}
                for item in section.get("items", [])
            ]
    items = (items * (size // len(items) + 1))[:size]
    template = {
        "id": "bench-large",
        "title": {"ja": "大きな点検", "en": "A large inspection"},
        "rulebooks": ["jvcea-exchange", "jvcea-derivatives", "jvcea-epayment", "fsi-bcp", "fsa-notice-2020"],
        "sections": [
            {
                "id": f"bench-s{s}",
                "title": {"ja": f"第{s + 1}部", "en": f"Part {s + 1}"},
                "kind": "items",
                "items": [{"id": f"bench.{s}.{n}", **item} for n, item in enumerate(items[s * 15 : s * 15 + 15])],
            }
            for s in range((size + 14) // 15)
        ],
    }
    (data / "templates" / "bench-large.yaml").write_text(yaml.safe_dump(template, allow_unicode=True), "utf-8")
    ws = Workspace(data)
    try:
        firm = ws.add_firm(Profile(name="株式会社ベンチ", business=("crypto-exchange",), staff=20))
        info = ws.start_inspection(firm.id, ["bench-large"], dt.date(2026, 11, 1))
        lay = lay_out(ws.inspection_templates(info), ws.store.inspection_items(info.id))
        order = [(p.number, p.item.question.get(ws.language())) for _s, placed in lay for p in placed]
        _ = ws.search_index  # warm the content caches like a second start would find them
    finally:
        ws.close()
    return data, order


def detail_pane(screen: str) -> str:
    """The inspection screen's right-hand pane, whitespace removed: what follows the item list's right border."""
    parts = []
    for line in screen.split("\n"):
        s = line.rstrip()
        if s.endswith("│"):  # the pane's own right border (it shows where focus is)
            s = s[:-1]
        if "│" in s:
            parts.append(s.rsplit("│", 1)[-1])
    return "".join("".join(p.split()) for p in parts)


def bench_terminal_pgdn(root: Path, size: int, presses: int) -> dict:
    """PgDn in an inspection of `size` items: from the key to the next item's number and question painted."""
    data, order = inspection_dir(root, size)
    app = launch_tenken(data)
    times: list[float] = []
    cpu_times: list[float] = []  # the app's own CPU time from key to paint: the latency on an idle core

    def shown(n: int) -> Callable[[str], bool]:
        number, question = order[n]
        mark = number + "".join(question.split())[:10]
        return lambda screen: mark in detail_pane(screen)

    try:
        app.wait_for(home_texts(data), timeout=60)
        app.send("\r")  # open the inspection
        app.wait_for(shown(0), timeout=60)
        app.drain(0.1)
        for n in range(1, min(presses, len(order) - 1) + 1):
            cpu = app.cpu_seconds()
            sent = app.send("\x1b[6~")  # PgDn
            times.append((app.wait_for(shown(n), timeout=30) - sent) * 1000)
            cpu_after = app.cpu_seconds()
            if cpu is not None and cpu_after is not None:
                cpu_times.append((cpu_after - cpu) * 1000)
            app.drain(0.03)
    finally:
        app.close()
    return {
        "pgdn_p95_ms": round(percentile(times, 0.95), 1),
        "pgdn_median_ms": round(statistics.median(times), 1),
        "pgdn_cpu_p95_ms": round(percentile(cpu_times, 0.95), 1) if cpu_times else None,
        "pgdn_cpu_median_ms": round(statistics.median(cpu_times), 1) if cpu_times else None,
        "pgdn_presses": len(times),
        "pgdn_items": len(order),
    }


def bench_search(root: Path, smoke: bool) -> dict:
    import tracemalloc

    import yaml
    from rapidfuzz import fuzz, process

    from tui.content.loader import (
        build_corpus,
        load_modules,
        load_search_index,
        load_synonyms,
        load_templates,
    )
    from tui.domain.search import build_index

    t = time.perf_counter()
    corpus = build_corpus()
    corpus_s = time.perf_counter() - t
    templates, _ = load_templates(corpus)
    modules = load_modules(corpus)
    synonyms = load_synonyms()
    t, c = time.perf_counter(), time.process_time()
    index = build_index(corpus, templates, modules, synonyms)
    build_s, build_cpu_s = time.perf_counter() - t, time.process_time() - c
    tracemalloc.start()  # a second build, traced (tracing slows it, so it is timed apart)
    traced = build_index(corpus, templates, modules, synonyms)
    held, peak = tracemalloc.get_traced_memory()
    del traced
    tracemalloc.stop()
    cache = root / "search-cache"
    load_search_index(corpus, templates, modules, cache)  # writes the cache
    t = time.perf_counter()
    cached = load_search_index(corpus, templates, modules, cache)
    cached_s = time.perf_counter() - t
    assert len(cached.entries) == len(index.entries)

    cases = yaml.safe_load((HERE / "relevance.yaml").read_text(encoding="utf-8"))
    queries = []
    for case in cases:  # every prefix as it is typed, one keystroke at a time
        q = case["q"]
        queries += [q[:n] for n in range(1, len(q) + 1)]
    if smoke:
        queries = queries[::7]
    ours, base = [], []
    texts = [e.title + "\n" + e.body for e in index.entries]
    for q in queries:
        t = time.perf_counter()
        index.search(q, limit=10)
        ours.append((time.perf_counter() - t) * 1000)
    for q in queries:
        t = time.perf_counter()
        process.extract(q, texts, scorer=fuzz.WRatio, limit=10)
        base.append((time.perf_counter() - t) * 1000)
    hits = 0
    for case in cases:
        found = index.search(case["q"], limit=3)
        hits += any(h.ref in case["expect"] or any(h.ref.startswith(e + ".") for e in case["expect"]) for h in found)
    index.warm()  # as the TUI's background warm-up leaves it before the first keystroke
    natural = bench_natural(index, corpus, smoke)
    return {
        **natural,
        "corpus_provisions": len(corpus.provisions),
        "corpus_load_s": round(corpus_s, 3),
        "search_queries": len(queries),
        "search_p95_ms": round(percentile(ours, 0.95), 3),
        "search_median_ms": round(statistics.median(ours), 3),
        "search_baseline_p95_ms": round(percentile(base, 0.95), 3),
        "search_speedup": round(statistics.mean(base) / statistics.mean(ours), 1),
        "search_index_entries": len(index.entries),
        "search_index_build_s": round(build_s, 3),
        "search_index_build_cpu_s": round(build_cpu_s, 3),
        "search_index_cached_load_s": round(cached_s, 4),
        "search_index_cached": True,
        "search_index_peak_mb": round(peak / 1024 / 1024, 1),
        "search_index_held_mb": round(held / 1024 / 1024, 1),
        "relevance_queries": len(cases),
        "relevance_hit_at_3": round(hits / len(cases), 3),
    }


def bench_natural(index, corpus, smoke: bool) -> dict:
    """The frozen natural-query set (and the held-out and audit sets, judged apart): ours against the naive baseline."""
    import yaml

    figures: dict[str, object] = {}
    baseline = naive_baseline(corpus)

    def ours(q: str) -> list[str]:
        return [h.ref for h in index.search(q, limit=10, prefer="ja")]

    for name in ("natural", "heldout", "audit", "audit2"):
        path = HERE / f"relevance_{name}.yaml"
        if not path.exists():
            continue
        cases = yaml.safe_load(path.read_text(encoding="utf-8"))
        mine = judge(cases, ours)
        base = judge(cases, baseline)
        figures[f"{name}_queries"] = len(cases)
        figures[f"{name}_hit_at_1"] = mine["overall"]["hit_at_1"]
        figures[f"{name}_hit_at_3"] = mine["overall"]["hit_at_3"]
        figures[f"{name}_mrr"] = mine["overall"]["mrr"]
        figures[f"{name}_zero_result_rate"] = mine["overall"]["zero_results"]
        figures[f"{name}_baseline_hit_at_3"] = base["overall"]["hit_at_3"]
        figures[f"{name}_margin_over_baseline"] = round(mine["overall"]["hit_at_3"] - base["overall"]["hit_at_3"], 3)
        figures[f"{name}_min_category_hit_at_3"] = min(v["hit_at_3"] for k, v in mine.items() if k != "overall")
        figures[f"{name}_by_category"] = mine
        figures[f"{name}_baseline_by_category"] = base
        if name != "natural":
            continue
        sentences = [c["q"] for c in cases]
        prefixes = [q[:n] for q in sentences for n in range(1, len(q) + 1)]
        if smoke:
            prefixes, sentences = prefixes[::9], sentences[::5]
        times, cpu = {}, {}
        for label, queries in (("prefix", prefixes), ("sentence", sentences)):
            ms, cpu_ms = [], []
            for q in queries:
                t, c = time.perf_counter(), time.process_time()
                index.search(q, limit=10)
                ms.append((time.perf_counter() - t) * 1000)
                cpu_ms.append((time.process_time() - c) * 1000)
            times[label], cpu[label] = ms, cpu_ms
        figures["natural_prefix_searches"] = len(prefixes)
        figures["natural_prefix_p95_ms"] = round(percentile(times["prefix"], 0.95), 3)
        figures["natural_sentence_p95_ms"] = round(percentile(times["sentence"], 0.95), 3)
        # CPU time of this process alone: what the search costs when other programs share the cores
        figures["natural_prefix_p95_cpu_ms"] = round(percentile(cpu["prefix"], 0.95), 3)
        figures["natural_sentence_p95_cpu_ms"] = round(percentile(cpu["sentence"], 0.95), 3)
        figures["load_average_1min"] = round(os.getloadavg()[0], 1)
    return figures


def bench_save(root: Path, count: int) -> dict:
    from tui.demo import create_demo
    from tui.workspace import Workspace

    ws = Workspace(root / "save")
    info, _ = create_demo(ws)
    items = [i for i, _s, _l in ws.store.inspection_items(info.id)]
    times = []
    for n in range(count):
        t = time.perf_counter()
        ws.save_answer(info.id, items[n % len(items)], note=f"note {n}")  # the TUI's own path: one durable commit
        times.append((time.perf_counter() - t) * 1000)
    ws.close()
    return {"save_median_ms": round(statistics.median(times), 3), "save_p95_ms": round(percentile(times, 0.95), 3)}


def bench_export(root: Path) -> dict:
    from tui.domain.profile import Profile
    from tui.export import FORMATS, export_report
    from tui.workspace import Workspace

    ws = Workspace(root / "export")
    rule_templates = [
        t for t in ("jvcea-exchange", "jvcea-derivatives", "jvcea-epayment", "fsi-bcp") if t in ws.templates
    ]
    profile = Profile(
        name="株式会社ベンチ",
        business=("crypto-exchange", "crypto-derivatives", "e-payment", "fs-intermediary"),
        staff=80,
        uses_cloud=True,
        outsourcing="multi-tier",
        online_transactions=True,
        system_integration_planned=True,
        custody=True,
        bank_api=True,
        in_house_development=True,
    )
    firm = ws.add_firm(profile)
    info = ws.start_inspection(firm.id, rule_templates or ["fsa-notice-2020"], dt.date(2026, 11, 1))
    for n, (item, _s, _l) in enumerate(ws.store.inspection_items(info.id)):
        if n % 3 == 0:
            ws.save_answer(
                info.id,
                item,
                status="noncompliant",
                finding=f"問題点 {n}",
                risk="high",
                remediation=f"改善計画 {n}",
                owner="担当者",
                target_date=dt.date(2027, 3, 31),
            )
        else:
            ws.save_answer(info.id, item, status="compliant", note=f"確認済み {n}")
    times = {}
    for fmt in FORMATS:
        t = time.perf_counter()
        report = ws.report(info.id, "ja")
        export_report(report, fmt, root / f"report.{fmt}", force=True)
        times[fmt] = time.perf_counter() - t
    ws.close()
    return {
        "export_items": info.progress.total,
        "export_templates": len(rule_templates) or 1,
        "export_max_s": round(max(times.values()), 3),
        **{f"export_{fmt}_s": round(s, 3) for fmt, s in times.items()},
    }


def bench_list(root: Path, firms: int, per_firm: int) -> dict:
    from peewee import chunked

    from tui.domain.profile import Profile
    from tui.store import models as m
    from tui.workspace import Workspace

    data = root / "list"
    ws = Workspace(data)
    template = ws.template("fsa-notice-2020")
    items = [(i.id, i.section, "required") for i in template.items()]
    with ws.store.db.atomic():
        for f in range(firms):
            firm = ws.add_firm(Profile(name=f"事業者{f:03d}", business=("online-securities",), staff=10 + f))
            for k in range(per_firm):
                ws.store.create_inspection(firm.id, "", ["fsa-notice-2020"], items, dt.date(2016 + k, 11, 1))
        # fully answered: bulk, as a year of use would leave it
        m.Answer.update(status="compliant", note="確認済み").execute()
    ws.close()
    times = []
    count = 0
    for _ in range(5):
        t = time.perf_counter()
        w = Workspace(data)
        listed = w.firms()
        times.append((time.perf_counter() - t) * 1000)
        count = sum(len(f.inspections) for f in listed)
        w.close()
    del chunked
    return {"list_200x10_ms": round(statistics.median(times), 1), "list_inspections": count, "list_firms": firms}


_BUNDLE_CHILD = """
import json, os, resource, sys, time
from pathlib import Path
from tui.workspace import Workspace
what, data, bundle, inspection = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
ws = Workspace(data)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
if what == "export":
    ws.export_bundle(inspection, bundle, force=True, passphrase=os.environ["TENKEN_BUNDLE_PASSPHRASE"])
else:
    ws.import_bundle(bundle, passphrase=lambda: os.environ["TENKEN_BUNDLE_PASSPHRASE"])
seconds = time.perf_counter() - t
ws.close()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"base_mb": base / 1024, "peak_mb": peak / 1024, "s": seconds}))
"""


def bench_bundle(root: Path, megabytes: int) -> dict:
    """An encrypted bundle carrying `megabytes` of evidence (4 files), exported and imported in fresh processes;
    peak RSS (ru_maxrss: Python, SQLite and pyrage's Rust buffers alike) against the process before the work."""
    from tui.demo import create_demo
    from tui.workspace import Workspace

    sender = root / "bundle-sender"
    ws = Workspace(sender)
    info, _ = create_demo(ws)
    items = [i for i, _s, _l in ws.store.inspection_items(info.id)]
    docs = root / "bundle-docs"
    docs.mkdir()
    per_file = (megabytes << 20) // 4
    for n in range(4):
        path = docs / f"evidence-{n}.bin"
        with open(path, "wb") as fh:
            for _ in range(per_file >> 20):
                fh.write(os.urandom(1 << 20))
        ws.add_evidence(info.id, items[n], f"evidence {n}", path)
    ws.close()
    bundle = root / "road.tenken"
    env = {**os.environ, "TENKEN_BUNDLE_PASSPHRASE": "bench-passphrase-2026"}
    figures: dict[str, float] = {}
    for what, data in (("export", sender), ("import", root / "bundle-receiver")):
        out = subprocess.run(
            [sys.executable, "-c", _BUNDLE_CHILD, what, str(data), str(bundle), str(info.id)],
            capture_output=True,
            text=True,
            env=env,
            cwd=REPO,
            check=True,
        )
        got = json.loads(out.stdout.strip().splitlines()[-1])
        figures[f"bundle_{what}_peak_rss_mb"] = round(got["peak_mb"], 1)
        figures[f"bundle_{what}_base_rss_mb"] = round(got["base_mb"], 1)
        figures[f"bundle_{what}_s"] = round(got["s"], 2)
    figures["bundle_evidence_mb"] = megabytes
    figures["bundle_file_mb"] = round(bundle.stat().st_size / (1 << 20), 1)
    return figures


CONCURRENT_WRITER = """
import json, os, sys, time
from pathlib import Path
sys.path.insert(0, os.environ["TENKEN_REPO"])
from tui.workspace import StoreError, Workspace
home, url, inspection, tag, saves = sys.argv[1], sys.argv[2] or None, int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
items = json.loads(sys.argv[6])
ws = Workspace(Path(home), url)
out = []
for k in range(saves):
    item = items[(k * 7 + len(tag)) % len(items)]
    ws.answers(inspection)  # look, then save: what a person does
    t = time.perf_counter()
    try:
        _a, clashes = ws.save_answer_checked(inspection, item, note=f"{tag}-{k}")
    except StoreError:  # "busy in another tenken": the person is told and nothing is saved
        out.append([item, f"{tag}-{k}", None, (time.perf_counter() - t) * 1000])
        continue
    out.append([item, f"{tag}-{k}", bool(clashes), (time.perf_counter() - t) * 1000])
ws.close()
print(json.dumps(out))
"""


def pg_admin_url() -> str:
    return os.environ.get("TENKEN_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _concurrent_run(root: Path, label: str, url: str | None, writers: int, saves: int) -> dict:
    """`writers` processes, each its own tenken (own connection, own session), `saves` saves each to a few shared
    items; then the history is checked: every save is there, and every save that overlapped a change its writer
    had not seen was reported as a conflict (else it would be a lost update)."""
    from tui.demo import create_demo
    from tui.workspace import Workspace

    main_dir = root / f"{label}-main"
    ws = Workspace(main_dir, url)
    info, _ = create_demo(ws)
    items = [i for i, _s, _l in ws.store.inspection_items(info.id)][:5]  # overlapping: ten writers, five items
    script = root / "writer.py"
    script.write_text(CONCURRENT_WRITER)
    env = {**os.environ, "TENKEN_REPO": str(REPO)}
    started = time.perf_counter()
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                str(script),
                str(root / f"{label}-w{n}") if url else str(main_dir),
                url or "",
                str(info.id),
                f"w{n}",
                str(saves),
                json.dumps(items),
            ],
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )
        for n in range(writers)
    ]
    results = []
    try:
        for p in procs:
            out, _ = p.communicate(timeout=3600)
            if p.returncode != 0:
                raise RuntimeError(f"a writer failed ({label})")
            results.extend(json.loads(out.strip().splitlines()[-1]))
    finally:
        for p in procs:  # never leave a writer running behind a failed run
            if p.poll() is None:
                p.kill()
                p.wait()
    wall = time.perf_counter() - started
    every = [c for c in ws.store.changes(info.id) if c.field == "note" and c.item_id in items]  # in the order written
    ws.close()
    by_value = {(c.item_id, c.value): c for c in every}
    refused = [r for r in results if r[2] is None]  # told "busy, try again": not saved, and not claimed to be
    results = [r for r in results if r[2] is not None]
    missing = [r for r in results if (r[0], r[1]) not in by_value]
    ancestors: dict[str, set[str]] = {}
    earlier: dict[str, list[str]] = {}
    overlapping = set()
    for c in every:
        ancestors[c.uid] = set(c.parents).union(*(ancestors.get(p, set()) for p in c.parents))
        seen_before = earlier.setdefault(c.item_id, [])
        if any(e not in ancestors[c.uid] for e in seen_before):
            overlapping.add((c.item_id, c.value))
        seen_before.append(c.uid)
    reported = {(r[0], r[1]) for r in results if r[2]}
    times = [r[3] for r in results]
    return {
        f"{label}_saves": len(results),
        f"{label}_refused_busy": len(refused),
        f"{label}_lost_updates": len(missing) + len(overlapping - reported),
        f"{label}_overlapping_changes": len(overlapping),
        f"{label}_conflicts_reported": len(reported),
        f"{label}_conflicts_unreported": len(overlapping - reported),
        f"{label}_save_p95_ms": round(percentile(times, 0.95), 2),
        f"{label}_save_median_ms": round(statistics.median(times), 2),
        f"{label}_wall_s": round(wall, 1),
    }


def bench_pg_concurrency(root: Path, writers: int, saves: int) -> dict:
    """Ten writers on PostgreSQL against the same on one SQLite data folder (the baseline), in the same run."""
    import uuid
    from urllib.parse import urlsplit, urlunsplit

    import psycopg2

    admin_url = pg_admin_url()
    try:
        admin = psycopg2.connect(admin_url, connect_timeout=3)
    except psycopg2.Error:
        if os.environ.get("TENKEN_TEST_PG") == "required":
            raise
        return {"pg_skipped": "no PostgreSQL server at " + admin_url}
    admin.autocommit = True
    name = f"tenken_bench_{uuid.uuid4().hex[:10]}"
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(admin_url)
    url = urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))
    try:
        figures = {"pg_writers": writers, "pg_saves_per_writer": saves}
        figures.update(_concurrent_run(root, "pg", url, writers, saves))
        figures.update(_concurrent_run(root, "sqlite", None, writers, saves))
    finally:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
    return figures


def bench_merge(root: Path, changes: int) -> dict:
    """Two laptops change the same inspection `changes` times each (overlapping items and fields), then one imports
    the other's bundle: the merge's time, against reading the bundle alone, and its peak memory (tracemalloc).

    tracemalloc slows every allocation down several times, so the time is taken on one copy of the importing laptop
    without it and the memory on a second, identical copy with it (its time reported too, not held to the bar)."""
    import shutil
    import tracemalloc

    from tui.demo import create_demo
    from tui.store.bundle import read_bundle
    from tui.workspace import Workspace

    a = Workspace(root / "merge-a")
    info, _ = create_demo(a)
    a.export_bundle(info.id, root / "start.tenken")
    b = Workspace(root / "merge-b")
    copy = b.import_bundle(root / "start.tenken").inspection_id
    items = [i for i, _s, _l in a.store.inspection_items(info.id)]
    fields = ("note", "owner", "finding", "remediation")
    for ws, iid, tag in ((a, info.id, "A"), (b, copy, "B")):
        with ws.store.db.atomic():  # one transaction: the set-up, not the figure
            for n in range(changes):
                ws.save_answer(iid, items[n % len(items)], **{fields[(n // len(items)) % len(fields)]: f"{tag}{n}"})
    b.export_bundle(copy, root / "b.tenken")
    b.close()
    a.close()
    shutil.copytree(root / "merge-a", root / "merge-a-traced")
    t = time.perf_counter()
    read_bundle(root / "b.tenken")
    read_s = time.perf_counter() - t
    a = Workspace(root / "merge-a")
    t = time.perf_counter()
    result = a.import_bundle(root / "b.tenken")
    merge_s = time.perf_counter() - t
    conflicts = len(a.conflicts(info.id))
    a.close()
    traced = Workspace(root / "merge-a-traced")
    tracemalloc.start()
    t = time.perf_counter()
    traced_result = traced.import_bundle(root / "b.tenken")
    traced_s = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    traced.close()
    return {
        "merge_changes_each": changes,
        "merge_s": round(merge_s, 3),
        "merge_read_bundle_s": round(read_s, 3),
        "merge_traced_s": round(traced_s, 3),
        "merge_peak_traced_mb": round(peak / (1 << 20), 1),
        "merge_conflicts": conflicts,
        "merge_conflicts_reported": len(result.conflicts),
        "merge_traced_same_conflicts": traced_result.conflicts == result.conflicts,
    }


TERMINAL = ("terminal-startup", "terminal-search", "terminal-pgdn")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="small sizes, no bars (for CI)")
    parser.add_argument(
        "--only",
        choices=(
            "startup",
            "search",
            "save",
            "export",
            "list",
            "bundle",
            "merge",
            "pg-concurrency",
            "terminal",
            *TERMINAL,
        ),
        action="append",
        help="run only these benchmarks (repeatable; terminal = the three terminal-* ones); bars are checked for "
        "what ran",
    )
    args = parser.parse_args()
    everything = ("startup", "search", "save", "export", "list", "bundle", "merge", "pg-concurrency", "terminal")
    run = set(args.only or everything)
    if "terminal" in run:
        run |= set(TERMINAL)
    figures: dict[str, object] = {"mode": "smoke" if args.smoke else "full", "python": sys.version.split()[0]}
    with tempfile.TemporaryDirectory(prefix="tenken-bench-") as tmp:
        root = Path(tmp)
        os.environ["TENKEN_HOME"] = str(root / "home")
        if "startup" in run:
            figures.update(bench_startup(root, repeats=2 if args.smoke else 15))
        if "terminal-startup" in run:
            figures.update(bench_terminal_startup(root, pairs=2 if args.smoke else 15))
        if "terminal-search" in run:
            figures.update(bench_terminal_search(root, queries=2 if args.smoke else 20))
        if "terminal-pgdn" in run:
            figures.update(bench_terminal_pgdn(root, size=150, presses=5 if args.smoke else 100))
        if "search" in run:
            figures.update(bench_search(root, args.smoke))
        if "save" in run:
            figures.update(bench_save(root, 20 if args.smoke else 300))
        if "export" in run:
            figures.update(bench_export(root))
        if "list" in run:
            figures.update(bench_list(root, 10 if args.smoke else 200, 2 if args.smoke else 10))
        if "bundle" in run:
            figures.update(bench_bundle(root, 8 if args.smoke else 100))
        if "merge" in run:
            figures.update(bench_merge(root, 200 if args.smoke else 5000))
        if "pg-concurrency" in run:
            figures.update(bench_pg_concurrency(root, 3 if args.smoke else 10, 15 if args.smoke else 1000))
    if not args.smoke:
        failed = []
        for key, (op, bar) in BARS.items():
            if key not in figures and args.only:
                continue
            value = figures.get(key)
            ok = value is not None and (value <= bar if op == "<=" else value >= bar)
            if not ok:
                failed.append(key)
        figures["bars_failed"] = failed
    print(json.dumps(figures, ensure_ascii=False))
    return 1 if not args.smoke and figures.get("bars_failed") else 0


if __name__ == "__main__":
    raise SystemExit(main())
