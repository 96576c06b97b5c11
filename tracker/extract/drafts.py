"""A news report (plain text or HTML) -> draft control events, by explainable rules.

For each sentence the extractor looks for a *direction phrase* (:data:`RULES`: "recaptured",
"fell to X", "withdrew from", "remains outside X control"...), the places it governs and the actor
who holds them afterwards:

- **places** are the gazetteer's mentions (districts, towns, provinces, variant spellings, and
  names the text marks as a unit, "Kanashin district", resolved by the gazetteer's rules) that
  stand right next to the phrase: after it for an active verb ("the Taliban captured Nerkh and
  Deh Salah"), before it for "fell to", "under X control", "outside X control" and passives. Only
  list glue (:data:`GLUE_WORDS`: "and", "district", "the town of", "including", a province, a
  date, an unknown list member...) or an appositive ("the gem-mining town of") may lie between
  them, so "captured a checkpoint in Nerkh" or "fighting near Pul-e-Khumri" give nothing. A
  pronoun ("lost it", "the town was retaken") is the last place named; "the capital of Y" is Y's
  centre district. A facility ("Tarinkot base") or a part ("most of X") is no place.
- **provinces** governed as a whole ("Panjshir remains outside Taliban control", "the whole
  province fell"; a verb of capture needs such a word: "captured Baghlan province" alone gives
  nothing) give one draft per district, marked as province-level; a province that only locates a
  place ("X district in Y province", "Y State's X Township", "the capital of Y"), one a sentence
  denies, or one told in an "after ..." clause without its own day does not.
- **controller**: the actor named in the phrase ("fell to *the Taliban*", "in *our* hands": the
  speaker's side); else the agent, i.e. the nearest actor named before the verb ("*resistance
  forces* retook"); for "withdrew from", "outside X control" and the like, the other side: the
  nearest other actor named in the text; with no agent, the speaker
  (:mod:`tracker.extract.speakers`).
- **confidence**: a hedge in the sentence (:data:`HEDGES`: reportedly, claimed, sources said, in a
  statement...), a party's own words, a later "could not verify" or a denial give
  ``unconfirmed``; the losing side saying so, or a later sentence confirming or admitting the
  change, ``confirmed``; plain reporting ``reported``.
- **date**: the date phrase nearest the verb or the place ("on 15 August", "on Friday",
  "yesterday", "earlier this week", "in November 2023": that month), not across "after"/"before",
  resolved against the article date; without one the article date is kept and the notes say
  so. A change a report tells twice keeps its dated draft; a place taken and lost in one
  sentence on one day keeps the last change.
- negations, intentions, rumours and brief captures before the verb ("failed to capture", "could
  fall", "amid reports", "briefly occupied"), and earlier episodes without a day ("Before that
  ...", "since ... in mid-August") give nothing.

Every draft carries its evidence (sentence, place, actor and verb words) in ``notes`` and in the
``evidence_*`` columns. The module is pure: text, a gazetteer and an actor table in, a DataFrame
out.
"""

from __future__ import annotations

import bisect
import csv
import io
import re
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pandas as pd

from tracker._errors import InputError
from tracker.core import schema as s
from tracker.extract.context import Actor, Context, Draft, Trigger, via
from tracker.extract.places import (
    antecedent,
    drop_locators,
    only_locates,
    place_by_locators,
    place_chain,
    place_mentions,
    relative_to,
)
from tracker.extract.reconcile import (
    RANK,
    apply_report_confidence,
    both_sides,
    dated_over_undated,
    draft_id,
    drop_denied,
    is_headline,
    net_of_sentence,
    undone_vague_changes,
)
from tracker.extract.rules import (
    ANAPHOR_AFTER,
    ANAPHOR_BEFORE,
    BACKGROUND_OPENERS,
    BREAKS,
    COREF,
    DENIAL,
    FALL_OF,
    FIRST_PERSON,
    HEDGES,
    HOLD,
    LEAVE,
    LOCATIVE,
    NEGATIONS,
    NOT_AGENT,
    NOT_NEWS_BEFORE,
    OUTSIDE,
    PARTIAL,
    PASSIVE,
    TAKE,
    TO,
    compile_rules,
)
from tracker.extract.speakers import speaker
from tracker.extract.text import (
    NUMBER_WORDS,
    DatePhrase,
    date_phrases,
    date_value,
    header_fields,
    html_to_text,
    looks_like_html,
    parse_date_text,
    sentences,
    without_header,
)
from tracker.names.keys import PLACE, PROVINCE
from tracker.names.mentions import Mention

if TYPE_CHECKING:
    from tracker.extract.actors import ActorTable
    from tracker.names.gazetteer import Gazetteer

# --- columns -----------------------------------------------------------------------------------
DISTRICT_COLUMN = "district"  # events-CSV column names (see tracker.ingest.events_csv)
PROVINCE_COLUMN = "province"
EVIDENCE_SENTENCE = "evidence_sentence"
EVIDENCE_PLACE = "evidence_place"
EVIDENCE_ACTOR = "evidence_actor"
EVIDENCE_VERB = "evidence_verb"
PROVINCE_LEVEL = "province_level"
CSV_COLUMNS = [s.EVENT_ID, s.DATE, s.DATE_PRECISION, DISTRICT_COLUMN, PROVINCE_COLUMN,
               s.CONTROLLER, s.STATUS, s.CONFIDENCE, s.SOURCE, s.SOURCE_URL, s.REPORTED_ON,
               s.NOTES]
EVIDENCE_COLUMNS = [EVIDENCE_SENTENCE, EVIDENCE_PLACE, EVIDENCE_ACTOR, EVIDENCE_VERB]
DRAFT_COLUMNS = [*CSV_COLUMNS[:3], s.DISTRICT_CODE, *CSV_COLUMNS[3:], *EVIDENCE_COLUMNS,
                 PROVINCE_LEVEL]


# --- extraction -----------------------------------------------------------------------------------
_THEY_TOOK = re.compile(
    r"\b(?:they|it)\s+(?=(?:have\s+|has\s+|had\s+)?(?:\w+ly\s+)?(?:seiz|captur|took|retook|"
    r"overr|recaptur|gain|regain|reclaim|liberat|wrest|drove|ousted)\w*)|"
    r"\b(?:their|its)\s+(?=(?:\w+\s+)?(?:capture|recapture|seizure|takeover|liberation)\s+of\b)",
    re.IGNORECASE)
""""They" or "it" as the subject of a verb of capture ("On October 26, they seized control of
...", "it had reclaimed Hsi Hseng"), "their" as the owner of one ("their capture of Mogok")."""


def _find_actors(text: str, table: ActorTable, spans: list[tuple[int, int]]) -> list[Actor]:
    """The actors named in ``text``, with "the group" and a capturing "they" standing for the
    last one named before them."""
    found = [Actor(m.start, m.end, m.text, m.actor) for m in table.find(text)]
    for k in range(1, len(found)):  # "The Taliban's Ministry of Defense": the Taliban's own
        owner, act = found[k - 1], found[k]
        if owner.actor != act.actor and _OWNED.fullmatch(text, owner.end, act.start):
            found[k] = Actor(act.start, act.end, act.text, owner.actor,
                             via=f"{act.text!r} of {owner.text!r}")
    starts = [a for a, _ in spans]
    told: dict[str, Actor] = {}  # "the group" -> the actor it stood for last
    for m in [*COREF.finditer(text), *_THEY_TOOK.finditer(text)]:
        before = [a for a in found if a.end <= m.start() and not a.via]
        if not before or any(a.start <= m.start() < a.end for a in found):
            continue
        ref, where = before[-1], "named before"
        same = " ".join(m.group().split()).casefold()
        if same in told:  # "the group said it liberated the division of the army ... after the
            ref, where = told[same], f"as {same!r} before"  # group seized": the same group
        k = bisect.bisect_right(starts, m.start()) - 1
        start = starts[k]
        if m.group().strip().casefold() in ("they", "it") and k > 0 and not any(
                a.start >= start for a in before):  # "The alliance, made up of the MNDAA, TNLA and
            subjects = [a for a in before if a.start >= starts[k - 1]]  # AA, seized X. ... it
            # took Y": the subject of the sentence before
            if subjects:
                ref, where = subjects[0], "the first named in the sentence before"
        opener = _OPENING_PHRASE.match(text, start, m.start())
        if opener:  # "Following their capture of Mogok, the TNLA ...": the main clause's subject
            subject = re.compile(r"[^,.]*,\s*").match(text, m.end())
            after = subject and next((a for a in found if subject.end() <= a.start
                                      <= subject.end() + 4), None)  # after "the "
            if after is not None:
                ref, where = after, "the subject after it"
        if COREF.fullmatch(m.group()):
            told[same] = ref
        word = m.group().strip()
        found.append(Actor(m.start(), m.start() + len(word), word, ref.actor,
                           via=f"{word!r} = {ref.text!r}, {where}"))
    return sorted(found, key=lambda a: a.start)


_OWNED = re.compile(r"(?:'s|\u2019s)\s+")
"""Between an actor and a body of its own ("the Taliban's Ministry of Defense")."""

_OPENING_PHRASE = re.compile(r"\s*(?:following|after|since|with|despite|before|upon)\s+$",
                             re.IGNORECASE)
"""A sentence opening before a possessive pronoun whose owner is the main clause's subject."""


def _actor_at(ctx: Context, pos: int) -> Actor | None:
    """The actor named at ``pos`` (after an optional "the", and a place the actor is of: "the
    Mandalay People's Defense Force")."""
    skip = 4 if ctx.text[pos:pos + 4].casefold() == "the " else 0
    starts = {pos, pos + skip}
    starts |= {m.end + 1 for m in ctx.doc_places
               if m.start == pos + skip and ctx.text[m.end:m.end + 1] == " "}
    return next((x for x in ctx.actors if x.start in starts), None)


def _agent(ctx: Context, a: int, before: int) -> Actor | None:
    """The nearest actor named before position ``before`` in the sentence starting at ``a``; of
    actors named together ("KIA and KPDF joint forces", "KIA/PDF"), the first. For a verb in
    "-ing" after "before", "after", "while" or "upon", whose clause names no subject of its own,
    the first actor of the sentence ("the SAF engaged the paramilitary group for several hours
    before withdrawing from the city": the SAF withdrew)."""
    named = [x for x in ctx.actors if a <= x.start and x.end <= before]
    aside = _aside_before(ctx, a, before)
    if aside is not None and any(x.end <= aside[0] for x in named):  # "the RSF, engaged in
        named = [x for x in named if x.end <= aside[0]]  # conflict with the SAF since ..., seized"
    clause = max((m.end() for m in BREAKS.finditer(ctx.text, a, before)), default=a)
    if _WE_SUBJECT.search(ctx.text, clause, before) and not any(x.start >= clause for x in named):
        return None  # "The military council launched airstrikes but now we can say we have
        # taken control": "we", whose side the text does not say, acts, not the council
    participle = bool(_PARTICIPLE_CLAUSE.match(ctx.text, before)) and bool(
        _PARTICIPLE_OPENER.search(ctx.text, max(a, before - 12), before))
    for k in (range(len(named)) if participle else range(len(named) - 1, -1, -1)):
        act = named[k]
        if re.match(r"(?:'s|\u2019s)\b", ctx.text[act.end:act.end + 3]) and \
                not _OWNER_OF_ACT.fullmatch(ctx.text, act.end, before):
            continue  # "the Myanmar military's Western Command": an owner, not the agent
        if _FACILITY_AFTER.match(ctx.text, act.end):
            continue  # "the People's Defense Force base": a place, not the agent
        window = ctx.text[max(a, act.start - 30):act.start]
        if not NOT_AGENT.search(window) or _COUNT_OF.search(window):
            while k > 0 and _TOGETHER.fullmatch(ctx.text, named[k - 1].end, named[k].start):
                k -= 1
            return _list_head(ctx, a, named, k) or named[k]
    return None


def _purpose(ctx: Context, a: int, t: Trigger) -> bool:
    """A verb of capture as an infinitive of purpose ("attempted to send many soldiers ... to
    retake it but ultimately failed"), not after "able to" or "managed to"."""
    m = _TO_BEFORE.search(ctx.text, max(a, t.start - 40), t.start)
    return m is not None and m.group(1).casefold() not in _ACHIEVED


def _aside_before(ctx: Context, a: int, before: int) -> tuple[int, int] | None:
    """The span of an aside set off by commas between an actor and position ``before`` (its
    verb), opened by a participle or "who"/"which" ("the RSF, engaged in conflict with the SAF
    since April 15, 2023, seized control of Mellit"), in the sentence starting at ``a``."""
    for x in ctx.actors:
        if a <= x.start and x.end < before:
            start = x.end + ctx.text.startswith(")", x.end)  # "the Rapid Support Forces (RSF),"
            if _SUBJECT_ASIDE.fullmatch(ctx.text, start, before):
                return start, before
    return None


_SUBJECT_ASIDE = re.compile(r",\s*(?:(?:who|which)\b|[a-z]+(?:ed|ing)\b)[^.;:]*,\s*")
_TO_BEFORE = re.compile(r"\b([\w'-]+)\s+to\s+$")
_ACHIEVED = frozenset({"able", "managed", "on"})  # "were able to", "went on to" capture
_WE_SUBJECT = re.compile(r"\bwe\b", re.IGNORECASE)
_PARTICIPLE_OPENER = re.compile(r"\b(?:before|after|while|upon)\s+$", re.IGNORECASE)
_PARTICIPLE_CLAUSE = re.compile(r"[a-z]+ing\b")
_COUNT_OF = re.compile(r"\b(?:hundreds|thousands|dozens|scores|a\s+(?:large\s+)?(?:number|group|"
                       r"column|convoy|contingent))\s+of\s+(?:the\s+)?$", re.IGNORECASE)
"""A number of an actor's fighters ("Hundreds of Taliban fighters seize"): the actor acts."""


def _list_head(ctx: Context, a: int, named: list[Actor], k: int) -> Actor | None:
    """The first actor of a list that ``named[k]`` ends, when a force named by a common noun is
    said to be made of them ("a combined resistance force comprising the KIA, the People's
    Defense Force (PDF) of the ... NUG, and the ABSDF captured"); the actor the list follows
    when it names one ("The Brotherhood Alliance, made up of the MNDAA, TNLA and AA, seized": the
    alliance acts); None when there is no such list."""
    heads = list(_MADE_OF.finditer(ctx.text, a, named[k].start))
    if not heads:
        return None
    head = heads[-1]
    before = [x for x in named if x.end <= head.start()]
    if before and head.start() - before[-1].end <= 3:  # "The Brotherhood Alliance, made up of"
        return before[-1]
    return next((x for x in named[:k] if x.start >= head.end()), None)


_MADE_OF = re.compile(r"\b(?:comprising|made\s+up\s+of|consisting\s+of|composed\s+of)\s+",
                      re.IGNORECASE)


_TOGETHER = re.compile(r"(?:\s*\([^()]{1,12}\))?(?:\s*/\s*|\s*(?:,|and|,\s*and)\s+(?:the\s+)?"
                       r"(?:[A-Z][\w'\u2019-]*\s+){0,2})")
"""Between two actors named together as one subject ("KIA and Kachin", "the AA (Arakan Army),
", "KIA/PDF", "KIA and the Kachin Region People's Defence Force")."""

_FACILITY_AFTER = re.compile(r"\s+(?:(?i:council|regime|junta|army|government)\s+|[A-Z][\w-]*\s+)?"
                             r"(?i:military\s+)?(?i:base|bases|camp|camps|outpost|outposts|"
                             r"headquarters|positions?|checkpoints?)\b")
"""After an actor's name, a place of its (a base, positions, "the military council camp"), not
the actor acting."""


_OWNER_OF_ACT = re.compile(r"(?:'s|\u2019s)\s+(?:(?!(?:and|or|but|then|was|were|had|has|have)\s)"
                           r"[a-z]+\s+){0,2}")
"""Between an owner and the verb noun it does ("the junta's recent recapture of"): the agent."""


def _other_side(ctx: Context, actor: str, pos: int) -> Actor | None:
    """The actor other than ``actor`` named nearest to ``pos`` anywhere in the text."""
    others = [x for x in ctx.actors if x.actor != actor]
    if not others:
        return None
    return min(others, key=lambda x: (abs(x.start - pos), x.start))


def _rule_actor(m: re.Match) -> tuple[str, int, int] | None:
    for key, value in m.groupdict().items():
        if key.startswith("a") and value:
            return value, m.start(key), m.end(key)
    return None


def _triggers(ctx: Context, a: int, b: int) -> list[Trigger]:
    hits: list[Trigger] = []
    sentence = ctx.text[a:b]
    for rule, pattern in ctx.rules:
        for m in pattern.finditer(sentence):
            actor = _rule_actor(m)
            hits.append(Trigger(rule, a + m.start(), a + m.end(), m.group(),
                                 actor[0] if actor else None, a + actor[1] if actor else -1))
    hits.sort(key=lambda t: (t.start, -(t.end - t.start)))
    out: list[Trigger] = []
    for t in hits:  # overlapping phrases: the longest (then the first listed) wins
        clash = [o for o in out if o.start < t.end and t.start < o.end]
        if not clash:
            out.append(t)
        elif all(t.end - t.start > o.end - o.start for o in clash):
            out = [o for o in out if o not in clash] + [t]
    return sorted(out, key=lambda t: t.start)


def _region(ctx: Context, a: int, b: int, triggers: list[Trigger], i: int,
            *, forward: bool) -> tuple[int, int]:
    """Text a trigger's places may lie in: up to the next clause break or trigger."""
    t = triggers[i]
    if forward:
        end = triggers[i + 1].start if i + 1 < len(triggers) else b
        brk = BREAKS.search(ctx.text, t.end, end)
        while brk and brk.group() == ";" and _DATED_ITEM.match(ctx.text, brk.end()):
            brk = BREAKS.search(ctx.text, brk.end(), end)  # "Paletwa on January 17; Pauktaw on
        return t.end, brk.start() if brk else end  # January 19; ...": one dated list
    start = triggers[i - 1].end if i > 0 else a
    breaks = list(BREAKS.finditer(ctx.text, start, t.start))
    if breaks and (_RELATIVE_VERB.fullmatch(ctx.text, breaks[-1].start(), t.start)
                   or _RELATIVE_CLOSED.match(ctx.text, breaks[-1].start(), t.start)):
        breaks.pop()  # "Kohistan district, which fell to": the place before the pronoun;
        # "Nawnghkio, which also stands on the highway ..., was completely captured": the
        # clause is closed, the verb's place is the one before it
    return (breaks[-1].end() if breaks else start), t.start


_DATED_ITEM = re.compile(
    r"\s*(?:and\s+)?[A-Z][\w'-]+(?:[\s-][A-Z][\w'-]+){0,2}\s+on\s+(?:\d{1,2}\s+)?(?:January|"
    r"February|March|April|May|June|July|August|September|October|November|December)\b")
"""The next member of a dated list after a semicolon ("; Pauktaw on January 19")."""

_WHERE = re.compile(r"(?:\s+(?:town|city|district|township|locality))?\s*(?P<comma>,)\s*where\s+"
                    r"(?:[\w'-]+\s+){1,4}$", re.IGNORECASE)
"""A place's relative clause of "where" ending at a verb ("Hpakant town, where KIA forces ")."""
_NO_OBJECT = re.compile(r"\s*(?:(?:full\s+|complete\s+)?control\b\s*)?(?:on|in|at|after|since|"
                        r"last|this|earlier|[,.;]|$)", re.IGNORECASE)
"""After a verb: no object of its own ("took control on April 23"; not "had taken a number of
checkpoints")."""
_RELATIVE_CLOSED = re.compile(r"which\s[^,]{0,120},", re.IGNORECASE)
_RELATIVE_VERB = re.compile(r"which\s+(?:had\s+|has\s+|was\s+|were\s+)?(?:been\s+)?",
                            re.IGNORECASE)


def _sentence_drafts(ctx: Context, i: int) -> list[Draft]:
    """The drafts of sentence ``i``; its places are remembered for pronouns of later ones."""
    a, b = ctx.spans[i]
    triggers = _triggers(ctx, a, b)
    places = [m for m in place_mentions(ctx, a, b)
              if not any(t.start <= m.start < t.end for t in triggers)]
    out: list[Draft] = []
    if triggers and not _background(ctx, a, b):
        for j in range(len(triggers)):
            out.extend(_trigger_drafts(ctx, i, triggers, j, places))
    targets = [m for m in ctx.doc_places if a <= m.start and m.end <= b and m.kind != PROVINCE
               and _OPERATION_AFTER.match(ctx.text, m.end)]  # "the Demoso operation": its
    ctx.seen.extend(sorted([*places, *targets], key=lambda m: m.start))  # town, for "the town"
    return out


_OPERATION_AFTER = re.compile(r"\s+(?:operation|offensive|campaign)\b", re.IGNORECASE)
"""After a place: an operation aimed at it, which makes it the place a later "the town" means."""


_A_DISTRICT = re.compile(r"\s+(?:\w+\s+){0,2}?(?:of\s+)?(?P<ref>an?\s+(?:[\w-]+\s+){0,2}?"
                         r"district)\b(?:\s+(?:headquarters|cent(?:re|er)|compound))?",
                         re.IGNORECASE)
"""An unnamed district as the object of a verb of capture ("seized control Monday of a
district", "overran a district headquarters"), named later in the report."""
_NAMED_AFTER = 2  # sentences after the verb's in which the district it stands for is looked for


_WHICH_SUBJECT = re.compile(r"(?:\s*,[^,]{0,80}(?=,))?"
                            r"(?:\s+(?:town|city|district|township|locality))?"
                            r"\s*,\s*(?:which|that)\s+", re.IGNORECASE)
_SUBJECT_TO_VERB = re.compile(r"(?:\s*\([^()]{1,12}\))?(?:\s*,[^,]{0,60},)?\s*"
                              r"(?:had\s+|has\s+|have\s+)?(?:\w+ly\s+)?")


def _object_of_which(ctx: Context, places: list[Mention], a: int, t: Trigger) -> Mention | None:
    """The place a relative clause with its own subject is about ("Lashio, the capital of
    northern Shan State, which the MNDAA, a TNLA ally, handed back to the junta"; "Kyaukme,
    which the junta retook in April")."""
    m = next((m for m in reversed(places) if a <= m.start and m.end <= t.start
              and m.kind != PROVINCE), None)  # the last place named before the verb
    opened = _WHICH_SUBJECT.match(ctx.text, m.end, t.start) if m is not None else None
    subject = _actor_at(ctx, opened.end()) if opened else None
    if subject is not None and _SUBJECT_TO_VERB.fullmatch(ctx.text, subject.end, t.start):
        return m
    return None


def _district_named_after(ctx: Context, i: int, pos: int) -> Mention | None:
    """The district "a district" after ``pos`` in sentence ``i`` stands for: the first district
    named in the next :data:`_NAMED_AFTER` sentences, in the province sentence ``i`` names if it
    names one ("overran a district headquarters ... in northern Faryab province. ... the
    assault on the Lawlash District government headquarters")."""
    a, b = ctx.spans[i]
    provinces = {m.match.code for m in place_mentions(ctx, a, b) if m.kind == PROVINCE}
    for k in range(i + 1, min(len(ctx.spans), i + 1 + _NAMED_AFTER)):  # in its own sentence a
        # name after it mostly locates it ("a key district near the northern city of Kunduz")
        for m in place_mentions(ctx, *ctx.spans[k]):
            if m.kind == PROVINCE or m.start < pos or only_locates(ctx, m):
                continue
            if provinces and m.match.province_code not in provinces:
                return None
            return m
    return None


def _background(ctx: Context, a: int, b: int) -> bool:
    """"Before that the militants overran Kunduz": an earlier episode without its own day."""
    return bool(BACKGROUND_OPENERS.match(ctx.text[a:b])) and not any(
        p.pinned for p in date_phrases(ctx.text[a:b], ctx.article))


def _trigger_drafts(ctx: Context, i: int, triggers: list[Trigger], j: int,
                    places: list[Mention]) -> list[Draft]:
    """The drafts of trigger ``j`` of sentence ``i``: its places (a pronoun, else the chain next
    to it, without locators), unless denied, negated or background; and who holds them."""
    a, b = ctx.spans[i]
    t = triggers[j]
    if DENIAL.search(ctx.text[a:t.start]) or NOT_NEWS_BEFORE.search(ctx.text[a:t.start]):
        return []  # "... denied that El Fasher had fallen to the RSF", "amid reports"
    passive = bool(PASSIVE.search(ctx.text[max(a, t.start - 40):t.start])) and \
        t.rule.kind in (TAKE, LEAVE, HOLD)
    by_actor = None
    if t.rule.kind in (TAKE, LEAVE, HOLD):
        follow = re.match(r"(?:\s+(?:on|in)\s+(?:\w+\s+\d{1,2}|\d{1,2}\s+\w+|\w+day)(?:,?\s+\d{4})?"
                          r"(?:\s+last\s+year)?)?\s+(?:\w+\s+){0,2}?by\s+", ctx.text[t.end:b])
        if follow:
            by_actor = _actor_at(ctx, t.end + follow.end())
            passive = passive or by_actor is not None
            if by_actor is None and passive and _UNKNOWN_AGENT.match(ctx.text,
                                                                     t.end + follow.end()):
                return []  # "seized by the Chin Brotherhood": an actor the table does not know
    forward = t.rule.kind in (TAKE, LEAVE, HOLD, FALL_OF) and not passive
    ra, rb = _region(ctx, a, b, triggers, j, forward=forward)
    background = _subordinate_background(ctx, a, b, t)
    brk = BREAKS.search(ctx.text, t.end, b)
    if background == "vague" or _year_only(ctx, min(ra, t.start),
                                           max(rb, brk.start() if brk else b)):
        return []
    chain: list[Mention] = []
    if not forward:
        ref = ANAPHOR_BEFORE.search(ctx.text[ra:t.start])
        if ref and PARTIAL.search(ctx.text[ra:ra + ref.start("ref")]):
            return []  # "only two villages of the district have remained under"
        if ref and _IN_REF.search(ctx.text[ra:ra + ref.start("ref")]):
            ref = None  # "the second city in the state to be recaptured": where, not what
        if ref:
            hit = antecedent(ctx, ref.group("ref"), ra + ref.start("ref"), places)
            chain = [hit] if hit and (hit.kind != PROVINCE or _whole_province(
                ctx, hit, t, a, b, named=ref.group("ref"))) else []
    if not chain:
        in_region = [m for m in places if ra <= m.start and m.end <= rb]
        chain = place_chain(in_region, t.end if forward else t.start, ctx, forward=forward)
        chain = [m for m in chain
                 if not LOCATIVE.search(ctx.text[max(ra, m.start - 40):m.start])
                 or (not forward and relative_to(ctx, m, t.start))]
        chain = drop_locators(ctx, chain)
        if DENIAL.search(ctx.text[a:b]) or background or _ENTERED.match(t.words):
            chain = [m for m in chain if m.kind != PROVINCE]  # "entered Kunduz province": into
        chain = [m for m in chain if m.kind != PROVINCE or _whole_province(ctx, m, t, a, b)]
    where = (_WHERE.search(ctx.text, a, t.start)
             if not chain and forward and _NO_OBJECT.match(ctx.text, t.end, b) else None)
    if where:  # "Hpakant town, where KIA forces took control on April 23, 2024"
        chain = [m for m in places if where.start() <= m.end <= where.start("comma")]
    if not chain and t.rule.kind in (TAKE, TO):
        which = _object_of_which(ctx, places, a, t)
        chain = [which] if which is not None else []
    if not chain and forward and not t.actor_text:  # "pushed the Taliban out of the city" is
        ref = ANAPHOR_AFTER.match(ctx.text[t.end:rb])  # mostly an attack repelled, not a retake
        if ref and ref.group("ref").casefold() == "them":  # "launched attacks on the towns of
            chain = [m for m in place_chain(  # al-Tina and Kernoi, capturing them"
                [m for m in places if a <= m.start and m.end <= t.start], t.start, ctx,
                forward=False) if m.kind != PROVINCE]
        elif ref:
            hit = antecedent(ctx, ref.group("ref"), t.end + ref.start("ref"), places)
            chain = [hit] if hit and (hit.kind != PROVINCE or _whole_province(
                ctx, hit, t, a, b, named=ref.group("ref"))) else []  # "forces that control the
            # province": not a change of the whole province
    if not chain and forward:
        ahead = _A_DISTRICT.match(ctx.text, t.end, b)
        # "overran a district headquarters in northern Afghanistan ... the assault on the
        # Lawlash District government headquarters"; not "overrun large swaths of a district"
        if ahead and not PARTIAL.search(ctx.text, t.end, ahead.start("ref")):
            hit = _district_named_after(ctx, i, ahead.end())
            chain = [Mention(ahead.start("ref"), ahead.end(), f"{ahead.group('ref')} = "
                             f"{hit.text}", hit.kind, hit.match)] if hit else []
    if not chain:
        return []
    if t.rule.kind == HOLD and _FOR_A_TIME.match(ctx.text, max(chain[-1].end, t.end)):
        return []  # "The group had controlled the city for almost two years": how long, not when
    if t.rule.kind == HOLD and _HAD_HELD.search(ctx.text, max(a, t.start - 40), t.start):
        return []  # "the MDY PDF, which had controlled the town along with their allies, told":
        # a holding before the news, ended by it
    lead = chain[-1].end if (where or not forward) and chain[-1].end <= t.start else None
    window = ctx.text[lead:t.start] if lead is not None else \
        ctx.text[max(a, t.start - 40):t.start]
    if NEGATIONS.search(window) or (t.rule.kind == TAKE and _purpose(ctx, a, t)):
        return []
    decided = _controller(ctx, t, a, b, passive=passive, by_actor=by_actor, chain=chain)
    if decided is None and ctx.speakers[i] is not None and t.rule.kind in (TAKE, HOLD) and \
            not t.actor_text and not background and (passive or _agent(ctx, a, t.start) is None):
        who = ctx.speakers[i]  # "... were completely controlled," the alliance announced
        decided = who.actor, f"no agent: the speaker {who.text!r} -> {who.actor}{via(who)}"
    if decided is None and passive and by_actor is None and t.rule.kind in (TAKE, HOLD) and \
            not t.actor_text and not background:  # "... bombing after the town was captured"
        decided = _paragraph_actor(ctx, i, t.start)
    if decided is None:
        return []
    controller, note = decided
    words = ctx.text[min(chain[0].start, t.start):max(chain[-1].end, t.end)] \
        if chain[0].start >= a else ctx.text[t.start:t.end]
    return [Draft(m, controller, note, t, (a, b), words) for m in chain]


def _whole_province(ctx: Context, m: Mention, t: Trigger, a: int, b: int, *,
                    named: str = "") -> bool:
    """True when a province a change verb governs is said to change as a whole ("the whole
    province fell", "took full control of the entire state of Khartoum", "completely
    captured"; ``named``: the words that named it again, "the whole province"), also when a side
    is said to hold it ("the army tightens control over Sennar and the Blue Nile" is not the
    whole state); a statement that it stays outside a side's control ("Panjshir remains outside
    Taliban control") is of the whole.
    Unseen reports named a province next to a verb of capture mostly to locate or list ("12
    districts in Ghazni, Badakhshan and Kunduz provinces have been cleared") and said one was
    "under Taliban control" to describe it ("The province is reportedly under Taliban
    control"): every district of it would be a wrong draft."""
    if t.rule.kind == OUTSIDE or _cleared_of_actor(ctx, m, t):
        return True
    return bool(_WHOLE_WORD.search(m.text) or _WHOLE_WORD.search(t.words)
                or _WHOLE_WORD.search(named)
                or _WHOLE_BEFORE.search(ctx.text[max(a, m.start - 40):m.start])
                or _WHOLE_ADVERB.search(ctx.text[a:b]))


_OF_AFTER_PROVINCE = re.compile(r"\s*(?:state|province|region)?\s+of\s+(?:the\s+)?(?:[\w-]+\s+)?",
                                re.IGNORECASE)


def _cleared_of_actor(ctx: Context, m: Mention, t: Trigger) -> bool:
    """"cleared Khartoum State of the paramilitary Rapid Support Forces": rid of the other side,
    the province as a whole."""
    of = _OF_AFTER_PROVINCE.match(ctx.text, m.end)
    return (t.words.casefold() in ("cleared", "cleansed") and t.end <= m.start
            and of is not None and any(of.end() - 16 <= x.start <= of.end()
                                       for x in ctx.actors))


_HAD_HELD = re.compile(r"\b(?:which|who|that)\s+had\s+(?:previously\s+|long\s+)?$", re.IGNORECASE)
"""Before a verb of holding: a relative clause in the pluperfect, a holding the news ended."""
_FOR_A_TIME = re.compile(
    r"\s+for\s+(?:(?:about|almost|nearly|more\s+than|over|some|around|at\s+least)\s+)?(?:\d+|a|an|"
    + "|".join(NUMBER_WORDS) + r"|several|many|a\s+few)\s+(?:hours?|days?|weeks?|months?|years?)\b",
    re.IGNORECASE)
"""After a place held: for how long ("for almost two years", "for a few hours"), a past holding,
not a change."""
_WHOLE_WORD = re.compile(r"\b(?:whole|entire|full|complete|total)\b", re.IGNORECASE)
_WHOLE_BEFORE = re.compile(r"\b(?:all|all\s+of|the\s+rest\s+of|whole|whole\s+of|entire|"
                           r"entirety\s+of)\s+"
                           r"(?:the\s+)?(?:state\s+of\s+|province\s+of\s+)?$", re.IGNORECASE)
_WHOLE_ADVERB = re.compile(
    r"\b(?:completely|fully|entirely|wholly|in\s+(?:its|their)\s+entirety)\b", re.IGNORECASE)

_IN_REF = re.compile(r"\b(?:in|of|across|throughout)\s+$", re.IGNORECASE)
"""Before a pronoun of a place that only says where something lies ("a city in the state")."""

_ENTERED = re.compile(r"(?:re-?)?enter", re.IGNORECASE)
"""A verb of entering: a town entered is taken, a province entered is only gone into."""

_BLANK_LINE = re.compile(r"\n\s*\n")
_UNKNOWN_AGENT = re.compile(
    r"(?:the\s+)?(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|"
    r"March|April|May|June|July|August|September|October|November|December)\b)[A-Z][\w'-]+")
"""A passive's agent written as a name ("by the Chin Brotherhood"), not a day ("by Sunday")."""


def _paragraph_actor(ctx: Context, i: int, pos: int) -> tuple[str, str] | None:
    """"Nerkh district was captured on Sunday": a passive without agent or speaker takes the one
    actor its paragraph names before it, else the one actor the headline names."""
    a = ctx.spans[i][0]
    start = max((m.end() for m in _BLANK_LINE.finditer(ctx.text, 0, a)), default=0)
    named = {x.actor for x in ctx.actors if start <= x.start and x.end <= pos
             and not _object_actor(ctx, x)}
    where = "its paragraph"
    if not named and ctx.spans and is_headline(ctx, 0) and i > 0:
        head = ctx.spans[0]
        named = {x.actor for x in ctx.actors if head[0] <= x.start and x.end <= head[1]
                 and not _object_actor(ctx, x)}
        where = "the headline"
    if len(named) != 1:
        return None
    actor = named.pop()
    return actor, f"no agent: the one actor {where} names -> {actor}"


def _object_actor(ctx: Context, x: Actor) -> bool:
    """True when the actor ``x`` is named as an object ("cleared of Taliban", "against the
    RSF"): no guess of who acts may take it."""
    return bool(NOT_AGENT.search(ctx.text[max(0, x.start - 30):x.start]))


def _subordinate_clause(ctx: Context, a: int, b: int, t: Trigger) -> str | None:
    """The clause opened by "after", "since" or "following" that ``t`` stands in, if any."""
    opener = None
    for m in _SUBORDINATE.finditer(ctx.text, a, t.start):
        opener = m
    if opener is None or len(ctx.text[opener.end():t.start].split()) > 3:
        return None
    nxt = BREAKS.search(ctx.text, t.end, b)
    return ctx.text[opener.start():nxt.start() if nxt else b]


_SUBORDINATE = re.compile(r"\b(?:after|since|following|when)\b", re.IGNORECASE)


_YEAR_ONLY = re.compile(
    r"\bin\s+(?:(?:early|mid|late)[-\s]+)?(?:19|20)\d\d\b|\blast\s+year\b|"
    r"\b(?:a|one|two|three|four|five|several|\d+)\s+years?\s+ago\b|"
    r"\b(?:in|during)\s+the\s+(?:early|first)\s+(?:days|weeks|months)\s+of\s+the\s+war\b|"
    r"\bat\s+the\s+(?:start|beginning|outbreak)\s+of\s+the\s+war\b", re.IGNORECASE)


def _year_only(ctx: Context, start: int, end: int) -> bool:
    """True when the clause ``text[start:end]`` dates its change only to a year ("captured
    Yamgan district in 2015 but lost it to government forces in mid-2019", "captured by Taliban
    last year") or to the war's first days ("had seized control of East Nile in the early days
    of the war"): an earlier episode no day of which the report gives."""
    clause = ctx.text[start:end]  # "in December last year" pins a month (a date phrase)
    return bool(_YEAR_ONLY.search(clause)) and not any(
        p.pinned for p in date_phrases(clause, ctx.article))


_MONTH_ONLY = re.compile(
    r"\b(?:in\s+)?(?:(?:mid|early|late)[-\s]+)?(?:January|February|March|April|May|June|July|"
    r"August|September|October|November|December)\b(?!\s+\d)")


def _subordinate_background(ctx: Context, a: int, b: int, t: Trigger) -> str:
    """How a change told in a clause opened by "after", "since", "following" or "when" is
    background: ``"vague"`` when the clause (for "when", with the words just before it) dates it
    only to a month ("since the Taliban took Kabul in mid-August", "in July, when the RSF
    captured the city": no draft), ``"undated"`` without any day ("after retaking Sennar state": no
    province is expanded from it), ``""`` when it is not such a clause or carries its own day."""
    clause = _subordinate_clause(ctx, a, b, t)
    if clause is None:
        return ""
    if clause[:4].casefold() == "when":  # "in July, when the RSF captured the city": its time
        start = ctx.text.rfind(clause, a, b)  # is said just before it
        clause = ctx.text[max(a, start - 40):start] + clause
    if any(p.pinned for p in date_phrases(clause, ctx.article)):
        return ""
    return "vague" if _MONTH_ONLY.search(clause) else "undated"


def _controller(ctx: Context, t: Trigger, a: int, b: int, *, passive: bool,
                by_actor: Actor | None, chain: list[Mention]) -> tuple[str, str] | None:
    """(controller, evidence words) of a trigger, or None when the text does not say."""
    kind = t.rule.kind
    named = ctx.alias_of.get(" ".join(t.actor_text.split()).casefold()) if t.actor_text else None
    if t.actor_text and FIRST_PERSON.fullmatch(t.actor_text):  # "fell to our hands"
        own = next((x for x in ctx.actors if x.start == t.actor_start), None)
        named = own.actor if own else None
    if kind == TO and named:
        return named, f"{t.actor_text!r} -> {named}"
    if kind == OUTSIDE and named:
        other = _other_side(ctx, named, t.start)
        if other is None:
            return None
        return other.actor, (f"{t.actor_text!r} -> {named}; the other side: {other.text!r} -> "
                             f"{other.actor}{via(other)}")
    if kind in (TAKE, HOLD):
        if named:  # "drove the Taliban out of X": the agent wins, the named actor loses
            agent = _agent(ctx, a, t.start)
            if agent and agent.actor != named:
                return agent.actor, f"{agent.text!r} -> {agent.actor}{via(agent)}"
            return None
        if passive:
            if by_actor:
                return by_actor.actor, f"by {by_actor.text!r} -> {by_actor.actor}{via(by_actor)}"
            return _from_loser(ctx, t, chain, b)
        agent = _agent(ctx, a, t.start)
        if agent:
            return agent.actor, f"{agent.text!r} -> {agent.actor}{via(agent)}"
        return _from_loser(ctx, t, chain, b)
    if kind in (LEAVE, FALL_OF):
        end = chain[-1].end if chain else t.end
        winner = re.match(r"[\s,]*(?:\w+\s+){0,3}?to\s+", ctx.text[end:b])
        if winner:
            got = _actor_at(ctx, end + winner.end())
            if got:
                return got.actor, f"to {got.text!r} -> {got.actor}{via(got)}"
        if kind == FALL_OF:
            return None  # "the fall of Kabul" names no one who holds it
        if not passive and _PERSON_LEAVES.search(ctx.text, a, t.start):
            return None  # "a commander of a junta battalion has fled from": not its garrison
        loser = by_actor if passive else _agent(ctx, a, t.start)
        if loser is None:
            return None
        other = _other_side(ctx, loser.actor, t.start)
        if other is None:
            return None
        return other.actor, (f"{loser.text!r} -> {loser.actor} leaves; the other side: "
                             f"{other.text!r} -> {other.actor}{via(other)}")
    return None


_PERSON_LEAVES = re.compile(
    r"\b(?:commanders?|officers?|officials?|governors?|residents|civilians|villagers|families|"
    r"people|chiefs?|leaders?|deserters|defectors)(?:\s+(?:of|from)\s+(?:an?|the)\s+"
    r"[\w'\u2019-]+(?:\s+[\w'\u2019-]+){0,3})?\s+(?:(?:has|have|had|reportedly)\s+)*$",
    re.IGNORECASE)
"""People as the subject of a verb of leaving: they leave, the place does not change hands."""


def _from_loser(ctx: Context, t: Trigger, chain: list[Mention], b: int) -> tuple[str, str] | None:
    """"retaken from the Taliban" with no agent: the other side of the one it was taken from."""
    end = max(chain[-1].end, t.end)
    hit = re.match(r"[\s,]*(?:\w+\s+){0,3}?from\s+", ctx.text[end:b])
    if not hit:
        return None
    loser = _actor_at(ctx, end + hit.end())
    if loser is None:
        return None
    other = _other_side(ctx, loser.actor, t.start)
    if other is None:
        return None
    return other.actor, (f"from {loser.text!r} -> {loser.actor}; the other side: {other.text!r} "
                         f"-> {other.actor}{via(other)}")


def extract_drafts(text: str, gazetteer: Gazetteer, actors: ActorTable, *,
                   districts: pd.DataFrame, date: date | None = None, source: str | None = None,
                   url: str | None = None) -> pd.DataFrame:
    """Draft control events from a news report.

    Parameters
    ----------
    text
        The report, plain text or HTML (tags stripped, entities unescaped).
    gazetteer
        Resolves district, town and province names (with the user's aliases).
    actors
        The actor alias table (:class:`tracker.extract.actors.ActorTable`).
    districts
        Columns ``district_code``, ``district_name``, ``province_code``, ``province_name``: the
        districts a province-level statement expands to.
    date
        The article date; default a date line at the top of the text (``Date: 2021-08-20``,
        ``20 August 2021``) or, for HTML, its published-time meta tag.
    source, url
        Publisher and address, for the ``source`` and ``source_url`` columns; default a
        ``Source:`` / ``URL:`` line at the top of the text.

    Returns
    -------
    pandas.DataFrame
        One row per draft, columns :data:`DRAFT_COLUMNS`: the events-CSV columns (``date`` as
        text, ``YYYY-MM-DD`` or ``YYYY-Www`` / ``YYYY-MM`` for a week or month), ``district_code``,
        the ``evidence_*`` columns and ``province_level``. Empty when the text reports no change
        of control.

    Raises
    ------
    InputError
        When no article date is given and none is found in the text.
    """
    published = None
    if looks_like_html(text):
        text, published = html_to_text(text)
    text = s.normalize_quotes(text)
    header = header_fields(text)
    article = date or (parse_date_text(published) if published else None) or (
        parse_date_text(header["date"]) if "date" in header else None)
    if article is None:
        msg = ("the report has no article date: pass --date YYYY-MM-DD (date=...) or start the "
               "text with a line such as 'Date: 2021-08-20'")
        raise InputError(msg)
    source = source or header.get("source")
    url = url or header.get("url")
    text = without_header(text)
    table = actors.table()
    spans = sentences(text)
    found = _find_actors(text, actors, spans)
    ctx = Context(text, gazetteer, found, gazetteer.mentions(text), districts,
                   compile_rules(_with_first_person(actors.pattern)),
                   {alias.casefold(): actor for actor, alias in table.itertuples(index=False)},
                   spans=spans, article=article)
    for act in ctx.actors:
        ctx.alias_of.setdefault(act.text.casefold(), act.actor)
    _add_speakers(ctx, _publisher(source, actors))
    place_by_locators(ctx)  # "Nawa district of southern Helmand province": so in the headline too
    rows: list[dict[str, object]] = []
    for i, (a, b) in enumerate(spans):
        drafts = _sentence_drafts(ctx, i)
        if not drafts:
            continue
        sentence = " ".join(text[a:b].split())
        phrases = date_phrases(text[a:b], article)
        sentence_rows: list[dict[str, object]] = []
        verbs = {(d.trigger.start, d.trigger.end) for d in drafts}
        for d in drafts:
            hedges = sorted({" ".join(h.group().split()).lower()
                             for h in HEDGES.finditer(text, a, b)
                             if not _in_other_verb(h, d, verbs)})
            sentence_rows.extend(_rows(d, ctx, sentence, hedges, phrases, article, source, url))
        for row in net_of_sentence(sentence_rows):
            row["_sentence"], row["_headline"] = i, is_headline(ctx, i)
            rows.append(row)
    rows = undone_vague_changes(dated_over_undated(rows))
    drop_denied(ctx, rows)
    apply_report_confidence(ctx, rows)
    both_sides(ctx, rows)
    return _finish(rows)


def _in_other_verb(hedge: re.Match, d: Draft, verbs: set[tuple[int, int]]) -> bool:
    """"The RSF had earlier claimed control over Al-Khuwayyi, a day after it captured El Nahud":
    the claim hedges its own verb's places, not the other verb's."""
    return any(a <= hedge.start() < b for a, b in verbs if (a, b) != (d.trigger.start,
                                                                        d.trigger.end))


def _with_first_person(pattern: re.Pattern | None) -> re.Pattern:
    """The actor alias expression plus "our" / "we", which stand for the speaker's side."""
    first = r"(?i:\b(?:our|we)\b)"
    return re.compile(f"(?:{pattern.pattern})|{first}" if pattern else first)


def _publisher(source: str | None, actors: ActorTable) -> Actor | None:
    """The party that published the report, when its source line starts with an actor's name
    ("Rapid Support Forces (rapidsupportforce.com, media statement)"): a party's own words."""
    named = actors.find(re.sub(r"^\s*the\s+", "", source or "", flags=re.IGNORECASE))
    if not named or named[0].start != 0:
        return None
    return Actor(-1, -1, named[0].text, named[0].actor, via="the report's publisher")


def _add_speakers(ctx: Context, publisher: Actor | None = None) -> None:
    """The speaker of each sentence (the publisher, if a party, where no other is named), and
    "we" / "our" as actors of the speaker's side."""
    for i in range(len(ctx.spans)):
        ctx.speakers.append(speaker(ctx.text, ctx.spans, i, ctx.actors) or publisher)
    for i, (a, b) in enumerate(ctx.spans):
        who = ctx.speakers[i]
        if who is None:
            continue
        for m in FIRST_PERSON.finditer(ctx.text, a, b):
            if not any(x.start <= m.start() < x.end for x in ctx.actors):
                ctx.actors.append(Actor(m.start(), m.end(), m.group(), who.actor,
                                         via=f"{m.group()!r} = the speaker's side, {who.text!r}"))
    ctx.actors.sort(key=lambda x: x.start)


def _rows(d: Draft, ctx: Context, sentence: str, hedges: list[str], phrases: list[DatePhrase],
          article: date, source: str | None, url: str | None) -> list[dict[str, object]]:
    a = d.sentence[0]
    confidence = s.UNCONFIRMED if hedges else s.REPORTED
    hedge_note = (f"unconfirmed: {', '.join(repr(h) for h in hedges)}" if hedges else
                  "reported: no hedge in the sentence")
    who = ctx.speakers[ctx.spans.index(d.sentence)]
    denied = DENIAL.search(ctx.text, d.trigger.end, d.sentence[1])
    party = not denied and who is not None and who.actor == d.controller
    if denied:  # "The Taliban captured Nerkh district, but the government denies it."
        confidence = s.UNCONFIRMED
        hedge_note = f"unconfirmed: denied in the sentence ({denied.group()!r})"
    elif party:
        confidence = s.UNCONFIRMED
        hedge_note = f"unconfirmed: the words of a party, {who.text!r} -> {who.actor}{via(who)}"
    elif who is not None and d.trigger.rule.kind == LEAVE:
        confidence = s.CONFIRMED
        hedge_note = (f"confirmed: the side that left says so, {who.text!r} -> "
                      f"{who.actor}{via(who)}")
    before = _days_before(ctx, a, d.trigger, phrases)
    clause = _subordinate_clause(ctx, a, d.sentence[1], d.trigger)
    earlier = ((clause is not None and clause[:4].casefold() != "when")  # "after it was overrun"
               or _PLUPERFECT.search(ctx.text, max(a, d.trigger.start - 30), d.trigger.start)
               is not None)  # "recaptured Sinjah, which had been under RSF control since June"
    phrases = [p for p in phrases if not _across_time_clause(ctx, a, p, d.trigger)]
    pinned = [p for p in phrases if p.pinned] or phrases
    if before is not None:
        day, precision, date_note = before
    elif phrases:
        spoken = [p for p in pinned if not _SPEECH_DAY.fullmatch(p.text)]
        if spoken and len(spoken) < len(pinned):  # "'... today,' she told The Irrawaddy on
            pinned = spoken  # Wednesday": today is the day she spoke
        # the date phrase nearest the verb or the place ("including Sinja, which they entered on
        # June 29"); a phrase that pins a day before one that cannot ("earlier ... on 3 May")
        near = min(pinned, key=lambda p: min(abs(a + p.start - d.trigger.start),
                                             abs(a + p.start - d.place.end)))
        day, precision = near.day, near.precision
        date_note = (f"date: {near.text!r} -> {date_value(day, precision)}" if near.pinned else
                     f"date: {near.text!r} cannot be pinned to a day; the article date "
                     f"{article.isoformat()} is kept")
    else:
        day, precision = article, s.DAY
        date_note = f"date: none in the sentence; the article date {article.isoformat()} is kept"
    m = d.place.match
    targets: list[tuple[str, str, str]]  # code, district name, province name
    if d.place.kind == PROVINCE:
        rows = ctx.districts[ctx.districts[s.PROVINCE_CODE] == m.code]
        targets = list(rows[[s.DISTRICT_CODE, s.DISTRICT_NAME, s.PROVINCE_NAME]].itertuples(
            index=False, name=None))
        place_note = (f"{d.place.text!r} -> province {m.name} ({m.code}, {m.rule}): a "
                      f"province-level statement, one draft for each of its {len(targets)} "
                      f"districts")
    else:
        targets = [(m.code, m.name, m.province_name)]
        what = "town in" if d.place.kind == PLACE else "district"
        place_note = (f"{d.place.text!r} -> {what} {m.name} ({m.province_name}, {m.code}; "
                      f"{m.rule}{'' if m.rule in ('exact', 'code') else ': ' + repr(m.matched)})")
    verb_note = f"{d.trigger.words!r} ({d.trigger.rule.kind})"
    notes = (f"drafted by tracker extract; verb {verb_note}; place {place_note}; actor "
             f"{d.actor_note}; {date_note}; {hedge_note}; sentence: \"{sentence}\"")
    out = []
    for code, name, province in targets:
        row = {
            s.DATE: date_value(day, precision), s.DATE_PRECISION: precision,
            s.DISTRICT_CODE: code, DISTRICT_COLUMN: name, PROVINCE_COLUMN: province,
            s.CONTROLLER: d.controller, s.STATUS: s.CONTROLLED, s.CONFIDENCE: confidence,
            s.SOURCE: source or "", s.SOURCE_URL: url or "", s.REPORTED_ON: article.isoformat(),
            s.NOTES: notes, EVIDENCE_SENTENCE: sentence, EVIDENCE_PLACE: place_note,
            EVIDENCE_ACTOR: d.actor_note, EVIDENCE_VERB: verb_note,
            PROVINCE_LEVEL: d.place.kind == PROVINCE,
            "_dated": bool(phrases) and near.pinned, "_day": day, "_earlier": earlier,
            "_party": party,
            "_province": m.code if d.place.kind == PROVINCE else None,
        }
        row[s.EVENT_ID] = draft_id(row)
        out.append(row)
    return out


_PLUPERFECT = re.compile(r"\bhad\s+(?:already\s+|previously\s+)?(?:been\s+)?$", re.IGNORECASE)
"""Before a verb: the pluperfect of a state or change that came before the sentence's others."""
_SPEECH_DAY = re.compile(r"(?:earlier\s+)?today|tonight|this\s+(?:morning|afternoon|evening)",
                         re.IGNORECASE)


TIME_CLAUSE = re.compile(r"\b(?:after|before|since|following|while|until)\b", re.IGNORECASE)


def _days_before(ctx: Context, a: int, t: Trigger, phrases: list[DatePhrase]
                 ) -> tuple[date, str, str] | None:
    """(day, precision, note) of a change told as some days before another the sentence dates
    ("reclaimed El Souki yesterday, just a day after capturing El Dinder": the day before
    yesterday); None when the sentence does not tell it so."""
    m = _DAYS_AFTER.search(ctx.text, max(a, t.start - 40), t.start)
    if m is None:
        return None
    main = [p for p in phrases if p.pinned and p.precision == s.DAY and a + p.end <= m.start()]
    if not main:
        return None
    n = int(m[1]) if m[1].isdigit() else NUMBER_WORDS[m[1].lower()]
    day = main[-1].day - timedelta(days=n)
    return day, s.DAY, (f"date: {m.group().strip()!r} {main[-1].text!r} -> "
                        f"{date_value(day, s.DAY)}")


_DAYS_AFTER = re.compile(r"\b(?:just\s+|only\s+)?(" + "|".join(NUMBER_WORDS) + r"|\d+)\s+"
                         r"days?\s+after\s+(?:(?:it|they)\s+)?$", re.IGNORECASE)


def _across_time_clause(ctx: Context, a: int, phrase: DatePhrase, t: Trigger) -> bool:
    """"recaptured Musa Qala after it was seized ... last week": the date belongs to the other
    clause; so does a date told in what someone said after the verb ("the Military Council,
    which previously had to relinquish control of ..., disclosed that on 6 March, the army
    conducted artillery shelling")."""
    lo, hi = sorted((a + phrase.start, t.start))
    aside = _aside_before(ctx, a, t.start)
    if aside is not None and aside[0] <= a + phrase.start < aside[1]:
        return True  # "the RSF, engaged in conflict with the SAF since April 15, 2023, seized"
    if t.end <= a + phrase.start and _SAID_THAT.search(ctx.text, t.end, a + phrase.start):
        return True
    if _OPERATION_BEGAN.search(ctx.text, max(a, a + phrase.start - 60), a + phrase.start):
        return True  # "during Operation-1027 first part that was launched on 27th October",
        # "began its offensive on August 4, and recaptured the town in just over two weeks"
    if t.end <= a + phrase.start and _ITS_OWN_PART.match(ctx.text, t.end, a + phrase.start) \
            and not any(t.end <= m.start < a + phrase.start for m in ctx.doc_places):
        return False  # "fell to the AA after the group overran its police station at around
        # 10pm Wednesday": the act that made the fall, with its day
    # "had been under the control of the TNLA since July last year": a "since" or "until" right
    # before the date phrase dates the state it follows, it opens no other clause
    return any(m.group().casefold() not in ("since", "until")
               or not ctx.text[m.end():a + phrase.start].isspace()
               for m in TIME_CLAUSE.finditer(ctx.text, lo, hi)
               if aside is None or not aside[0] <= m.start() < aside[1])


_OPERATION_BEGAN = re.compile(
    r"(?:\b(?:that|which)\s+(?:was|were|is|are|had\s+been|has\s+been)\s+(?:launched|started|begun|"
    r"announced|signed|declared|waging|waged|going\s+on|under\s*way)|\b(?:began|begun|launched|"
    r"started|opened)\s+(?:its|their|the|an?)\s+(?:[\w-]+\s+)?(?:offensive|counter-?offensive|"
    r"operation|campaign|assault|attack|push)s?)\s+(?:(?:on|in|since)\s+)?$", re.IGNORECASE)
"""Before a date: when an operation, an offensive or a truce began ("that was launched on", "that
has been waging since", "began its offensive on"), not the day of the change told with it."""
_ITS_OWN_PART = re.compile(
    r"[^.;]{0,40}?\b(?:shortly\s+|soon\s+|just\s+)?after\s+[^.;,]{0,60}?\b(?:its|the\s+(?:town|city|"
    r"district|township)(?:'s|\u2019s))\s+[^.;,]{0,60}$", re.IGNORECASE)
"""Between a verb and a date: an "after" clause telling an act on the place's own part ("after
the group overran its police station at around")."""
_SAID_THAT = re.compile(r"\b(?:said|says|disclosed|announced|reported|stated|added|revealed|"
                        r"claimed|confirmed)\s+that\b", re.IGNORECASE)


def _finish(rows: list[dict[str, object]]) -> pd.DataFrame:
    """Drafts in text order, one per event id; a district-level draft beats a province-level one."""
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=bool if c == PROVINCE_LEVEL else object)
                             for c in DRAFT_COLUMNS})
    df = pd.DataFrame(rows)
    df["_order"] = range(len(df))
    if "_headline" not in df:
        df["_headline"] = False
    df["_rank"] = df[s.CONFIDENCE].map(RANK).fillna(0)
    # one draft per day, district and controller: a district-level draft before a province-level
    # one, the report's body before its headline, then the most cautious confidence (a change
    # one sentence hedges is hedged)
    df = df.sort_values([PROVINCE_LEVEL, "_headline", "_rank", "_order"], kind="stable")
    df = df.drop_duplicates([s.DATE, s.DISTRICT_CODE, s.CONTROLLER])
    df = df.drop_duplicates(s.EVENT_ID).sort_values("_order", kind="stable")
    return df[DRAFT_COLUMNS].reset_index(drop=True)  # the "_" columns are working state


def draft_rows(drafts: pd.DataFrame) -> list[dict[str, str]]:
    """Drafts as rows of the events-CSV format (all text), as :func:`to_events_csv` writes them."""
    out = []
    for row in drafts[CSV_COLUMNS].to_dict("records"):
        out.append({k: "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)
                    for k, v in row.items()})
    return out


def to_events_csv(drafts: pd.DataFrame) -> str:
    """Drafts as an events CSV (columns :data:`CSV_COLUMNS`), ready for ``tracker import``."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(draft_rows(drafts))
    return buf.getvalue()
