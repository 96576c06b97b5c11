"""locate.py against geopandas' sjoin on the real districts: same district for every point."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from tracker.geo.boundaries import default_boundaries
from tracker.geo.locate import locate_indices


@pytest.fixture(scope="module")
def districts() -> gpd.GeoDataFrame:
    return default_boundaries().districts.reset_index(drop=True)


def sjoin_first(districts: gpd.GeoDataFrame, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Row of the first district (boundary order) each point intersects, -1 for none: sjoin."""
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=districts.crs)
    joined = gpd.sjoin(pts, districts[["geometry"]], how="inner", predicate="intersects")
    first = joined.reset_index().groupby("index")["index_right"].min()
    out = np.full(len(x), -1, dtype=np.int64)
    out[first.index.to_numpy()] = first.to_numpy()
    return out


def test_random_points_agree_with_sjoin(districts):
    rng = np.random.default_rng(7)
    x0, y0, x1, y1 = districts.total_bounds
    x = rng.uniform(x0 - 0.5, x1 + 0.5, 30_000)  # some fall outside the country
    y = rng.uniform(y0 - 0.5, y1 + 0.5, 30_000)
    ours = locate_indices(x, y, districts)
    assert (ours == -1).sum() > 1_000 and (ours >= 0).sum() > 10_000
    np.testing.assert_array_equal(ours, sjoin_first(districts, x, y))


def test_points_on_shared_borders_go_to_the_first_district_like_sjoin(districts):
    """Boundary vertices lie on the borders of two or more districts."""
    rng = np.random.default_rng(3)
    coords = shapely.get_coordinates(districts.geometry.boundary.values)
    picked = coords[rng.choice(len(coords), 3_000, replace=False)]
    x, y = picked[:, 0], picked[:, 1]
    ours = locate_indices(x, y, districts)
    assert (ours >= 0).all()
    np.testing.assert_array_equal(ours, sjoin_first(districts, x, y))


def test_missing_coordinates_and_empty_input(districts):
    found = locate_indices([np.nan, 69.17, 69.17], [34.53, np.nan, 34.53], districts)
    assert found[0] == -1 and found[1] == -1
    assert districts.iloc[found[2]]["district_code"] == "AF0101"  # Kabul city
    assert len(locate_indices([], [], districts)) == 0
