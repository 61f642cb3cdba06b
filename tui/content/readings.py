"""The reading table of the search index (hiragana → kanji words), made in a short-lived child process.

pykakasi keeps its dictionary (about 110 MB) in memory for the life of the process once loaded. Building the table
in a child returns that memory when the child exits, so a TUI that had to rebuild its index stays small. When the
child cannot run, the table is made in this process instead (the same result, more memory).

    python -m tui.content.readings < texts.json > readings.json
"""

from __future__ import annotations

import json
import subprocess
import sys

from tui.domain.readings import build_readings


def readings_in_child(texts: list[str]) -> dict[str, list[str]]:
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "tui.content.readings"],
            input=json.dumps(texts, ensure_ascii=False),
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
            check=True,
        )
        table = json.loads(proc.stdout)
        if isinstance(table, dict) and all(isinstance(v, list) for v in table.values()):
            return table
    except (OSError, subprocess.SubprocessError, ValueError):
        pass
    return build_readings(texts)


def main() -> int:
    texts = json.load(sys.stdin)
    json.dump(build_readings(texts), sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
