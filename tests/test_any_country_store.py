"""Issue 12 through the store and the command line, on SQLite and PostgreSQL: boundary column
conventions, credit, alias tables, places, the --suggest loop, contested with one actor or none,
actor colours and sides."""

from __future__ import annotations

import csv
import json

import geopandas as gpd
import pandas as pd
import pytest
from click.testing import CliRunner
from shapely.geometry import box

import tracker
from tracker._errors import InputError, NotFoundError
from tracker.cli import main
from tracker.core import schema as s
from tracker.geo.boundaries import boundaries_from_files, read_boundaries

# A made-up country in MIMU's column convention (TS_PCODE, TS, ST_PCODE, ST); one town name
# (Kyaukme) is also a district of another province.
TOY = [
    ("TY001001", "Myitkyina", "TY001", "Kachin", box(0, 0, 1, 1)),
    ("TY001002", "Bhamo", "TY001", "Kachin", box(1, 0, 2, 1)),
    ("TY002001", "Lashio", "TY002", "Shan (North)", box(0, 1, 1, 2)),
    ("TY002002", "Hsipaw", "TY002", "Shan (North)", box(1, 1, 2, 2)),
    ("TY003001", "Kyaukme", "TY003", "Mandalay", box(2, 0, 3, 2)),
    ("TY003002", "Mogoke", "TY003", "Mandalay", box(3, 0, 4, 2)),
]


def toy_file(tmp_path, columns=("TS_PCODE", "TS", "ST_PCODE", "ST"), name="toy.geojson"):
    frame = pd.DataFrame([r[:4] for r in TOY], columns=list(columns))
    path = tmp_path / name
    gpd.GeoDataFrame(frame, geometry=[r[4] for r in TOY], crs="EPSG:4326").to_file(path)
    return path


@pytest.fixture
def toy(db_url, tmp_path) -> tracker.Tracker:
    t = tracker.connect(db_url)
    t.init(boundaries_from_files(toy_file(tmp_path), name="Toyland"))
    yield t
    t.engine.dispose()


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def write_csv(path, rows: list[dict]) -> None:
    """Rows (dicts of one shape) as a CSV file, as a user saves the ones they keep."""
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


# --- 8. boundary files without flags -----------------------------------------------------------
@pytest.mark.parametrize(("columns", "convention"), [
    (("TS_PCODE", "TS", "ST_PCODE", "ST"), "MIMU"),
    (("ADM2_PCODE", "ADM2_EN", "ADM1_PCODE", "ADM1_EN"), "COD-AB ADM2"),
    (("ADM3_PCODE", "ADM3_EN", "ADM1_PCODE", "ADM1_EN"), "COD-AB ADM3"),
    (("adm2_pcode", "adm2_name", "adm1_pcode", "adm1_name"), "COD-AB lower case, _name"),
    (("GID_2", "NAME_2", "GID_1", "NAME_1"), "GADM"),
])
def test_boundary_conventions_are_recognised(tmp_path, columns, convention):
    got = read_boundaries(toy_file(tmp_path, columns), level="district")
    assert got[s.DISTRICT_CODE].tolist() == [r[0] for r in sorted(TOY)]
    assert got.set_index(s.DISTRICT_CODE).loc["TY002001", s.PROVINCE_NAME] == "Shan (North)"


def test_geoboundaries_districts_take_their_province_by_spatial_join(tmp_path):
    districts = toy_file(tmp_path, ("shapeID", "shapeName", "x", "y"), "gb2.geojson")
    provinces = tmp_path / "gb1.geojson"
    gpd.GeoDataFrame({"shapeID": ["P-K", "P-S", "P-M"], "shapeName": ["Kachin", "Shan", "Mdy"]},
                     geometry=[box(0, 0, 2, 1), box(0, 1, 2, 2), box(2, 0, 4, 2)],
                     crs="EPSG:4326").to_file(provinces)
    got = boundaries_from_files(districts, provinces).districts.set_index(s.DISTRICT_CODE)
    assert got.loc["TY002002", [s.PROVINCE_CODE, s.PROVINCE_NAME]].tolist() == ["P-S", "Shan"]
    assert got.loc["TY003002", s.PROVINCE_NAME] == "Mdy"


def test_flags_win_and_unknown_columns_are_listed(tmp_path):
    path = toy_file(tmp_path)
    frame = gpd.read_file(path)
    frame["ST_LONG"] = frame["ST"] + " State"
    frame.to_file(tmp_path / "long.geojson")
    got = read_boundaries(tmp_path / "long.geojson", level="district",
                          columns={"province_name": "ST_LONG"})
    assert got.set_index(s.DISTRICT_CODE).loc["TY001002", s.PROVINCE_NAME] == "Kachin State"
    odd = toy_file(tmp_path, ("CODE_X", "LABEL_X", "P_X", "PN_X"), "odd.geojson")
    with pytest.raises(InputError, match=r"it has columns CODE_X, LABEL_X, P_X, PN_X.*--column"):
        read_boundaries(odd, level="district")


def test_sudan_cod_ab_original_is_read_without_flags():
    from pathlib import Path

    path = (Path(__file__).resolve().parents[1].parent
            / "shared/geodata/sdn/originals/sdn_admin2_ocha_v03.gpkg")
    if not path.exists():
        pytest.skip(f"the Sudan COD-AB layer is absent ({path}); it lives in ../shared/geodata")
    b = boundaries_from_files(path)
    assert len(b.districts) == 189 and len(b.provinces) == 19  # 18 states and Abyei
    from tracker.names.gazetteer import Gazetteer

    gaz = Gazetteer.from_boundaries(b)
    assert gaz.resolve_province("Khartoum State").name == "Khartoum"
    assert gaz.resolve_province("Al Jazirah State").name == "Aj Jazirah"
    assert gaz.resolve_province("Northern State").name == "Northern"
    assert gaz.resolve_province("North Darfur State").name == "North Darfur"
    with pytest.raises(Exception, match="unknown province 'Gezira'"):
        gaz.resolve_province("Gezira")  # another romanisation altogether: an alias's job
    assert gaz.resolve_district("Jebel Awlia", province="Khartoum State").code == "SD01001"


# --- 9. credit ---------------------------------------------------------------------------------
def test_credit_from_a_sidecar_or_the_flag_reaches_maps_and_exports(db_url, tmp_path):
    path = toy_file(tmp_path)
    bare = run("init", "--districts", path, "--db", db_url)
    assert bare.exit_code == 0
    assert (f"note: no credit for {path}: maps and exports will not name the boundaries' "
            f"source; give it with `tracker init --districts ... --credit TEXT` or in "
            f"toy.geojson.credit.txt next to the file") in bare.output
    path.with_name("toy.geojson.credit.txt").write_text(
        "Toy Survey Office, 2024.\nUse limitation: for testing only.\n", encoding="utf-8")
    found = run("init", "--districts", path, "--db", db_url)
    assert found.exit_code == 0 and "no credit" not in found.output
    t = tracker.connect(db_url)
    events = tmp_path / "e.csv"
    events.write_text("date,district,controller\n2024-01-01,Lashio,MNDAA\n", encoding="utf-8")
    t.import_csv(events)
    written = t.export(tmp_path / "x.csv", date="2024-01-02")
    assert "Toy Survey Office, 2024." in written[1].read_text(encoding="utf-8")
    assert "for testing only" in written[1].read_text(encoding="utf-8")
    given = run("init", "--districts", path, "--credit", "Boundaries: <Toy> & co", "--db", db_url)
    assert "no credit" not in given.output
    html = t.map().get_root().render()
    assert "Boundaries: &lt;Toy&gt; &amp; co" in html or "Boundaries: \\u003cToy" in html
    assert run("init", "--districts", path, "--db", db_url).exit_code == 0
    kept = t.export(tmp_path / "y.csv", date="2024-01-02")[1].read_text(encoding="utf-8")
    assert "Boundaries: <Toy> & co" in kept  # the sidecar fills a missing credit, no other
    t.engine.dispose()


# --- 3. aliases in bulk ------------------------------------------------------------------------
def test_alias_import_list_remove(toy, tmp_path):
    good = tmp_path / "aliases.csv"
    good.write_text("name,district,province,level\n"
                    "Myitkyinar,TY001001,,\n"            # by code
                    "Thibaw,Hsipaw,Shan (North),\n"      # by name, with its province
                    "Kachin Land,,Kachin,province\n", encoding="utf-8")
    assert toy.import_aliases(good) == (2, 1)
    assert toy.resolve("Thibaw").code == "TY002002"
    assert toy.resolve("Bhamo", province="Kachin Land").code == "TY001002"
    listed = toy.aliases()
    assert listed[["name", "level", "code"]].values.tolist() == [
        ["Myitkyinar", "district", "TY001001"], ["Thibaw", "district", "TY002002"],
        ["Kachin Land", "province", "TY001"]]
    assert toy.remove_alias("Thibaw") == 1
    with pytest.raises(NotFoundError, match="no alias 'Thibaw'"):
        toy.remove_alias("Thibaw")
    with pytest.raises(Exception, match="Thibaw"):
        toy.resolve("Thibaw")


def test_a_bad_alias_file_lists_every_bad_line_and_stores_nothing(toy, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("name,district,province,level\n"
                   "Fine,Lashio,,\n"
                   "Nowhere,Atlantis,,\n"                # unknown district
                   "Twice,Lashio,,\n"
                   "Twice,Bhamo,,\n"                     # one name, two targets
                   "Odd,Lashio,,county\n"
                   "Hsipaw,Lashio,,\n", encoding="utf-8")  # official name of a neighbour
    with pytest.raises(InputError) as err:
        toy.import_aliases(bad)
    text = str(err.value)
    assert "4 bad line(s), no alias stored" in text
    assert "line 7, name='Hsipaw': 'Hsipaw' is the official name of Hsipaw" in text
    assert "line 3, district='Atlantis'" in text and "line 5, name='Twice'" in text
    assert "line 6, level='county'" in text and "\n" not in text
    assert toy.aliases().empty


def test_alias_commands_and_init_variants(db_url, tmp_path):
    variants = tmp_path / "v.csv"
    variants.write_text("name,district\nLasho,TY002001\n", encoding="utf-8")
    out = run("init", "--districts", toy_file(tmp_path), "--variants", variants, "--db", db_url)
    assert out.exit_code == 0, out.output
    assert "aliases loaded from" in out.output
    more = tmp_path / "m.csv"
    more.write_text("name,district,province\nMogok,Mogoke,Mandalay\n", encoding="utf-8")
    assert "stored 1 district alias(es)" in run("alias", "import", more, "--db", db_url).output
    listed = json.loads(run("alias", "list", "--format", "json", "--db", db_url).output)
    assert [(r["name"], r["code"]) for r in listed] == [("Lasho", "TY002001"),
                                                       ("Mogok", "TY003002")]
    assert run("alias", "remove", "Lasho", "--db", db_url).exit_code == 0
    gone = run("alias", "remove", "Lasho", "--db", db_url)
    assert gone.exit_code == 1 and "no alias 'Lasho'" in gone.output


@pytest.mark.parametrize("line", ["Lasho,TY009009", "Lasho,Atlantis", "Hsipaw,Lashio"],
                         ids=["unknown code", "unknown district", "official name of another"])
def test_init_with_a_bad_variants_file_writes_nothing(db_url, tmp_path, line):
    """The alias file is resolved against the boundaries before anything is written: a refused
    file leaves a new database without schema or boundaries (and no SQLite file at all), not
    boundaries loaded and no alias."""
    variants = tmp_path / "v.csv"
    variants.write_text(f"name,district\n{line}\n", encoding="utf-8")
    out = run("init", "--districts", toy_file(tmp_path), "--variants", variants, "--db", db_url)
    assert out.exit_code == 1
    assert out.output.startswith(f"error: {variants}: 1 bad line(s), no alias stored: line 2")
    if db_url.startswith("sqlite"):
        assert not (tmp_path / "tracker.db").exists()
    status = run("status", "--date", "2021-01-01", "--db", db_url)
    assert status.exit_code == 1
    assert "run `tracker init` first" in status.output
    assert run("init", "--districts", toy_file(tmp_path), "--db", db_url).exit_code == 0


def test_init_variants_on_a_loaded_database_resolve_with_its_aliases(db_url, tmp_path):
    """Run twice, ``init --variants`` resolves names with the aliases stored already (an alias
    file may name a district by an alias of the first run)."""
    first = tmp_path / "v.csv"
    first.write_text("name,district\nRed Hill,TY002001\n", encoding="utf-8")
    assert run("init", "--districts", toy_file(tmp_path), "--variants", first,
               "--db", db_url).exit_code == 0
    second = tmp_path / "w.csv"
    second.write_text("name,district\nRed Hill Town,Red Hill\n", encoding="utf-8")
    out = run("init", "--districts", toy_file(tmp_path), "--variants", second, "--db", db_url)
    assert out.exit_code == 0, out.output
    assert tracker.connect(db_url).resolve("Red Hill Town").code == "TY002001"


# --- 4. places for any country -----------------------------------------------------------------
def _geonames_line(gid, name, alternates, lat, lon, fclass="P", fcode="PPL"):
    cols = [str(gid), name, name, alternates, str(lat), str(lon), fclass, fcode, "TY", "", "", "",
            "", "", "0", "", "100", "Asia/Yangon", "2024-01-01"]
    return "\t".join(cols)


def test_places_from_geonames_and_csv(toy, tmp_path):
    dump = tmp_path / "TY.txt"
    dump.write_text("\n".join([
        _geonames_line(1, "Chinshwehaw", "Chin Shwe Haw,Kyin Shwe Haw", 0.5, 1.5),   # Hsipaw
        _geonames_line(2, "Kyaukme", "", 1.5, 0.5),                 # a village in Lashio
        _geonames_line(3, "Far Away", "", 50, 50),                  # outside every district
        _geonames_line(4, "Hsipaw River", "", 1.5, 1.5, "H", "STM"),  # a stream: not a place
    ]) + "\n", encoding="utf-8")
    r = toy.import_places(dump)
    assert (r.format, r.added, r.outside) == ("geonames", 2, 1)
    m = toy.resolve("Kyin Shwe Haw")
    assert (m.code, m.rule, m.matched) == ("TY001002", "place", "Kyin Shwe Haw")
    # a name that is both a place and a district is the district, unless the province says so
    assert toy.resolve("Kyaukme").code == "TY003001"
    assert toy.resolve("Kyaukme", province="Shan (North)").code == "TY002001"
    out = run("resolve", "Chin Shwe Haw", "--db", toy.url)
    assert "\tplace\tplace Chin Shwe Haw\t" in out.output
    plain = tmp_path / "crossings.csv"
    plain.write_text('name,lon,lat,alternate_names\n'
                     'Gate 105,3.5,1.5,"Kyin San Kyawt|Kyinsan Kyawt"\n', encoding="utf-8")
    assert toy.import_places(plain).added == 1
    assert toy.resolve("Kyinsan Kyawt").code == "TY003002"
    assert toy.import_places(plain).already == 1  # twice adds nothing


def test_a_bad_places_file_stores_nothing(toy, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("name,lon,lat\nGood,0.5,0.5\nBad,east,0.5\nWorse,500,0\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"2 bad line\(s\), no place stored: "
                       r"line 3, lon='east': not a number.*line 4, lon='500': outside -180"):
        toy.import_places(bad)
    missing = tmp_path / "m.csv"
    missing.write_text("town,x,y\nA,1,1\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"missing required column.*name, lon, lat"):
        toy.import_places(missing)
    with pytest.raises(Exception, match="unknown district 'Good'"):
        toy.resolve("Good")


# --- 6. the reconciliation loop ----------------------------------------------------------------
def test_suggest_then_alias_import_then_import(toy, tmp_path):
    events = tmp_path / "events.csv"
    events.write_text("date,district,province,controller,status\n"
                      "2024-01-01,Lasho Myo,northern Shan State,MNDAA,controlled\n"
                      "2024-01-02,Hsipau Myo,Shan State,TNLA,contested\n"
                      "2024-01-03,Bhamo,Kachin Special Region,KIA,controlled\n", encoding="utf-8")
    sugg = tmp_path / "suggest.csv"
    out = run("import", events, "--suggest", sugg, "--db", toy.url)
    assert out.exit_code == 1 and "candidates for 3 name(s) written to" in out.output
    rows = list(csv.DictReader(sugg.open(encoding="utf-8")))
    assert list(rows[0])[:4] == ["name", "district", "province", "level"]
    hsipau = [r for r in rows if r["name"] == "Hsipau Myo"]
    assert 1 <= len(hsipau) <= 3 and hsipau[0]["lines"] == "3"
    assert {"rule", "score", "district_name"} <= set(rows[0])
    hint = [r for r in rows if r["level"] == "province"]
    assert [(r["name"], r["province"]) for r in hint] == [("Kachin Special Region", "TY001")]
    # the user keeps one candidate per name (the right ones, picked here by the test)
    keep = {"Lasho Myo": "TY002001", "Hsipau Myo": "TY002002"}
    kept = [r for r in rows if r["level"] == "province" or keep.get(r["name"]) == r["district"]]
    assert len(kept) == 3
    write_csv(tmp_path / "kept.csv", kept)
    assert run("alias", "import", tmp_path / "kept.csv", "--db", toy.url).exit_code == 0
    done = run("import", events, "--db", toy.url)
    assert done.exit_code == 0, done.output
    assert "added 3 event(s)" in done.output
    got = toy.events().sort_values(s.DATE)[s.DISTRICT_CODE].tolist()
    assert got == ["TY002001", "TY002002", "TY001002"]


# --- 7. contested with one actor or none, through the store ------------------------------------
def test_contested_with_one_actor_or_none_everywhere(toy, tmp_path):
    events = tmp_path / "c.csv"
    events.write_text("event_id,date,district,controller,status,source,reported_on\n"
                      "c1,2024-01-01,Hsipaw,Myanmar military,controlled,A,2024-01-01\n"
                      "c2,2024-02-01,Hsipaw,TNLA,contested,B,2024-02-01\n"
                      "c3,2024-01-01,Bhamo,,contested,C,2024-01-01\n"
                      "c4,2024-03-01,Hsipaw,TNLA,controlled,D,2024-03-01\n", encoding="utf-8")
    toy.import_csv(events)
    state = toy.status("2024-02-10").set_index(s.DISTRICT_CODE)
    assert state.loc["TY002002", [s.CONTROLLER, s.STATUS]].tolist() == [
        "Myanmar military;TNLA", "contested"]
    assert state.loc["TY001002", [s.CONTROLLER, s.STATUS]].tolist() == ["", "contested"]
    assert toy.status("2024-02-10", known_on="2024-01-15").set_index(
        s.DISTRICT_CODE).loc["TY002002", s.CONTROLLER] == "Myanmar military"
    changed = toy.diff("2024-01-15", "2024-02-15").set_index(s.DISTRICT_CODE)
    assert changed.loc["TY002002", "new_controller"] == "Myanmar military;TNLA"
    assert toy.history("Hsipaw")[s.CONTROLLER].tolist() == ["Myanmar military", "TNLA", "TNLA"]
    rollup = toy.provinces("2024-02-10")
    assert rollup[(rollup[s.PROVINCE_CODE] == "ALL")
                  & (rollup[s.STATUS] == s.CONTESTED)]["districts"].sum() == 2
    toy.export(tmp_path / "iv.csv", intervals=True)
    iv = pd.read_csv(tmp_path / "iv.csv", dtype=str, keep_default_na=False)
    assert "Myanmar military;TNLA" in iv[s.CONTROLLER].tolist()
    html = toy.map().get_root().render()
    assert "Myanmar military;TNLA" in html


def test_contested_with_one_actor_on_the_five_level_scale(toy, tmp_path):
    toy.set_status_scale("five-level")
    events = tmp_path / "f.csv"
    events.write_text("date,district,controller,status\n"
                      "2024-01-01,Mogoke,Myanmar military,influenced\n"
                      "2024-02-01,Mogoke,TNLA,contested\n", encoding="utf-8")
    toy.import_csv(events)
    row = toy.status("2024-02-02").set_index(s.DISTRICT_CODE).loc["TY003002"]
    assert (row[s.CONTROLLER], row[s.STATUS]) == ("Myanmar military;TNLA", "contested")


def test_suggest_offers_provinces_for_an_unknown_province_whose_district_fails_too(toy,
                                                                                  tmp_path):
    # A news form of both names ("Gezira" for Aj Jazirah, "Wad Madani" for its locality): the
    # province is neither a hint to pass over nor a group, so the user gets its candidates too.
    events = tmp_path / "events.csv"
    events.write_text("date,district,province,controller,status\n"
                      "2024-01-03,Bamaw Town,Kachin Hills,KIA,controlled\n"
                      "2024-01-04,Mogoke,Kachin Hills,TNLA,controlled\n", encoding="utf-8")
    sugg = tmp_path / "suggest.csv"
    out = run("import", events, "--suggest", sugg, "--db", toy.url)
    assert out.exit_code == 1 and "candidates for 2 name(s) written to" in out.output
    rows = list(csv.DictReader(sugg.open(encoding="utf-8")))
    hills = [r for r in rows if r["name"] == "Kachin Hills" and r["rule"] == "fuzzy"]
    assert [r["level"] for r in hills] == ["province"] * 3
    # Mogoke resolved on its own: the province it lies in is offered as well
    assert [(r["province"], r["lines"]) for r in rows if r["name"] == "Kachin Hills"
            and r["rule"] == "province of the district"] == [("TY003", "3")]
    assert hills[0]["province"] == "TY001" and hills[0]["province_name"] == "Kachin"
    assert hills[0]["lines"] == "2" and hills[0]["district"] == ""
    assert float(hills[0]["score"]) > float(hills[1]["score"])
    keep = [r for r in rows if (r["name"], r["province"]) == ("Kachin Hills", "TY001")
            or (r["name"], r["district"]) == ("Bamaw Town", "TY001002")]
    assert len(keep) == 2
    write_csv(tmp_path / "kept.csv", keep)
    assert run("alias", "import", tmp_path / "kept.csv", "--db", toy.url).exit_code == 0
    # Mogoke lies in Mandalay, not in the province the user's alias names: still refused
    refused = run("import", events, "--db", toy.url)
    assert refused.exit_code == 1 and "'Mogoke'" in refused.output
    events.write_text("date,district,province,controller,status\n"
                      "2024-01-03,Bamaw Town,Kachin Hills,KIA,controlled\n", encoding="utf-8")
    done = run("import", events, "--db", toy.url)
    assert done.exit_code == 0 and "added 1 event(s)" in done.output, done.output
    assert toy.events()[s.DISTRICT_CODE].tolist() == ["TY001002"]


def test_suggest_is_for_events_files(toy, tmp_path):
    acled = tmp_path / "acled.csv"
    acled.write_text("event_id_cnty,event_date,timestamp\nX1,2024-01-01,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="--suggest reads events files"):
        toy.import_file(acled, format="acled", suggest=tmp_path / "s.csv")


# --- 10. actor colours and sides ---------------------------------------------------------------
def test_actor_colours_and_sides(toy, tmp_path):
    events = tmp_path / "e.csv"
    events.write_text("date,district,controller,status\n"
                      "2024-01-01,Lashio,MNDAA,controlled\n"
                      "2024-01-01,Hsipaw,TNLA,controlled\n"
                      "2024-01-01,Bhamo,KIA,controlled\n"
                      "2024-01-01,Mogoke,MNDAA;Myanmar military,contested\n", encoding="utf-8")
    toy.import_csv(events)
    assert run("actor", "color", "KIA", "#1B9E77", "--db", toy.url).exit_code == 0
    bad = run("actor", "color", "KIA", "green", "--db", toy.url)
    assert bad.exit_code == 1 and "is not #rrggbb" in bad.output
    for actor in ("MNDAA", "TNLA"):
        assert run("actor", "side", actor, "Alliance", "--db", toy.url).exit_code == 0
    toy.set_actor_color("Alliance", "#d95f02")
    styles = toy.actor_styles().set_index("actor")
    assert styles.loc["KIA", "color"] == "#1b9e77" and styles.loc["TNLA", "side"] == "Alliance"
    by_side = toy.provinces("2024-01-02", by="side")
    total = by_side[by_side[s.PROVINCE_CODE] == "ALL"].set_index("category")["districts"]
    assert total["Alliance"] == 2 and total["KIA"] == 1 and total["contested"] == 1
    by_actor = toy.provinces("2024-01-02")
    assert "Alliance" not in set(by_actor["category"])
    html = toy.map(by="side").get_root().render()
    assert "#d95f02" in html and "#1b9e77" in html
    out = tmp_path / "side.html"
    assert run("map", "--by", "side", "--out", out, "--db", toy.url).exit_code == 0
    assert "Alliance" in out.read_text(encoding="utf-8")
    toy.set_actor_side("TNLA", None)
    assert pd.isna(toy.actor_styles().set_index("actor").loc["TNLA", "side"])
