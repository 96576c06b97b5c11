"""Issue 12, pure rules on small synthetic layers: admin words and qualifiers, the province as a
hint, the romanised key (and its ties), contested with one actor or none, sides."""

from __future__ import annotations

import contextlib

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from tracker._errors import InputError, ResolveError
from tracker.core import schema as s
from tracker.core import sides, timeline
from tracker.geo.boundaries import BoundarySet
from tracker.names.admin_words import admin_key, unit_words
from tracker.names.gazetteer import Gazetteer
from tracker.names.romanise import roman_key

# A made-up country written the way layers write theirs: bare names, qualifiers in brackets,
# one province carrying its admin word, one district name shared by two provinces.
DISTRICTS = [
    ("XK01", "Myitkyina", "XK", "Kachin"),
    ("XK02", "Hpakant", "XK", "Kachin"),
    ("XN01", "Lashio", "XN", "Shan (North)"),
    ("XN02", "Laukkaing", "XN", "Shan (North)"),
    ("XN03", "Kyaukme", "XN", "Shan (North)"),
    ("XN04", "Minhla", "XN", "Shan (North)"),
    ("XS01", "Taunggyi", "XS", "Shan (South)"),
    ("XS02", "Minhla", "XS", "Shan (South)"),
    ("XS03", "Hopong", "XS", "Shan (South)"),
    ("XN05", "Hopang", "XN", "Shan (North)"),
    ("XR01", "Kyaukpyu", "XR", "Rakhine"),
    ("XR02", "Mrauk-U", "XR", "Rakhine"),
    ("XR03", "Myanaung", "XR", "Rakhine"),
    ("XR04", "Munaung", "XR", "Rakhine"),
    ("XI01", "Idlib", "XI", "Idlib Governorate"),
    ("XI02", "Deir ez-Zor", "XI", "Idlib Governorate"),
]


@pytest.fixture(scope="module")
def layer() -> Gazetteer:
    geoms = [box(i, 0, i + 1, 1) for i in range(len(DISTRICTS))]
    d = gpd.GeoDataFrame(pd.DataFrame(DISTRICTS, columns=[s.DISTRICT_CODE, s.DISTRICT_NAME,
                                                          s.PROVINCE_CODE, s.PROVINCE_NAME]),
                         geometry=geoms, crs="EPSG:4326")
    p = d.dissolve(by=s.PROVINCE_CODE, as_index=False)[[s.PROVINCE_CODE, s.PROVINCE_NAME,
                                                         "geometry"]]
    return Gazetteer.from_boundaries(BoundarySet("Testland", d, p))


# --- 1. admin words and qualifiers ---------------------------------------------------------------
@pytest.mark.parametrize(("written", "code"), [
    ("Kachin State", "XK"), ("Kachin", "XK"), ("KACHIN STATE", "XK"),
    ("northern Shan State", "XN"), ("Shan State (North)", "XN"), ("North Shan", "XN"),
    ("Shan (North)", "XN"), ("southern Shan State", "XS"), ("Shan South", "XS"),
    ("Rakhine Region", "XR"), ("Rakhine Division", "XR"),
    ("Idlib", "XI"), ("Idlib Governorate", "XI"), ("Idlib Province", "XI"),
    ("Wilayat Idlib", "XI"),
])
def test_admin_words_and_qualifiers_resolve_provinces(layer, written, code):
    assert layer.resolve_province(written).code == code


def test_the_admin_word_table_drives_it_not_code():
    assert unit_words("Kokang Self-Administered Zone") == (("kokang",), ())
    assert admin_key("northern Shan State") == admin_key("Shan (North)") == "shan|north"
    assert admin_key("Kharkiv Oblast") == admin_key("Kharkiv") == "kharkiv"
    assert admin_key("Shan (North)") != admin_key("Shan (South)")
    assert unit_words("Region") == (("region",), ())  # a name of admin words only stays whole
    # a qualifier that is the name itself stays the name: Sudan's "Northern" state
    assert admin_key("Northern State") == admin_key("Northern") == "northern"
    assert admin_key("Shan State (North)") == "shan|north"
    assert roman_key("Al Jazirah State") == roman_key("Aj Jazirah")


def test_a_province_without_its_qualifier_stands_for_every_one(layer):
    # "Shan State" is both Shan (North) and Shan (South): no province of its own...
    with pytest.raises(ResolveError, match="unknown province 'Shan State'"):
        layer.resolve_province("Shan State")
    # ...but it narrows the district: Minhla lies in both Shan, Kyaukme only in the north
    assert layer.resolve_district("Kyaukme", province="Shan State").code == "XN03"
    with pytest.raises(ResolveError, match=r"matches Minhla .*XN04.* and Minhla .*XS02"):
        layer.resolve_district("Minhla", province="Shan State")
    assert layer.resolve_district("Minhla", province="southern Shan State").code == "XS02"


def test_the_closest_candidates_of_an_unknown_state_are_not_another_state(layer):
    with pytest.raises(ResolveError) as err:
        layer.resolve_province("Kachinland State")
    assert "closest: Kachin (XK)" in str(err.value)


def test_district_names_with_admin_words(layer):
    assert layer.resolve_district("Myitkyina Township").code == "XK01"
    assert layer.resolve_district("Lashio District", province="Shan State").code == "XN01"


# --- 2. the province is a hint -----------------------------------------------------------------
def test_an_unknown_province_is_a_warning_when_the_district_resolves_alone(layer):
    m = layer.resolve_district("Laukkai", province="Kokang Self-Administered Zone")
    assert m.code == "XN02" and m.rule == "romanised"
    assert "'Kokang Self-Administered Zone' is not known" in m.warning
    table = layer.resolve_table(pd.Series(["Lashio"]), pd.Series(["Palaung Zone"]))
    assert table.loc[0, s.DISTRICT_CODE] == "XN01" and "Palaung Zone" in table.loc[0, "warning"]


def test_an_unknown_province_stays_an_error_when_it_was_needed(layer):
    with pytest.raises(ResolveError, match=r"unknown province 'Atlantis'.*Minhla .*XN04.* and "
                                           r"Minhla .*XS02"):
        layer.resolve_district("Minhla", province="Atlantis")
    # a district found only by the fuzzy rule does not stand on its own
    with pytest.raises(ResolveError, match=r"unknown province 'Atlantis'.*does not resolve on its"):
        layer.resolve_district("Lashiox", province="Atlantis")
    assert layer.resolve_district("Lashiox").rule == "fuzzy"  # with no province: fuzzy


# --- 5. the romanised key ----------------------------------------------------------------------
@pytest.mark.parametrize(("a", "b"), [
    ("Myitkyina", "Myitkyinar"), ("Hpakant", "Phakant"), ("Kyaukpyu", "Kyaukphyu"),
    ("Mrauk-U", "Mrauk U"), ("Laukkaing", "Laukkai"), ("Manton", "Mantong"),
    ("Nawnghkio", "Naung Hkio"), ("Konkyan", "Konekyan"), ("Mogoke", "Mogok"),
    ("Kutkai", "Kut Khaing"), ("Deir ez-Zor", "Deir al Zor"), ("Tachileik", "Tachilek"), ("Chipwi", "Chipwee"),
    ("Toungoo", "Tungu"), ("Sinni", "Sinny"), ("Kyaukme Township", "Kyaukme"),
])
def test_transliterations_share_a_key(a, b):
    assert roman_key(a) == roman_key(b)


@pytest.mark.parametrize(("a", "b"), [
    ("Shan (North)", "Shan (South)"), ("Hopang", "Hopong"), ("Namhsan", "Namhkan"),
    ("Kyauktaw", "Kyauktan"), ("Kale", "Kalewa"), ("Mongyai", "Mongyang"),
])
def test_different_names_keep_different_keys(a, b):
    assert roman_key(a) != roman_key(b)


def test_romanised_rule_resolves_variants(layer):
    for written, code in [("Myitkyinar", "XK01"), ("Phakant", "XK02"), ("Kyaukphyu", "XR01"),
                          ("Mrauk U", "XR02"), ("Laukkai", "XN02"), ("Deir al-Zor", "XI02")]:
        m = layer.resolve_district(written)
        assert (m.code, m.rule in ("normalized", "romanised")) == (code, True), written


def test_a_key_shared_by_two_districts_is_a_tie_never_a_guess(layer):
    # "Manaung" is one letter from Myanaung and from Munaung: refused, naming both
    with pytest.raises(ResolveError, match=r"about equally close to Myanaung .* and Munaung"):
        layer.resolve_district("Manaung")
    # "Hopeng" is as close to Hopang (north) as to Hopong (south)
    with pytest.raises(ResolveError, match=r"Hopang|Hopong"):
        layer.resolve_district("Hopeng")
    # with the province the choice is made
    assert layer.resolve_district("Hopeng", province="Shan (North)").code == "XN05"


# --- 7. contested with one actor or none -------------------------------------------------------
def _events(rows):
    df = pd.DataFrame(rows, columns=[s.EVENT_ID, s.DATE, s.DISTRICT_CODE, s.CONTROLLER, s.STATUS])
    df[s.DATE] = pd.to_datetime(df[s.DATE])
    df[s.CONFIDENCE] = s.REPORTED
    return s.normalize_events(df)


def test_one_actor_contested_is_contested_with_the_holder_before():
    ev = _events([
        ("a", "2024-01-01", "D1", "Military", "controlled"),
        ("b", "2024-02-01", "D1", "TNLA", "contested"),     # -> Military;TNLA
        ("c", "2024-03-01", "D1", "TNLA", "controlled"),
        ("d", "2024-04-01", "D1", "TNLA", "contested"),     # same holder: TNLA alone
        ("e", "2024-01-01", "D2", "KIA", "contested"),      # nobody before: KIA alone
        ("f", "2024-01-01", "D3", "", "contested"),         # unnamed parties
        ("g", "2024-02-01", "D3", "AA", "contested"),       # after unnamed parties: AA alone
        ("h", "2024-01-01", "D4", "A;B", "contested"),
        ("i", "2024-02-01", "D4", "C", "contested"),        # joins the contest: A;B;C
    ])
    iv = timeline.control_intervals(ev)
    got = {(r.district_code, str(r.start.date())): (r.controller, r.status)
           for r in iv.itertuples()}
    assert got[("D1", "2024-02-01")] == ("Military;TNLA", "contested")
    assert got[("D1", "2024-04-01")] == ("TNLA", "contested")
    assert got[("D2", "2024-01-01")] == ("KIA", "contested")
    assert got[("D3", "2024-01-01")] == ("", "contested")
    assert got[("D3", "2024-02-01")] == ("AA", "contested")
    assert got[("D4", "2024-02-01")] == ("A;B;C", "contested")
    state = timeline.state_on(iv, "2024-02-15")
    assert state.set_index(s.DISTRICT_CODE).loc["D1", s.CONTROLLER] == "Military;TNLA"


def test_a_disputed_day_is_not_a_holder():
    ev = _events([
        ("a", "2024-01-01", "D1", "X", "controlled"),
        ("b", "2024-01-01", "D1", "Y", "controlled"),       # disputed X/Y
        ("c", "2024-02-01", "D1", "Z", "contested"),
    ])
    iv = timeline.control_intervals(ev)
    assert iv.iloc[-1][s.CONTROLLER] == "Z"


# --- 10. sides ---------------------------------------------------------------------------------
def test_controllers_by_side():
    table = {"MNDAA": "Alliance", "TNLA": "Alliance"}
    assert sides.side_of("MNDAA;Military", table) == "Alliance;Military"
    assert sides.side_of("MNDAA;TNLA", table) == "Alliance"
    assert sides.side_of("KIA", table) == "KIA"
    assert sides.side_of(s.UNKNOWN, table) == s.UNKNOWN
    frame = pd.DataFrame({s.CONTROLLER: np.array(["TNLA", "", "KIA;MNDAA"], dtype=object)})
    assert sides.by_side(frame, table)[s.CONTROLLER].tolist() == ["Alliance", "", "Alliance;KIA"]
    with pytest.raises(InputError, match="by='party' is not one of actor, side"):
        sides.check_by("party")


# --- 5. measured on real variant pairs (tests/data/romanisation) --------------------------------
def test_real_variant_pairs_never_resolve_wrong():
    from pathlib import Path

    from tracker.geo.boundaries import boundaries_from_files

    root = Path(__file__).resolve().parents[1]
    geo = root.parent / "shared" / "geodata"
    layers = {"MMR": geo / "mmr" / "mmr_townships_mimu.geojson",
              "SDN": geo / "sdn" / "sdn_localities_ocha.geojson"}
    if not all(p.exists() for p in layers.values()):
        pytest.skip(f"the Myanmar and Sudan layers are absent from {geo} (never copied into the "
                    f"project)")
    pairs = pd.read_csv(root / "tests/data/romanisation/variant_pairs.csv", dtype=str,
                        keep_default_na=False)
    distinct = pd.read_csv(root / "tests/data/romanisation/distinct_pairs.csv", dtype=str,
                           keep_default_na=False)
    for country, path in layers.items():
        b = boundaries_from_files(path)
        gaz = Gazetteer.from_boundaries(b)
        province = dict(zip(b.districts[s.DISTRICT_CODE], b.districts[s.PROVINCE_NAME],
                            strict=True))
        mine = pairs[pairs["country"] == country]
        hits, wrong = 0, []
        for code, variant in zip(mine["layer_code"], mine["variant"], strict=True):
            for prov in (None, province[code]):
                try:
                    got = gaz.resolve_district(variant, province=prov).code
                except ResolveError:
                    continue
                hits += got == code
                if got != code:
                    wrong.append((variant, prov, got, code))
        assert wrong == [], country
        assert hits >= len(mine), (country, hits)  # of 2 tries per pair; ~55-60% measured
        theirs = distinct[distinct["country"] == country]
        for a, b_name in zip(theirs["name_a"], theirs["name_b"], strict=True):
            if a == b_name:
                continue
            for x, y in ((a, b_name), (b_name, a)):
                with contextlib.suppress(ResolveError):
                    assert gaz.resolve_district(x).name != y
