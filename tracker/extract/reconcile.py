"""Drafts of a whole report set against each other: one change told twice, a change taken back in
the same sentence, denials, "could not verify" and confirmations in other sentences, stable ids."""

from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta

from tracker.core import schema as s
from tracker.extract.context import Context
from tracker.extract.places import place_mentions
from tracker.extract.rules import (
    CLAIM_CONFIRMED,
    CONFIRMATION,
    CONFIRMED_AFTER,
    DENIAL,
    NOT_CONFIRMED,
    SPEECH,
    VERIFY_DISCLAIMER,
)
from tracker.names.keys import PROVINCE


def dated_over_undated(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """A draft without a date phrase ("had reclaimed Al-Khuwayyi", a headline) tells the same
    change as a dated draft of its district and controller in the report: the dated one stays."""
    dated = {(r[s.DISTRICT_CODE], r[s.CONTROLLER]) for r in rows if r["_dated"]}
    return [r for r in rows if r["_dated"] or (r[s.DISTRICT_CODE], r[s.CONTROLLER]) not in dated]


def undone_vague_changes(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """A change dated only to a week or a month that a change of the same district to another
    side, dated to a day in that period or later, undoes ("have recaptured Tala Wa Barfak ...
    The Taliban had captured Tala Wa Barfak early this week") gives no draft: dated to its
    period it could not be told apart from the change that undid it (as the corpus labels it)."""
    def period_start(r: dict[str, object]) -> date:
        day = r["_day"]
        if r[s.DATE_PRECISION] == s.WEEK:
            return day - timedelta(days=day.weekday())
        return day.replace(day=1) if r[s.DATE_PRECISION] == s.MONTH else day

    later = [r for r in rows if r[s.DATE_PRECISION] == s.DAY]
    return [r for r in rows if r[s.DATE_PRECISION] == s.DAY or not any(
        o[s.DISTRICT_CODE] == r[s.DISTRICT_CODE] and o[s.CONTROLLER] != r[s.CONTROLLER]
        and o["_day"] >= period_start(r) for o in later)]


_A_DISTRICT_IN = re.compile(r"\ban?\s+(?:district|township|locality|town)\s+(?:in|of)\s+"
                            r"(?:the\s+)?$", re.IGNORECASE)
"""Before a province in a denial: a district of it, not named ("the fall of a district in")."""
_THE_CLAIM = re.compile(r"\b(?:the|this|that|these|those)\s+(?:claims?|reports?)\b", re.IGNORECASE)
"""A denial's object told by a pronoun: what the sentence before claimed."""


def drop_denied(ctx: Context, rows: list[dict[str, object]]) -> None:
    """A party's claim the report says elsewhere is denied ("... denied that El Fasher had fallen
    to the RSF"; "Sudan's Armed Forces denied that the RSF took control of Central Darfur State
    ... The RSF announced ... they had 'fully taken control of Central Darfur State'") gives no
    draft; a reported change that is denied becomes ``unconfirmed``. A denied province denies
    the drafts it was expanded to; "the claim" denied without a place is the sentence before's."""
    for i, (a, b) in enumerate(ctx.spans):
        if not DENIAL.search(ctx.text, a, b):
            continue
        mentions = place_mentions(ctx, a, b)
        named = {m.match.code for m in mentions if m.kind != PROVINCE}
        provinces = {m.match.code for m in mentions if m.kind == PROVINCE}
        unnamed = {m.match.code for m in mentions if m.kind == PROVINCE  # "the fall of a
                   and _A_DISTRICT_IN.search(ctx.text, max(a, m.start - 40), m.start)}  # district
        if unnamed:  # in Ghazni province to Taliban": any district of it
            named |= set(ctx.districts.loc[ctx.districts[s.PROVINCE_CODE].isin(unnamed),
                                           s.DISTRICT_CODE])
        hit = [r for r in rows if r["_sentence"] != i and (
            r[s.DISTRICT_CODE] in named or r["_province"] in provinces)]
        if not named and not provinces and _THE_CLAIM.search(ctx.text, a, b):
            hit = [r for r in rows if r["_sentence"] == i - 1]  # "... also captured Lashio
            # town. But junta spokesman Zaw Min Tun told reporters the claim was 'not true'."
        rows[:] = [r for r in rows if not (r in hit and r[s.CONFIDENCE] == s.UNCONFIRMED)]
        for r in hit:
            if r[s.CONFIDENCE] == s.REPORTED:
                set_confidence(r, s.UNCONFIRMED, "a denial in the report")


def is_headline(ctx: Context, i: int) -> bool:
    """The first line of the text when it stands alone without a full stop (a headline)."""
    a, b = ctx.spans[i]
    return i == 0 and not re.search(r"[.!?\"\u201d]\s*$", ctx.text[a:b]) and \
        ctx.text[b:b + 2].startswith("\n")


def net_of_sentence(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """"captured Nawzad but lost it in two days": of one district's changes on one day in one
    sentence, the last one stands; one told in a clause of "after", "since" or "following"
    came before the others ("have retaken control of the Ghormach district after it was overrun
    by the Taliban several days ago": the retake stands)."""
    last: dict[tuple[object, object], int] = {}
    for k, r in sorted(enumerate(rows), key=lambda kr: (not kr[1]["_earlier"], kr[0])):
        last[(r[s.DISTRICT_CODE], r[s.DATE])] = k
    return [r for k, r in enumerate(rows) if last[(r[s.DISTRICT_CODE], r[s.DATE])] == k]


RANK = {s.UNCONFIRMED: 0, s.REPORTED: 1, s.CONFIRMED: 2}


def apply_report_confidence(ctx: Context, rows: list[dict[str, object]]) -> None:
    """Confidence from other sentences: a "could not verify" makes the claims before it
    unconfirmed, and those told again after it of a place named up to it ("Its fall could not be
    independently confirmed ... Kyaukme was completely captured by the army"); a sentence
    confirming, corroborating or admitting a change ("the army indirectly confirmed the loss of
    the city", "Hemedti admitted the loss") makes the latest draft of each place it names (else
    of each place of the last sentence drafted before it: "capture the entire Luhansk Oblast.
    Ukrainian forces confirm that they were forced to retreat" confirms every raion) confirmed,
    unless the confirming side is the one that gained it."""
    for i, (a, b) in enumerate(ctx.spans):
        body = ctx.text[a:b]
        if VERIFY_DISCLAIMER.search(body):
            told = {m.match.code for m in ctx.seen if m.start < b and m.kind != PROVINCE}
            for r in rows:
                if r[s.CONFIDENCE] == s.REPORTED and (r["_sentence"] < i or (
                        r["_sentence"] > i and r[s.DISTRICT_CODE] in told)):
                    set_confidence(r, s.UNCONFIRMED, f"{VERIFY_DISCLAIMER.search(body).group()!r} "
                                                      f"in the report")
        hit = CONFIRMATION.search(body)
        passive = None if hit else CLAIM_CONFIRMED.search(body)
        after = None if hit or passive else CONFIRMED_AFTER.search(body)
        if not (hit or passive or after) or NOT_CONFIRMED.search(body):
            continue
        earlier = [r for r in rows if r["_sentence"] <= i]
        if not earlier:
            continue
        named = {m.match.code for m in place_mentions(ctx, a, b) if m.kind != PROVINCE}
        places = named & {r[s.DISTRICT_CODE] for r in earlier} or {
            r[s.DISTRICT_CODE] for r in earlier if r["_sentence"] == earlier[-1]["_sentence"]}
        if passive:  # "confirmed by <actor>"
            confirmer = next((x for x in ctx.actors if x.start == a + passive.end()), None)
        elif after:  # ", <actor> confirmed"
            confirmer = next((x for x in ctx.actors if a + after.start("who") <= x.start
                              and x.end <= a + after.end("who")), None)
        else:
            confirmer = next((x for x in reversed(ctx.actors) if a <= x.start
                              and x.end <= a + hit.start()), None)
        for place in places:
            target = [r for r in earlier if r[s.DISTRICT_CODE] == place]
            newest = max(target, key=lambda r: (str(r[s.DATE]), r["_sentence"]))
            for r in target:
                if r[s.CONTROLLER] == newest[s.CONTROLLER] and (
                        confirmer is None or confirmer.actor != r[s.CONTROLLER]):
                    set_confidence(r, s.CONFIRMED, f"confirmed: {' '.join(body.split())!r}")


def both_sides(ctx: Context, rows: list[dict[str, object]]) -> None:
    """A change the side that gained it claims in its own words and someone else tells in
    another sentence ("The district's police chief said the Taliban overran Sangin centre ...
    a Taliban spokesman claimed the capture") is ``confirmed``: both sides say so. Someone else
    is a speaker other than the gaining side, named or not ("officials said"); the report's own
    narration is no side."""
    def key(r: dict[str, object]) -> tuple[object, object, object]:
        return r[s.DISTRICT_CODE], r[s.CONTROLLER], r[s.DATE]  # one change, not a second one

    claimed = {key(r) for r in rows if r[s.CONFIDENCE] == s.UNCONFIRMED and r["_party"]}
    for r in rows:
        if key(r) not in claimed or r[s.CONFIDENCE] != s.REPORTED:
            continue
        a, b = ctx.spans[r["_sentence"]]
        who = ctx.speakers[r["_sentence"]]
        if SPEECH.search(ctx.text, a, b) and (who is None or who.actor != r[s.CONTROLLER]):
            for o in rows:
                if key(o) == key(r):
                    set_confidence(o, s.CONFIRMED, "both sides: the party's claim and another's "
                                                   "words in the report")


def set_confidence(row: dict[str, object], confidence: str, why: str) -> None:
    row[s.CONFIDENCE] = confidence
    row[s.NOTES] = f"{row[s.NOTES]}; {confidence} by {why}"
    row[s.EVENT_ID] = draft_id(row)


def draft_id(row: dict[str, object]) -> str:
    """A stable id from what a draft says, so applying the same report twice adds nothing."""
    keys = (s.DATE, s.DISTRICT_CODE, s.CONTROLLER, s.STATUS, s.CONFIDENCE, s.SOURCE, s.SOURCE_URL,
            s.REPORTED_ON)
    text = "\x1f".join(str(row.get(k) or "") for k in keys)
    return "x-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
