"""A program in a real tmux pane, driven like a person at a keyboard (for the benches; needs tmux).

with Pane("herstel --db /tmp/x.db", 80, 24, env={"TERM": "xterm"}) as p:
    p.wait_for("Zaken")            # seconds from start until the text is on screen
    t = p.type("jansen")           # types literally; returns when it was sent
    p.wait_for("Jansen", since=t)  # seconds from that keystroke until the text shows
    p.keys("Enter")                # tmux key names: Enter, Escape, F1, Down, C-p ...
"""

from __future__ import annotations

import os
import shlex
import subprocess
import time
import uuid


class Pane:
    def __init__(
        self, cmd: str, width: int = 80, height: int = 24, env: dict[str, str] | None = None, cwd: str | None = None
    ) -> None:
        self.name = "bench" + uuid.uuid4().hex[:8]
        self.cmd, self.width, self.height = cmd, width, height
        self.env = env or {}
        self.cwd = cwd or os.getcwd()
        self.t0 = 0.0

    def __enter__(self) -> Pane:
        envs = " ".join(f"{k}={shlex.quote(v)}" for k, v in self.env.items())
        full = f"cd {shlex.quote(self.cwd)} && env {envs} {self.cmd}; echo __EXIT__$?; sleep 60"
        err = ""
        for _ in range(3):
            self.t0 = time.perf_counter()
            r = subprocess.run(
                [
                    "tmux",
                    "new-session",
                    "-d",
                    "-s",
                    self.name,
                    "-x",
                    str(self.width),
                    "-y",
                    str(self.height),
                    "bash",
                    "-c",
                    full,
                ],
                capture_output=True,
                text=True,
            )
            if r.returncode == 0:
                return self
            err = r.stderr
            time.sleep(0.2)
        raise RuntimeError("tmux would not start: " + err)

    def screen(self) -> str:
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True).stdout

    def wait_for(self, text: str, timeout: float = 15.0, since: float | None = None) -> float:
        start = self.t0 if since is None else since
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            s = self.screen()
            if text in s:
                return time.perf_counter() - start
            if "__EXIT__" in s:
                raise RuntimeError("the program exited:\n" + s)
            time.sleep(0.005)
        raise TimeoutError(f"{text!r} not on screen after {timeout} s:\n" + self.screen())

    def wait_gone(self, text: str, timeout: float = 15.0, since: float | None = None) -> float:
        start = self.t0 if since is None else since
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            if text not in self.screen():
                return time.perf_counter() - start
            time.sleep(0.005)
        raise TimeoutError(f"{text!r} still on screen after {timeout} s:\n" + self.screen())

    def keys(self, *keys: str) -> float:
        t = time.perf_counter()
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)
        return t

    def type(self, text: str) -> float:
        t = time.perf_counter()
        subprocess.run(["tmux", "send-keys", "-t", self.name, "-l", text], check=True)
        return t

    def pipe_to(self, path: str) -> None:
        """Copy everything the program writes to the terminal into ``path`` (tmux pipe-pane)."""
        subprocess.run(["tmux", "pipe-pane", "-t", self.name, "-o", f"cat >> {shlex.quote(path)}"], check=True)

    def __exit__(self, *exc: object) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)
