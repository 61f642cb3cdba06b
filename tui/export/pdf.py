"""PDF from a docx through LibreOffice, where it is installed: `soffice --headless --convert-to pdf`.

No shell: the converter runs with an argument list, in a temporary folder of its own (its own profile, so a
LibreOffice the user has open does not block it), with a time limit. The PDF is then written through
`write_atomically` like every other export. Without a converter the caller writes the docx instead and says so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from tui.export import ExportError
from tui.fsutil import write_atomically
from tui.i18n import _

CONVERTERS = ("soffice", "libreoffice")
TIMEOUT_SECONDS = 180


def converter() -> str | None:
    """The path of LibreOffice's command on PATH, or None."""
    for name in CONVERTERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def write_pdf(produce_docx: Callable[[Path], object], path: Path, force: bool = False) -> Path:
    """Write a PDF at `path` from the docx `produce_docx` writes; ExportError (one sentence) when the conversion
    fails or takes longer than TIMEOUT_SECONDS. Call only when `converter()` found one."""
    program = converter()
    if program is None:
        raise ExportError(_("No PDF converter (LibreOffice) is installed; nothing was written."))
    with tempfile.TemporaryDirectory(prefix="tenken-pdf-") as work:
        folder = Path(work)
        source = folder / "document.docx"
        produce_docx(source)
        profile = (folder / "profile").as_uri()
        env = {**os.environ, "HOME": str(folder)}
        try:
            done = subprocess.run(
                [
                    program,
                    f"-env:UserInstallation={profile}",
                    "--headless",
                    "--norestore",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(folder / "out"),
                    str(source),
                ],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=TIMEOUT_SECONDS,
                env=env,
                cwd=folder,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise ExportError(
                _("The PDF converter took longer than {n} seconds; nothing was written.").format(n=TIMEOUT_SECONDS)
            ) from None
        except OSError as exc:
            raise ExportError(
                _("The PDF converter could not be run ({reason}); nothing was written.").format(
                    reason=exc.strerror or exc
                )
            ) from None
        made = folder / "out" / "document.pdf"
        if done.returncode != 0 or not made.is_file() or made.stat().st_size == 0:
            raise ExportError(_("The PDF converter did not produce a PDF; nothing was written."))
        data = made.read_bytes()
        if not data.startswith(b"%PDF-"):
            raise ExportError(_("The PDF converter did not produce a PDF; nothing was written."))
    return write_atomically(Path(path), lambda tmp: tmp.write_bytes(data), force=force)
