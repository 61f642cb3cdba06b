"""Japanese tokenization chosen by measurement (issue #17): character bigrams (as shipped) against SudachiPy.

    python tests/bench/tokenizers.py            every variant below, all four frozen relevance sets
    python tests/bench/tokenizers.py --quick    two variants only (bigrams, bigrams+Sudachi C)

Needs `sudachipy` and `sudachidict_core`, which tenken does not ship (pip install them into a venv to run this);
without them it prints a JSON object saying it was skipped and exits 0.

The search index is built several ways by swapping, in `tui.domain.search` only and only for the time of one
variant, the functions that turn Japanese text into terms; the shipped code is not changed:

- `index_terms` (the terms of a provision, comment, item or lesson) and `grams` (the terms of one Japanese word of
  the query, used by `SearchIndex._alt`) become: bigrams as shipped, Sudachi morphemes instead, or both. One-character
  terms (for a one-character query) and English stems stay as shipped in every variant.
- Sudachi reads the text as written (NFKC, month counts unified) rather than tenken's folded form, in which katakana
  is already hiragana (「ぱっち」 is not a word to Sudachi). Each morpheme's normalized or dictionary form is then
  folded the shipped way, so index, query, synonym table and readings meet in the same folded space as shipped.
  The text as written is found again through a wrapper around `fold` that remembers what it folded.
- "units=sudachi": the query's units (`query_units`) are Sudachi content morphemes (particles, auxiliaries and
  symbols dropped, and hiragana words shorter than four as the shipped units drop them) instead of the
  shipped script runs, which would cut 「消す」 into 「消」 and a dropped 「す」.

Each variant is judged with run.py's `judge` on relevance_natural (the dev set), relevance_heldout,
relevance_audit and relevance_audit2: hit@1, hit@3, MRR and the zero-result rate per set (and per category for the
natural set), and the three unseen sets pooled (they were not used to tune the ranking, the natural set was);
`rank_changes` lists, per query, the first right answer's rank as shipped and in the variant where they differ. Also
the index build time (readings included, as shipped), and p95 latency per keystroke on the
natural set's typed prefixes and on its whole queries. The dictionary's cost (its size on disk, the process RSS
before and after loading it) is measured in a child process. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

SETS = ("natural", "heldout", "audit", "audit2")
DROP_POS = {"助詞", "助動詞", "補助記号", "空白"}
# name → (bigrams, Sudachi split mode or None, form, query units)
VARIANTS: dict[str, tuple[bool, str | None, str, str]] = {
    "bigrams (shipped)": (True, None, "", "shipped"),
    "sudachi C normalized, units=sudachi": (False, "C", "normalized", "sudachi"),
    "sudachi A normalized, units=sudachi": (False, "A", "normalized", "sudachi"),
    "sudachi C dictionary, units=sudachi": (False, "C", "dictionary", "sudachi"),
    "sudachi C normalized, units=shipped": (False, "C", "normalized", "shipped"),
    "bigrams + sudachi C normalized, units=shipped": (True, "C", "normalized", "shipped"),
    "bigrams + sudachi A normalized, units=shipped": (True, "A", "normalized", "shipped"),
    "bigrams + sudachi C normalized, units=sudachi": (True, "C", "normalized", "sudachi"),
}
QUICK = ("bigrams (shipped)", "bigrams + sudachi C normalized, units=shipped")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def dictionary_cost() -> dict[str, object]:
    """Disk size of the two packages and the RSS a fresh process adds by loading the core dictionary."""
    import sudachidict_core
    import sudachipy

    def size(path: Path) -> int:
        return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())

    child = (
        "import json,time,pathlib\n"
        "def rss():\n"
        "    for l in pathlib.Path('/proc/self/status').read_text().splitlines():\n"
        "        if l.startswith('VmRSS:'): return int(l.split()[1])/1024\n"
        "a=rss(); t=time.perf_counter()\n"
        "from sudachipy import Dictionary, SplitMode\n"
        "tok=Dictionary(dict='core').create(SplitMode.C); tok.tokenize('脆弱性が見つかったらパッチを当てる')\n"
        "s=time.perf_counter()-t; b=rss()\n"
        "print(json.dumps({'rss_before_mb':round(a,1),'rss_after_load_mb':round(b,1),'load_s':round(s,3)}))\n"
    )
    out = subprocess.run([sys.executable, "-W", "ignore", "-c", child], capture_output=True, text=True, check=True)
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    dict_dir = Path(sudachidict_core.__file__).parent
    py_dir = Path(sudachipy.__file__).parent
    return {
        "sudachipy_version": getattr(sudachipy, "__version__", "?"),
        "sudachidict_core_disk_mb": round(size(dict_dir) / 1024 / 1024, 1),
        "sudachipy_disk_mb": round(size(py_dir) / 1024 / 1024, 1),
        **figures,
        "rss_added_mb": round(figures["rss_after_load_mb"] - figures["rss_before_mb"], 1),
    }


@contextlib.contextmanager
def variant(bigrams: bool, mode: str | None, form: str, units: str) -> Iterator[None]:
    """Swap the Japanese term functions (and the query units) of tui.domain.search for the time of the block."""
    import re

    from tui.domain import analyze, search

    shipped = {name: getattr(search, name) for name in ("fold", "index_terms", "grams", "query_units")}
    if mode is None:
        yield
        return
    from sudachipy import Dictionary, SplitMode

    tokenizer = Dictionary(dict="core").create()
    split = {"A": SplitMode.A, "C": SplitMode.C}[mode]
    fold, grams, query_text = analyze.fold, analyze.grams, analyze.query_text
    raw: dict[str, str] = {}  # folded text → the text as written (first seen)

    def remembering_fold(text: str) -> str:
        out = fold(text)
        raw.setdefault(out, text)
        return out

    def word(m) -> str:  # type: ignore[no-untyped-def]
        return m.normalized_form() if form == "normalized" else m.dictionary_form()

    def sudachi_terms(folded: str) -> list[str]:
        text = query_text(raw.get(folded, folded))
        out = []
        for m in tokenizer.tokenize(text, split):
            surface = m.surface()
            if not surface.strip() or surface.isascii() or m.part_of_speech()[0] in DROP_POS:
                continue
            out.append(fold(word(m)))
        return out

    def index_terms(text: str) -> list[str]:
        out: list[str] = []
        for m in analyze._TOKEN.finditer(text):
            tok = m.group()
            if tok.isascii():
                out.append(analyze.stem(tok))
            else:
                if bigrams:
                    out += grams(tok)
                out += [c for c in tok if not c.isascii()]
        return out + sudachi_terms(text)

    def japanese_terms(tok: str) -> list[str]:
        terms = grams(tok) if bigrams else []
        return terms + [t for t in sudachi_terms(tok) if t not in terms]

    def sudachi_units(query: str) -> list[tuple[str, int, int]]:
        q = query_text(query)
        all_hira = analyze.is_hiragana(re.sub(r"\s+", "", fold(q)))
        out: list[tuple[str, int, int]] = []
        for m in tokenizer.tokenize(q, split):
            s, a = m.surface(), m.begin()
            if not s.strip():
                continue
            if s.isascii():
                for w in re.finditer(r"[A-Za-z0-9]+", s):
                    out.append((fold(w.group()), a + w.start(), a + w.end()))
                continue
            if not all_hira and (m.part_of_speech()[0] in DROP_POS or (analyze.is_hiragana(s) and len(s) < 4)):
                continue  # grammar, as the shipped units drop hiragana runs shorter than four
            if not any(analyze._script(c) in "hkj" for c in s):
                continue
            text = word(m) if not analyze.is_hiragana(s) else s
            folded = fold(text)
            raw.setdefault(folded, text)
            out.append((folded, a, m.end()))
        return out

    search.fold = remembering_fold  # type: ignore[assignment]
    search.index_terms = index_terms  # type: ignore[assignment]
    search.grams = japanese_terms  # type: ignore[assignment]
    if units == "sudachi":
        search.query_units = sudachi_units  # type: ignore[assignment]
    try:
        yield
    finally:
        for name, fn in shipped.items():
            setattr(search, name, fn)


def measure(name: str, spec: tuple[bool, str | None, str, str], content: tuple, smoke: bool) -> dict[str, object]:
    import yaml
    from run import accepts, expand_expect, judge, percentile

    from tui.content.loader import load_synonyms
    from tui.domain.search import build_index

    corpus, templates, modules = content
    with variant(*spec):
        synonyms = load_synonyms()  # folded inside the variant, as the index is
        t = time.perf_counter()
        index = build_index(corpus, templates, modules, synonyms)
        build_s = time.perf_counter() - t
        index.warm()
        terms = len(index.postings)

        def ours(q: str) -> list[str]:
            return [h.ref for h in index.search(q, limit=10, prefer="ja")]

        row: dict[str, object] = {"build_s": round(build_s, 2), "terms": terms}
        unseen: list[dict] = []
        ranks: dict[str, int | None] = {}
        for set_name in SETS:
            cases = yaml.safe_load((HERE / f"relevance_{set_name}.yaml").read_text(encoding="utf-8"))
            got = judge(cases, ours)
            row[set_name] = got["overall"]
            unseen += cases if set_name != "natural" else []
            for case in cases:
                expect, refs = expand_expect(case["expect"]), ours(case["q"])
                ranks[f"{set_name}: {case['q']}"] = next(
                    (n for n, r in enumerate(refs, 1) if any(accepts(e, r) for e in expect)), None
                )
            if set_name == "natural":
                row["natural_by_category"] = {k: v["hit_at_3"] for k, v in got.items() if k != "overall"}
                sentences = [c["q"] for c in cases]
        row["unseen_pooled"] = judge([{**c, "cat": "all"} for c in unseen], ours)["overall"]  # heldout+audit+audit2
        row["ranks"] = ranks
        prefixes = [q[:n] for q in sentences for n in range(1, len(q) + 1)]
        if smoke:
            prefixes, sentences = prefixes[::9], sentences[::5]
        for label, queries in (("prefix", prefixes), ("sentence", sentences)):
            ms, cpu = [], []
            for q in queries:
                t, c = time.perf_counter(), time.process_time()
                index.search(q, limit=10)
                ms.append((time.perf_counter() - t) * 1000)
                cpu.append((time.process_time() - c) * 1000)
            row[f"{label}_p95_ms"] = round(percentile(ms, 0.95), 2)
            row[f"{label}_p95_cpu_ms"] = round(percentile(cpu, 0.95), 2)
            row[f"{label}_median_ms"] = round(statistics.median(ms), 2)
    print(f"{name}: natural hit@3 {row['natural']['hit_at_3']}", file=sys.stderr)  # type: ignore[index]
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="two variants only")
    parser.add_argument("--smoke", action="store_true", help="fewer latency queries")
    args = parser.parse_args()
    try:
        import sudachidict_core  # noqa: F401
        import sudachipy  # noqa: F401
    except ImportError:
        print(
            json.dumps(
                {
                    "skipped": "sudachipy and sudachidict_core are not installed (tenken does not ship them); "
                    "`pip install sudachipy sudachidict_core` in a venv to run this comparison"
                }
            )
        )
        return 0
    from tui.content.loader import build_corpus, load_modules, load_templates

    corpus = build_corpus()
    templates, _ = load_templates(corpus)
    modules = load_modules(corpus)
    out: dict[str, object] = {"dictionary": dictionary_cost(), "load_average_1min": round(os.getloadavg()[0], 1)}
    names = QUICK if args.quick else tuple(VARIANTS)
    variants = {name: measure(name, VARIANTS[name], (corpus, templates, modules), args.smoke) for name in names}
    shipped = variants["bigrams (shipped)"]["ranks"]
    for row in variants.values():  # per query, only where the rank differs from the shipped one
        ranks = row.pop("ranks")
        row["rank_changes"] = {q: [shipped[q], r] for q, r in ranks.items() if r != shipped[q]}  # type: ignore[index]
    out["variants"] = variants
    out["load_average_1min_end"] = round(os.getloadavg()[0], 1)
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
