"""Files given on the command line as ``-`` (standard input) or as a pipe (``/dev/stdin``,
``<(...)``): copied once to a temporary regular file, which the importers read as often as they
need (encoding, header, lines, rejects byte for byte); messages name what the user gave."""

from __future__ import annotations

import contextlib
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tracker._errors import TrackerError

STDIN = "-"
STDIN_NAME = "standard input"


def is_stream(file: str) -> bool:
    """Whether ``file`` is ``-`` or an existing path that is not a regular file (a pipe)."""
    if file == STDIN:
        return True
    path = Path(file)
    return path.exists() and not path.is_file() and not path.is_dir()


@contextlib.contextmanager
def regular_file(file: str) -> Iterator[str]:
    """The path of a regular file holding what ``file`` holds (``file`` itself when it is one).

    Errors raised inside name ``file`` (or "standard input"), not the temporary copy.
    """
    if not is_stream(file):
        yield file
        return
    shown = STDIN_NAME if file == STDIN else file
    with tempfile.TemporaryDirectory(prefix="tracker-input-") as folder:
        copy = Path(folder) / "input"
        with copy.open("wb") as out:
            if file == STDIN:
                shutil.copyfileobj(sys.stdin.buffer, out)
            else:
                with Path(file).open("rb") as src:
                    shutil.copyfileobj(src, out)
        try:
            yield str(copy)
        except TrackerError as exc:
            raise type(exc)(str(exc).replace(str(copy), shown)) from None
