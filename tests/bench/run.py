"""tenken's benchmarks. Prints one JSON object of figures as its last line.

    python tests/bench/run.py            full sizes, figures compared with the bars in design.md
    python tests/bench/run.py --smoke    small sizes, few repeats, no bars (CI runs this)

Each figure is measured against a baseline in the same run where design.md asks for one (start-up against a
minimal Textual app, search against rapidfuzz.process.extract with WRatio), so a slow shared machine slows both.
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
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO))

BARS = {
    "startup_ratio": ("<=", 1.3),
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
    ws = Workspace(data)
    create_demo(ws)
    ws.search_index  # noqa: B018 - warm the content caches like a second start would find them
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
    t = time.perf_counter()
    index = build_index(corpus, templates, modules, synonyms)
    build_s = time.perf_counter() - t
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
        "search_index_cached_load_s": round(cached_s, 4),
        "search_index_cached": True,
        "search_index_peak_mb": round(peak / 1024 / 1024, 1),
        "search_index_held_mb": round(held / 1024 / 1024, 1),
        "relevance_queries": len(cases),
        "relevance_hit_at_3": round(hits / len(cases), 3),
    }


def bench_natural(index, corpus, smoke: bool) -> dict:
    """The frozen natural-query set (and the held-out set, judged apart): ours against the naive baseline."""
    import yaml

    figures: dict[str, object] = {}
    baseline = naive_baseline(corpus)

    def ours(q: str) -> list[str]:
        return [h.ref for h in index.search(q, limit=10, prefer="ja")]

    for name in ("natural", "heldout"):
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="small sizes, no bars (for CI)")
    parser.add_argument(
        "--only",
        choices=("startup", "search", "save", "export", "list", "bundle"),
        action="append",
        help="run only these benchmarks (repeatable); bars are checked for what ran",
    )
    args = parser.parse_args()
    run = set(args.only or ("startup", "search", "save", "export", "list", "bundle"))
    figures: dict[str, object] = {"mode": "smoke" if args.smoke else "full", "python": sys.version.split()[0]}
    with tempfile.TemporaryDirectory(prefix="tenken-bench-") as tmp:
        root = Path(tmp)
        os.environ["TENKEN_HOME"] = str(root / "home")
        if "startup" in run:
            figures.update(bench_startup(root, repeats=2 if args.smoke else 15))
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
