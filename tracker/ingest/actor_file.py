"""An actor file (``tracker actor import``) -> checked (alias, actor) pairs.

CSV with a header naming ``actor`` and ``alias``, one word for an actor per line: the shape
``tracker actor list --format csv`` prints, so one database's actors load into another. Other
columns are ignored. The file goes the way of every importer:
:func:`tracker.ingest.csvfile.read_table` (encodings, strict quoting, physical lines),
:func:`tracker.ingest.text_fields.check_text` on both columns (control characters, the store's
column sizes), one :class:`~tracker.ingest.problems.Problems` collector. All or nothing: every
bad line is listed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tracker._errors import InputError
from tracker.core.schema import ACTOR, ALIAS, normalize_quotes
from tracker.ingest import csvfile
from tracker.ingest.problems import Problems, refuse_lines
from tracker.ingest.text_fields import check_text, store_limit
from tracker.store.models import ActorAlias

COLUMNS = (ACTOR, ALIAS)
KIND = "an actor file"


def read_actor_aliases(path: str | Path) -> list[tuple[str, str]]:
    """The (alias, actor) pairs of an actor file, each alias once, spaces and quotes as
    ``tracker actor add`` stores them; an InputError listing every bad line."""
    problems = Problems()
    table = csvfile.read_table(path, required=COLUMNS, kind=KIND, problems=problems,
                               wanted=COLUMNS)
    frame = table.frame
    words = {c: frame[c].map(lambda v: " ".join(normalize_quotes(v).split())) for c in COLUMNS}
    limits = {ACTOR: store_limit(ActorAlias.actor), ALIAS: store_limit(ActorAlias.alias)}
    ok = {c: ~check_text(frame[c], c, problems, limit=limits[c]) for c in COLUMNS}
    for c, what in ((ACTOR, "the actor the word means"), (ALIAS, "the word reports use")):
        problems.add(ok[c] & (words[c] == "").to_numpy(), c, frame[c],
                     f"required value is empty; give {what}")
    bad = problems.bad(table.n)
    seen: dict[str, tuple[int, str]] = {}  # casefolded alias -> (line, actor)
    pairs: dict[str, tuple[str, str]] = {}
    for r in np.flatnonzero(~bad):
        alias, actor, line = words[ALIAS].iat[r], words[ACTOR].iat[r], int(table.lines.start[r])
        before = seen.setdefault(alias.casefold(), (line, actor))
        if before[1] != actor:
            one = np.zeros(table.n, dtype=bool)
            one[r] = True
            problems.add(one, ALIAS, frame[ALIAS], f"line {before[0]} gives it to {before[1]!r}; "
                                                   f"keep one")
            continue
        pairs.setdefault(alias.casefold(), (alias, actor))
    refuse_lines(path, problems, lambda r: table.lines.start[r], stored="no actor word stored",
                 fix="fix them (one actor per word) and import again")
    if not pairs:
        msg = f"{path}: no actor rows; give lines actor,alias (e.g. RSF,Rapid Support Forces)"
        raise InputError(msg)
    return list(pairs.values())
