"""The actor alias table: the words a report uses for each actor (``insurgents`` -> ``Taliban``).

Shipped defaults are data (``tracker/data/actors.csv``, columns ``actor`` and ``alias``); a user
adds their own with ``tracker actor add ALIAS ACTOR``, stored in the database
(:mod:`tracker.store.actor_aliases`). A user alias replaces a shipped alias of the same spelling.

Matching in text (:meth:`ActorTable.find`) is on word boundaries, longest alias first,
case-insensitive except for all-capital acronyms (``NRF``, ``ANA``), which must appear in capitals.
Typographic apostrophes count as ``'``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from tracker._errors import InputError
from tracker.core.schema import ACTOR, ALIAS, normalize_quotes

SHIPPED_ACTORS = Path(__file__).resolve().parent.parent / "data" / "actors.csv"


@dataclass(frozen=True)
class ActorMention:
    """An actor named in text, ``text[start:end]``, and the actor it stands for."""

    start: int
    end: int
    text: str
    actor: str


def default_aliases() -> pd.DataFrame:
    """The shipped alias table: columns ``actor`` and ``alias``."""
    table = pd.read_csv(SHIPPED_ACTORS, dtype=str, keep_default_na=False)
    return table[[ACTOR, ALIAS]]


class ActorTable:
    """Actors and their aliases; finds them in text.

    Parameters
    ----------
    aliases
        Columns ``actor`` and ``alias``. Every actor is also an alias of itself. A later row wins
        over an earlier row of the same alias (case-insensitive): user rows go after shipped ones.
    """

    def __init__(self, aliases: pd.DataFrame) -> None:
        missing = {ACTOR, ALIAS} - set(aliases.columns)
        if missing:
            msg = (f"actor alias table lacks column(s) {', '.join(sorted(missing))}; "
                   f"give columns actor, alias")
            raise InputError(msg)
        self._by_key: dict[str, tuple[str, str]] = {}  # folded alias -> (alias, actor)
        for actor, alias in aliases[[ACTOR, ALIAS]].itertuples(index=False):
            actor, alias = str(actor).strip(), normalize_quotes(" ".join(str(alias).split()))
            if not actor or not alias:
                continue
            self._by_key[actor.casefold()] = self._by_key.get(actor.casefold(), (actor, actor))
            self._by_key[alias.casefold()] = (alias, actor)
        self._derived = {key: pair for key, pair in _force_words(self._by_key.values()).items()
                         if key not in self._by_key}
        ordered = sorted([*self._by_key.values(), *self._derived.values()],
                         key=lambda pair: -len(pair[0]))
        parts = []
        for alias, _ in ordered:
            body = r"\s+".join(re.escape(w) for w in alias.split())
            parts.append(body if _is_acronym(alias) else f"(?i:{body})")
        self._pattern = re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])") if parts \
            else None

    @classmethod
    def shipped(cls, extra: pd.DataFrame | None = None) -> ActorTable:
        """The shipped aliases plus ``extra`` (the user's, which win)."""
        frames = [default_aliases()]
        if extra is not None and len(extra):
            frames.append(extra[[ACTOR, ALIAS]])
        return cls(pd.concat(frames, ignore_index=True))

    @property
    def actors(self) -> list[str]:
        """Every actor name, sorted."""
        return sorted({actor for _, actor in self._by_key.values()})

    @property
    def pattern(self) -> re.Pattern | None:
        """Regular expression matching any alias (None for an empty table)."""
        return self._pattern

    def actor_of(self, alias: str) -> str | None:
        """The actor an alias stands for, or None."""
        key = " ".join(normalize_quotes(alias).split()).casefold()
        hit = self._by_key.get(key) or self._derived.get(key)
        return hit[1] if hit else None

    def table(self) -> pd.DataFrame:
        """Every alias and its actor, sorted by actor then alias."""
        rows = sorted(((actor, alias) for alias, actor in self._by_key.values()),
                      key=lambda r: (r[0], r[1].casefold()))
        return pd.DataFrame(rows, columns=[ACTOR, ALIAS])

    def find(self, text: str) -> list[ActorMention]:
        """Every actor named in ``text``, in order of appearance (longest alias wins)."""
        if self._pattern is None:
            return []
        text = normalize_quotes(text)
        out = []
        for m in self._pattern.finditer(text):
            actor = self.actor_of(m.group())
            if actor:
                out.append(ActorMention(m.start(), m.end(), m.group(), actor))
        return out


_FORCE_WORDS = ("forces", "troops", "soldiers")


def _force_words(pairs) -> dict[str, tuple[str, str]]:
    """Aliases said of an actor's fighters: "the army" is also "army forces", "army troops" and
    "army soldiers" (folded alias -> (alias, actor))."""
    out: dict[str, tuple[str, str]] = {}
    for alias, actor in pairs:
        words = alias.split()
        if len(words) == 2 and words[0].casefold() == "the":
            for noun in _FORCE_WORDS:
                out[f"{words[1]} {noun}".casefold()] = (f"{words[1]} {noun}", actor)
    return out


def _is_acronym(alias: str) -> bool:
    letters = [c for c in alias if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters) and " " not in alias


# --- storage of the user's aliases -------------------------------------------------------------
