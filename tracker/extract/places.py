"""The places a direction phrase governs: mentions of a sentence, chains of listed places,
locator provinces, pronouns and capitals (see :mod:`tracker.extract.drafts`)."""

from __future__ import annotations

import functools
import re

from tracker.core import schema as s
from tracker.extract.context import Context
from tracker.extract.rules import (
    ALL_BASES_GAP,
    CAPITAL_AFTER,
    CAPITAL_OF,
    DESCRIPTOR_GAP,
    FACILITY,
    FIRST_GAP_LOCATIVE,
    GLUE_WORDS,
    LOCATIVE,
    PART_OF,
    PARTIAL,
    SIDE_OF,
    STOP_NAMES,
)
from tracker.extract.text import DATE_PATTERNS
from tracker.names.admin_words import begins_with_admin_word, unit_words
from tracker.names.gazetteer import FUZZY_MARGIN, FUZZY_THRESHOLD
from tracker.names.keys import DISTRICT, PROVINCE, skeleton_words
from tracker.names.match import Match
from tracker.names.mentions import Mention


def _gap_ok(gap: str, ctx: Context, offset: int) -> bool:
    """True when ``gap`` (text at ``offset``) holds only list glue, provinces, actors and dates."""
    masked = list(gap)
    for a in ctx.actors:
        for i in range(max(a.start, offset), min(a.end, offset + len(gap))):
            masked[i - offset] = " "
    for m in ctx.doc_places:
        if m.kind == PROVINCE:
            for i in range(max(m.start, offset), min(m.end, offset + len(gap))):
                masked[i - offset] = " "
    rest = _UNIT_OF_A_NAME.sub(" ", "".join(masked))
    rest = re.sub(r"^(?:'s|\u2019s)(?=\s+(?:(?:district|township|locality)\s+of\s*)?$)", "  ",
                  rest)  # "Ghazni's district of Malistan", "Ghazni's Malistan district"
    rest = _COUNTRYS_PROVINCE.sub(" ", rest)
    dated = rest
    for _, pattern in DATE_PATTERNS:
        rest = pattern.sub(" ", rest)
    dated = dated != rest
    rest = re.sub(r"\b(?:on|by|to)\s*$", " ", rest, flags=re.IGNORECASE)  # "on <date>"
    words = re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?|\d+|[^\s\w,:'()\"\u2019]", rest)
    return all(w.casefold() in GLUE_WORDS or w.isdigit() or (w == ";" and dated)
               for w in words)


_COUNTRYS_PROVINCE = re.compile(r"\b[A-Za-z]+(?:'s|\u2019s)\s+(?=(?:province|state|region)\s+of\b)")
"""A country's possessive before the province that locates a place ("Deh Rahwod district in
central Afghanistan's province of Uruzgan")."""

_UNIT_OF_A_NAME = re.compile(r"\bin\s+[A-Z][\w'-]+\s+(?:State|Region|Province|Division)\b")
"""Where a listed place lies, named by a word the gazetteer does not know ("Paletwa in China
State", a typo of Chin State)."""


_UNIT = r"\s+(?:district|locality|township|town|city|county|area)"
_RELATIVE = re.compile(r"^(?:(?:" + _UNIT + r")?\s*,?\s*which|(?:" + _UNIT + r")?\s+that)\s+"
                       r"(?:had\s+|has\s+|was\s+|were\s+)?(?:been\s+)?$", re.IGNORECASE)
"""A relative pronoun between a place and its verb ("Kohistan district, which fell to", "El
Hasaheisa locality, which fell into the hands of", "Chah-e-Aab district that fell to"; "that"
after a unit word only: "a district close to the city of Kunduz that fell" is not Kunduz)."""
_ENDS_WITH_UNIT = re.compile(_UNIT + r"$", re.IGNORECASE)
_SEAT_AFTER = re.compile(r"\s+(?:government\s+)?(?:headquarters|hq|compound)\b", re.IGNORECASE)
"""After "X district": its seat, which stands for the district ("the Nerkh district
headquarters")."""

_UNKNOWN_MEMBER = re.compile(
    r"(?:(?<=,)|(?<=\band)|(?<=\bof)|^)\s*[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+){0,2}"
    r"(?:\s*\([^()]{1,40}\))?\s*(?=,|\band\b)")
"""A list member the gazetteer does not know ("seized Dand and Daman", "the towns of Abu Qumrah
and Umm Baru", "Abu Gamra (Karnoi locality) and Um Baru"): skipped, the list goes on."""
_IN_BRACKETS = re.compile(r"[^()]{0,20}\)")
"""After a place: the rest of the brackets it stands in."""


def place_chain(places: list[Mention], anchor: int, ctx: Context, *,
                forward: bool) -> list[Mention]:
    """Places standing next to ``anchor`` with only glue in between (see :data:`GLUE_WORDS`)."""
    out: list[Mention] = []
    pos = anchor
    seq = places if forward else list(reversed(places))
    for m in seq:
        gap_start, gap_end = (pos, m.start) if forward else (m.end, pos)
        if gap_start > gap_end:
            continue
        if forward and ctx.text[gap_start:m.start].rstrip().endswith("(") and \
                _IN_BRACKETS.match(ctx.text, m.end):
            continue  # "Abu Gamra (Karnoi locality) and Um Baru": where the member before lies
        if not forward and _ASIDE_END.match(ctx.text, m.end, pos) and (
                (m.kind == PROVINCE and _ASIDE_LOCATING.search(ctx.text, max(0, m.start - 90),
                                                               m.start))
                or _RELATIVE_ASIDE.search(ctx.text, max(0, m.start - 130), m.start)
                or (_opens_aside_after_place(ctx, m, places) and only_locates(ctx, m))):
            continue  # "the town of Matupi, the largest ... base in southern Chin State, has
            # been completely captured", "Nawnghkio, which also stands on the highway leading
            # to ... the garrison town of Pyin Oo Lwin, was completely captured", "Pauktaw, a
            # coastal town located some 30km east of Sittwe, fell to": the place ends an aside
            # about the place before it
        gap = ctx.text[gap_start:gap_end]
        if not forward:  # an aside between commas: "Panjshir, the resistance stronghold, remains"
            gap = _ASIDE.sub(lambda g: " " * len(g.group()), gap)
            relative = _RELATIVE.match(gap) if pos == anchor else None
            if relative and (not relative.group().strip().casefold().startswith("that")
                             or _ENDS_WITH_UNIT.search(ctx.text, m.start, m.end)):
                gap = " " * len(gap)  # "Kohistan district, which fell to the militants"
            if m.kind == PROVINCE:  # "Helmand province of Afghanistan fell to"
                gap = re.sub(r"^\s*(?:of|in)\s+[A-Z][\w']+(?=[\s,])",
                             lambda g: " " * len(g.group()), gap)
        gap = _UNKNOWN_MEMBER.sub(lambda g: " " * len(g.group()), gap)
        first = pos == anchor
        if first and forward and ALL_BASES_GAP.match(gap):
            gap = " " * len(gap)
        if first and forward and FIRST_GAP_LOCATIVE.search(gap):
            break
        if not (_gap_ok(gap, ctx, gap_start) or (first and forward and DESCRIPTOR_GAP.match(gap))):
            break
        out.append(m)
        pos = m.end if forward else m.start
    return out if forward else list(reversed(out))


_ASIDE_LOCATING = re.compile(r",[^,]{0,80}\bin\s+(?:the\s+)?(?:(?-i:[A-Z])[\w'-]+\s+)?"
                             r"(?:(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?\s+|"
                             r"central\s+)?(?:(?:province|state|region)\s+of\s+)?$", re.IGNORECASE)
"""Before a province: an aside opened by a comma that says where a place lies (", the largest
... base in southern", ", in the Afghan province of")."""

_ASIDE = re.compile(r"^\s*,(?:[^,]{0,80}|\s*which\s[^,]{0,120}),")
"""An aside between commas after a place ("Panjshir, the resistance stronghold, remains")."""
_RELATIVE_ASIDE = re.compile(r",\s*which\s[^,]{0,120}$", re.IGNORECASE)
"""Before a place: a relative clause opened after the place before it (", which also stands on
the highway leading to ...")."""
_ASIDE_OPEN = re.compile(r",[^,.;]{0,80}$")
"""Before a place: the comma that opens an aside about the place before it."""


def _opens_aside_after_place(ctx: Context, m: Mention, places: list[Mention]) -> bool:
    """True when ``m`` stands in an aside opened by a comma right after another place
    ("Pauktaw, a coastal town located some 30km east of Sittwe,")."""
    opened = _ASIDE_OPEN.search(ctx.text, max(0, m.start - 90), m.start)
    return opened is not None and any(
        re.fullmatch(r"(?:" + _UNIT + r")?\s*", ctx.text[p.end:opened.start()], re.IGNORECASE)
        for p in places if p.end <= opened.start())
_ASIDE_END = re.compile(r"\s*(?:state|province|region)?\s*,", re.IGNORECASE)
"""After a place: the comma that closes an aside ("Chin State, has been")."""

_UNIT_WORD_OF = re.compile(r"\b(?:state|region|province|governorate)\s+of\s+$", re.IGNORECASE)
"""Before a province's name: "the entire state of Khartoum", "the province of Helmand"."""

_AREA_OF_PROVINCE = re.compile(r"\s+(?:state\s+|province\s+|region\s+)?(?:area|suburb|village|"
                               r"neighbou?rhood)s?\b", re.IGNORECASE)
"""After a province's name, a place in it ("Khartoum state area"), not the province."""


def relative_to(ctx: Context, m: Mention, pos: int) -> bool:
    """True when the verb at ``pos`` stands in a relative clause about ``m`` ("Wad Madani, the
    capital of Al-Jazira State, which was captured") or in a participle set off after it
    ("Kyaukme, recently recaptured by the junta,"): ``m`` is its place wherever it lies."""
    gap = ctx.text[m.end:pos]
    if _PARTICIPLE_ASIDE.fullmatch(gap):
        return True
    gap = re.sub(r"^\s*,[^,]{0,80},", " ", gap)
    return bool(_RELATIVE.match(gap))


_PARTICIPLE_ASIDE = re.compile(r"(?:" + _UNIT + r")?\s*,\s*(?:(?:recently|newly|just|only|since|"
                               r"later|once|briefly)\s+)?", re.IGNORECASE)
"""Between a place and a participle set off after it ("Kyaukme, recently recaptured by")."""


def place_mentions(ctx: Context, a: int, b: int) -> list[Mention]:
    """District, town and province mentions in ``text[a:b]``; a shared name is placed in the
    province named next to it (the next one, else the previous one) within its clause. Names
    that locate a facility ("Tarinkot base"), start a longer name ("Chin Shwe Haw") or are meant
    in part ("half of the Kunlong town") are left out; a name followed by "State" or "Region"
    that is a province's is that province."""
    sentence = ctx.text[a:b]
    found: dict[int, Mention] = {}
    clauses = [(m.start(), m.end()) for m in re.finditer(r"[^;]+", sentence)]
    for ca, cb in clauses:
        chunk = sentence[ca:cb]
        local = ctx.gazetteer.mentions(chunk)
        provs = [m for m in local if m.kind == PROVINCE]
        pieces = [(0, len(chunk), "")]
        if len(provs) >= 2:
            cuts = [0, *[p.end for p in provs[:-1]], len(chunk)]
            pieces = [(cuts[i], cuts[i + 1], "") for i in range(len(cuts) - 1)]
        for pa, pb, _ in pieces:
            for m in ctx.gazetteer.mentions(chunk[pa:pb]):
                start = a + ca + pa + m.start
                found.setdefault(start, Mention(start, start + len(m.text), m.text, m.kind,
                                                m.match))
    for m in [*ctx.doc_places, *_spelled_places(ctx, a, b)]:  # names the sentence alone leaves
        if a <= m.start and m.end <= b and not any(  # open, placed by the whole text
                f.start < m.end and m.start < f.end for f in found.values()):
            found[m.start] = m
    out = []
    part_end = -1  # end of the last place meant in part: the list it heads is meant so too
    for m in sorted(found.values(), key=lambda m: m.start):
        if not (m.text[:1].isupper() or m.text[:1].isdigit() or ARTICLE_PREFIX.match(m.text)) \
                or m.text.casefold() in STOP_NAMES:
            continue
        after = ctx.text[m.end:min(b, m.end + 60)]
        before = ctx.text[max(a, m.start - 90):m.start]
        if PART_OF.search(before) or PART_OF.search(_LIST_BEFORE.sub("", before)) or (
                part_end >= 0 and _LIST_NEXT.fullmatch(ctx.text, part_end, m.start)):
            part_end = m.end  # "much of the area of Marjah, Sangin, Garmser and Dishu"
            continue
        if _PERSON_TITLE.search(before):
            continue  # "junta spokesman Zaw Min Tun told": a person's name
        if FACILITY.match(after) and not (_ENDS_WITH_UNIT.search(m.text)
                                          and _SEAT_AFTER.match(after)):
            continue  # "Tarinkot base"; but "the Nerkh district headquarters" is the district
        if m.kind != PROVINCE and SIDE_OF.search(ctx.text[max(a, m.start - 40):m.start]):
            continue
        if (m.kind == PROVINCE and re.match(r"\s+[A-Z]", after)
                and not begins_with_admin_word(after)):  # "Kachin Independence Army"
            continue
        if m.kind != PROVINCE and (re.match(r"\s*(?:state|region|province|governorate)\b", after,
                                            re.IGNORECASE) or _POSSESSIVE_UNIT.match(after)
                                   or _UNIT_WORD_OF.search(
                ctx.text, max(a, m.start - 20), m.start)) and is_province_name(ctx, m.text):
            m = Mention(m.start, m.end, m.text, PROVINCE, ctx.gazetteer.resolve_province(m.text))
        if m.kind == PROVINCE and _AREA_OF_PROVINCE.match(after):
            continue  # "takes control of Khartoum state area": a place in it, not the state
        placed = _in_its_province(ctx, m)
        if placed is not None:
            out.append(placed)
    return out


_POSSESSIVE_UNIT = re.compile(r"(?:'s|\u2019s)\s+(?:[\w-]+\s+)?(?:district|township|locality)s?\b",
                              re.IGNORECASE)
"""After a province's name that is also a district's: the province a district is of ("Ghazni's
district of Malistan")."""
_PERSON_TITLE = re.compile(
    r"\b(?:spokes(?:man|woman|person)|(?i:general|gen\.|major|colonel|col\.|commander|minister|"
    r"leader|chief|mr\.?|mrs\.?|ms\.?|dr\.?)|U|Daw)\s+(?:[A-Z][\w'-]+\s+){0,2}$")
"""Before a name: a title, and the first parts of a person's name ("spokesman Zaw ")."""
_LIST_NEXT = re.compile(r"(?:\s+(?:district|township|locality|town|city)s?)?\s*(?:,\s*(?:and\s+)?"
                        r"|and\s+)(?:the\s+)?", re.IGNORECASE)
"""Between two members of a list ("Marjah, Sangin and", "Marjah district, and the")."""

_LOCATOR_WORDS = (r"(?:\s*,\s*|\s+(?:in|of)\s+(?:the\s+)?"
                  r"(?:(?:north|south|east|west|central)\w*\s+)?"
                  r"(?:[A-Za-z]+(?:'s|\u2019s)\s+(?:province|state|region)\s+of\s+)?)")
_THEN_LOCATOR = re.compile(r"(?:\s+(?:district|township|locality|town|city))?" + _LOCATOR_WORDS)
"""What stands between a name and the province that locates it ("X district in northern ",
"Nawa district of southern ")."""


def place_by_locators(ctx: Context) -> None:
    """Place, before any sentence is read, every name of the text that a province after it
    locates in that province (:func:`_in_its_province`), so that its mentions before that
    sentence (a headline) are placed the same way."""
    for m in ctx.doc_places:
        _in_its_province(ctx, m)


def _in_its_province(ctx: Context, m: Mention) -> Mention | None:
    """``m``, or the district of its name in the province the text locates it in when that is
    another one ("Kohistanat district in northern Faryab province": Kohestanat lies in
    Sar-e-Pul, Faryab has a Kohistan); later mentions of the name keep that placement. None: a
    fuzzy guess in another province than the text's, with no name close to it there."""
    if m.kind == PROVINCE:
        return m
    key = " ".join(unit_words(m.text)[0])
    earlier = ctx.placed.get(key)
    if earlier is not None:
        return Mention(m.start, m.end, m.text, earlier.kind, earlier.match)
    hit = _THEN_LOCATOR.match(ctx.text, m.end)
    where = hit and next((p for p in ctx.doc_places
                          if p.kind == PROVINCE and p.start == hit.end()), None)
    owner = _OWNER_BEFORE.search(ctx.text, max(0, m.start - 4), m.start)
    if not where and owner:  # "Takhar's Daraq district"
        where = next((p for p in ctx.doc_places
                      if p.kind == PROVINCE and p.end == owner.start()), None)
    if not where or where.match.code == m.match.province_code:
        return m
    match = _close_name_in(ctx, m.text, where.match.code)
    if match is None:  # nothing close there: the name as the gazetteer places it, unless that
        return None if m.match.rule == "fuzzy" else m  # is a guess the text contradicts
    placed = Mention(m.start, m.end, m.text, DISTRICT, match)
    ctx.placed[key] = placed
    return placed


_OWNER_BEFORE = re.compile(r"(?:'s|\u2019s)\s+$")
"""A province's possessive right before a name locates it ("Takhar's Daraq district")."""

ARTICLE_PREFIX = re.compile(r"^(?:al|el|ad|as|an|ar|at|az|ash|ed|es|en)-[A-Z]")
"""Arabic names written with a small article ("el-Fula", "al-Maliha")."""


_NAME = r"(?:(?:al|el|ad|as|an)-)?[A-Z][\w'\u2019-]+(?:\s+[A-Z][\w'\u2019-]+){0,2}"
_SPELLED = re.compile(
    r"(?<![\w-])(?P<name>" + _NAME + r")(?=\s+(?i:district|township|locality)\b)|"
    r"\b(?:town|city|district|township|locality)\s+(?:of\s+)?(?P<after>" + _NAME + r")")
"""Names the text marks as a unit ("Kanashin district", "the town of Al-Khuwayyi", "key northern
district Arghanj Khwa"): any rule of the gazetteer, fuzzy ones included, may place them."""
_NEXT_TO_VERB = re.compile(
    r"\b(?:captured|seized|took|retook|overran|recaptured|retaken|liberated)\s+(?P<object>"
    + _NAME + r")|(?<![\w-])(?P<subject>" + _NAME + r")\s+(?:has\s+|had\s+|was\s+)?"
    r"(?:fallen|fell|been\s+(?:captured|seized|overrun))\b")
"""Names next to a verb of capture: placed only by exact rules (variants, normalised keys, places,
aliases), never by a fuzzy guess."""


def _spelled_places(ctx: Context, a: int, b: int) -> list[Mention]:
    """Names the text marks as a district ("Kanashin district", "the town of Al-Khuwayyi") or that
    stand next to a verb of capture ("captured Khanshin") which the mention finder missed,
    resolved with the gazetteer's rules (variants, normalised keys, places; fuzzy only for the
    marked ones)."""
    out: list[Mention] = []
    found = [(m, g, True) for m in _SPELLED.finditer(ctx.text, a, b)
             for g in ("name", "after") if m.group(g)]
    found += [(m, g, False) for m in _NEXT_TO_VERB.finditer(ctx.text, a, b)
              for g in ("object", "subject") if m.group(g)]
    for m, group, fuzzy_ok in found:
        name, start = m.group(group), m.start(group)
        found_name = _resolved_tail(ctx, name, fuzzy_ok=fuzzy_ok)
        if found_name is None:
            continue
        start += len(name) - len(found_name[0])
        name, match = found_name
        if any(x.start < start + len(name) and start < x.end for x in ctx.actors) or \
                any(x.start == start for x in out):
            continue
        out.append(Mention(start, start + len(name), name, DISTRICT, match))
    return out


def _resolved_tail(ctx: Context, name: str, *, fuzzy_ok: bool) -> tuple[str, Match] | None:
    """(the words, the match) of the longest ending of ``name`` the gazetteer's exact rules
    place, else of the ending its fuzzy rule places best (when ``fuzzy_ok``): in a headline's
    capitals ("Security Forces Retook Dahan-e-Ghori District") the name is its last words."""
    words = name.split()
    best: tuple[float, str, Match] | None = None
    for k in range(len(words)):
        tail = " ".join(words[k:])
        try:
            match = ctx.gazetteer.resolve_district(tail)
        except (ValueError, LookupError):
            continue
        if match.rule != "fuzzy":
            return tail, match
        if fuzzy_ok and (best is None or match.score > best[0]):
            best = (match.score, tail, match)
    return None if best is None else (best[1], best[2])


def drop_locators(ctx: Context, chain: list[Mention]) -> list[Mention]:
    """Without the provinces that only locate a listed district ("Jaghatu in Ghazni", "Rakhine
    State's Minbya Township"), without provinces meant in part ("three districts of Baghlan"),
    and without the name a capital is "of" ("Sinjah, the capital of Sennar State")."""
    named = {m.match.province_code for m in chain if m.kind != PROVINCE}
    out: list[Mention] = []
    for m in chain:
        before = ctx.text[max(0, m.start - 40):m.start]
        after = ctx.text[m.end:m.end + 40]
        if m.kind != PROVINCE and CAPITAL_OF.search(before) and not CAPITAL_AFTER.match(after) \
                and not is_province_name(ctx, m.text):
            out.append(m)  # "the South Darfur capital of Nyala": the town is the capital
            continue
        if CAPITAL_OF.search(before) or CAPITAL_AFTER.match(after):
            centre = _centre(ctx, m) if len(chain) == 1 else None
            if centre is not None:  # "captured the capital of Takhar": its centre district
                out.append(centre)
            continue
        listed = _LIST_BEFORE.sub("", ctx.text[max(0, m.start - 120):m.start])[-40:]
        if _DISTRICTS_IN.search(listed):
            continue  # "12 districts in Ghazni, Badakhshan and Kunduz": each meant in part
        if m.kind == PROVINCE:
            if m.match.code in named or PARTIAL.search(before) or re.match(
                    r"\s*(?:\w+\s*)?(?:'s|\u2019s)\b", after) or _locates_a_name(ctx, m):
                continue
        elif out and m.match.province_code == out[-1].match.province_code and re.search(
                r"\b(?:in|of)\s+(?:the\s+)?$", ctx.text[out[-1].end:m.start], re.IGNORECASE) and \
                is_province_name(ctx, m.text):
            continue
        out.append(m)
    return out


_DISTRICTS_IN = re.compile(
    r"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several|many|some|most)\s+(?:\w+\s+)?"
    r"(?:districts|townships|localities|towns)\s+(?:in|of|across)\s+(?:the\s+)?$", re.IGNORECASE)
"""Before the places a number of districts lies in: each is meant in part."""

_IN_PROVINCE_THRESHOLD = 70.0
"""The fuzzy score a name needs among the districts of the province the text names when neither
the gazetteer's threshold nor the first words place it (a few dozen names compete, not a
country's; the margin to the next stays the gazetteer's): "Daraq" for Darqad in Takhar."""


def _close_name_in(ctx: Context, name: str, province: str) -> Match | None:
    """The one district of ``province`` that ``name`` is written close to (the fuzzy rule's
    threshold and margin) or that is ``name`` and more words ("Nawa" for Nawa-e-Barakzaiy)."""
    ranked = ctx.gazetteer.candidates(name, province=province, limit=2)
    clear = ranked and (len(ranked) < 2 or ranked[0].score - ranked[1].score >= FUZZY_MARGIN)
    if clear and ranked[0].score >= FUZZY_THRESHOLD:
        return ranked[0]
    words = skeleton_words(list(unit_words(name)[0]))  # "Nawa district": ("niwi",)
    rows = ctx.districts[ctx.districts[s.PROVINCE_CODE] == province]
    longer = [(code, dname) for code, dname in zip(rows[s.DISTRICT_CODE], rows[s.DISTRICT_NAME],
                                                   strict=True)
              if skeleton_words(list(unit_words(dname)[0]))[:len(words)] == words]
    if words and len(longer) == 1:
        return ctx.gazetteer.district_match(longer[0][0], "first words", longer[0][1])
    return ranked[0] if clear and ranked[0].score >= _IN_PROVINCE_THRESHOLD else None


_LOCATED_NAME = re.compile(
    r"(?P<name>" + _NAME + r")(?:\s+(?:district|township|locality|town|city))?" + _LOCATOR_WORDS
    + "$")


def _locates_a_name(ctx: Context, province: Mention) -> bool:
    """True when ``province`` only says where the name before it lies ("Al-Dinder, Sennar
    state", "Kohistanat district in northern Faryab province") and that name is not itself a
    province (a list of provinces: "Baghlan, Takhar"): unknown to the gazetteer or a district
    of another province, it is never the whole province taken."""
    hit = _LOCATED_NAME.search(ctx.text[max(0, province.start - 80):province.start])
    if hit is None:
        return False
    return not is_province_name(ctx, hit.group("name"))


def _centre(ctx: Context, m: Mention) -> Mention | None:
    """The district the gazetteer marks as the centre of the province ``m`` names, if any."""
    try:
        province = m.match if m.kind == PROVINCE else ctx.gazetteer.resolve_province(m.text)
        match = ctx.gazetteer.resolve_district(f"{province.name} capital")
    except ValueError:
        return None
    if match.province_code != province.code:
        return None
    return Mention(m.start, m.end, f"capital of {m.text}", DISTRICT, match)


def antecedent(ctx: Context, ref: str, pos: int, places: list[Mention]) -> Mention | None:
    """The place a pronoun ("it", "the town", "the whole province") stands for: the last place
    named before ``pos``; for a province word, that place's province. The mention stands where
    the pronoun is."""
    hit = _named_before(ctx, ref, pos, places)
    if hit is None:
        return None
    return Mention(pos, pos + len(ref), f"{ref} = {hit.text}", hit.kind, hit.match)


def _named_before(ctx: Context, ref: str, pos: int, places: list[Mention]) -> Mention | None:
    province = bool(re.search(r"province|state|region", ref, re.IGNORECASE))
    district = bool(re.search(r"district|township|locality", ref, re.IGNORECASE))
    before = [m for m in places if m.end <= pos] or []
    unknown = [] if province else _unknown_towns(ctx.text, tuple(
        (m.start, m.end) for m in ctx.doc_places))
    for m in reversed([*ctx.seen, *before]):
        if any(m.end <= u < pos and not LOCATIVE.search(ctx.text[max(0, u - 40):u])
               for u in unknown):
            return None  # "besieged Khampat ... took full control of the town": a town the
            # gazetteer does not know was named after it
        if m.kind == PROVINCE:
            if province:
                return m
            continue
        if only_locates(ctx, m):  # "Al-Dinder, west of Singa, ...": Singa is not "it"
            continue
        if district and _NAMED_OTHERWISE.search(ctx.text, max(0, m.start - 30), m.start):
            continue  # "withdrew ... to the provincial capital of Farah ... abandoned the
            # district": a city or a governor's province named as such is not "the district"
        if not province:
            return m
        code = m.match.province_code
        match = ctx.gazetteer.province_match(code, "pronoun", m.text)
        return Mention(m.start, m.end, m.text, PROVINCE, match)
    return None


_NAMED_OTHERWISE = re.compile(r"\b(?:capital|city|town|governor|governorate)\s+of\s+$",
                              re.IGNORECASE)
_TOWN_WORD = re.compile(r"\b(?P<a>[A-Z][\w'-]+)\s+(?:town|city|village)\b|"
                        r"\b(?:town|city|village)\s+of\s+(?P<b>[A-Z][\w'-]+)")


_DETERMINERS = frozenset({"this", "that", "these", "those", "its", "their", "another", "each",
                          "every", "which", "what", "whose", "one", "same", "other"})
_NOT_TOWN_NAMES = STOP_NAMES | _DETERMINERS


@functools.lru_cache(maxsize=8)
def _unknown_towns(text: str, known: tuple[tuple[int, int], ...]) -> tuple[int, ...]:
    """Where the text names a town the gazetteer does not know: every occurrence of a name it
    once calls a town, city or village ("Khampat town") outside the known places ``known``."""
    def unknown(a: int, b: int) -> bool:
        return not any(s < b and a < e for s, e in known)

    names = {m.group(g) for m in _TOWN_WORD.finditer(text) for g in ("a", "b")
             if m.group(g) and unknown(m.start(g), m.end(g))
             and m.group(g).casefold() not in _NOT_TOWN_NAMES}
    return tuple(sorted(m.start() for name in names
                        for m in re.finditer(rf"\b{re.escape(name)}\b", text)
                        if unknown(m.start(), m.end())))


def only_locates(ctx: Context, m: Mention) -> bool:
    """True when ``m`` only says where another place lies ("west of Singa", "near Kunduz") or
    is the dateline of a wire report ("KABUL, Afghanistan (AP) -", "Port-Sudan, Soudan -"); a
    later member of a locating list too ("between Kale and Tamu")."""
    before = _LIST_BEFORE.sub("", ctx.text[max(0, m.start - 100):m.start])
    if LOCATIVE.search(before[-40:]):
        return True
    return any(a <= m.start < b for a, b in _datelines(ctx.text))


_LIST_BEFORE = re.compile(r"(?:[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?\s*(?:,\s*(?:and\s+)?|\s+and\s+))+$")
"""The members of a list named before a place ("Kale and ", "Kale, Tamu and ")."""


@functools.lru_cache(maxsize=8)
def _datelines(text: str) -> tuple[tuple[int, int], ...]:
    """Where the datelines of ``text`` stand (found once per report)."""
    return tuple(d.span() for d in _DATELINE.finditer(text))


_DATELINE = re.compile(
    r"(?m)^[ \t]*(?:[A-Z][a-z]+\.?[ \t]+\d{1,2},?[ \t]+\d{4}[ \t]*\([^)\n]{1,40}\)|"
    r"[A-Z][\w'.-]*(?:[ \t]+[A-Z][\w'.-]*){0,2}(?:,[ \t]*[A-Z][\w'.-]*(?:[ \t]+[A-Z][\w'.-]*)?"
    r"(?:[ \t]*\([^)\n]{1,30}\))?|[ \t]*\([^)\n]{1,30}\)))[ \t]*[-\u2013\u2014]+[ \t]|"
    r"^[ \t]*[A-Z][A-Z'.-]+(?:[ \t]+[A-Z][A-Z'.-]+)?,[ \t]*[A-Z][a-z]{2,8}\.?[ \t]+\d{1,2}"
    r"[ \t]*:[ \t]")
"""A wire report's dateline at the start of a paragraph: a place with its country or agency
("KABUL, Afghanistan (AP) -", "Port-Sudan, Soudan -", "July 5, 2024 (AL-DINDER) -"), or a place
in capitals with the day ("KABUL, Aug 15: "); a bare "Kunduz - ..." headline is not one."""


def is_province_name(ctx: Context, name: str) -> bool:
    try:
        ctx.gazetteer.resolve_province(name)
    except ValueError:
        return False
    return True
