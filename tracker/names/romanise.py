"""The romanisation-aware key: one Latin spelling per name, whatever transliteration wrote it.

Burmese, Arabic, Pashto/Dari and Cyrillic names reach English in several spellings
(Myitkyina/Myitkyinar, Hpakant/Phakant, Kyaukphyu/Kyaukpyu, Tachileik/Tachilek,
Deir ez-Zor/Deir al-Zor). :func:`roman_key` folds the usual differences, for any layer:

- admin words and qualifiers as :func:`tracker.names.admin_words.unit_words` (qualifiers kept, in
  canonical form), articles of the table (``al``, ``el``, ``ez``...) dropped, hyphens and spaces
  ignored (Mrauk U/Mrauk-U);
- letter pairs read as one: ``oe``/``o``, ``v``/``w``, ``aw``/``au``, ``ck``/``k``, ``q``/``k``,
  ``dj``/``j``, ``y``/``i``, ``ee``/``i``, ``oo``/``u``, ``ou``/``u``, ``ei``/``e``;
- an ``h`` next to a consonant dropped (``hk``/``kh``, ``hp``/``ph``, ``ht``/``th``, ``hs``/``s``,
  ``gh``, ``dh``), a silent ``e`` between ``n`` and a consonant dropped (Konekyan/Konkyan),
  doubled letters once, a final ``h`` after a vowel dropped (Barah/Bara);
- in names of four letters or more: a final ``-ng`` read ``-n`` (Mantong/Manton), ``-aing`` read
  ``-ai`` (Laukkaing/Laukkai, Kut Khaing/Kutkai), a final ``-ar`` read ``-a``
  (Myitkyinar/Myitkyina) and a final ``e`` after a consonant dropped (Mogoke/Mogok).

Vowels are otherwise kept: Hopang/Hopong and Kyauktaw/Kyauktan stay apart.
A key shared by several districts is a tie, reported and never guessed (see the gazetteer's
``romanised`` rule). ``benchmarks/bench_romanisation.py`` measures it on real variant pairs.
"""

from __future__ import annotations

import re

from tracker.names.admin_words import admin_words, unit_words

_CONSONANT = "bcdfgjklmnpqrstvwxz"
_PAIRS = (("oe", "o"), ("v", "w"), ("aw", "au"), ("ck", "k"), ("q", "k"), ("dj", "j"),
          ("y", "i"), ("ee", "i"), ("oo", "u"), ("ou", "u"), ("ei", "e"))
_H_AFTER = re.compile(f"([{_CONSONANT}])h")
_H_BEFORE = re.compile(f"h(?=[{_CONSONANT}])")
_SILENT_E = re.compile(f"(?<=n)e(?=[{_CONSONANT}])")
_RUNS = re.compile(r"(.)\1+")
_FINAL_H = re.compile("(?<=[aeiou])h$")
_FINAL_NG = re.compile("(?<=[aeiou])ng$")
_FINAL_AING = re.compile("(?<=ai)n$")  # after -ng -> -n: Laukkaing/Laukkai, Kut Khaing/Kutkai
_FINAL_R = re.compile("(?<=a)r$")
_FINAL_E = re.compile(f"(?<=[{_CONSONANT}])e$")


def roman_word(word: str) -> str:
    """One folded word (see the module docstring); letters only, already case-folded."""
    w = word
    for a, b in _PAIRS:
        w = w.replace(a, b)
    w = _H_BEFORE.sub("", _H_AFTER.sub(r"\1", w))
    w = _RUNS.sub(r"\1", _SILENT_E.sub("", w))
    w = _FINAL_H.sub("", w)
    if len(w) > 3:
        w = _FINAL_E.sub("", _FINAL_R.sub("", _FINAL_AING.sub("", _FINAL_NG.sub("n", w))))
    return w


def roman_key(name: str) -> str:
    """Key under which transliterations of one name coincide (``""`` for a name without letters).

    ``Kyaukphyu`` and ``Kyaukpyu``, ``Hpakant`` and ``Phakant``, ``Deir ez-Zor`` and
    ``Dayr al-Zawr``, ``Mrauk U`` and ``Mrauk-U`` give one key each pair; qualifiers stay
    (``Shan (North)`` and ``Shan (South)`` differ).
    """
    own, quals = unit_words(name)
    articles = admin_words().articles
    words = [w for w in own if w not in articles] or list(own)
    if not words:
        return ""
    # the final-letter rules apply to the name's end, not to every syllable the writer split
    joined = "".join(words)
    key = roman_word(joined) if joined else ""
    return key + ("|" + " ".join(quals) if quals else "")
