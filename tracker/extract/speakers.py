"""Who is speaking in a sentence of a report: the party whose own words it gives.

A sentence is a party's words when an actor of the table is named next to a word of attribution
(:data:`~tracker.extract.rules.SPEECH`: "the AA said", "TNLA spokesman ... told", "according to
the RSF", "a spokesman for the KNU said"). "He", "she" or "they" as the one speaking refer to the
speaker of an earlier sentence of the same paragraph. The speaker decides who "we" and "our" are,
who acts in a passive sentence without an agent, and makes the confidence of a claim
``unconfirmed`` (or ``confirmed`` when the speaker admits its own loss).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from tracker.extract.rules import SPEECH, THIRD_PERSON

BEFORE_SPEECH = 60  # characters an actor may stand before the attribution word ("the AA said")
AFTER_SPEECH = 30  # characters an actor may stand after it ("said the AA", "spokesman for the KNU")
LOOK_BACK = 3  # sentences searched for the speaker of "he", "she", "they"


class Named(Protocol):
    """An actor named in the text."""

    start: int
    end: int
    actor: str


def sentence_speaker(text: str, span: tuple[int, int], actors: Sequence[Named]) -> Named | None:
    """The actor named as the one speaking in ``text[span]``, or None."""
    a, b = span
    for m in SPEECH.finditer(text, a, b):
        before = [x for x in actors if a <= x.start and x.end <= m.start()
                  and m.start() - x.end <= BEFORE_SPEECH
                  and _subject_gap(text[x.end:m.start()])]
        if before:
            return before[-1]
        after = [x for x in actors if m.end() <= x.start < min(b, m.end() + AFTER_SPEECH)
                 and re.fullmatch(r"[\s,]*(?:(?:for|of|from|by|to|with)\s+)?(?:the\s+)?",
                                  text[m.end():x.start])
                 and (_names_speaker(m.group()) or _ends_clause(text, x.end, b))]
        if after:
            return after[0]
    return None


def speaker(text: str, spans: Sequence[tuple[int, int]], i: int,
            actors: Sequence[Named]) -> Named | None:
    """The speaker of sentence ``spans[i]``: named in it, or, when the sentence is said by "he",
    "she" or "they" (or quotes a party without naming it), in one of the few sentences before it
    (a quote often opens a paragraph of its own)."""
    found = sentence_speaker(text, spans[i], actors)
    if found is not None:
        return found
    a, b = spans[i]
    body = text[a:b]
    pronoun = any(THIRD_PERSON.match(body[m.end():]) or
                  re.search(r"\b(?:he|she|they|it)\s*$", body[:m.start()], re.IGNORECASE)
                  for m in SPEECH.finditer(body))
    quoted = bool(re.search(r"[\"\u201c]", body))
    if not (pronoun or quoted):
        return None
    for j in range(i - 1, max(-1, i - 1 - LOOK_BACK), -1):
        found = sentence_speaker(text, spans[j], actors)
        if found is not None:
            return found
    return None


def _subject_gap(gap: str) -> bool:
    """Between a speaker and its verb: titles and names ("TNLA spokesman Lwei Yay Oo told",
    "Arakan Army (AA) says", "the RSF on Sunday said", "the army and its allies from the armed
    movements announced"), no clause ("took X, officials said")."""
    allies = re.match(r"\s*and\s+(?:its|their)\s+(?:allies|partners)\b", gap)
    return not re.search(r"[,.;:]|\bthat\b", gap) and len(gap.split()) <= (9 if allies else 5)


def _names_speaker(word: str) -> bool:
    """Attribution words followed by their speaker: "according to X", "a spokesman for X",
    "media run by X"."""
    return bool(re.match(r"according|spokes|commander|quoted|media|outlet|channel|news", word,
                         re.IGNORECASE))


def _ends_clause(text: str, end: int, b: int) -> bool:
    """"..., said the AA." or "said the AA spokesman": the actor after "said" is its speaker only
    when the clause ends there or a title follows; "said the Taliban captured X" is news."""
    rest = text[end:b]
    return not rest.strip() or bool(re.match(r"\s*(?:[,.;:]|spokes|commander|official|leader)",
                                             rest, re.IGNORECASE))
