"""Areas, province roll-ups and geometry joins on the real Afghan districts."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pyproj
import pytest

from tracker._errors import InputError
from tracker.core import schema as s
from tracker.core import spatial
from tracker.geo.boundaries import default_boundaries

AFGHANISTAN_KM2 = 652_230  # published total area


@pytest.fixture(scope="module")
def boundaries():
    return default_boundaries()


def state(rows: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """A state table from {district_code: (controller, status)}."""
    return pd.DataFrame([{s.DISTRICT_CODE: k, s.CONTROLLER: c, s.STATUS: st}
                         for k, (c, st) in rows.items()],
                        columns=[s.DISTRICT_CODE, s.CONTROLLER, s.STATUS])


def test_district_areas_sum_to_the_country(boundaries):
    areas = spatial.district_areas_km2(boundaries.districts)
    assert len(areas) == 399 and areas.index.is_unique and (areas > 0).all()
    # independent check: geodesic areas on the WGS84 ellipsoid (pyproj), not the projection
    geod = pyproj.Geod(ellps="WGS84")
    geodesic = sum(abs(geod.geometry_area_perimeter(g)[0])
                   for g in boundaries.districts.geometry) / 1e6
    assert areas.sum() == pytest.approx(geodesic, rel=1e-3)
    # These AGCHO outlines enclose about 641,960 km2, 1.6% below the published 652,230 km2
    # (measured geodesically too, so not a projection error): 2% is the honest tolerance.
    assert areas.sum() == pytest.approx(AFGHANISTAN_KM2, rel=0.02)
    assert areas["AF0101"] == pytest.approx(
        boundaries.districts.set_index(s.DISTRICT_CODE).loc[["AF0101"]]
        .to_crs("EPSG:6933").area.iloc[0] / 1e6)


def test_province_rollup_counts_and_shares_add_up(boundaries):
    d = boundaries.districts
    kabul = d.loc[d[s.PROVINCE_CODE] == "AF01", s.DISTRICT_CODE].tolist()
    assert len(kabul) == 15
    known = {kabul[0]: ("Taliban", s.CONTROLLED), kabul[1]: ("Taliban", s.CONTROLLED),
             kabul[2]: ("Government", s.CONTROLLED), kabul[3]: ("Government;Taliban", s.CONTESTED),
             kabul[4]: ("Resistance;Taliban", s.DISPUTED), kabul[5]: ("Taliban", s.INFLUENCED),
             kabul[6]: (s.UNKNOWN, s.UNKNOWN),  # unknown in the state, the rest missing from it
             "AF0201": ("Taliban", s.CONTROLLED)}
    out = spatial.province_rollup(state(known), d, provinces_gdf=boundaries.provinces)
    assert list(out.columns) == ["province_code", "province_name", "category", "status",
                                 "controller", "districts", "area_km2", "share"]
    k = out[out[s.PROVINCE_CODE] == "AF01"].set_index("category")
    assert list(k.index) == ["Government", "Taliban", "Taliban (influenced)", "contested",
                             "disputed", "unknown"]
    assert k["districts"].to_dict() == {"Government": 1, "Taliban": 2, "Taliban (influenced)": 1,
                                        "contested": 1, "disputed": 1, "unknown": 9}
    assert set(k[s.PROVINCE_NAME]) == {"Kabul"}
    assert k.loc["Taliban", s.CONTROLLER] == "Taliban" and pd.isna(k.loc["contested", "controller"])
    assert k["share"].sum() == pytest.approx(1.0)
    kabul_area = boundaries.provinces.set_index(s.PROVINCE_CODE).loc[["AF01"]].to_crs(
        "EPSG:6933").area.iloc[0] / 1e6
    assert k["area_km2"].sum() == pytest.approx(kabul_area, rel=1e-6)
    # every province's shares add to 1 and its counts to its number of districts
    per = out[out[s.PROVINCE_CODE] != spatial.ALL_PROVINCES].groupby(s.PROVINCE_CODE)
    assert per["share"].sum().to_numpy() == pytest.approx([1.0] * 34)
    assert per["districts"].sum().to_dict() == d.groupby(s.PROVINCE_CODE).size().to_dict()
    country = out[out[s.PROVINCE_CODE] == spatial.ALL_PROVINCES].set_index("category")
    assert country.loc["Taliban", "districts"] == 3
    assert country.loc["unknown", "districts"] == 399 - 7
    assert country["districts"].sum() == 399 and country["share"].sum() == pytest.approx(1.0)
    assert out[s.PROVINCE_CODE].iloc[-1] == spatial.ALL_PROVINCES


def test_rollup_of_an_empty_state_is_all_unknown(boundaries):
    out = spatial.province_rollup(state({}), boundaries.districts)
    country = out[out[s.PROVINCE_CODE] == spatial.ALL_PROVINCES]
    assert country[["category", "districts", "share"]].values.tolist() == [["unknown", 399, 1.0]]
    assert set(out["category"]) == {"unknown"}


def test_rollup_refuses_a_state_of_several_dates(boundaries):
    two = pd.concat([state({"AF0101": ("Taliban", s.CONTROLLED)})] * 2)
    with pytest.raises(InputError, match="several rows for district 'AF0101'"):
        spatial.province_rollup(two, boundaries.districts)


def test_attach_geometry_joins_names_and_marks_missing_unknown(boundaries):
    st = state({"AF0101": ("Taliban", s.CONTROLLED), "XX9999": ("Taliban", s.CONTROLLED)})
    st[s.SINCE] = pd.Timestamp("2021-08-15")
    out = spatial.attach_geometry(st, boundaries.districts)
    assert isinstance(out, gpd.GeoDataFrame) and out.crs == boundaries.districts.crs
    assert len(out) == 399 and "XX9999" not in set(out[s.DISTRICT_CODE])
    row = out.set_index(s.DISTRICT_CODE).loc["AF0101"]
    assert (row[s.DISTRICT_NAME], row[s.PROVINCE_NAME], row[s.CONTROLLER]) == (
        "Kabul", "Kabul", "Taliban")
    assert row[s.SINCE] == pd.Timestamp("2021-08-15")
    assert (out[s.STATUS] == s.UNKNOWN).sum() == 398
    assert list(out.columns[:4]) == [s.DISTRICT_CODE, s.DISTRICT_NAME, s.PROVINCE_CODE,
                                     s.PROVINCE_NAME]
    assert out.geometry.name == "geometry" and out.geometry.notna().all()


def test_areas_need_a_crs(boundaries):
    bare = boundaries.districts.head(2).set_crs(None, allow_override=True)
    with pytest.raises(InputError, match="no CRS"):
        spatial.district_areas_km2(bare)
