"""What the extractor knows while it reads one report: actors named, sentences, speakers, places
read so far; and the direction phrases (triggers) and drafts it finds. Shared by
:mod:`tracker.extract.places`, :mod:`tracker.extract.reconcile` and :mod:`tracker.extract.drafts`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from tracker.extract.rules import Rule
from tracker.names.mentions import Mention

if TYPE_CHECKING:
    from tracker.names.gazetteer import Gazetteer


@dataclass
class Actor:
    """An actor named in the text (or a pronoun standing for one), ``text[start:end]``."""

    start: int
    end: int
    text: str
    actor: str
    via: str = ""  # how a coreference ("the group") was resolved


@dataclass
class Context:
    """One report being read."""

    text: str
    gazetteer: Gazetteer
    actors: list[Actor]
    doc_places: list[Mention]
    districts: pd.DataFrame
    rules: list[tuple[Rule, re.Pattern]]
    alias_of: dict[str, str] = field(default_factory=dict)
    spans: list[tuple[int, int]] = field(default_factory=list)
    speakers: list[Actor | None] = field(default_factory=list)
    seen: list[Mention] = field(default_factory=list)  # places of the sentences read so far
    # names the text placed in the province it gives them ("Kohistanat district in Faryab
    # province": Faryab's Kohistan), for their later mentions
    placed: dict[str, Mention] = field(default_factory=dict)
    article: date | None = None


@dataclass
class Trigger:
    """A direction phrase found in a sentence, with the actor its pattern names."""

    rule: Rule
    start: int
    end: int
    words: str
    actor_text: str | None = None
    actor_start: int = -1


@dataclass
class Draft:
    """One place a trigger governs, and who holds it afterwards."""

    place: Mention
    controller: str
    actor_note: str
    trigger: Trigger
    sentence: tuple[int, int]
    chain_words: str


def via(actor: Actor) -> str:
    """How a pronoun or "the group" was resolved, for the evidence."""
    return f" ({actor.via})" if actor.via else ""
