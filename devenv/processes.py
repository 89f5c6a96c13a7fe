"""Start and stop child processes cleanly (TERM, then KILL after a grace period)."""

from __future__ import annotations

from pathlib import Path
import signal
import subprocess
from typing import IO


class ManagedProcess:
    """A child process in its own process group, with its output in a log file."""

    def __init__(self, args: list[str], *, log_file: Path, cwd: Path | None = None) -> None:
        self.args = args
        self.log_file = log_file
        self.cwd = cwd
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self) -> None:
        """Start the process; its stdout and stderr go to the log file."""
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_file.open("ab")
        self._proc = subprocess.Popen(  # noqa: S603 - arguments are ours
            self.args, cwd=self.cwd, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )

    @property
    def running(self) -> bool:
        """True while the process has not exited."""
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        """The process id, once started."""
        return self._proc.pid if self._proc else None

    def stop(self, grace: float = 15.0) -> int | None:
        """TERM the process group, KILL it after ``grace`` seconds; returns the exit code."""
        proc = self._proc
        if proc is None:
            return None
        if proc.poll() is None:
            self._signal(proc, signal.SIGTERM)
            try:
                proc.wait(grace)
            except subprocess.TimeoutExpired:
                self._signal(proc, signal.SIGKILL)
                proc.wait(5)
        if self._log:
            self._log.close()
            self._log = None
        return proc.returncode

    @staticmethod
    def _signal(proc: subprocess.Popen[bytes], sig: signal.Signals) -> None:
        try:
            import os  # noqa: PLC0415

            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
