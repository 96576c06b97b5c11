"""A function run in a forked child process while the caller goes on; its result taken later.

A forked child starts with the caller's memory as it is (no arguments pickled, no modules
imported again) and runs on another CPU, not under the caller's interpreter lock. Its result
(or its exception) comes back pickled through a pipe, read when :meth:`Forked.result` is
called; the child exits once it is written, without running the caller's exit handlers. A
result never asked for is dropped: the child is ended and reaped when its handle is collected
(at the latest when the caller exits).

Only where ``fork`` is safe (:func:`available`): Linux, with no other thread running in the
caller (a lock another thread holds at the fork would stay held in the child).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
import warnings
import weakref
from collections.abc import Callable
from typing import Any


class ChildLost(RuntimeError):
    """The child ended without handing back a result (killed, e.g. short of memory)."""


def available() -> bool:
    """Whether :func:`start` may fork here and now."""
    return (sys.platform.startswith("linux") and hasattr(os, "fork")
            and threading.active_count() == 1)


class Forked:
    """The handle of a child started by :func:`start`."""

    def __init__(self, pid: int, read_fd: int) -> None:
        self.pid = pid  # the child's process id
        self._fd = read_fd
        self._done = weakref.finalize(self, _drop, pid, read_fd)

    def result(self) -> Any:
        """The child's return value; its exception raised here (once only)."""
        if not self._done.alive:
            msg = "the forked child's result was taken already"
            raise RuntimeError(msg)
        self._done.detach()
        try:
            with os.fdopen(self._fd, "rb") as pipe:
                data = pipe.read()
        finally:
            _, status = os.waitpid(self.pid, 0)
        if not data:
            msg = f"the forked child ended without a result (wait status {status})"
            raise ChildLost(msg)
        ok, value = pickle.loads(data)  # our own child's bytes
        if not ok:
            raise value
        return value


def start(fn: Callable[..., Any], *args: Any) -> Forked:
    """Run ``fn(*args)`` in a forked child; call :func:`available` first."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write_fd)
        return Forked(pid, read_fd)
    code = 1  # the child: never returns into the caller's code
    try:
        os.close(read_fd)
        warnings.simplefilter("ignore")  # stderr's lock may be held: nothing is written to it
        try:
            reply = (True, fn(*args))
        except Exception as exc:  # handed to the caller as it is, else as its message
            reply = (False, exc)
        try:
            data = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:
            what = "result" if reply[0] else "error"
            data = pickle.dumps((False, RuntimeError(
                f"the forked child's {what} could not be pickled: {reply[1]!r}")))
        with os.fdopen(write_fd, "wb") as pipe:
            pipe.write(data)
        code = 0
    finally:
        os._exit(code)


def _drop(pid: int, read_fd: int) -> None:
    """End the child of a result never asked for and reap it."""
    os.close(read_fd)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
