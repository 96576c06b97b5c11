"""Pure spatial helpers: district areas, province roll-ups, and states joined with boundaries.

Areas are computed in an equal-area projection (:data:`tracker.core.schema.EQUAL_AREA_CRS`,
EPSG:6933), so a share of area is a share of land, not of map pixels.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from tracker._errors import InputError
from tracker.core import schema as s
from tracker.core.schema import EQUAL_AREA_CRS

ALL_PROVINCES = "ALL"  # province_code of the whole-country rows of a roll-up
ALL_PROVINCES_NAME = "All provinces"
AREA_KM2 = "area_km2"
CATEGORY = "category"
DISTRICTS = "districts"
SHARE = "share"
ROLLUP_COLUMNS = [s.PROVINCE_CODE, s.PROVINCE_NAME, CATEGORY, s.STATUS, s.CONTROLLER, DISTRICTS,
                  AREA_KM2, SHARE]
_HELD = (s.CONTROLLED, s.INFLUENCED)
_STATUS_ORDER = {st: i for i, st in enumerate(s.STATUS_ORDER)}


def district_areas_km2(districts_gdf: gpd.GeoDataFrame) -> pd.Series:
    """Area of each district in km², measured in an equal-area projection.

    Parameters
    ----------
    districts_gdf
        District layer with ``district_code`` and a geometry in a known CRS.

    Returns
    -------
    pandas.Series
        Named ``area_km2``, indexed by ``district_code``.
    """
    s.require_columns(districts_gdf, (s.DISTRICT_CODE,), "districts layer")
    if districts_gdf.crs is None:
        msg = "districts layer has no CRS; set one with gdf.set_crs('EPSG:4326') before measuring"
        raise InputError(msg)
    area = districts_gdf.geometry.to_crs(EQUAL_AREA_CRS).area.to_numpy() / 1e6
    return pd.Series(area, index=pd.Index(districts_gdf[s.DISTRICT_CODE].astype(str),
                                          name=s.DISTRICT_CODE), name=AREA_KM2)


def _one_row_per_district(state: pd.DataFrame) -> pd.DataFrame:
    s.require_columns(state, (s.DISTRICT_CODE, s.CONTROLLER, s.STATUS), "state table")
    codes = state[s.DISTRICT_CODE].astype(str)
    if codes.duplicated().any():
        dup = codes[codes.duplicated()].iloc[0]
        msg = (f"state table has several rows for district {dup!r}; pass the state of one date "
               f"(timeline.state_on), not a table of several dates")
        raise InputError(msg)
    return pd.DataFrame({s.DISTRICT_CODE: codes.to_numpy(),
                         s.CONTROLLER: state[s.CONTROLLER].to_numpy(dtype=object),
                         s.STATUS: state[s.STATUS].to_numpy(dtype=object)})


def _categories(status: pd.Series, controller: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Category label and the actor behind it (None for contested/disputed/unknown)."""
    held = status.isin(_HELD)
    actor = controller.where(held, None)
    label = status.where(~held, controller.where(status == s.CONTROLLED,
                                                  controller.astype(str) + " (" + status + ")"))
    return label, actor


def categories(status: pd.Series, controller: pd.Series) -> pd.Series:
    """Roll-up category of each (status, controller): the actor for ``controlled``,
    ``"<actor> (influenced)"`` for ``influenced``, else the status (``None`` without a status,
    or held by no actor). The map page takes its categories from this rule (through its
    payload). Each distinct pair is labelled once."""
    st = pd.Series(status, dtype=object).to_numpy(dtype=object)
    ctrl = pd.Series(controller, dtype=object).to_numpy(dtype=object)
    st_code, _ = pd.factorize(st)
    ctrl_code, _ = pd.factorize(ctrl)
    pair = (st_code.astype(np.int64) + 1) * (len(ctrl) + 2) + (ctrl_code + 1)
    _, first, at = np.unique(pair, return_index=True, return_inverse=True)
    labels = _categories(pd.Series(st[first], dtype=object),
                         pd.Series(ctrl[first], dtype=object))[0].to_numpy(dtype=object)
    out = np.array(labels[at.ravel()] if len(st) else [], dtype=object)
    out[pd.isna(out)] = None  # no status, or held by no actor: no category
    return pd.Series(out, dtype=object)


def province_rollup(state: pd.DataFrame, districts_gdf: gpd.GeoDataFrame, *,
                    provinces_gdf: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Districts and area held per province and category, and for the whole country.

    Parameters
    ----------
    state
        The state of the districts on one date (:func:`tracker.core.timeline.state_on`, or the
        GeoDataFrame of :func:`attach_geometry`). Districts of the layer missing from it count as
        ``unknown``; rows of districts not in the layer are ignored.
    districts_gdf
        District layer: ``district_code``, ``province_code`` (and ``province_name`` unless
        ``provinces_gdf`` gives the names), geometry.
    provinces_gdf
        Optional province layer whose ``province_name`` values are used.

    Returns
    -------
    pandas.DataFrame
        Tidy long table, one row per (province, category) present, with columns province_code,
        province_name, category, status, controller, districts, area_km2, share. ``category`` is
        the actor for ``controlled`` districts (e.g. ``Taliban``), ``"<actor> (influenced)"`` for
        ``influenced`` ones, else the status (``contested``, ``disputed``, ``unknown``);
        ``controller`` names the actor for held categories only. ``share`` is the category's share
        of the province's area (0..1), so shares of a province add up to 1 and its district counts
        to its number of districts. Rows with province_code ``ALL`` cover the whole layer. Ordered
        by province code (``ALL`` last), then controlled, influenced, contested, disputed, unknown,
        then actor name.
    """
    s.require_columns(districts_gdf, (s.DISTRICT_CODE, s.PROVINCE_CODE), "districts layer")
    areas = district_areas_km2(districts_gdf)
    base = pd.DataFrame({s.DISTRICT_CODE: areas.index.to_numpy(),
                         s.PROVINCE_CODE: districts_gdf[s.PROVINCE_CODE].astype(str).to_numpy(),
                         AREA_KM2: areas.to_numpy()})
    names = pd.Series(dtype=object)
    if s.PROVINCE_NAME in districts_gdf:
        firsts = districts_gdf.drop_duplicates(s.PROVINCE_CODE)
        names = pd.Series(firsts[s.PROVINCE_NAME].to_numpy(),
                          index=firsts[s.PROVINCE_CODE].astype(str))
    if provinces_gdf is not None:
        s.require_columns(provinces_gdf, (s.PROVINCE_CODE, s.PROVINCE_NAME), "provinces layer")
        names = pd.Series(provinces_gdf[s.PROVINCE_NAME].to_numpy(),
                          index=provinces_gdf[s.PROVINCE_CODE].astype(str))
    df = base.merge(_one_row_per_district(state), how="left", on=s.DISTRICT_CODE)
    unknown = df[s.STATUS].isna()
    df.loc[unknown, s.STATUS] = s.UNKNOWN
    df.loc[unknown, s.CONTROLLER] = s.UNKNOWN
    df[CATEGORY], df["_actor"] = _categories(df[s.STATUS], df[s.CONTROLLER])
    keys = [CATEGORY, s.STATUS, "_actor"]
    parts = []
    for scope, frame in (("province", df), ("all", df.assign(**{s.PROVINCE_CODE: ALL_PROVINCES}))):
        g = (frame.groupby([s.PROVINCE_CODE, *keys], dropna=False, sort=False)
             .agg(**{DISTRICTS: (s.DISTRICT_CODE, "size"), AREA_KM2: (AREA_KM2, "sum")})
             .reset_index())
        total = frame.groupby(s.PROVINCE_CODE)[AREA_KM2].sum()
        g[SHARE] = g[AREA_KM2] / g[s.PROVINCE_CODE].map(total).to_numpy()
        g["_last"] = scope == "all"
        parts.append(g)
    out = pd.concat(parts, ignore_index=True)
    out[s.PROVINCE_NAME] = out[s.PROVINCE_CODE].map(names).where(~out["_last"], ALL_PROVINCES_NAME)
    out[s.CONTROLLER] = out.pop("_actor").astype(object).where(lambda x: x.notna(), None)
    out["_order"] = out[s.STATUS].map(_STATUS_ORDER).fillna(len(_STATUS_ORDER))
    out = out.sort_values(["_last", s.PROVINCE_CODE, "_order", CATEGORY], kind="stable")
    out[DISTRICTS] = out[DISTRICTS].astype(np.int64)
    return out[ROLLUP_COLUMNS].reset_index(drop=True)


def attach_geometry(state: pd.DataFrame, districts_gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Join a state table with the districts' names, provinces and geometry.

    Parameters
    ----------
    state
        Output of :func:`tracker.core.timeline.state_on` (or of ``states_on_dates``: one row per
        date and district).
    districts_gdf
        District layer (district_code, district_name, province_code, province_name, geometry).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per district of the layer (per date, for a multi-date state), with the columns of
        :data:`tracker.core.schema.STATE_COLUMNS` present, any other state columns, and geometry, in
        the layer's CRS. Districts missing from the state are ``unknown``; state rows of
        districts not in the layer are dropped (they cannot be drawn).
    """
    s.require_columns(districts_gdf, (s.DISTRICT_CODE,), "districts layer")
    s.require_columns(state, (s.DISTRICT_CODE,), "state table")
    layer_cols = [c for c in (s.DISTRICT_CODE, s.DISTRICT_NAME, s.PROVINCE_CODE, s.PROVINCE_NAME)
                  if c in districts_gdf.columns]
    geo_name = districts_gdf.geometry.name
    layer = districts_gdf[[*layer_cols, geo_name]].copy()
    layer[s.DISTRICT_CODE] = layer[s.DISTRICT_CODE].astype(str)
    extra = [c for c in state.columns if c not in layer_cols and c != geo_name
             and not isinstance(state[c].dtype, gpd.array.GeometryDtype)]
    right = pd.DataFrame(state[extra])
    right[s.DISTRICT_CODE] = state[s.DISTRICT_CODE].astype(str).to_numpy()
    out = layer.merge(right, how="left", on=s.DISTRICT_CODE)
    for col in (s.CONTROLLER, s.STATUS):
        if col not in out:
            out[col] = s.UNKNOWN
        out[col] = out[col].astype(object).where(out[col].notna(), s.UNKNOWN)
    first = [c for c in s.STATE_COLUMNS if c in out.columns]
    rest = [c for c in out.columns if c not in first and c != geo_name]
    return gpd.GeoDataFrame(out[[*first, *rest, geo_name]], geometry=geo_name,
                            crs=districts_gdf.crs)
