"""Boundary data: the shipped set, a user's own files, and packaging into the wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

import tracker
from tracker._errors import InputError
from tracker.core import schema as s
from tracker.geo.boundaries import boundaries_from_files, default_boundaries, read_boundaries

ROOT = Path(__file__).resolve().parent.parent


def test_shipped_boundaries_have_399_districts_in_34_provinces():
    b = default_boundaries()
    assert len(b.districts) == 399
    assert len(b.provinces) == 34
    assert b.districts[s.DISTRICT_CODE].is_unique
    # every district code starts with its province code (a fact of the OCHA pcodes)
    codes = b.districts[s.DISTRICT_CODE]
    assert (codes.str[:4] == b.districts[s.PROVINCE_CODE]).all()
    assert set(b.districts[s.PROVINCE_CODE]) == set(b.provinces[s.PROVINCE_CODE])
    andarab = b.districts.set_index(s.DISTRICT_CODE).loc["AF0907"]
    assert andarab[s.DISTRICT_NAME] == "Andarab"
    assert andarab[s.PROVINCE_NAME] == "Baghlan"
    assert str(b.districts.crs) == "EPSG:4326"
    assert "humanitarian" in b.use_limitation


def test_init_loads_boundaries_once(fresh):
    assert fresh.init() is False  # second run: nothing to do
    districts = fresh.district_layer()
    assert len(districts) == 399
    panjsher = districts[districts[s.PROVINCE_CODE] == "AF08"]
    assert sorted(panjsher[s.DISTRICT_NAME]) == sorted(
        ["Bazarak", "Rukha", "Dara", "Khenj", "Anawa", "Shutul", "Paryan"])
    assert districts.geometry.is_valid.all()
    assert len(fresh.province_layer()) == 34


def _toy_country(tmp_path) -> Path:
    """A made-up country's districts with its own column names, as a GeoPackage."""
    gdf = gpd.GeoDataFrame(
        {"ADM2_PCODE": ["XY0101", "XY0102", "XY0201"],
         "ADM2_EN": ["North Hill", "South Hill", "Riverside"],
         "ADM1_PCODE": ["XY01", "XY01", "XY02"],
         "ADM1_EN": ["Hills", "Hills", "River"]},
        geometry=[box(0, 0, 1, 1), box(0, 1, 1, 2), box(1, 0, 2, 2)], crs="EPSG:4326")
    path = tmp_path / "toy.gpkg"
    gdf.to_file(path, layer="adm2")
    return path


COLUMNS = {"district_code": "ADM2_PCODE", "district_name": "ADM2_EN",
           "province_code": "ADM1_PCODE", "province_name": "ADM1_EN"}


def test_another_country_with_column_mapping(tmp_path):
    b = boundaries_from_files(_toy_country(tmp_path), columns=COLUMNS, name="Toyland")
    assert list(b.districts[s.DISTRICT_CODE]) == ["XY0101", "XY0102", "XY0201"]
    assert sorted(b.provinces[s.PROVINCE_CODE]) == ["XY01", "XY02"]
    t = tracker.connect(f"sqlite:///{tmp_path / 'toy.db'}")
    t.init(b)
    csv = tmp_path / "events.csv"
    csv.write_text("date,district,controller\n2024-03-01,Riverside,Blue army\n"
                   "2024-03-05,XY0101,Red militia\n", encoding="utf-8")
    assert t.import_csv(csv).added == 2
    state = t.status("2024-03-06").set_index(s.DISTRICT_CODE)
    assert state.loc["XY0201", s.CONTROLLER] == "Blue army"
    assert state.loc["XY0101", s.CONTROLLER] == "Red militia"
    assert state.loc["XY0102", s.STATUS] == s.UNKNOWN


def test_missing_column_mapping_is_a_clear_error(tmp_path):
    # COD-AB columns are recognised now (issue 12); columns of no known convention are not
    gdf = gpd.read_file(_toy_country(tmp_path)).rename(
        columns={"ADM2_PCODE": "CODE_B", "ADM2_EN": "LABEL_B"})
    gdf.to_file(tmp_path / "odd.gpkg")
    with pytest.raises(InputError, match=r"lacks column\(s\) district_code.*CODE_B.*--column"):
        read_boundaries(tmp_path / "odd.gpkg", level="district")


def test_wheel_contains_the_boundary_data(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    wheel = next(tmp_path.glob("*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for f in ("afg_districts.geojson", "afg_provinces.geojson", "dataset.toml", "SOURCES.md",
              "afg_district_name_variants.csv", "afg_geonames_places_by_district.csv"):
        assert f"tracker/_geodata/{f}" in names
    assert "tracker/data/afghanistan-2021.csv" in names
    assert "tracker/cli.py" in names


def test_installed_wheel_finds_its_data(tmp_path):
    """Install the wheel into a folder of its own and use it from elsewhere (not the checkout)."""
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp_path / "dist"), str(ROOT)], check=True)
    wheel = next((tmp_path / "dist").glob("*.whl"))
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(target), str(wheel)], check=True)
    code = ("import tracker, tracker.geo.boundaries as g; b = g.default_boundaries(); "
            "print(tracker.__file__); print(g.default_dir()); print(len(b.districts))")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
                         check=True).stdout.splitlines()
    assert out[0].startswith(str(target))
    assert out[1].startswith(str(target))
    assert out[2] == "399"


def test_boundaries_grow_under_stored_events_and_aliases(tmp_path):
    """New boundaries keeping every used code replace the old; dropping a used one is refused."""
    t = tracker.connect(f"sqlite:///{tmp_path / 'grow.db'}")
    t.init(boundaries_from_files(_toy_country(tmp_path), columns=COLUMNS, name="Toyland"))
    csv = tmp_path / "events.csv"
    csv.write_text("date,district,controller\n2024-03-01,XY0201,Blue army\n", encoding="utf-8")
    assert t.import_csv(csv).added == 1
    t.add_alias("Lowland", "XY0102")
    grown = gpd.GeoDataFrame(
        {"ADM2_PCODE": ["XY0101", "XY0102", "XY0201", "XY0301"],
         "ADM2_EN": ["North Hill", "South Hill", "Riverbank", "Lakeside"],
         "ADM1_PCODE": ["XY01", "XY01", "XY02", "XY03"],
         "ADM1_EN": ["Hills", "Hills", "River", "Lake"]},
        geometry=[box(0, 0, 1, 1), box(0, 1, 1, 2), box(1, 0, 2, 2), box(2, 0, 3, 2)],
        crs="EPSG:4326")
    grown.to_file(tmp_path / "grown.gpkg", layer="adm2")
    assert t.init(boundaries_from_files(tmp_path / "grown.gpkg", columns=COLUMNS, name="Toy 2"))
    names = t.district_layer().set_index(s.DISTRICT_CODE)[s.DISTRICT_NAME]
    assert names.to_dict() == {"XY0101": "North Hill", "XY0102": "South Hill",
                               "XY0201": "Riverbank", "XY0301": "Lakeside"}
    assert t.status("2024-03-02").set_index(s.DISTRICT_CODE).loc["XY0201", s.CONTROLLER] == (
        "Blue army")
    shrunk = grown[grown["ADM2_PCODE"] != "XY0102"]
    shrunk.to_file(tmp_path / "shrunk.gpkg", layer="adm2")
    with pytest.raises(InputError, match=r"XY0102.*new database"):
        t.init(boundaries_from_files(tmp_path / "shrunk.gpkg", columns=COLUMNS, name="Toy 3"))
    assert len(t.district_layer()) == 4


def test_a_column_mapping_for_no_standard_column_is_refused(tmp_path):
    """A misspelt standard name would otherwise be ignored without a word."""
    with pytest.raises(InputError, match="'provnce_code' is not a standard column"):
        boundaries_from_files(_toy_country(tmp_path), columns={**COLUMNS, "provnce_code": "X"})
