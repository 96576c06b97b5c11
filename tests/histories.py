"""Random event histories for the bitemporal tests (a hypothesis strategy shared by the tests).

Disputes on one day, retractions, corrections (also across districts and along chains),
week/month precision, late reports (and a few published before the day they report) and
knowledge days spread over a few weeks.
"""

from __future__ import annotations

import pandas as pd
from hypothesis import strategies as st

from tracker.core import schema as s

BASE = pd.Timestamp("2021-08-02")  # a Monday and near a first of the month
ACTORS = ("Taliban", "Government", "Resistance")


@st.composite
def histories(draw, districts: tuple[str, ...] = ("D1", "D2", "D3"), max_events: int = 14):
    """An event table (schema columns) of a random history."""
    n = draw(st.integers(1, max_events))
    rows = []
    for i in range(n):
        precision = draw(st.sampled_from([s.DAY, s.DAY, s.DAY, s.WEEK, s.MONTH]))
        day = BASE + pd.Timedelta(days=draw(st.integers(0, 20)))
        if precision == s.WEEK:
            day -= pd.Timedelta(days=day.weekday())
        elif precision == s.MONTH:
            day = day.replace(day=1)
        contested = draw(st.booleans()) and draw(st.booleans())
        controller = (s.join_actors(sorted(set(draw(st.lists(st.sampled_from(ACTORS),
                                                               min_size=2, max_size=2)))))
                      if contested else draw(st.sampled_from(ACTORS)))
        status = s.CONTESTED if contested and s.ID_SEP in controller else s.CONTROLLED
        if status == s.CONTROLLED and s.ID_SEP in controller:
            controller = controller.split(s.ID_SEP)[0]
        lone = draw(st.integers(0, 9))  # contested naming one actor (the holder before joins it)
        if lone == 0:                   # or none (contested between unnamed parties)
            status = s.CONTESTED
        elif lone == 1:
            status, controller = s.CONTESTED, ""
        recorded = day + pd.Timedelta(days=draw(st.integers(0, 15)), hours=draw(st.integers(0, 23)))
        late = draw(st.booleans())
        reported = (day + pd.Timedelta(days=draw(st.integers(0, 12)))) if late else pd.NaT
        if late and draw(st.integers(0, 5)) == 0:  # published before the day it reports (as a
            reported = day - pd.Timedelta(days=draw(st.integers(1, 3)))  # mistyped date gives)
        supersedes = None
        if i and draw(st.integers(0, 4)) == 0:
            supersedes = f"e{draw(st.integers(0, i - 1))}"
        retracted = pd.NaT
        if draw(st.integers(0, 5)) == 0:
            retracted = recorded + pd.Timedelta(days=draw(st.integers(0, 10)),
                                                hours=draw(st.integers(0, 23)))
        rows.append({
            s.EVENT_ID: f"e{i}", s.DATE: day, s.DATE_PRECISION: precision,
            s.DISTRICT_CODE: draw(st.sampled_from(districts)), s.CONTROLLER: controller,
            s.STATUS: status, s.CONFIDENCE: draw(st.sampled_from(s.CONFIDENCES)),
            s.SOURCE: draw(st.sampled_from(["Reuters", "AP", None])),
            s.REPORTED_ON: reported, s.SUPERSEDES: supersedes,
            s.RECORDED_AT: recorded.floor("s"), s.RETRACTED_AT: retracted,
        })
    return s.normalize_events(pd.DataFrame(rows))


def knowledge_days(events: pd.DataFrame) -> list[pd.Timestamp | None]:
    """The knowledge days worth asking about: every day on which some event became known or was
    retracted, the day before each, and None (everything recorded)."""
    known = events[s.REPORTED_ON].fillna(events[s.RECORDED_AT].dt.normalize())
    days = pd.concat([known, events[s.RETRACTED_AT].dropna().dt.normalize()]).dropna().unique()
    around = {d + pd.Timedelta(days=shift) for d in days for shift in (-1, 0)}
    return [None, *sorted(around)]
