"""Where the user guide is, and which section of it explains each screen.

The guides are sections of README.ja.md (Japanese) and README.md (English); the wheel ships both files in
tui/_data/, so an installed tenken can point at a file on the user's own disk.
"""

from __future__ import annotations

from pathlib import Path

from tui.paths import data_root

# Screen → (Japanese heading, English heading). The headings are the guide's own; tests/test_guides.py checks
# that each one exists in its README.
SECTIONS: dict[str, tuple[str, str]] = {
    "home": ("最初の10分", "Set up and try it"),
    "firm": ("1. 事業者のプロファイルを作る", "A notice has arrived: from profile to submitted report in one month"),
    "inspection": ("3. 回答する", "A notice has arrived: from profile to submitted report in one month"),
    "files": ("4. 根拠資料を付ける", "A notice has arrived: from profile to submitted report in one month"),
    "export": ("6. 報告書を出力する", "A notice has arrived: from profile to submitted report in one month"),
    "training": ("ガイド2　研修を行う", "Running a training session"),
    "quiz": ("ガイド2　研修を行う", "Running a training session"),
    "team": ("ガイド3　顧客先で作業する", "Working at a client's site"),
    "planning": ("1か月の計画と、報告後の改善の管理", "Plan the month, and keep the promises made in the report"),
    "search": ("最初の10分", "Set up and try it"),
    "browse": ("最初の10分", "Set up and try it"),
}


def guide_file(lang: str) -> Path:
    """The README holding the guide in `lang`: the installed copy, or the checkout's."""
    return data_root() / ("README.ja.md" if lang == "ja" else "README.md")


def screen_key(module: str) -> str:
    """`tui.screens.training.session` → `training`: a screen's guide section follows its module."""
    return module.removeprefix("tui.screens.").split(".")[0]


def section_for(screen: str, lang: str) -> str | None:
    pair = SECTIONS.get(screen)
    if pair is None:
        return None
    return pair[0] if lang == "ja" else pair[1]
