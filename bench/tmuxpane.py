"""A program in a real tmux pane, driven like a person at a keyboard (for the benches; needs tmux).

with Pane("herstel --db /tmp/x.db", 80, 24, env={"TERM": "xterm"}) as p:
    p.wait_for("Zaken")            # seconds from start until the text is on screen
    t = p.type("jansen")           # types literally; returns when it was sent
    p.wait_for("Jansen", since=t)  # seconds from that keystroke until the text shows
    p.keys("Enter")                # tmux key names: Enter, Escape, F1, Down, C-p ...

with Pane("herstel --db /tmp/x.db", 80, 24, env={"TERM": "xterm"}, streamed=True) as p:
    p.wait_in_output("Zaken")      # the same, read from what the program writes to the terminal
"""

from __future__ import annotations

import os
import select
import shlex
import subprocess
import tempfile
import time
import uuid


class Pane:
    def __init__(
        self,
        cmd: str,
        width: int = 80,
        height: int = 24,
        env: dict[str, str] | None = None,
        cwd: str | None = None,
        streamed: bool = False,
    ) -> None:
        """``streamed``: the program's output is copied to a pipe this process reads, for
        ``wait_in_output``. ``screen()`` asks tmux for the screen, a process each time: polled every
        5 ms it keeps about 40 % of a core busy, on a 2-core machine beside a program that runs two
        threads at its start. The stream is read without polling: this process sleeps until the
        program writes. The program starts only once the pipe is in place (the pane waits for a
        line), so nothing it writes is missed, and the clock starts when it is let go."""
        self.name = "bench" + uuid.uuid4().hex[:8]
        self.cmd, self.width, self.height = cmd, width, height
        self.env = env or {}
        self.cwd = cwd or os.getcwd()
        self.t0 = 0.0
        self.streamed = streamed
        self._fifo_dir: str | None = None
        self._fd = -1
        self._output = b""

    def __enter__(self) -> Pane:
        envs = " ".join(f"{k}={shlex.quote(v)}" for k, v in self.env.items())
        full = f"cd {shlex.quote(self.cwd)} && env {envs} {self.cmd}; echo __EXIT__$?; sleep 60"
        if self.streamed:
            full = "read -r _ && " + full
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
                if self.streamed:
                    self._start_streamed()
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

    def _start_streamed(self) -> None:
        self._fifo_dir = tempfile.mkdtemp(prefix="pane-")
        fifo = os.path.join(self._fifo_dir, "out")
        os.mkfifo(fifo)
        self._fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        subprocess.run(["tmux", "pipe-pane", "-t", self.name, "-O", f"cat > {shlex.quote(fifo)}"], check=True)
        time.sleep(0.2)  # (tmux starts cat, which opens the pipe; what the pane writes after is copied)
        self.t0 = self.keys("Enter")  # the waiting line: the program starts now

    def wait_in_output(self, text: str, timeout: float = 15.0, since: float | None = None) -> float:
        """Seconds from the start (or ``since``) until ``text`` is written to the terminal, read from
        the program's output as it comes (``streamed=True``); one run of text in one style, such
        as a zaaknummer, is written in one piece."""
        start = self.t0 if since is None else since
        wanted = text.encode()
        end = time.perf_counter() + timeout
        while True:
            if wanted in self._output:
                return time.perf_counter() - start
            left = end - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"{text!r} not written after {timeout} s:\n" + self.screen())
            if select.select([self._fd], [], [], left)[0]:
                chunk = os.read(self._fd, 65536)
                if not chunk:
                    raise RuntimeError("the pane's output ended:\n" + self.screen())
                self._output = self._output[-max(len(wanted), 8) :] + chunk
                if b"__EXIT__" in self._output:
                    raise RuntimeError("the program exited:\n" + self.screen())

    def pipe_to(self, path: str) -> None:
        """Copy everything the program writes to the terminal into ``path`` (tmux pipe-pane)."""
        subprocess.run(["tmux", "pipe-pane", "-t", self.name, "-o", f"cat >> {shlex.quote(path)}"], check=True)

    def __exit__(self, *exc: object) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)
        if self._fd >= 0:
            os.close(self._fd)
        if self._fifo_dir:
            import shutil

            shutil.rmtree(self._fifo_dir, ignore_errors=True)
