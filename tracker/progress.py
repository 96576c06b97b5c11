"""A progress bar for long imports: shown only on a terminal, and only after about a second.

:func:`terminal_progress` returns a ``progress(stage, done, total)`` callable (the protocol of
:mod:`tracker.ingest.acled.read`) that draws a rich progress bar on stderr, or ``None`` when stderr
is not a terminal (pipes, files, CI logs stay clean).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Progress = Callable[[str, int, int], None]
DELAY = 1.0


class _LazyBar:
    """Starts a rich progress display at the first update after ``delay`` seconds."""

    def __init__(self, delay: float) -> None:
        self.start = time.monotonic()
        self.delay = delay
        self.bar = None
        self.task = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.bar is None:
            if time.monotonic() - self.start < self.delay:
                return
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("{task.description:<11}"), BarColumn(),
                                TextColumn("{task.completed:,}/{task.total:,}"),
                                TimeElapsedColumn(), console=Console(stderr=True),
                                transient=True)
            self.bar.start()
            self.task = self.bar.add_task(stage, total=max(total, 1))
        self.bar.update(self.task, description=stage, completed=done, total=max(total, 1))

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


@contextmanager
def terminal_progress(*, delay: float = DELAY, enabled: bool | None = None
                      ) -> Iterator[Progress | None]:
    """A progress callable for the duration of a ``with`` block (``None`` when off).

    Parameters
    ----------
    delay
        Seconds before the bar appears (short imports never show it).
    enabled
        Force on or off; default: on when both stderr and stdout are terminals.
    """
    if enabled is None:
        enabled = sys.stderr.isatty() and sys.stdout.isatty()
    if not enabled:
        yield None
        return
    bar = _LazyBar(delay)
    try:
        yield bar
    finally:
        bar.close()
