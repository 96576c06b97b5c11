"""The store's timeline (the stored intervals, on both SQLite and PostgreSQL) equals the pure core.

Random event sets with same-day disagreements, runs of identical reports, supersedes chains,
retractions and late reports are stored, then ``records.state_on`` / ``control_intervals`` /
``changes`` are compared with :mod:`tracker.core.timeline` applied to every stored event. ``records.read_events`` is checked against
the events as given to the import.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import insert, update

from tracker._errors import InputError
from tracker.core import schema as s
from tracker.core import timeline
from tracker.store import records
from tracker.store.models import ControlEvent, Retraction

DISTRICTS = ["AF0101", "AF0102", "AF0103", "AF0201", "AF0907", "AF0912"]
ACTORS = ["Taliban", "Afghan government", "Resistance"]
T0 = pd.Timestamp("2021-06-01")


def random_events(seed: int) -> tuple[pd.DataFrame, dict[str, pd.Timestamp]]:
    """About 150 events on 6 districts over 40 days, and retractions with their times."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(150):
        rows.append({
            s.EVENT_ID: f"r{seed}-{i:03d}",
            s.DATE: T0 + pd.Timedelta(days=int(rng.integers(0, 40))),
            s.DATE_PRECISION: rng.choice(s.PRECISIONS, p=[0.8, 0.1, 0.1]),
            s.DISTRICT_CODE: rng.choice(DISTRICTS),
            s.CONTROLLER: rng.choice(ACTORS, p=[0.6, 0.3, 0.1]),
            s.STATUS: rng.choice([s.CONTROLLED, s.CONTESTED], p=[0.8, 0.2]),
            s.CONFIDENCE: rng.choice(s.CONFIDENCES),
            s.SOURCE: rng.choice(["AP", "Reuters", "Twitter", None]),
            s.SOURCE_URL: None,
            s.REPORTED_ON: (T0 + pd.Timedelta(days=int(rng.integers(0, 50)))
                            if rng.random() < 0.7 else None),
            s.NOTES: None,
            s.SUPERSEDES: None,
        })
    # a run of identical reports on twelve days: one interval listing every one of them
    for k in range(12):
        rows.append({**rows[0], s.EVENT_ID: f"r{seed}-run{k:02d}", s.DISTRICT_CODE: "AF0103",
                     s.DATE: T0 + pd.Timedelta(days=45 + k), s.CONTROLLER: "Taliban",
                     s.STATUS: s.CONTROLLED, s.CONFIDENCE: s.REPORTED, s.DATE_PRECISION: s.DAY,
                     s.REPORTED_ON: None})
    # corrections, some of corrections (chains)
    for i in rng.choice(len(rows), 25, replace=False):
        target = rows[int(rng.integers(0, len(rows)))][s.EVENT_ID]
        if target != rows[i][s.EVENT_ID]:
            rows[i][s.SUPERSEDES] = target
    events = s.normalize_events(pd.DataFrame(rows))
    retracted = {str(e): T0 + pd.Timedelta(days=int(rng.integers(0, 50)), hours=13)
                 for e in rng.choice(events[s.EVENT_ID], 15, replace=False)}
    return events, retracted


def _acyclic(events: pd.DataFrame) -> pd.DataFrame:
    """Drop supersedes links that would close a loop (the store's import refuses those)."""
    parent = dict(zip(events[s.EVENT_ID], events[s.SUPERSEDES], strict=True))
    keep = []
    for eid in events[s.EVENT_ID]:
        seen, at, ok = {eid}, parent.get(eid), True
        while at is not None:
            if at in seen:
                ok = False
                break
            seen.add(at)
            at = parent.get(at)
        keep.append(ok)
        if not ok:
            parent[eid] = None
    return events.assign(**{s.SUPERSEDES: [parent[e] for e in events[s.EVENT_ID]]})


def fill(engine, seed: int) -> None:
    events, retracted = random_events(seed)
    events = s.normalize_events(_acyclic(events))
    records.insert_events(engine, events, origin="test")
    with engine.begin() as conn:
        # events without a report date become known on the day they were recorded
        conn.execute(update(ControlEvent).values(recorded_at=(T0 + pd.Timedelta(days=20))
                                                 .to_pydatetime()))
        conn.execute(insert(Retraction), [
            {"event_id": e, "reason": "test", "recorded_at": t.to_pydatetime()}
            for e, t in retracted.items()])
    # written behind the tracker's back: `tracker db check` sees it, --repair rewrites the rows
    assert len(records.check_intervals(engine)) > 0
    assert len(records.check_intervals(engine, repair=True)) > 0
    assert records.check_intervals(engine).empty


@pytest.mark.parametrize("seed", range(3))
def test_state_intervals_and_changes_equal_the_pure_core(fresh, seed):
    fill(fresh.engine, seed)
    every = records.read_events(fresh.engine)
    assert every[s.RETRACTED_AT].notna().sum() == 15
    assert every[s.SUPERSEDES].notna().sum() > 10
    codes = fresh.district_layer()[s.DISTRICT_CODE].tolist()
    for known in (None, T0 + pd.Timedelta(days=10), T0 + pd.Timedelta(days=30)):
        expected_iv = timeline.control_intervals(every, known_on=known)
        got_iv = records.control_intervals(fresh.engine, known_on=known)
        pd.testing.assert_frame_equal(got_iv, expected_iv)
        for day in (T0 + pd.Timedelta(days=12), T0 + pd.Timedelta(days=39),
                    T0 + pd.Timedelta(days=50)):
            want = timeline.state_on(expected_iv, day, districts=codes)
            got = records.state_on(fresh.engine, day, known_on=known, districts=codes)
            pd.testing.assert_frame_equal(got, want)
        # without a district list: every district with an interval, as the pure core
        want = timeline.state_on(expected_iv, T0 + pd.Timedelta(days=20))
        got = records.state_on(fresh.engine, T0 + pd.Timedelta(days=20), known_on=known)
        pd.testing.assert_frame_equal(got, want)
    iv = timeline.control_intervals(every)
    d1, d2 = T0 + pd.Timedelta(days=5), T0 + pd.Timedelta(days=60)
    want = timeline.changes(iv, d1, d2, districts=codes)
    assert len(want) > 0
    pd.testing.assert_frame_equal(records.changes(fresh.engine, d1, d2, districts=codes), want)


def test_a_long_holding_is_found_whole_around_the_day(fresh):
    # twelve identical daily reports from 2021-07-01, one disagreeing day before, one after
    rows = [{s.EVENT_ID: f"run{k:02d}", s.DATE: pd.Timestamp("2021-07-01") + pd.Timedelta(days=k),
             s.DISTRICT_CODE: "AF0103", s.CONTROLLER: "Taliban", s.STATUS: s.CONTROLLED,
             s.CONFIDENCE: s.REPORTED} for k in range(12)]
    rows += [{s.EVENT_ID: "before", s.DATE: pd.Timestamp("2021-06-20"), s.DISTRICT_CODE: "AF0103",
              s.CONTROLLER: "Afghan government", s.STATUS: s.CONTROLLED, s.CONFIDENCE: s.REPORTED},
             {s.EVENT_ID: "after", s.DATE: pd.Timestamp("2021-07-20"), s.DISTRICT_CODE: "AF0103",
              s.CONTROLLER: "Resistance", s.STATUS: s.CONTROLLED, s.CONFIDENCE: s.REPORTED}]
    records.insert_events(fresh.engine, s.normalize_events(pd.DataFrame(rows)), origin="test")
    state = records.state_on(fresh.engine, pd.Timestamp("2021-07-04"), districts=["AF0103"])
    assert state.loc[0, s.SINCE] == pd.Timestamp("2021-07-01")
    assert state.loc[0, s.EVENT_IDS] == ";".join(f"run{k:02d}" for k in range(12))
    assert state.loc[0, s.CONTROLLER] == "Taliban"


def test_read_events_gives_back_what_was_imported_in_date_order(fresh):
    events, retracted = random_events(7)
    events = s.normalize_events(_acyclic(events))  # as fill() stores them
    fill(fresh.engine, 7)
    got = records.read_events(fresh.engine)
    assert len(got) == len(events)
    assert got[s.DATE].is_monotonic_increasing
    pd.testing.assert_frame_equal(got, s.normalize_events(got))  # canonical dtypes already
    mine = got.set_index(s.EVENT_ID)
    given = events.set_index(s.EVENT_ID).loc[mine.index]
    for col in (s.DATE, s.DATE_PRECISION, s.DISTRICT_CODE, s.CONTROLLER, s.STATUS,
                s.CONFIDENCE, s.SOURCE, s.SUPERSEDES):
        pd.testing.assert_series_equal(mine[col], given[col], check_names=False, obj=col)
    # a report date is stored with its source (an event without a source keeps none)
    sourced = given[s.SOURCE].notna()
    pd.testing.assert_series_equal(mine.loc[sourced, s.REPORTED_ON],
                                   given.loc[sourced, s.REPORTED_ON], check_names=False)
    assert sourced.sum() > 50 and mine.loc[sourced, s.REPORTED_ON].notna().sum() > 30
    assert (mine[s.RECORDED_AT] == T0 + pd.Timedelta(days=20)).all()
    assert (mine[s.ORIGIN] == "test").all()
    want_retracted = pd.Series(retracted).sort_index()
    got_retracted = mine[s.RETRACTED_AT].dropna().sort_index()
    assert got_retracted.index.tolist() == want_retracted.index.tolist()
    assert (got_retracted.to_numpy() == want_retracted.to_numpy()).all()
    assert set(mine[s.RETRACTION_REASON].dropna()) == {"test"}
    one = records.read_events(fresh.engine, district_code="AF0907")
    assert sorted(one[s.EVENT_ID]) == sorted(events.loc[events[s.DISTRICT_CODE] == "AF0907",
                                                        s.EVENT_ID])


def test_changes_with_days_in_the_wrong_order_is_refused(fresh):
    with pytest.raises(InputError, match="before d1"):
        records.changes(fresh.engine, T0 + pd.Timedelta(days=5), T0)


def test_a_polygon_edited_in_the_database_is_what_the_tracker_reads_next(fresh):
    """A district's polygon changed in the database by another program (an edit in QGIS): the
    next read of the layer gives the new polygon (on PostgreSQL the WKB the reads use is a
    column generated from the geometry, recomputed by the server)."""
    import shapely
    from sqlalchemy import text

    square = shapely.MultiPolygon([shapely.box(70.0, 35.0, 70.1, 35.1)])
    value = ("ST_GeomFromWKB(:wkb, 4326)" if fresh.engine.dialect.name == "postgresql"
             else ":wkb")
    with fresh.engine.begin() as conn:
        conn.execute(text(f"UPDATE districts SET geometry = {value} WHERE code = 'AF0101'"),
                     {"wkb": shapely.to_wkb(square)})
    layer = records.read_districts(fresh.engine).set_index(s.DISTRICT_CODE)
    assert layer.loc["AF0101", "geometry"].equals(square)
    assert not layer.loc["AF0102", "geometry"].equals(square) and len(layer) == 399


def test_the_district_layer_is_read_whole_and_on_postgresql_in_binary_form(fresh):
    """The layer every status and map reads: each polygon as loaded; on PostgreSQL (psycopg)
    its rows arrive in binary form (WKB as bytes, not as hexadecimal text twice its size)."""
    import shapely
    from sqlalchemy import event

    from tracker.geo.boundaries import default_boundaries

    formats: list[list[int]] = []

    def result_formats(_conn, cursor, statement, *_args) -> None:
        if "districts" in statement and hasattr(cursor, "pgresult"):
            result = cursor.pgresult
            formats.append([result.fformat(i) for i in range(result.nfields)])

    event.listen(fresh.engine, "after_cursor_execute", result_formats)
    try:
        layer = records.read_districts(fresh.engine).set_index(s.DISTRICT_CODE)
    finally:
        event.remove(fresh.engine, "after_cursor_execute", result_formats)
    shipped = default_boundaries().districts.set_index(s.DISTRICT_CODE)
    assert list(layer.index) == sorted(shipped.index)
    # stored as multipolygons: the same points, compared as shapes
    same = shapely.equals(layer.geometry.to_numpy(), shipped.geometry.reindex(layer.index).to_numpy())
    assert same.all()
    if fresh.engine.dialect.name == "postgresql":
        assert formats and all(f == 1 for f in formats[-1])  # 1: binary
