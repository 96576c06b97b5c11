"""Boundary layers are checked on ``tracker init``: refused, repaired or reported, never loaded blind.

Layers are small made-up countries written as real files (GeoPackage, GeoJSON, shapefile) in a
projected CRS or in longitude/latitude, plus the real Afghan layers.
"""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from click.testing import CliRunner
from shapely.geometry import LineString, Point, Polygon, box
from sqlalchemy import create_engine, inspect

import tracker
from tracker._errors import InputError
from tracker.cli import main
from tracker.core import schema as s
from tracker.geo.boundaries import boundaries_from_files
from tracker.geo.layer_checks import BoundaryWarning

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "geodata"
COLUMNS = ["--column", "district_code=PCODE", "--column", "district_name=NAME",
           "--column", "province_code=PROV", "--column", "province_name=PROV_NAME"]
# Kandahar-like squares in UTM zone 41N (metres): 10 km districts
UTM = "EPSG:32641"
X0, Y0, KM = 600_000, 3_500_000, 1000


def square(i: int, j: int = 0, size: float = 10) -> Polygon:
    return box(X0 + i * 10 * KM, Y0 + j * 10 * KM, X0 + (i * 10 + size) * KM,
               Y0 + (j * 10 + size) * KM)


def layer(geoms, *, crs=UTM, codes=None) -> gpd.GeoDataFrame:
    codes = codes or [f"XY01{k:02d}" for k in range(1, len(geoms) + 1)]
    return gpd.GeoDataFrame({"PCODE": codes, "NAME": [f"District {c}" for c in codes],
                             "PROV": ["XY01"] * len(geoms), "PROV_NAME": ["Hills"] * len(geoms)},
                            geometry=list(geoms), crs=crs)


def init(tmp_path, path, *extra):
    url = f"sqlite:///{tmp_path / 'b.db'}"
    result = CliRunner().invoke(main, ["init", "--districts", str(path), *COLUMNS, *extra,
                                       "--db", url])
    assert "Traceback" not in result.output and "unexpected" not in result.output
    return result, url


def loaded_districts(url: str) -> int:
    engine = create_engine(url)
    try:
        if not inspect(engine).has_table("districts"):
            return 0
        with engine.connect() as conn:
            return conn.exec_driver_sql("SELECT count(*) FROM districts").scalar()
    finally:
        engine.dispose()


def test_a_layer_of_points_is_refused_naming_its_codes(tmp_path):
    path = tmp_path / "points.geojson"
    layer([Point(X0, Y0), Point(X0 + KM, Y0)]).to_file(path)
    result, url = init(tmp_path, path)
    assert result.exit_code == 1
    assert "2 feature(s) are not polygons (Point): district_code XY0101, XY0102" in result.stderr
    assert loaded_districts(url) == 0


def test_a_line_among_polygons_is_refused(tmp_path):
    path = tmp_path / "mixed.gpkg"
    layer([square(0), LineString([(X0, Y0), (X0 + KM, Y0 + KM)]), square(2)]).to_file(path)
    result, url = init(tmp_path, path)
    assert result.exit_code == 1
    assert "1 feature(s) are not polygons (LineString): district_code XY0102" in result.stderr
    assert loaded_districts(url) == 0


@pytest.mark.parametrize("missing", [None, Polygon()], ids=["null", "empty"])
def test_null_and_empty_geometries_are_refused_with_their_codes(tmp_path, missing):
    path = tmp_path / "holes.gpkg"
    layer([square(0), missing, square(2)]).to_file(path)
    result, url = init(tmp_path, path)
    assert result.exit_code == 1
    assert "1 feature(s) without a geometry (null or empty): district_code XY0102" in (
        result.stderr)
    assert loaded_districts(url) == 0


def test_a_bow_tie_is_repaired_and_the_area_change_reported(tmp_path):
    x, y = X0 + 20 * KM, Y0
    bow_tie = Polygon([(x, y), (x + 10 * KM, y + 10 * KM), (x + 10 * KM, y), (x, y + 10 * KM)])
    assert not bow_tie.is_valid and bow_tie.area == 0  # the shoelace sum cancels out
    path = tmp_path / "bowtie.gpkg"
    layer([square(0), square(1), bow_tie]).to_file(path)
    result, url = init(tmp_path, path)
    assert result.exit_code == 0, result.output
    assert "repaired 1 invalid polygon(s)" in result.stderr
    assert "XY0103 (Self-intersection; area 0.00 -> 50." in result.stderr  # two 25 km2 triangles
    t = tracker.connect(url)
    stored = t.district_layer().set_index(s.DISTRICT_CODE).geometry
    assert stored.is_valid.all()
    area = gpd.GeoSeries([stored["XY0103"]], crs=s.CRS).to_crs(s.EQUAL_AREA_CRS).area.iloc[0]
    assert area == pytest.approx(50e6, rel=0.01)


def test_a_repair_that_leaves_no_area_is_refused(tmp_path):
    flat = Polygon([(X0, Y0), (X0 + KM, Y0), (X0 + 2 * KM, Y0)])  # a polygon with no area
    path = tmp_path / "flat.gpkg"
    layer([square(2), flat]).to_file(path)
    result, url = init(tmp_path, path)
    assert result.exit_code == 1
    assert "no area left after repair: district_code XY0102" in result.stderr
    assert loaded_districts(url) == 0


def _shapefile_without_crs(tmp_path, lonlat: bool) -> Path:
    geoms = [box(65, 31, 65.1, 31.1), box(65.1, 31, 65.2, 31.1)] if lonlat else [square(0)]
    gdf = layer(geoms, crs=None)
    path = tmp_path / "nocrs.shp"
    with warnings.catch_warnings():  # pyogrio warns that the file will have no CRS: the point
        warnings.simplefilter("ignore", UserWarning)
        gdf.to_file(path)
    assert not path.with_suffix(".prj").exists()
    return path


def test_a_layer_without_crs_is_refused_unless_crs_is_given(tmp_path):
    path = _shapefile_without_crs(tmp_path, lonlat=True)
    result, url = init(tmp_path, path)
    assert result.exit_code == 1
    assert "has no coordinate reference system (CRS)" in result.stderr
    assert "--crs" in result.stderr
    assert loaded_districts(url) == 0
    result, url = init(tmp_path, path, "--crs", "EPSG:4326")
    assert result.exit_code == 0, result.output
    assert loaded_districts(url) == 2


def test_an_unknown_crs_name_is_refused(tmp_path):
    result, url = init(tmp_path, _shapefile_without_crs(tmp_path, lonlat=True),
                       "--crs", "EPSG:99999999")
    assert result.exit_code == 1
    assert "--crs 'EPSG:99999999' is not a CRS" in result.stderr
    assert loaded_districts(url) == 0


def test_a_projected_layer_is_reprojected_to_longitude_latitude(tmp_path):
    path = tmp_path / "utm.gpkg"
    layer([square(0), square(1)]).to_file(path)
    result, url = init(tmp_path, path)
    assert result.exit_code == 0, result.output
    bounds = tracker.connect(url).district_layer().total_bounds
    # UTM 41N easting 600-620 km, northing 3500-3510 km: about 64.0-64.3 E, 31.6-31.7 N
    assert 63.9 < bounds[0] < bounds[2] < 64.4 and 31.5 < bounds[1] < bounds[3] < 31.8
    assert "warning" not in result.stderr


def test_overlapping_districts_are_reported_with_codes_and_area(tmp_path):
    path = tmp_path / "overlap.gpkg"
    overlapping = shapely.affinity.translate(square(1), xoff=-4 * KM)  # 4 km x 10 km over XY0101
    layer([square(0), overlapping, square(3)]).to_file(path)
    result, url = init(tmp_path, path)
    assert result.exit_code == 0, result.output
    assert "1 pair(s) of districts overlap: XY0101 and XY0102 (40.0 km2)" in result.stderr
    assert loaded_districts(url) == 3


def test_touching_and_sliver_overlaps_are_not_reported(tmp_path):
    path = tmp_path / "sliver.gpkg"
    sliver = shapely.affinity.translate(square(1), xoff=-10)  # 10 m x 10 km: 0.1 km2
    layer([square(0), sliver, square(2, 0)]).to_file(path)
    result, _ = init(tmp_path, path)
    assert result.exit_code == 0, result.output
    assert "overlap" not in result.stderr


def test_districts_outside_their_province_are_reported(tmp_path):
    districts = layer([square(0), square(1), square(2)])
    provinces = gpd.GeoDataFrame({"PROV": ["XY01"], "PROV_NAME": ["Hills"]},
                                 geometry=[box(X0, Y0, X0 + 20 * KM, Y0 + 10 * KM)], crs=UTM)
    dpath, ppath = tmp_path / "d.gpkg", tmp_path / "p.gpkg"
    districts.to_file(dpath)
    provinces.to_file(ppath)
    result, _ = init(tmp_path, dpath, "--provinces", str(ppath))
    assert result.exit_code == 0, result.output
    assert "1 district(s) reach outside their province: XY0103 (100.0 km2 outside XY01)" in (
        result.stderr)


def test_duplicate_codes_are_refused(tmp_path):
    path = tmp_path / "dup.gpkg"
    layer([square(0), square(1)], codes=["XY0101", "XY0101"]).to_file(path)
    result, url = init(tmp_path, path)
    assert result.exit_code == 1
    assert "repeats district_code 'XY0101'" in result.stderr
    assert loaded_districts(url) == 0


def test_checks_report_through_python_warnings(tmp_path):
    """The API reports repairs and overlaps as BoundaryWarning; refusals as InputError."""
    path = tmp_path / "o.gpkg"
    layer([square(0), shapely.affinity.translate(square(1), xoff=-5 * KM)]).to_file(path)
    cols = {"district_code": "PCODE", "district_name": "NAME", "province_code": "PROV",
            "province_name": "PROV_NAME"}
    with pytest.warns(BoundaryWarning, match="XY0101 and XY0102"):
        boundaries_from_files(path, columns=cols)
    points = tmp_path / "p.gpkg"
    layer([Point(X0, Y0)]).to_file(points)
    with pytest.raises(InputError, match="not polygons"):
        boundaries_from_files(points, columns=cols)


def _no_boundary_warnings(districts, provinces=None, columns=None):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        b = boundaries_from_files(districts, provinces, columns=columns)
    return b, [str(w.message) for w in caught if issubclass(w.category, BoundaryWarning)]


def test_the_shipped_afghan_layers_load_without_warnings():
    b, found = _no_boundary_warnings(ROOT / "geodata" / "afg_districts.geojson",
                                     ROOT / "geodata" / "afg_provinces.geojson")
    assert len(b.districts) == 399 and found == []


def test_the_original_agcho_layers_load_without_warnings(tmp_path):
    """The unsimplified OCHA/AGCHO shapefiles (shared geodata): no repair, overlap or outside."""
    zips = [SHARED / "originals" / f"afg_admbnda_adm{k}_agcho_20180522.zip" for k in (2, 1)]
    if not all(z.exists() for z in zips):
        pytest.skip(f"original AGCHO boundaries not found under {SHARED / 'originals'}")
    for z in zips:
        zipfile.ZipFile(z).extractall(tmp_path)
    d2, d1 = (tmp_path / f"{z.stem}.shp" for z in zips)
    cols = {"district_code": "ADM2_PCODE", "district_name": "ADM2_EN",
            "province_code": "ADM1_PCODE", "province_name": "ADM1_EN"}
    b, found = _no_boundary_warnings(d2, d1, cols)
    assert len(b.districts) == 399 and found == []


def test_polygons_with_heights_are_stored_flat(tmp_path, db_url):
    """A 3-D (PolygonZ) layer loads on both backends; PostGIS would refuse Z in a 2-D column."""
    path = tmp_path / "z.gpkg"
    z = [shapely.force_3d(square(0), 1200.0), shapely.force_3d(square(1), 900.0)]
    layer(z).to_file(path)
    url = db_url
    result = CliRunner().invoke(main, ["init", "--districts", str(path), *COLUMNS, "--db", url])
    assert result.exit_code == 0, result.output
    stored = tracker.connect(url).district_layer()
    assert len(stored) == 2 and not stored.geometry.has_z.any()


def test_control_characters_in_names_are_refused(tmp_path):
    path = tmp_path / "names.gpkg"
    gdf = layer([square(0), square(1)])
    gdf.loc[1, "NAME"] = "South\x07Hill"  # (GDAL cuts strings at a NUL)
    gdf.to_file(path)
    result, url = init(tmp_path, path)
    assert result.exit_code == 1
    assert ("district_name of district_code 'XY0102' holds control character U+0007 at "
            "character 6") in result.stderr
    assert loaded_districts(url) == 0
