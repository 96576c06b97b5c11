"""Point events stored as compressed columnar batches: Parquet files in ``point_batches`` rows.

Point events (every version of every ACLED row) are many, append-only and read in bulk (version
planning, maps, exports), never updated one by one. Each import writes them as Parquet batches
(zstd, dictionary-encoded columns) of at most :data:`BATCH_ROWS` rows, one ``point_batches`` row
each, inside the import's own transaction: a million point events take ~25 MB and about a second
to write, against ~300 MB and 10-20 s as one table row per event. The batch rows carry what is
needed without opening them: row count, first/last event date and ACLED timestamp, the imported
file's name and when it was stored.

Functions take a :class:`sqlalchemy.Connection`; writers expect the caller's transaction
(:func:`tracker.store.engines.write_transaction`).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from sqlalchemy import Connection, func, insert, select

from tracker.core import schema as s
from tracker.core.acled_columns import (
    ACLED_ID,
    ACTOR1,
    ACTOR2,
    EVENT_TYPE,
    FATALITIES,
    GEO_PRECISION,
    LATITUDE,
    LOCATION,
    LONGITUDE,
    ORIGIN,
    POINT_COLUMNS,
    SUB_EVENT_TYPE,
    TIMESTAMP,
)
from tracker.core.arrow_columns import arrow_strings, equal_to_previous
from tracker.store.models import AcledDeletion, PointBatch, utcnow

BATCH_ROWS = 250_000
# The stored columns, in POINT_COLUMNS order (missing texts: '' or null, read back as '').
POINT_SCHEMA = pa.schema([
    (ACLED_ID, pa.string()), (TIMESTAMP, pa.int64()), (s.DATE, pa.date32()),
    (s.DATE_PRECISION, pa.string()), (EVENT_TYPE, pa.string()), (SUB_EVENT_TYPE, pa.string()),
    (ACTOR1, pa.string()), (ACTOR2, pa.string()), (FATALITIES, pa.int32()),
    (LATITUDE, pa.float64()), (LONGITUDE, pa.float64()), (s.DISTRICT_CODE, pa.string()),
    (GEO_PRECISION, pa.int8()), (LOCATION, pa.string()), (s.SOURCE, pa.string()),
    (s.NOTES, pa.string()),
])
_INTEGERS = (TIMESTAMP, FATALITIES, GEO_PRECISION)
_FLOATS = (LATITUDE, LONGITUDE)
# columns with few distinct values, worth dictionary-encoding (ids and notes are mostly unique)
_REPEATED = [s.DATE_PRECISION, EVENT_TYPE, SUB_EVENT_TYPE, ACTOR1, ACTOR2, s.DISTRICT_CODE,
             LOCATION, s.SOURCE]
Progress = Callable[[str, int, int], None]


# --- writing ---------------------------------------------------------------------------------
def to_arrow(points: pd.DataFrame) -> pa.Table:
    """The POINT_COLUMNS of a point-event frame as an Arrow table of :data:`POINT_SCHEMA`."""
    arrays = []
    for field in POINT_SCHEMA:
        col = points[field.name]
        if field.name == s.DATE:
            days = pd.DatetimeIndex(col).to_numpy(dtype="datetime64[D]")
            arrays.append(pa.chunked_array([pa.array(days, type=pa.date32())]))
        elif field.name in _INTEGERS or field.name in _FLOATS:
            values = pd.to_numeric(col).to_numpy(dtype="float64", na_value=np.nan)
            arr = pa.array(values, from_pandas=True)  # NaN -> null
            # safe cast: refuses non-integral values
            arrays.append(pa.chunked_array([arr.cast(field.type)]))
        else:
            arrays.append(arrow_strings(col))
    return pa.Table.from_arrays(arrays, schema=POINT_SCHEMA)


def parquet_bytes(table: pa.Table) -> bytes:
    """One batch as Parquet bytes (zstd; repeated texts dictionary-encoded)."""
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd", compression_level=1,
                   use_dictionary=_REPEATED, write_statistics=False,
                   row_group_size=BATCH_ROWS)
    return sink.getvalue()


def write_points(conn: Connection, points: pd.DataFrame, *, file_name: str = "",
                 origin: str = ORIGIN, batch_rows: int = BATCH_ROWS,
                 progress: Progress | None = None) -> int:
    """Append point-event versions (POINT_COLUMNS) in batches of at most ``batch_rows``.

    Returns the number written. ``file_name``: the imported file (its name is kept).
    """
    n = len(points)
    if not n:
        return 0
    table = to_arrow(points)
    now = utcnow()
    parts = [table.slice(start, batch_rows) for start in range(0, n, batch_rows)]
    done = 0
    # Parquet encoding releases the GIL: batches are encoded two at a time.
    with ThreadPoolExecutor(max_workers=2) as pool:
        for part, data in zip(parts, pool.map(parquet_bytes, parts), strict=True):
            days = pc.min_max(part[s.DATE])
            stamps = pc.min_max(part[TIMESTAMP])
            conn.execute(insert(PointBatch), [{
                "origin": origin, "file_name": Path(file_name).name[:300],
                "rows": part.num_rows, "first_date": days["min"].as_py(),
                "last_date": days["max"].as_py(), "first_timestamp": stamps["min"].as_py(),
                "last_timestamp": stamps["max"].as_py(), "recorded_at": now, "data": data}])
            done += part.num_rows
            if progress:
                progress("storing", done, n)
    return n


# --- reading ---------------------------------------------------------------------------------
def count_points(conn: Connection) -> int:
    """Number of stored point-event versions."""
    return int(conn.execute(select(func.coalesce(func.sum(PointBatch.rows), 0))).scalar_one())


def read_table(conn: Connection, columns: Sequence[str] | None = None, *,
               known_on: pd.Timestamp | None = None) -> pa.Table:
    """Every stored point-event version as one Arrow table (``columns`` only, when given).

    ``known_on``: only versions whose ACLED timestamp falls on or before that day.
    """
    wanted = list(columns) if columns is not None else POINT_COLUMNS
    query = select(PointBatch.data).order_by(PointBatch.id)
    limit = None
    if known_on is not None:
        limit = epoch_end_of(known_on)
        query = query.where(PointBatch.first_timestamp < limit)
    read = [*wanted, TIMESTAMP] if limit is not None and TIMESTAMP not in wanted else wanted
    parts = [pq.read_table(io.BytesIO(data), columns=read)
             for data in conn.execute(query).scalars()]
    if not parts:
        return POINT_SCHEMA.empty_table().select(wanted)
    table = pa.concat_tables(parts)
    if limit is not None:
        table = table.filter(pc.less(table[TIMESTAMP], limit)).select(wanted)
    return table


def versions_of(conn: Connection, ids: pa.Array) -> pa.Table:
    """The stored versions (:data:`POINT_SCHEMA`) of the ACLED events ``ids``, in one pass over
    the batches: each batch's id column is read, and only the batches holding one of ``ids``
    are read whole."""
    wanted = pc.unique(ids.cast(pa.string()))
    parts = []
    for data in conn.execute(select(PointBatch.data).order_by(PointBatch.id)).scalars():
        parquet = pq.ParquetFile(io.BytesIO(data))
        mine = pc.is_in(parquet.read(columns=[ACLED_ID])[ACLED_ID].cast(pa.string()),
                        value_set=wanted)
        if pc.any(mine).as_py():
            parts.append(parquet.read(columns=POINT_COLUMNS).filter(mine))
    if not parts:
        return POINT_SCHEMA.empty_table()
    return pa.concat_tables(parts)


def to_frame(table: pa.Table) -> pd.DataFrame:
    """Arrow point events -> pandas: days as datetime64, integers nullable, missing text ''."""
    frame = table.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow", np.nan)}.get,
                            date_as_object=False)
    for col in frame.columns:
        if col == s.DATE:
            frame[col] = frame[col].astype("datetime64[ns]")
        elif col == TIMESTAMP:
            frame[col] = frame[col].astype("int64")
        elif col in _INTEGERS:
            frame[col] = frame[col].astype("Int64")
        elif isinstance(frame[col].dtype, pd.StringDtype):
            frame[col] = frame[col].fillna("")
    return frame


def read_points(conn: Connection, columns: Sequence[str] | None = None, *,
                known_on: pd.Timestamp | None = None) -> pd.DataFrame:
    """Every stored point-event version (POINT_COLUMNS or ``columns``) as a DataFrame."""
    return to_frame(read_table(conn, columns, known_on=known_on))


def point_events(conn: Connection, *, start: pd.Timestamp | None = None,
                 end: pd.Timestamp | None = None, known_on: pd.Timestamp | None = None,
                 all_versions: bool = False) -> pd.DataFrame:
    """Point events (POINT_COLUMNS) dated ``start``..``end`` (both included), date order.

    Each ACLED event appears once, as its newest version known on ``known_on`` (a version is
    known from the day of its ACLED ``timestamp``; ``None``: every stored version counts), unless
    ``all_versions``. The newest version is chosen before the date filter, so an event ACLED
    moved to another day shows on its new day only. An event ACLED deleted (a deletion known on
    ``known_on``, stamped at or after its newest version) does not show, except with
    ``all_versions`` (the history).
    """
    table = read_table(conn, known_on=known_on)
    if not all_versions and table.num_rows:
        order = pc.sort_indices(table, sort_keys=[(ACLED_ID, "ascending"),
                                                  (TIMESTAMP, "ascending")])
        table = table.take(order)
        ids = table[ACLED_ID].combine_chunks()
        last = np.r_[~equal_to_previous(ids), True]  # the newest version of each id
        table = table.filter(pa.array(last))
        table = without_deleted(table, read_deletions(conn, known_on=known_on))
    frame = to_frame(table)
    keep = np.ones(len(frame), dtype=bool)
    if start is not None:
        keep &= (frame[s.DATE] >= start).to_numpy()
    if end is not None:
        keep &= (frame[s.DATE] <= end).to_numpy()
    frame = frame[keep]
    return frame.sort_values([s.DATE, ACLED_ID, TIMESTAMP], kind="stable").reset_index(drop=True)


def epoch_end_of(day: pd.Timestamp) -> int:
    """Epoch seconds of the end of ``day`` (the start of the next day)."""
    return int((pd.Timestamp(day).normalize() + pd.Timedelta(days=1)
                - pd.Timestamp("1970-01-01")) // pd.Timedelta("1s"))


# --- ACLED deletions -------------------------------------------------------------------------
DELETED_AT = "deleted_timestamp"


def read_deletions(conn: Connection, *, known_on: pd.Timestamp | None = None) -> pa.Table:
    """Stored ACLED deletions (``acled_id``, ``deleted_timestamp``), those known on ``known_on``."""
    query = select(AcledDeletion.acled_id, AcledDeletion.deleted_timestamp)
    if known_on is not None:
        query = query.where(AcledDeletion.deleted_timestamp < epoch_end_of(known_on))
    rows = conn.execute(query).all()
    return pa.table({ACLED_ID: pa.array([r[0] for r in rows], type=pa.string()),
                     DELETED_AT: pa.array([r[1] for r in rows], type=pa.int64())})


def write_deletions(conn: Connection, deletions: pd.DataFrame) -> pd.DataFrame:
    """Store the deletions (``acled_id``, ``deleted_timestamp``) not stored yet; returns those."""
    if deletions.empty:
        return deletions
    stored = read_deletions(conn).to_pandas()
    new = deletions.merge(stored, on=[ACLED_ID, DELETED_AT], how="left", indicator=True)
    new = new[new["_merge"] == "left_only"].drop(columns="_merge")
    now = utcnow()
    if len(new):
        conn.execute(insert(AcledDeletion), [
            {"acled_id": i, "deleted_timestamp": int(t), "recorded_at": now}
            for i, t in zip(new[ACLED_ID], new[DELETED_AT], strict=True)])
    return new.reset_index(drop=True)


def without_deleted(table: pa.Table, deleted: pa.Table) -> pa.Table:
    """The rows of ``table`` (one version per event) no deletion stamped at or after removes."""
    if not deleted.num_rows or not table.num_rows:
        return table
    last = deleted.group_by(ACLED_ID).aggregate([(DELETED_AT, "max")])
    left = pa.table({ACLED_ID: table[ACLED_ID], "_row": pa.array(np.arange(table.num_rows))})
    hit = left.join(last, keys=ACLED_ID, join_type="inner")
    rows = hit["_row"].to_numpy()
    gone = table[TIMESTAMP].take(pa.array(rows)).to_numpy() <= hit[f"{DELETED_AT}_max"].to_numpy()
    keep = np.ones(table.num_rows, dtype=bool)
    keep[rows[gone]] = False
    return table.filter(pa.array(keep))


def district_codes(conn: Connection) -> set[str]:
    """District codes named by stored point events."""
    codes = read_table(conn, [s.DISTRICT_CODE])[s.DISTRICT_CODE]
    return set(pc.unique(codes).to_pylist()) - {None}
