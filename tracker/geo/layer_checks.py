"""Checks of a boundary layer before it is loaded: geometry types, validity, CRS, overlaps.

Refused (one-line :class:`~tracker._errors.InputError` naming the codes): features of another
geometry type than Polygon/MultiPolygon, null or empty geometries, a layer without a CRS (unless
one is given), polygons whose repair leaves nothing. Repaired and reported: invalid polygons
(``shapely.make_valid``, keeping the polygonal part), with the area the repair changed. Reported
as warnings (:class:`BoundaryWarning`, the ``warnings`` module): districts overlapping each other
and districts reaching outside their province, with the codes and areas, when larger than
:data:`OVERLAP_KM2` and :data:`OVERLAP_SHARE` (simplified borders leave slivers below these).
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import shapely

from tracker._errors import InputError
from tracker.core import schema as s
from tracker.core.text_rules import ANY_CONTROL, control_character, describe

POLYGONAL = ("Polygon", "MultiPolygon")
# Overlaps and parts outside the province smaller than both are border noise, not reported.
OVERLAP_KM2 = 1.0
OVERLAP_SHARE = 0.005  # of the smaller district's area
SHOWN = 5  # codes named in a message


class BoundaryWarning(UserWarning):
    """Something in a boundary layer worth a look that does not stop it loading."""


def _codes(codes, mask) -> str:
    picked = [str(c) for c in np.asarray(codes, dtype=object)[np.asarray(mask, dtype=bool)]]
    more = f" (+{len(picked) - SHOWN} more)" if len(picked) > SHOWN else ""
    return ", ".join(picked[:SHOWN]) + more


def set_crs(gdf: gpd.GeoDataFrame, path, crs: str | None) -> gpd.GeoDataFrame:
    """The layer with its CRS; without a CRS of its own it needs ``crs`` (``--crs``)."""
    if gdf.crs is None:
        if crs is None:
            msg = (f"boundary file {path} has no coordinate reference system (CRS); give the one "
                   f"its coordinates are in with --crs (e.g. --crs EPSG:4326 for longitude/"
                   f"latitude, or add a .prj file)")
            raise InputError(msg)
        try:
            gdf = gdf.set_crs(crs)
        except Exception as exc:  # pyproj raises CRSError for names it does not know
            msg = f"--crs {crs!r} is not a CRS pyproj knows ({exc}); use e.g. EPSG:4326"
            raise InputError(msg) from None
    return gdf


def checked(gdf: gpd.GeoDataFrame, path, code: str, crs: str | None) -> gpd.GeoDataFrame:
    """The layer checked in its own CRS, then in EPSG:4326 (reprojection can bend a ring)."""
    check_names(gdf, path, code)
    gdf = check_geometries(set_crs(gdf, path, crs), path, code)
    return check_geometries(gdf.to_crs(s.CRS), path, code)


def check_names(gdf: gpd.GeoDataFrame, path, code: str) -> None:
    """Refuse codes and names holding control characters (they would be stored and shown)."""
    for column in gdf.columns:
        if column == gdf.geometry.name:
            continue
        values = gdf[column].astype(str)
        bad = values.str.contains(ANY_CONTROL, regex=True).to_numpy(dtype=bool)
        if bad.any():
            first = int(np.flatnonzero(bad)[0])
            pos, char = control_character(values.iat[first])
            msg = (f"boundary file {path}: {column} of {code} {gdf[code].iat[first]!r} holds "
                   f"control character {describe(char)} at character {pos + 1} ({int(bad.sum())} "
                   f"value(s) in all); fix the names in the file and load again")
            raise InputError(msg)


def check_geometries(gdf: gpd.GeoDataFrame, path, code: str) -> gpd.GeoDataFrame:
    """Refuse null, empty and non-polygonal geometries; repair invalid polygons (reported)."""
    geom = gdf.geometry.to_numpy()
    codes = gdf[code].astype(str).to_numpy()
    missing = shapely.is_missing(geom) | shapely.is_empty(geom)
    if missing.any():
        msg = (f"boundary file {path}: {int(missing.sum())} feature(s) without a geometry "
               f"(null or empty): {code} {_codes(codes, missing)}; give them their polygons or "
               f"remove them")
        raise InputError(msg)
    kinds = gdf.geom_type.to_numpy(dtype=object)
    polygonal = np.isin(kinds, POLYGONAL)
    if not polygonal.all():
        names = sorted({str(k) for k in kinds[~polygonal]})
        msg = (f"boundary file {path}: {int((~polygonal).sum())} feature(s) are not polygons "
               f"({', '.join(names)}): {code} {_codes(codes, ~polygonal)}; a boundary layer "
               f"holds Polygon or MultiPolygon areas")
        raise InputError(msg)
    if shapely.has_z(geom).any():  # heights mean nothing here; the store keeps 2-D shapes
        geom = shapely.force_2d(geom)
        gdf = gdf.set_geometry(gpd.GeoSeries(geom, index=gdf.index, crs=gdf.crs))
    invalid = ~shapely.is_valid(geom)
    if not invalid.any():
        return gdf
    before = _areas_km2(geom[invalid], gdf.crs)
    why = [shapely.is_valid_reason(g) for g in geom[invalid]]
    fixed = np.array([_polygonal_part(shapely.make_valid(g)) for g in geom[invalid]],
                     dtype=object)
    gone = shapely.is_empty(fixed)
    if gone.any():
        msg = (f"boundary file {path}: invalid polygon(s) with no area left after repair: "
               f"{code} {_codes(codes[invalid], gone)}; fix them in a GIS and load again")
        raise InputError(msg)
    after = _areas_km2(fixed, gdf.crs)
    geom = geom.copy()
    geom[invalid] = fixed
    gdf = gdf.set_geometry(gpd.GeoSeries(geom, index=gdf.index, crs=gdf.crs))
    details = [f"{c} ({w.split('[')[0].strip()}; area {b:,.2f} -> {a:,.2f} km2)"
               for c, w, b, a in zip(codes[invalid], why, before, after, strict=True)]
    more = f" (+{len(details) - SHOWN} more)" if len(details) > SHOWN else ""
    warnings.warn(BoundaryWarning(
        f"boundary file {path}: repaired {len(details)} invalid polygon(s) with make_valid, "
        f"keeping their polygonal part: {'; '.join(details[:SHOWN])}{more}"), stacklevel=2)
    return gdf


def _polygonal_part(geom):
    """The Polygon/MultiPolygon part of a geometry (empty when it has none)."""
    if geom.geom_type in POLYGONAL:
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in POLYGONAL]
    polys = [p for g in parts for p in shapely.get_parts(g)]
    if not polys:
        return shapely.Polygon()
    return polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)


def _areas_km2(geoms, crs=s.CRS) -> np.ndarray:
    return gpd.GeoSeries(geoms, crs=crs).to_crs(s.EQUAL_AREA_CRS).area.to_numpy() / 1e6


def _worth_reporting(km2: np.ndarray, of_km2: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(of_km2 > 0, km2 / of_km2, 1.0)
    return (km2 > OVERLAP_KM2) & (share > OVERLAP_SHARE)


def warn_overlaps(districts: gpd.GeoDataFrame, path) -> None:
    """Warn of districts overlapping each other by more than the tolerances."""
    geom = districts.geometry.to_numpy()
    left, right = districts.sindex.query(geom, predicate="intersects")
    pairs = left < right
    left, right = left[pairs], right[pairs]
    if not len(left):
        return
    shared = shapely.intersection(geom[left], geom[right])
    km2 = _areas_km2(shared)
    area = _areas_km2(geom)
    big = _worth_reporting(km2, np.minimum(area[left], area[right]))
    if not big.any():
        return
    codes = districts[s.DISTRICT_CODE].astype(str).to_numpy()
    order = np.argsort(-km2[big])
    details = [f"{codes[a]} and {codes[b]} ({k:,.1f} km2)" for a, b, k in
               zip(left[big][order], right[big][order], km2[big][order], strict=True)]
    more = f" (+{len(details) - SHOWN} more)" if len(details) > SHOWN else ""
    warnings.warn(BoundaryWarning(
        f"boundary file {path}: {len(details)} pair(s) of districts overlap: "
        f"{'; '.join(details[:SHOWN])}{more}; an area held by one is drawn under both"),
        stacklevel=2)


def warn_outside_provinces(districts: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame,
                           path) -> None:
    """Warn of districts reaching outside their province by more than the tolerances."""
    prov = provinces.set_index(s.PROVINCE_CODE).geometry
    own = prov.reindex(districts[s.PROVINCE_CODE]).to_numpy()
    have = ~shapely.is_missing(own)
    geom = districts.geometry.to_numpy()
    outside = np.zeros(len(geom))
    outside[have] = _areas_km2(shapely.difference(geom[have], own[have]))
    big = _worth_reporting(outside, _areas_km2(geom))
    if not big.any():
        return
    rows = np.flatnonzero(big)[np.argsort(-outside[big])]
    codes = districts[s.DISTRICT_CODE].astype(str).to_numpy()
    pcodes = districts[s.PROVINCE_CODE].astype(str).to_numpy()
    details = [f"{codes[r]} ({outside[r]:,.1f} km2 outside {pcodes[r]})" for r in rows]
    more = f" (+{len(details) - SHOWN} more)" if len(details) > SHOWN else ""
    warnings.warn(BoundaryWarning(
        f"{path}: {len(details)} district(s) reach outside their province: "
        f"{'; '.join(details[:SHOWN])}{more}; check the province_code column or the layers"),
        stacklevel=2)
