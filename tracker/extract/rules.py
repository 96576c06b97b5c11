"""The words :mod:`tracker.extract.drafts` reads: direction phrases, hedges, negations, list glue.

Data more than logic: add a phrase to :data:`RULES` (``{A}`` stands for any actor alias) or a word
to :data:`HEDGES` / :data:`GLUE_WORDS` and the extractor uses it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# --- direction rules ---------------------------------------------------------------------------
TAKE = "take"  # the agent (actor before the verb) holds the places after it; passive: "by X"
HOLD = "hold"  # as TAKE, for statements of who holds a place
TO = "to"  # the actor in the phrase holds the places before it ("fell to X", "under X control")
LEAVE = "leave"  # the agent loses the places after it: "to X" names the winner, else the other side
OUTSIDE = "outside"  # the places before it are held by the other side of the actor in the phrase
FALL_OF = "fall_of"  # "the fall of X to Y": Y holds the places after it; without "to Y" nothing

ACTOR_SLOT = "{A}"
"""Stands for any actor alias in a rule's pattern."""


@dataclass(frozen=True)
class Rule:
    """A direction phrase: its regular expression (``{A}`` = an actor) and what it means."""

    kind: str
    pattern: str


RULES: tuple[Rule, ...] = (
    Rule(FALL_OF, r"\b(?:fall|loss)\s+of\b"),
    Rule(TO, r"\b(?:fell|falls?|fallen|falling|collaps(?:e|es|ed|ing))\s+(?:back\s+)?(?:in)?to\s+"
         r"(?:the\s+hands\s+of\s+)?(?:the\s+)?" + ACTOR_SLOT + r"(?:\s+hands)?"),
    Rule(TO, r"\bunder\s+(?:the\s+)?(?:full\s+|complete\s+|firm\s+)?"
         r"(?:control\s+of\s+(?:the\s+)?" + ACTOR_SLOT
         + r"|" + ACTOR_SLOT + r"(?:'s?)?\s+(?:full\s+|complete\s+)?control)"),
    Rule(TO, r"\bin\s+(?:the\s+hands\s+of\s+(?:the\s+)?" + ACTOR_SLOT + r"|" + ACTOR_SLOT
         + r"(?:'s?)?\s+hands)"),
    Rule(TO, r"\b(?:controlled|held|(?:handed|turned)(?:\s+over)?|surrender(?:ed|s)?|lost|ceded)\s+"
         r"(?:back\s+)?(?:by|to)\s+(?:the\s+)?" + ACTOR_SLOT),
    Rule(OUTSIDE, r"\b(?:outside|beyond)\s+(?:of\s+)?(?:the\s+)?(?:control\s+of\s+(?:the\s+)?"
         + ACTOR_SLOT
         + r"|" + ACTOR_SLOT + r"(?:'s?)?\s+control|reach\s+of\s+(?:the\s+)?" + ACTOR_SLOT + r")"),
    Rule(OUTSIDE, r"\bfree\s+of\s+(?:the\s+)?" + ACTOR_SLOT + r"(?:\s+control)?"),
    Rule(OUTSIDE, r"\b(?:been\s+|was\s+|were\s+)(?:\w+ly\s+)?(?:cleared|cleansed|freed|rid)\s+of\s+"
         r"(?:the\s+)?" + ACTOR_SLOT),
    Rule(TAKE, r"\b(?:took|taken|take|takes|taking|gained|gain|gains|gaining|regained|regain|"
         r"seized|wrest(?:ed|s|ing)?|claimed|declared|established|extended|"
         r"assumed)\s+(?:back\s+)?(?:(?:their|its)\s+)?"
         r"(?:full\s+|complete\s+|total\s+|temporary\s+|effective\s+)?control\s+(?:of|over)\b"),
    Rule(TAKE, r"\b(?:took|taken|take|takes|taking|won|win|wins)\s+(?:back|over)\b"),
    Rule(TAKE, r"\b(?:drove|driven|drive|pushed|push|forced|expelled|ousted|ejected|evicted)\s+"
         r"(?:all\s+)?(?:the\s+)?"
         + ACTOR_SLOT + r"(?:\s*\([^()]{1,12}\))?"
         r"(?:\s+(?:troops|forces|soldiers|fighters|militants))?\s+(?:out\s+of|from)\b"),
    Rule(TAKE, r"\b(?:re)?captur(?:e|ed|es|ing)\b|\bretak(?:e|es|en|ing)\b|\bretook\b|"
         r"\b(?:re)?seiz(?:e|ed|es|ing)\b|\bliberat(?:e|ed|es|ing)\b|\boverr[au]n(?:s|ning)?\b|"
         r"\b(?:re)?conquer(?:ed|s|ing)?\b|\breclaim(?:ed|s|ing)?\b|\bregain(?:ed|s|ing)?\b|"
         r"\b(?:re-?)?occup(?:y|ied|ies|ying)\b|\bcleared\b|\bcleansed\b[\"'\u201d]?|\btook\b|\btaken\b|"
         r"\bovert(?:ake|akes|aken|aking|ook)\b|\b(?:re-?)?entered\b|\bre-?enter(?:s|ing)?\b|"
         r"\brecover(?:y|ed|s|ing)\b|\bclearing\s+of\b|\bseizure\s+of\b|\btakeover\s+of\b"),
    Rule(HOLD, r"\b(?:remain(?:s|ed)?|stay(?:s|ed)?|(?:is|are|was|were))\s+in\s+"
         r"(?:full\s+)?control\s+of\b"),
    Rule(HOLD, r"\b(?:still\s+)?(?:control(?:s|led)?|(?<!its\s)(?<!their\s)(?<!the\s)(?<!a\s)"
               r"hold(?:s|ing)?|held|retain(?:s|ed)?|kept|"
         r"keeps?|"
         r"maintain(?:s|ed)?)(?:\s+on\s*to)?(?:\s+(?:full\s+)?control\s+(?:of|over))?\b"),
    Rule(LEAVE, r"\b(?:withdr(?:ew|awn|aw|aws|awing)|retreat(?:ed|s|ing)?|pull(?:ed|s|ing)?\s+out|"
         r"(?:fled|flee|flees|fleeing))[\"'\u201d]?\s+(?:(?:their|its|all)\s+(?:\w+\s+)?)?(?:from|of)\b"),
    Rule(LEAVE, r"\b(?:lost|lose|loses|losing|relinquish(?:ed|es|ing)?|return(?:ed|s|ing)?|"
         r"hand(?:ed|s|ing)?\s+back)\s+(?:full\s+)?control\s+(?:of|over)\b"),
    Rule(LEAVE, r"\b(?:abandon(?:ed|s|ing)?|evacuat(?:e|ed|es|ing)|vacat(?:e|ed|es|ing)|lost|"
         r"hand(?:ed|s|ing)?\s+over|surrender(?:ed|s|ing)?|ced(?:e|ed|es|ing)|gave\s+up)\b"),
)

HEDGES = re.compile(
    r"\b(?:reportedly|unconfirmed|unverified|alleged(?:ly)?|claim(?:s|ed|ing)?|rumou?r(?:s|ed)?|"
    r"declared\s+(?:full\s+|complete\s+|total\s+)?control|"
    r"purported(?:ly)?|apparently|according\s+to\s+(?:posts\s+on\s+)?social\s+media|"
    r"social\s+media\s+(?:posts|reports|accounts|users)|"
    r"(?:could|can)\s+not\s+(?:be\s+)?(?:independently\s+)?(?:verified|confirmed)|"
    r"(?:has|have)\s+not\s+been\s+(?:independently\s+)?(?:verified|confirmed)|"
    r"said\s+to\s+have|appear(?:s|ed)?\s+to\s+have|(?:may|might|could)\s+have|"
    r"(?:is|are|was|were)\s+believed\s+to|"
    r"sources?(?:\s+\w+){0,2}\s+(?:said|say|says|told|confirmed)|(?:a\s+)?sources?\s+close\s+to|"
    r"according\s+to\s+(?:[\w']+\s+){0,3}(?:reports?|sources?|statements?|posts?|media)|"
    r"media\s+report(?:s|ed)?|(?:in\s+a\s+)?statements?|the\s+reported\s+\w+|"
    r"reports\s+(?:said|say|says|suggest(?:ed|s)?)|"
    r"if\s+(?:independently\s+)?(?:verified|confirmed|successful|true)|"
    r"on\s+social\s+media|posted\s+(?:on|online)|(?:posted|shared|circulated)(?:\s+\w+){0,3}\s+"
    r"online|"
    r"(?:could|can)\s*not\s+(?:independently\s+)?(?:verify|confirm)|"
    r"unable\s+to\s+(?:independently\s+)?(?:verify|confirm))\b", re.IGNORECASE)
"""Words that make a draft ``unconfirmed``."""

NEGATIONS = re.compile(
    r"\b(?:not|never|no\s+longer|n't|fail(?:ed|s|ing)?\s+to|attempt(?:s|ed|ing)?\s+to|"
    r"tr(?:y|ies|ied|ying)\s+to|bid\s+to|plan(?:s|ned|ning)?\s+to|threat(?:en|ened|ens|ening)\s+to|"
    r"aim(?:s|ed|ing)?\s+to|intend(?:s|ed|ing)?\s+to|"
    r"seek(?:s|ing)?\s+to|sought\s+to|vow(?:s|ed)?\s+to|efforts?\s+to|"
    r"in\s+order\s+to|prevent(?:s|ed|ing)?|avoid(?:s|ed|ing)?|about\s+to|poised\s+to|set\s+to|ready\s+to|deni(?:ed|es)|deny|"
    r"could|would|will|(?-i:may)|might|should|cannot|unable\s+to|struggl(?:e|es|ed|ing)\s+to|"
    r"(?:offensive|operation|campaign|push|drive|assault|bid|effort|attempt)s?\s+to|"
    r"almost|nearly|partial(?:ly)?|partly|verge\s+of|brink\s+of|close\s+to|"
    r"closer\s+(?:than\s+ever\s+)?to|danger\s+of|"
    r"half\s*way\s+to|(?:nearing|neared|approaching|approached)(?=\s+(?:(?:full|complete|total)\s+)?$)|"
    r"yet\s+to|if|briefly|"
    r"(?:some|a\s+few|small\s+(?:groups?|numbers?)\s+of)\s+(?:[A-Z][\w'-]*\s+)?(?:fighters|troops|"
    r"soldiers|militants|insurgents|members|units)(?=\s+(?:had\s+|have\s+|has\s+)?$)|"
    r"(?:fight(?:s|ing)?|fought|battl(?:e|es|ed|ing)|struggl(?:e|es|ed|ing)|vying|competing|"
    r"mov(?:e|es|ed|ing)|advanc(?:e|es|ed|ing)|push(?:es|ed|ing)?|march(?:es|ed|ing)?|"
    r"work(?:s|ed|ing)?|attack(?:s|ed|ing)?|press(?:es|ed|ing)?(?:\s+(?:on|harder|ahead))?)\s+"
    r"(?:to|for)(?:\s+(?:the\s+)?(?:full\s+)?control)?)\b(?!\s+have\b)",
    re.IGNORECASE)
"""Words right before a verb that make it no report of a change ("failed to capture", "some KNU
fighters had entered")."""

BREAKS = re.compile(
    r";|\s[\u2014\u2013-]\s|\u2014|\b(?:after|before|while|when|whereas|where|but|although|though|"
    r"because|following|amid|until|despite|said|says|told|according|which|who|whom)\b",
    re.IGNORECASE)
"""Where a clause ends: places across it do not belong to the verb."""

GLUE_WORDS = frozenset({
    "and", "or", "as", "well", "also", "both", "the", "its", "their", "all", "of", "in",
    "over", "from", "control", "full", "complete", "total", "key", "strategic", "important",
    "town", "towns", "city", "cities", "district", "districts", "centre", "centres", "center",
    "centers", "capital", "capitals", "provincial", "province", "provinces", "headquarters",
    "administrative", "entire", "entirety", "whole", "rest", "remaining", "nearby", "neighbouring",
    "neighboring", "several", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    "ten", "back", "once", "again", "now", "finally", "eventually", "quickly", "swiftly",
    "briefly", "reportedly", "allegedly", "apparently", "largely", "mostly", "fully",
    "completely", "entirely", "officially", "formally", "already", "recently", "has", "have",
    "had", "was", "were", "is", "are", "be", "been", "being", "still", "remains", "remain",
    "remained", "stays", "stay", "came", "come", "comes", "fell", "falls", "fallen", "only",
    "last", "respectively", "compound",
    "valley", "area", "areas", "township", "townships", "locality", "localities", "state",
    "region", "including", "such", "state's", "region's", "province's", "northern", "southern",
    "eastern", "western", "central", "north", "south", "east", "west", "main", "major",
    "historic", "town's", "city's",
})
"""Words allowed between a direction phrase and its places, and between listed places."""

PASSIVE = re.compile(r"\b(?:was|were|been|being|is|are|be|got|get|gets)\s+(?:\w+ly\s+|now\s+|"
                      r"finally\s+|again\s+|also\s+)?$", re.IGNORECASE)
NOT_AGENT = re.compile(
    r"\b(?:(?:from|to|by|against|with|between|on|over|of)\s+(?:the\s+)?|(?:cleared|drove|"
    r"pushed|forced|chased|flushed)\s+out\s+(?:all\s+)?(?:of\s+)?(?:the\s+)?|(?:ousted|expelled|"
    r"evicted|defeated|routed)\s+(?:all\s+)?(?:of\s+)?(?:the\s+)?|(?:battl|fight|attack|oppos|"
    r"resist|target)\w*\s+(?:the\s+)?|(?:leaving|left|leave|leaves)\s+(?:the\s+)?)$",
    re.IGNORECASE)
"""What makes an actor the object, not the agent ("against the Taliban", "cleared out all the
junta forces and took control of", "militias ... to battle the military ..., captured",
"leaving the Taliban in control of ... after troops withdrew from")."""
LOCATIVE = re.compile(
    r"\b(?:from|near|nearby|towards?|to|via|between|outside|outskirts\s+of|border\s+with|bordering|"
    r"neighbou?ring|next\s+to|close\s+to|adjacent\s+to|in\s+the\s+vicinity\s+of|"
    r"(?:north|south|east|west)(?:[- ]?(?:east|west))?(?:ern)?\s+(?:part\s+)?of|"
    r"(?:km|kilomet(?:re|er)s?|miles?)\s+(?:\w+\s+)?(?:of|from)|road\s+to|residents\s+of|"
    r"people\s+of|natives?\s+of|born\s+in|fled\s+to|(?:officials|sources|authorities|lawmakers?|"
    r"analysts|diplomats)\s+(?:in|from))\s+(?:the\s+)?(?:(?:provincial|state|regional)\s+)?"
    r"(?:(?-i:[A-Z][\w'-]+)\s+(?:(?:state|province|region)\s+)?(?=capital))?"
    r"(?:capital(?:\s+(?:city\s+)?of)?\s+|city\s+of\s+|town\s+of\s+)?$", re.IGNORECASE)
"""Words before a place that only say where something else is ("near", "next to the provincial
capital of", "150 kilometers south of the capital", "near the Rakhine State capital")."""
PARTIAL = re.compile(r"\b(?:most|much|half|parts?|areas?|swathe?s?|some|several|many|villages?|"
                     r"districts?|three|two|four|five|six|seven|eight|nine|ten)\s+(?:\w+\s+)?"
                     r"(?:of|in)\s+(?:the\s+)?$", re.IGNORECASE)
COREF = re.compile(r"\b(?:the|that)\s+(?:group|outfit|movement|militia|militant\s+group)\b",
                    re.IGNORECASE)
STOP_NAMES = frozenset({"said", "says", "the", "and", "now", "new", "city", "centre", "center",
                         "district", "province", "capital", "as", "at", "an", "on", "in", "of",
                         "it",
                         "he", "she", "they", "we", "a", "i", "mid", "all", "will", "may"})


def compile_rules(actor_pattern: re.Pattern | None) -> list[tuple[Rule, re.Pattern]]:
    """The :data:`RULES` with ``{A}`` replaced by the actor table's alias expression."""
    alias = f"(?P<a{{n}}>{actor_pattern.pattern})" if actor_pattern else r"(?!x)x"
    out = []
    for rule in RULES:
        parts = rule.pattern.split(ACTOR_SLOT)
        body = parts[0] + "".join(alias.replace("{n}", str(i)) + p for i, p in enumerate(parts[1:]))
        out.append((rule, re.compile(body, re.IGNORECASE)))
    return out


# --- places ---------------------------------------------------------------------------------------
FACILITY = re.compile(
    r"^(?:[-\s](?:based|\s*(?:military\s+|army\s+|naval\s+|air\s+)?(?:base|bases|airport|air\s*base|"
    r"prison|bridge|river|road|highway|outpost|checkpoint|camp|barracks|compound|hill|dam|"
    r"market|hospital|university|regional|operation|command|division|battalion|garrison"
    r"(?:\s+headquarters)?(?!\s+(?:town|city))|headquarters|hq|police(?:\s+station)?|station|"
    r"jail|palace|airfield|"
    r"sugar|factory|plant|refinery|mines?|oil\s*field|gas\s*field|"
    r"airstrip|neighbou?rhoods?|quarter|suburb))\b|-[A-Z])", re.IGNORECASE)
"""What follows a name that makes it the place of a facility, not the place itself ("Tarinkot
base", "Mrauk-U-based battalion", "Namtu River bridge", "Lashio-Chin Shwe Haw road", "Thandwe
Police Station")."""

DESCRIPTOR_GAP = re.compile(
    r"^[\s,]*(?:the\s+|a\s+)?(?:[\w'-]+\s+){0,3}?(?:city|cities|town|towns|township|district|"
    r"locality|hub|port|village|capital|centre|center|stronghold|crossing)(?:\s+of)?[\s,]*"
    r"(?:(?:called|named|known\s+as)\s+)?(?:the\s+)?(?:and\s+)?$",
    re.IGNORECASE)
"""An appositive description between a verb and its place: "the gem-mining town of", "ruby hub",
"the Sudanese city of"."""

CAPITAL_OF = re.compile(r"\bcapital\s+of\s+(?:the\s+)?(?:\w+ern\s+)?$", re.IGNORECASE)
CAPITAL_AFTER = re.compile(r"^\s*(?:state\s+|province\s+|region\s+)?(?:'s\s+)?capital\b",
                           re.IGNORECASE)
"""A name that a capital is "of" ("Sinjah, the capital of Sennar State", "Sennar capital"): the
name locates the capital, it is not itself the place that changed hands."""

ALL_BASES_GAP = re.compile(
    r"^\s*(?:(?:full\s+)?control\s+(?:of|over)\s+)?all\s+(?:of\s+)?(?:the\s+)?(?:[\w'-]+\s+){0,2}?"
    r"(?:bases|positions|camps|outposts|garrisons)\s+(?:of\s+(?:the\s+)?[^,.;]{1,40}?\s+)?"
    r"(?:in|at)\s+(?:the\s+)?$", re.IGNORECASE)
"""Between a verb and its place: every base of the other side there, which takes the place (the
last-stronghold convention): "seized all bases of the Myanmar Army in"."""
FIRST_GAP_LOCATIVE = re.compile(r"\b(?:in|at|near|inside|outside|around|across)\b", re.IGNORECASE)
"""Locative words between a verb and its first place: "controlled in X", "seized bases in X"."""

ANAPHOR_AFTER = re.compile(
    r"^\s+(?:back\s+)?(?P<ref>it|them|the\s+(?:[\w'-]+\s+)?(?:town|city|township|district|locality|"
    r"province|state|region))\b(?!\s+(?:of|capital)\b|['\u2019]s\b|(?<=town|city)\s+(?:cent(?:er|re)|"
    r"outskirts)\b)", re.IGNORECASE)
ANAPHOR_BEFORE = re.compile(
    r"\b(?P<ref>it|the\s+(?:whole\s+|entire\s+)?(?:town|city|township|district|locality|province|"
    r"state|region))(?!\s+capital\b)\s+(?:\w+\s+){0,3}$", re.IGNORECASE)
"""A place named again by a pronoun ("lost it", "the town was retaken", "the whole province
fell"): the last place named before it; "the state capital" is a city, not the state."""

DENIAL = re.compile(r"\b(?:den(?:y|ies|ied|ying)|denial|refut(?:e|es|ed|ing)|"
                    r"(?:reject|dismiss)(?:s|es|ed|ing)?\s+(?:the\s+)?(?:[\w'\u2019]+\s+){0,2}?"
                    r"(?:claims?|reports?)|(?:claims?|reports?)\s+(?:was|were|is|are)\s+[\"\u201c]?"
                    r"(?:not\s+true|untrue|false|baseless|groundless|fabricated)[\"\u201d]?)\b",
                    re.IGNORECASE)
"""A claim the report says is denied gives no draft ("denied", "rejected the claims", "the claim
was 'not true'")."""

BACKGROUND_OPENERS = re.compile(r"^\s*(?:before\s+that|previously|in\s+the\s+past|years\s+ago)\b",
                                re.IGNORECASE)
"""Sentences about an earlier episode; they give drafts only when they carry their own day."""

SPEECH = re.compile(
    r"\b(?:said|says|say|told|tells|announced|announces|announce|declared|declares|declare|"
    r"claim(?:ed|s)?(?!\s+(?:full\s+|complete\s+|total\s+)?control)|stated|states|added|wrote|"
    r"quoted|tweeted|posted|statement|spokes(?:man|woman|person)|commander|according\s+to|"
    r"(?:media|outlets?|channels?|news\s+agency)\s+(?:run|backed|operated|controlled)\s+by)\b",
    re.IGNORECASE)
"""Words of attribution: an actor named next to one is the speaker of the sentence ("media run
by the MNDAA reported": the party's own outlet)."""

FIRST_PERSON = re.compile(r"\b(?:we|our|us)\b", re.IGNORECASE)
THIRD_PERSON = re.compile(r"^\s*(?:he|she|they)\b", re.IGNORECASE)

CONFIRMATION = re.compile(
    r"\b(?:confirm(?:ed|s|ing)?|admit(?:ted|s)?|acknowledg(?:ed|es|ing)|conced(?:ed|es|ing)|"
    r"corroborat(?:ed|es|ing))\b"
    r"(?=[^.]*\b(?:loss|lost|los(?:e|ing)|fall|fell|retreat\w*|withdr\w*|recapture|capture|"
    r"seizure|reclaim\w*|retak\w*|retook)\b)", re.IGNORECASE)
NOT_CONFIRMED = re.compile(r"\b(?:not|no|yet\s+to|without|never|n't)\b", re.IGNORECASE)
"""A sentence in which a side admits a loss or someone confirms a change makes it ``confirmed``."""
CONFIRMED_AFTER = re.compile(
    r"\b(?:los[te]|fell|fallen|captured|seized|overr[au]n|retook|retaken|recaptured|"
    r"took\s+(?:over|control)|taken\s+(?:over|control))\b[^.;]*,\s*(?P<who>(?:[\w'\u2019-]+\s+)"
    r"{0,4}?)(?:confirmed|admitted|acknowledged|conceded)\b", re.IGNORECASE)
"""A change told first and confirmed at the end of the sentence ("Khawja Omari district fell to
the Taliban after ..., provincial official confirmed"); ``who`` confirms."""
CLAIM_CONFIRMED = re.compile(
    r"\bclaims?\s+(?:was|were|ha(?:s|ve)\s+been)\s+(?:also\s+|later\s+|independently\s+)?"
    r"(?:confirmed|corroborated)\b(?:\s+by\s+)?", re.IGNORECASE)
"""A claim told before, confirmed by someone ("His claim was also confirmed by local
authorities"); the confirming side, if named, stands after "by"."""

VERIFY_DISCLAIMER = re.compile(
    r"\b(?:(?:could|can)\s*not|unable\s+to|did\s+not|has\s+not\s+been\s+able\s+to)\s+"
    r"(?:independently\s+)?(?:verify|confirm)\b|"
    r"\b(?:could|can)\s*not\s+be\s+(?:independently\s+)?(?:verified|confirmed)\b|"
    r"\bif\s+(?:independently\s+)?(?:verified|confirmed|successful|true)\b", re.IGNORECASE)
"""A sentence saying the report could not verify what it told: the claims before it, and the
places named up to it when told again after it, are ``unconfirmed``."""

PART_OF = re.compile(
    r"\b(?:most|much|half|parts?|some|swaths?|areas?|neighbou?rhoods?|outskirts|edges?)\s+of\s+"
    r"(?:the\s+)?(?:[\w'-]+\s+){0,3}?(?:of\s+)?(?:the\s+)?$", re.IGNORECASE)
"""A place meant in part ("most of the capital Khartoum", "half of the Kunlong town")."""

_SIDE = r"(?:central|(?:north|south)(?:[- ]?(?:east|west))?ern|eastern|western)"
SIDE_OF = re.compile(rf"\b{_SIDE}(?:(?:\s*,\s*|\s+and\s+|\s*,\s*and\s+){_SIDE})*\s+$",
                     re.IGNORECASE)
"""A district or town meant by its parts ("central and southern Bahri", "eastern Mosul"); before
a province the words only say where it lies ("northern Faryab province")."""

NOT_NEWS_BEFORE = re.compile(
    r"\b(?:amid\s+(?:unconfirmed\s+)?(?:reports|rumou?rs|claims)|briefly|condition\s+that|"
    r"ultimatum|demand(?:ed|s|ing)?\s+that|call(?:ed|s|ing)?\s+on|urg(?:ed|es|ing))\b",
    re.IGNORECASE)
"""Words before a verb in its sentence that make it no news of a change: a rumour the report
only mentions, a brief and reversed capture, a demand."""
