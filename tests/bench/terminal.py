"""A pseudo-terminal for the benchmarks: run an app as a user's terminal would, and see what it painted.

The app runs in a real pty (so Textual takes its terminal driver, not the headless one) at a fixed size; its output
goes through pyte, a VT100 emulator, so "on screen" means what a terminal would show, not bytes that merely passed
by. The screen is parsed only when the output pauses: the app is never slowed by this process's parsing, and the
time reported is when the last byte of the paint arrived.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import pyte

QUIET_S = 0.002  # a pause this long in the output ends a burst: parse it then


class TerminalTimeout(Exception):
    """The expected text did not appear in time."""


class PtyApp:
    """One process in a pseudo-terminal of `cols` × `rows`, with a VT emulator reading its output."""

    def __init__(
        self,
        argv: list[str],
        env: Mapping[str, str],
        cwd: Path,
        cols: int = 120,
        rows: int = 36,
    ) -> None:
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.pending = bytearray()
        self.last_byte_at = 0.0
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.master = master
        self.started_at = time.perf_counter()
        self.proc = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=dict(env),
            cwd=cwd,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.closed = False

    # --- output -------------------------------------------------------------------------------

    def _read(self, timeout: float) -> bool:
        """Read what is there within `timeout`; False if nothing came (or the app is gone)."""
        if self.closed:
            return False
        ready, _w, _x = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.master, 1 << 16)
        except OSError:  # EIO: every copy of the slave side is closed, the app has exited
            data = b""
        if not data:
            self.closed = True
            return False
        self.last_byte_at = time.perf_counter()
        self.pending += data
        return True

    def _parse(self) -> None:
        if self.pending:
            self.stream.feed(bytes(self.pending))
            self.pending.clear()

    def text(self) -> str:
        """The screen as a terminal shows it now, one line per row."""
        self._parse()
        # Each cell's character; the cell right of a wide (Japanese) character holds "" (pyte's own `display`
        # trips over such a cell when a narrow character has overwritten the wide one's first half).
        buffer, columns = self.screen.buffer, range(self.screen.columns)
        return "\n".join("".join(buffer[y][x].data for x in columns) for y in range(self.screen.lines))

    def wait_for(self, test: Callable[[str], bool] | Iterable[str], timeout: float = 30.0) -> float:
        """perf_counter() when the output that made `test` true arrived (each text of an iterable on screen)."""
        if not callable(test):
            texts = list(test)

            def test(screen: str) -> bool:
                return all(t in screen for t in texts)

        deadline = time.perf_counter() + timeout
        while True:
            got = self._read(QUIET_S if self.pending else 0.05)
            if not got:
                if self.pending:  # the burst is over: look at the screen
                    at = self.last_byte_at
                    if test(self.text()):
                        return at
                elif self.closed:
                    raise TerminalTimeout(f"the app exited before the text appeared:\n{self.text()}")
            elif len(self.pending) > 1 << 20:  # endless output: parse as it comes
                self._parse()
            if time.perf_counter() > deadline:
                raise TerminalTimeout(f"not on screen after {timeout} s:\n{self.text()}")

    def drain(self, quiet: float = 0.05) -> None:
        """Read until the output pauses for `quiet` seconds."""
        while self._read(quiet):
            pass
        self._parse()

    def cpu_seconds(self) -> float | None:
        """CPU time the app has used so far, all its threads (Linux: /proc/PID/task/*/schedstat); None elsewhere.

        On a machine shared with other work the wall-clock latency counts the time the app waited for a core; its
        own CPU time from key to paint is what the same keystroke would take on an idle core."""
        tasks = Path(f"/proc/{self.proc.pid}/task")
        total = 0
        try:
            for task in tasks.iterdir():
                with contextlib.suppress(OSError):  # a thread that ended meanwhile
                    total += int((task / "schedstat").read_text().split()[0])
        except OSError:
            return None
        return total / 1e9

    # --- input --------------------------------------------------------------------------------

    def send(self, data: bytes | str) -> float:
        """Type `data`; returns perf_counter() just before the bytes were written."""
        raw = data.encode() if isinstance(data, str) else data
        at = time.perf_counter()
        os.write(self.master, raw)
        return at

    # --- end ----------------------------------------------------------------------------------

    def close(self, quit_keys: bytes = b"\x11", timeout: float = 10.0) -> int:
        """Quit with `quit_keys` (ctrl+q by default), reading the output until the app has gone; kill it if it
        hangs. Returns the exit status."""
        if self.proc.poll() is None and not self.closed:
            with contextlib.suppress(OSError):
                self.send(quit_keys)
        deadline = time.perf_counter() + timeout
        while self.proc.poll() is None and time.perf_counter() < deadline:
            self._read(0.05)
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        code = self.proc.wait()
        os.close(self.master)
        return code

    def __enter__(self) -> PtyApp:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
