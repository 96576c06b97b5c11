"""The shipped 2021 story, checked against facts from public reports (typed here, not computed)."""

from __future__ import annotations

import pandas as pd
import pytest

from tracker.api import SHIPPED_EVENTS
from tracker.core import schema as s

ANDARAB_DISTRICTS = {"AF0912": "Pul-e-Hisar", "AF0908": "Deh Salah", "AF0907": "Andarab"}


def controllers(story, day: str) -> pd.Series:
    return story.status(day).set_index(s.DISTRICT_CODE)[s.CONTROLLER]


def test_every_shipped_row_has_a_source():
    rows = pd.read_csv(SHIPPED_EVENTS, dtype=str, keep_default_na=False)
    assert len(rows) > 100
    assert (rows["source"] != "").all()
    assert rows["source_url"].str.match(r"^https?://").all()
    assert (rows["reported_on"] != "").all()
    assert rows["event_id"].is_unique


def test_andarab_districts_held_by_the_resistance_on_21_august(story):
    held = controllers(story, "2021-08-21")
    for code in ANDARAB_DISTRICTS:
        assert held[code] == "Resistance", code


def test_andarab_districts_held_by_the_taliban_on_16_august(story):
    held = controllers(story, "2021-08-16")
    for code in ANDARAB_DISTRICTS:
        assert held[code] == "Taliban", code


@pytest.mark.parametrize(
    ("day", "code", "expected"),
    [
        ("2021-08-05", "AF3401", "Afghan government"),  # Zaranj before its fall
        ("2021-08-06", "AF3401", "Taliban"),  # Zaranj, the first provincial centre to fall
        ("2021-08-16", "AF0101", "Taliban"),  # Kabul from 15 August
        ("2021-08-14", "AF0101", "Afghan government"),
        ("2021-08-20", "AF0801", "Resistance"),  # Bazarak, Panjshir's centre, before 6 September
        ("2021-09-07", "AF0801", "Taliban"),  # after the Taliban took Bazarak
    ],
)
def test_key_dates_of_the_story(story, day, code, expected):
    assert controllers(story, day)[code] == expected


def test_charikar_recapture_is_unconfirmed(story):
    state = story.status("2021-08-18").set_index(s.DISTRICT_CODE)
    assert state.loc["AF0301", s.CONTROLLER] == "Resistance"
    assert state.loc["AF0301", s.CONFIDENCE] == s.UNCONFIRMED


def test_andarab_changes_hands_twice(story):
    hist = story.history("Andarab", province="Baghlan")
    effective = hist[hist[s.RETRACTED_AT].isna()]
    sequence = effective.drop_duplicates(s.DATE, keep="last")[s.CONTROLLER].tolist()
    # Taliban -> Resistance (20 August) -> Taliban (late August)
    collapsed = [c for i, c in enumerate(sequence) if i == 0 or c != sequence[i - 1]]
    assert "Resistance" in collapsed
    i = collapsed.index("Resistance")
    assert collapsed[i - 1 : i + 2][0] == "Taliban"
    assert any("Taliban" in c for c in collapsed[i + 1 :])


def test_same_day_claims_about_andarab_are_disputed(story):
    """23 August: the Taliban claimed Banu/Andarab back, Saleh's side denied it the same day."""
    state = story.status("2021-08-23").set_index(s.DISTRICT_CODE).loc["AF0907"]
    assert state[s.STATUS] == s.DISPUTED
    assert set(state[s.CONTROLLER].split(";")) == {"Taliban", "Resistance"}
    assert "Taliban" in state[s.CLAIMS] and "Resistance" in state[s.CLAIMS]
    assert "Republic World" in state[s.CLAIMS] and "OpIndia" in state[s.CLAIMS]


def test_what_we_believed_then_and_what_we_know_now(story):
    """Bazarak on 6 September: disputed as known on the 7th; confirmed Taliban once the NRF conceded."""
    then = story.status("2021-09-06", known_on="2021-09-07").set_index(s.DISTRICT_CODE)
    now = story.status("2021-09-06").set_index(s.DISTRICT_CODE)
    assert then.loc["AF0801", s.STATUS] == s.DISPUTED
    assert now.loc["AF0801", s.CONTROLLER] == "Taliban"
    assert now.loc["AF0801", s.CONFIDENCE] == s.CONFIRMED
    # the country-wide statement behind most districts was published on 6 September:
    # on 21 August nobody had reported who held Kandahar's rural districts yet
    early = story.status("2021-08-21", known_on="2021-08-21")
    late = story.status("2021-08-21")
    assert (early[s.STATUS] == s.UNKNOWN).sum() > (late[s.STATUS] == s.UNKNOWN).sum()


def test_province_rollup_as_known_on_a_past_day(story, tmp_path):
    """Kandahar's rural districts were first reported on 6 September: unknown as known on 21 August."""
    def unknown_in_kandahar(table):
        rows = table[(table[s.PROVINCE_CODE] == "AF27") & (table["category"] == s.UNKNOWN)]
        return int(rows["districts"].sum())

    assert unknown_in_kandahar(story.provinces("2021-08-21")) == 0
    early = story.provinces("2021-08-21", known_on="2021-08-21")
    assert unknown_in_kandahar(early) > 0
    out = tmp_path / "rollup.csv"
    story.export(out, date="2021-08-21", provinces=True, known_on="2021-08-21")
    exported = pd.read_csv(out, dtype={s.PROVINCE_CODE: str})
    assert unknown_in_kandahar(exported) == unknown_in_kandahar(early)
