"""The desk leaves when its terminal is gone, also when no hangup signal reaches it.

In the field: a caseworker's session under ``su - bert -c herstel`` (or ``sudo -u``) is closed; the
kernel hangs up the terminal, but the signal goes to ``su``, not to the desk. Textual's input thread
then read nothing, without end, at three quarters of a core, and the desk held the database open (a
restore was refused 'nog in gebruik'). Here the desk runs in a session of its own on a pseudo-terminal
(no hangup signal can reach it), and the terminal's master side is closed under it."""

from __future__ import annotations

import fcntl
import os
import select
import struct
import subprocess
import sys
import termios
import time

from tests.support.demo import copy_of


def test_the_desk_leaves_when_its_terminal_is_gone(template_db, tmp_path):
    db = copy_of(template_db, tmp_path)
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {**os.environ, "TERM": "xterm", "HOME": str(tmp_path), "HERSTEL_DB": str(db)}
    env.pop("HERSTEL_CONFIG", None)
    desk = subprocess.Popen(
        [sys.executable, "-m", "herstel_tui"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=tmp_path,
        start_new_session=True,  # its own session: the pty is not its controlling terminal, no SIGHUP
    )
    os.close(slave)
    try:
        seen, deadline = b"", time.monotonic() + 60
        while b"Werkvoorraad" not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                seen += os.read(master, 65536)
        assert b"Werkvoorraad" in seen, seen[-500:]
        os.close(master)  # the terminal is gone
        master = -1
        assert desk.wait(timeout=20) is not None  # TimeoutExpired before: it read nothing, forever
    finally:
        if master >= 0:
            os.close(master)
        if desk.poll() is None:
            desk.kill()
            desk.wait()
