"""Client of the window's local test socket (``STATION_TEST_SOCKET``, ui/testhook.py): one JSON
object a line each way. Used by the end-to-end test, the frozen-build test, the start-up test
(tests/ui/test_fix_startup.py) and the benchmark (bench/bench_ui.py, which puts the repository on
``sys.path`` to import it).

    client = HookClient(proc, sock_path)   # proc: the running ``station`` (subprocess.Popen)
    client.connect()                       # waits for the socket; fails if the process exits
    client.cmd(cmd="state")                # -> the reply (dict)
    client.close()"""

from __future__ import annotations

import json
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["HookClient"]


class HookClient:
    """Talks to a running ``station`` (``proc``) through the socket at ``sock_path``."""

    def __init__(self, proc: subprocess.Popen[bytes], sock_path: Path) -> None:
        self.proc = proc
        self.sock_path = sock_path
        self.sock: socket.socket | None = None
        self.buf = b""

    def log_tail(self) -> str:
        """What to add to an error about the process (its log, where there is one)."""
        return ""

    def connect(self, timeout: float = 60, poll: float = 0.02) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"station exited with {self.proc.returncode}: {self.log_tail()}")
            if self.sock_path.exists():
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    s.connect(str(self.sock_path))
                except OSError:
                    s.close()
                else:
                    self.sock = s
                    return
            time.sleep(poll)
        raise RuntimeError(f"the test socket did not appear in {timeout} s: {self.log_tail()}")

    def close(self) -> None:
        """Close the connection (the process keeps running)."""
        if self.sock is not None:
            self.sock.close()
            self.sock = None
            self.buf = b""

    def cmd(self, **msg: Any) -> dict[str, Any]:
        assert self.sock is not None, "connect() first"
        self.sock.sendall((json.dumps(msg) + "\n").encode())
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RuntimeError("station closed the socket")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        reply: dict[str, Any] = json.loads(line)
        return reply

    def wait_state(
        self,
        predicate: Callable[[dict[str, Any]], bool],
        timeout: float = 60,
        what: str = "",
        poll: float = 0.1,
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        state: dict[str, Any] = {}
        while time.monotonic() < deadline:
            state = self.cmd(cmd="state")
            if predicate(state):
                return state
            time.sleep(poll)
        raise RuntimeError(f"timed out waiting for {what}: {state}")
