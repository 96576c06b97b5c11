"""Arrow views of pandas columns, and comparisons of (id, timestamp) keys without per-row Python."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def arrow_text(col: pd.Series) -> pa.Array:
    """A text column as one Arrow string array (missing values as nulls), without copying
    when it is Arrow-backed already."""
    if isinstance(col.dtype, pd.StringDtype) and col.dtype.storage == "pyarrow":
        arr = pa.array(col.array)
    else:
        arr = pa.array(np.asarray(col, dtype=object), type=pa.string(), from_pandas=True)
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def key_order(ids: pd.Series, stamps: np.ndarray) -> np.ndarray:
    """Row positions in (id, timestamp) order, stable (ties keep file order)."""
    table = pa.table({"id": arrow_text(ids), "ts": np.asarray(stamps, dtype="float64")})
    return pc.sort_indices(table, sort_keys=[("id", "ascending"),
                                             ("ts", "ascending")]).to_numpy()


def equal_to_previous(values: pa.Array) -> np.ndarray:
    """``values[i] == values[i - 1]`` for i >= 1 (length n - 1)."""
    n = len(values)
    if n < 2:
        return np.zeros(0, dtype=bool)
    same = pc.equal(values.slice(1), values.slice(0, n - 1))
    return pc.fill_null(same, False).to_numpy(zero_copy_only=False)


def same_key_as_next(ids: pd.Series, stamps: np.ndarray) -> np.ndarray:
    """In (id, timestamp) order: whether each row has the same key as the row after it."""
    order = key_order(ids, stamps)
    sorted_ts = np.asarray(stamps, dtype="float64")[order]
    return equal_to_previous(arrow_text(ids).take(order)) & (sorted_ts[1:] == sorted_ts[:-1])


def arrow_strings(col: pd.Series) -> pa.ChunkedArray:
    """A text column as Arrow ``string`` chunks, without copying when it is Arrow-backed already."""
    if isinstance(col.dtype, pd.StringDtype) and col.dtype.storage == "pyarrow":
        arr = pa.array(col.array)
    else:
        arr = pa.array(np.asarray(col, dtype=object), type=pa.string(), from_pandas=True)
    arr = arr if isinstance(arr, pa.ChunkedArray) else pa.chunked_array([arr])
    return arr.cast(pa.string()) if arr.type != pa.string() else arr
