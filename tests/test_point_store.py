"""Point events stored as Parquet batches: round trip, nulls, batch splits, known_on, boundaries."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from sqlalchemy import select

from tracker._errors import InputError
from tracker.core import schema as s
from tracker.core.acled_columns import POINT_COLUMNS
from tracker.geo.boundaries import default_boundaries
from tracker.store import point_batches
from tracker.store.engines import write_transaction
from tracker.store.models import PointBatch

T0 = 1_629_900_000  # 2021-08-25 14:00 UTC


def frame(n: int) -> pd.DataFrame:
    """``n`` point-event versions with missing values in every nullable column of row 1."""
    rows = pd.DataFrame({
        "acled_id": [f"AFG{i}" for i in range(n)],
        "timestamp": [T0 + 86_400 * i for i in range(n)],
        "date": pd.to_datetime("2021-08-01") + pd.to_timedelta(np.arange(n) % 28, unit="D"),
        "date_precision": s.DAY, "event_type": "Battles", "sub_event_type": "Armed clash",
        "actor1": "Taliban", "actor2": "Police Forces of Afghanistan (2004-2021)",
        "fatalities": np.arange(n, dtype="float64"),
        "latitude": 34.5 + np.arange(n) / 1e4, "longitude": 69.1 + np.arange(n) / 1e4,
        "district_code": "AF0101", "geo_precision": 1.0, "location": "Kabul",
        "source": "Tolo News", "notes": [f"note {i}, with \"quotes\" and ünïcode" for i in range(n)],
    })
    if n > 1:
        rows.loc[1, ["actor2", "location", "source", "notes"]] = ""
        rows.loc[1, ["fatalities", "geo_precision"]] = np.nan
    return rows[POINT_COLUMNS]


def stored_batches(conn) -> pd.DataFrame:
    """The rows of table point_batches (what README documents of each batch), in storage order."""
    cols = [PointBatch.file_name, PointBatch.rows, PointBatch.first_date, PointBatch.last_date,
            PointBatch.first_timestamp, PointBatch.last_timestamp]
    rows = conn.execute(select(*cols).order_by(PointBatch.id)).all()
    return pd.DataFrame(rows, columns=[c.key for c in cols])


def test_round_trip_keeps_values_types_and_missing(fresh):
    written = frame(5)
    with write_transaction(fresh.engine) as conn:
        assert point_batches.write_points(conn, written, file_name="/data/acled export.csv") == 5
    with fresh.engine.connect() as conn:
        back = point_batches.read_points(conn)
        info = stored_batches(conn)
        assert point_batches.count_points(conn) == 5
    assert list(back.columns) == POINT_COLUMNS
    assert back["acled_id"].tolist() == written["acled_id"].tolist()
    assert back["timestamp"].tolist() == written["timestamp"].tolist()
    assert back["date"].dt.strftime("%Y-%m-%d").tolist() == \
        written["date"].dt.strftime("%Y-%m-%d").tolist()
    assert back["fatalities"].isna().tolist() == [False, True, False, False, False]
    assert back["fatalities"].dropna().astype(int).tolist() == [0, 2, 3, 4]
    assert back.loc[1, "actor2"] == "" and back.loc[1, "notes"] == ""
    assert back.loc[3, "notes"] == "note 3, with \"quotes\" and ünïcode"
    np.testing.assert_allclose(back["latitude"], written["latitude"], atol=1e-12)
    assert info["file_name"].tolist() == ["acled export.csv"]
    assert info["rows"].tolist() == [5]
    assert (str(info["first_date"][0]), str(info["last_date"][0])) == ("2021-08-01", "2021-08-05")
    assert (info["first_timestamp"][0], info["last_timestamp"][0]) == (T0, T0 + 4 * 86_400)


def test_batches_split_and_read_back_in_order(fresh):
    written = frame(23)
    with write_transaction(fresh.engine) as conn:
        point_batches.write_points(conn, written, batch_rows=10)
    with fresh.engine.connect() as conn:
        assert stored_batches(conn)["rows"].tolist() == [10, 10, 3]
        back = point_batches.read_points(conn, ["acled_id", "timestamp"])
    assert list(back.columns) == ["acled_id", "timestamp"]
    assert back["acled_id"].tolist() == written["acled_id"].tolist()


def test_known_on_keeps_versions_stamped_by_the_end_of_that_day(fresh):
    with write_transaction(fresh.engine) as conn:
        point_batches.write_points(conn, frame(6), batch_rows=2)
    with fresh.engine.connect() as conn:
        # T0 is 2021-08-25 14:00 UTC: versions 0..2 are stamped 25, 26 and 27 August
        ids = point_batches.read_points(conn, ["acled_id"],
                                      known_on=pd.Timestamp("2021-08-27"))["acled_id"]
        none = point_batches.read_points(conn, known_on=pd.Timestamp("2021-08-24"))
    assert ids.tolist() == ["AFG0", "AFG1", "AFG2"]
    assert none.empty and list(none.columns) == POINT_COLUMNS


def test_a_failed_transaction_leaves_no_batch(fresh):
    with pytest.raises(RuntimeError), write_transaction(fresh.engine) as conn:
        point_batches.write_points(conn, frame(3))
        raise RuntimeError
    with fresh.engine.connect() as conn:
        assert point_batches.count_points(conn) == 0


def test_non_integral_fatalities_are_refused_not_truncated(fresh):
    bad = frame(2)
    bad["fatalities"] = [1.0, 2.5]
    with pytest.raises(pa.ArrowInvalid, match="truncated"), \
            write_transaction(fresh.engine) as conn:
        point_batches.write_points(conn, bad)


def test_boundaries_cannot_drop_a_district_point_events_name(fresh):
    rows = frame(2)
    rows["district_code"] = ["AF0101", "AF0901"]
    with write_transaction(fresh.engine) as conn:
        point_batches.write_points(conn, rows)
    shipped = default_boundaries()
    without = shipped.districts[shipped.districts[s.DISTRICT_CODE] != "AF0901"]
    smaller = dataclasses.replace(shipped, districts=without)
    with pytest.raises(InputError, match="AF0901"):
        fresh.init(smaller)


def test_point_events_pick_the_newest_version_before_filtering_dates(fresh):
    """ACLED moved AFG0 from 1 to 20 August in a later version: it is dated 20 August only."""
    rows = frame(3)  # AFG0 1 Aug (stamped 25 Aug), AFG1 2 Aug, AFG2 3 Aug
    moved = rows.iloc[[0]].assign(timestamp=T0 + 30 * 86_400,
                                  date=pd.Timestamp("2021-08-20"), fatalities=7.0)
    with write_transaction(fresh.engine) as conn:
        point_batches.write_points(conn, rows)
        point_batches.write_points(conn, moved)
    day = pd.Timestamp
    with fresh.engine.connect() as conn:
        early = point_batches.point_events(conn, start=day("2021-08-01"), end=day("2021-08-10"))
        late = point_batches.point_events(conn, start=day("2021-08-15"))
        before = point_batches.point_events(conn, end=day("2021-08-10"),
                                          known_on=day("2021-09-01"))
        every = point_batches.point_events(conn, all_versions=True)
    assert early["acled_id"].tolist() == ["AFG1", "AFG2"]
    assert late["acled_id"].tolist() == ["AFG0"] and late["fatalities"].tolist() == [7]
    assert before["acled_id"].tolist() == ["AFG0", "AFG1", "AFG2"]  # the move was not known yet
    assert sorted(every["acled_id"]) == ["AFG0", "AFG0", "AFG1", "AFG2"]
