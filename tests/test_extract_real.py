"""`tracker extract` on real reporting: each rule on sentences quoted from the development corpus.

The sentences are quoted from ``tests/data/extract_dev/reports`` (real, cited news reports; the
report id is in each test). Afghan sentences use the shipped boundaries and actors and the
corpus's Afghan town spellings (``places_afg.csv``); Myanmar and Sudan sentences use those
countries' layers in ``../shared/geodata`` (skipped with a reason when absent), the corpus's actor
files and its town spellings (``actors_*.csv``, ``places_*.csv``).
The last tests run the whole corpus (``benchmarks/bench_extract.py``) and hold its targets.
"""

from __future__ import annotations

import importlib.util
import io
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from tracker.cli import main
from tracker.core import schema as s
from tracker.extract.actors import ActorTable
from tracker.extract.drafts import EVIDENCE_COLUMNS, PROVINCE_LEVEL, extract_drafts
from tracker.geo.boundaries import boundaries_from_files, default_boundaries
from tracker.names.gazetteer import Gazetteer

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "extract_dev"
SHARED = ROOT.parent / "shared" / "geodata"
LAYER_FILES = {
    "mmr": (SHARED / "mmr" / "mmr_townships_mimu.geojson",
            {"district_code": "TS_PCODE", "district_name": "TS", "province_code": "ST_PCODE",
             "province_name": "ST"}),
    "sdn": (SHARED / "sdn" / "sdn_localities_ocha.geojson", {}),
}
_KITS: dict[str, tuple] = {}


def kit(layer: str):
    """(gazetteer, actors, districts) of a layer; skips when the layer's file is absent."""
    if layer not in _KITS:
        if layer == "afg":
            b = default_boundaries()
            places = pd.read_csv(CORPUS / "places_afg.csv", dtype=str)
            gazetteer = Gazetteer.from_boundaries(b, aliases=places[["name", "district_code"]])
            actors = ActorTable.shipped()
        else:
            path, columns = LAYER_FILES[layer]
            if not path.exists():
                pytest.skip(f"{path} is absent: the {layer} layer lives in ../shared/geodata")
            b = boundaries_from_files(path, columns=columns, name=layer)
            places = pd.read_csv(CORPUS / f"places_{layer}.csv", dtype=str)
            gazetteer = Gazetteer.from_boundaries(b, aliases=places[["name", "district_code"]])
            actors = ActorTable(pd.read_csv(CORPUS / f"actors_{layer}.csv", dtype=str))
        districts = pd.DataFrame(b.districts[[s.DISTRICT_CODE, s.DISTRICT_NAME, s.PROVINCE_CODE,
                                              s.PROVINCE_NAME]])
        _KITS[layer] = (gazetteer, actors, districts)
    return _KITS[layer]


def drafts(layer: str, text: str, day: str) -> pd.DataFrame:
    gazetteer, actors, districts = kit(layer)
    return extract_drafts(text, gazetteer, actors, districts=districts,
                          date=date.fromisoformat(day))


def pairs(df: pd.DataFrame) -> set[tuple[str, str]]:
    """(district code, controller) of every draft."""
    return set(zip(df[s.DISTRICT_CODE], df[s.CONTROLLER], strict=True))


def rows(df: pd.DataFrame) -> set[tuple[str, str, str, str]]:
    """(district code, controller, confidence, date) of every draft."""
    return {(r.district_code, r.controller, r.confidence, r.date) for r in df.itertuples()}


# --- lists -----------------------------------------------------------------------------------------
def test_two_townships_sharing_one_word_022():
    df = drafts("mmr", "The Rakhine media reported that the AA controls Minbya and Kyauktaw "
                       "townships.", "2024-02-09")
    assert rows(df) == {("MMR012005", "AA", s.UNCONFIRMED, "2024-02-09"),
                        ("MMR012004", "AA", s.UNCONFIRMED, "2024-02-09")}


def test_a_place_after_including_with_its_own_day_050():
    df = drafts("sdn", "On June 24, the RSF launched an offensive in Sennar State, capturing several "
                       "towns, including Sinja, which they entered on June 29.", "2024-11-23")
    assert rows(df) == {("SD14043", "RSF", s.REPORTED, "2024-06-29")}


def test_an_unknown_list_member_does_not_end_the_list():
    # the corpus's lists name only known units; "Dand" is not a district of the 2018 layer
    df = drafts("afg", "The Taliban seized Dand, Arghandab and Daman districts in Kandahar "
                       "province.", "2020-06-12")
    gazetteer = kit("afg")[0]
    assert {r[0] for r in rows(df)} == {
        gazetteer.resolve_district(name, province="Kandahar").code for name in ("Arghandab", "Daman")}
    assert not df[PROVINCE_LEVEL].any()


# --- a province as a location, not an object ----------------------------------------------------------
@pytest.mark.parametrize(("layer", "report", "text", "day", "expected"), [
    ("mmr", "023", "The Arakan Army (AA) has taken control of Rakhine State's Minbya Township, "
     "according to Rakhine media reports.", "2024-02-07",
     {("MMR012005", "AA", s.UNCONFIRMED, "2024-02-07")}),
    ("afg", "008", "KABUL: The Taliban insurgents have took control of the Darzab\u2014a district in "
     "northern Jawzjan province, after series of several attacks by the militants and scores of "
     "Afghan security forces have forced to flee the area by chopper.", "2019-12-30",
     {("AF2811", "Taliban", s.REPORTED, "2019-12-30")}),
    ("afg", "017", "Khanshin district in southern Helmand province of Afghanistan fell to Taliban "
     "militants on Tuesday morning, a security source said.", "2016-10-04",
     {("AF3011", "Taliban", s.UNCONFIRMED, "2016-10-04")}),
    ("mmr", "026", "PDF groups have also seized Singu town in Mandalay Region and are now "
     "conducting an onslaught on junta positions in Madaya and Thabeikkyin just north of Mandalay "
     "City.", "2024-08-01", {("MMR010010", "PDF", s.REPORTED, "2024-08-01")}),
])
def test_a_province_that_locates_a_place_is_not_expanded(layer, report, text, day, expected):
    df = drafts(layer, text, day)
    assert rows(df) == expected, report
    assert not df[PROVINCE_LEVEL].any()


def test_the_whole_province_as_the_object_is_expanded_002():
    text = ("Taliban spokesman Zabihullah Mujahid wrote on Twitter: \u201cWith the capturing of the "
            "police compound and governor\u2019s office in Kunduz, the whole province fell to our "
            "hands and our fighters are now advancing towards the airport.\u201d")
    df = drafts("afg", text, "2015-09-28")
    kunduz = set(kit("afg")[2].query("province_code == 'AF19'")[s.DISTRICT_CODE])
    assert set(df[s.DISTRICT_CODE]) == kunduz
    assert set(df[s.CONTROLLER]) == {"Taliban"} and set(df[s.CONFIDENCE]) == {s.UNCONFIRMED}
    assert df[PROVINCE_LEVEL].all()
    assert "'the whole province = Kunduz'" in df.iloc[0]["evidence_place"]
    assert "'our'" in df.iloc[0]["evidence_actor"]


def test_a_denied_claim_gives_no_draft_058():
    text = (CORPUS / "reports" / "058_el_fasher_hq_claim_denied_menafn.txt").read_text("utf-8")
    assert drafts("sdn", text, "2025-10-26").empty


def test_a_denial_of_the_same_sentence_004():
    text = ("Javid Faisal, spokesman for Afghan chief executive Abdullah Abdullah, denied on "
            "Twitter that Sangin had been captured but later deleted the tweet.")
    assert drafts("afg", text, "2015-12-21").empty


# --- a party's own words; passives ---------------------------------------------------------------
def test_we_in_a_quote_is_the_speakers_side_026():
    text = ("The junta\u2019s Infantry Battalion 276, Light Infantry Battalion 348, and a tactical "
            "command overseen by the Northern Command fell on Wednesday, TNLA spokesman Lwei Yay "
            "Oo told The Irrawaddy.\n\n\u201cWe seized total control of Mongmit today,\u201d she "
            "told The Irrawaddy on Wednesday.")
    df = drafts("mmr", text, "2024-08-01")
    assert rows(df) == {("MMR015017", "TNLA", s.UNCONFIRMED, "2024-07-31")}
    assert "speaker" in df.iloc[0]["evidence_actor"]


def test_a_party_statement_is_unconfirmed_043():
    text = ("Sudan\u2019s paramilitary group Rapid Support Forces (RSF) said it has taken control "
            "of Sinjah, the capital of Sennar State on Saturday after capturing the 17th Infantry "
            "Division from the army.")
    df = drafts("sdn", text, "2024-06-30")
    assert rows(df) == {("SD14043", "RSF", s.UNCONFIRMED, "2024-06-29")}  # not Sennar locality
    assert "words of a party" in df.iloc[0][s.NOTES]


def test_a_passive_without_agent_takes_the_speaker_056():
    text = ("Three Brotherhood alliances announced on 1 November that during the five days of the "
            "operation, 87 military junta camps have been occupied, and Chinshwehaw, Pham Sai and "
            " Hsenwi City were completely controlled.")
    df = drafts("mmr", text, "2023-11-03")
    assert rows(df) == {("MMR015002", "Brotherhood Alliance", s.UNCONFIRMED, "2023-11-01")}


def test_the_losing_side_admitting_its_retreat_is_confirmed_029():
    text = ("A spokesman for the Karen National Union (KNU) said the \"temporary retreat\" from the "
            "town of Myawaddy came after the return of junta soldiers to the vital strategic area "
            "that is a conduit for annual foreign trade of more than $1 billion.")
    assert rows(drafts("mmr", text, "2024-04-24")) == {
        ("MMR003005", "Myanmar military", s.CONFIRMED, "2024-04-24")}


def test_officials_saying_it_is_reported_not_a_partys_words():
    # test_extract.py's written report, with the corpus's attribution shape (003: "Officials on
    # Sunday said Taliban forces captured ..."): the actor after "said" is the news, not a speaker
    df = drafts("afg", "Officials on Sunday said Taliban forces captured Sangin.", "2015-12-20")
    assert rows(df) == {("AF3008", "Taliban", s.REPORTED, "2015-12-20")}


# --- retakes -------------------------------------------------------------------------------------
def test_taken_and_lost_it_in_one_sentence_is_the_net_change_006():
    text = ("Afghan forces recapture district in Helmand province from Taliban\n\n"
            "In late July, the militants likewise captured the district of Nawzad, also in Helmand "
            "province, but lost it in two days.")
    df = drafts("afg", text, "2015-08-30")
    assert rows(df) == {("AF3007", "Afghan government", s.REPORTED, "2015-08-30")}
    assert "'it = Nawzad'" in df.iloc[0]["evidence_place"]


def test_a_retake_and_the_earlier_claim_both_give_drafts_053():
    text = (CORPUS / "reports" / "053_al_khuwayyi_retaken_ayin.txt").read_text("utf-8")
    got = rows(drafts("sdn", text, "2025-05-14"))
    assert ("SD18105", "SAF", s.CONFIRMED, "2025-05-11") in got  # Ayin sources and Minawi confirm
    assert ("SD18105", "RSF", s.UNCONFIRMED, "2025-05-03") in got  # "had earlier claimed control"
    # "a day after it captured El Nahud": the claim hedges its own verb only; the day is told
    # relative to the claim's ("on 3 May, a day after"): 2 May, as labelled (the article date
    # until the twelfth batch's mending)
    assert ("SD18022", "RSF", s.REPORTED, "2025-05-02") in got


def test_the_city_as_a_pronoun_after_retreated_from_057():
    text = ("The paramilitary Rapid Support Forces (RSF) has captured El Fasher, the capital of "
            "Sudan\u2019s North Darfur State, forcing a complete withdrawal of the Sudanese Armed "
            "Forces (SAF). SAF leader General Abdel Fattah al Burhan confirmed the following day "
            "that his troops had retreated from the city, ending what had been an 18-month siege.")
    df = drafts("sdn", text, "2025-10-30")
    assert rows(df) == {("SD02114", "RSF", s.CONFIRMED, "2025-10-30")}


def test_a_brief_occupation_and_its_reversal_give_nothing_026():
    text = ("The ethnic Kachin Independence Army (KIA) briefly occupied Mongmit in November, but "
            "the town was retaken by the regime.")
    assert drafts("mmr", text, "2024-08-01").empty


# --- cities, towns, crossings, spellings --------------------------------------------------------------
@pytest.mark.parametrize(("layer", "report", "text", "day", "expected"), [
    ("sdn", "038", "The Sudanese army has recaptured the city of Wad Madani from rebels.",
     "2025-01-11", {("SD15030", "SAF", s.REPORTED, "2025-01-11")}),
    ("sdn", "041", "Sudan\u2019s paramilitary Rapid Support Forces (RSF) have reportedly taken "
     "control of the country\u2019s second largest city, Nyala, from the army on Thursday, after "
     "days of intense fighting in the Darfur region.", "2023-10-27",
     {("SD03167", "RSF", s.UNCONFIRMED, "2023-10-26")}),
    ("sdn", "051", "Late Thursday, the RSF claimed it seized control of the Sudanese city of "
     "al-Maliha, a strategic desert city in North Darfur.", "2025-03-21",
     {("SD02117", "RSF", s.UNCONFIRMED, "2025-03-20")}),
    ("afg", "005", "Despite US air strikes aimed at pushing Taliban fighters out of Helmand "
     "province, the group has captured the strategic town of Musa Qala.", "2015-08-26",
     {("AF3009", "Taliban", s.REPORTED, "2015-08-26")}),
    ("mmr", "026", "The TNLA together with People\u2019s Defense Force groups under the command of "
     "the civilian National Unity Government (NUG) took complete control of ruby hub Mogoke in "
     "northern Mandalay Region last week on Wednesday.", "2024-08-01",
     {("MMR010011", "TNLA", s.REPORTED, "2024-07-24")}),
    ("afg", "015", "Abdul Majeed Akhonzada, deputy director of the provincial council, said on "
     "Saturday that Kanashin district has \"fallen into Taliban hands.\"", "2016-07-30",
     {("AF3011", "Taliban", s.REPORTED, "2016-07-30")}),
])
def test_cities_towns_and_other_spellings(layer, report, text, day, expected):
    assert rows(drafts(layer, text, day)) == expected, report


@pytest.mark.parametrize(("layer", "report", "text", "day"), [
    ("afg", "013", "Taliban captures Tarinkot base", "2018-11-05"),
    ("mmr", "024", "The AA also captured the Mrauk-U-based 540th battalion on 30 January.",
     "2024-02-06"),
    ("sdn", "043", "Sudan\u2019s RSF says it captures Sennar capital", "2024-06-30"),
    ("mmr", "055", "The Brotherhood Alliance has already seized Chin Shwe Haw on the Chinese border "
     "and Pan Hseng and Phaung Sai towns in Muse Township.", "2023-11-03"),
])
def test_a_base_a_longer_name_or_an_unknown_capital_gives_nothing(layer, report, text, day):
    assert drafts(layer, text, day).empty, report


# --- hedges, confirmations, background, no news ------------------------------------------------------
def test_a_later_could_not_verify_makes_earlier_claims_unconfirmed_022():
    text = ("Police Battalion 31 in Mrauk U was seized by the AA on Thursday, meaning the township "
            "is under the group\u2019s control, it said.\n\nThe Irrawaddy could not independently "
            "verify the reports.")
    got = rows(drafts("mmr", text, "2024-02-09"))
    assert got == {("MMR012003", "AA", s.UNCONFIRMED, "2024-02-08")}


def test_the_other_side_confirming_the_loss_makes_it_confirmed_037():
    text = ("The central Sudanese city of Wad Madani has fallen to the Rapid Support Forces, the "
            "paramilitary group announced on Tuesday, opening a new front in its eight-month war "
            "with the national army.\n\nThe Sudanese army indirectly confirmed the loss of the "
            "city, saying in a statement it has opened an inquiry into the \"circumstances and "
            "reasons\" behind the withdrawal of the local garrison from the city.")
    assert rows(drafts("sdn", text, "2023-12-19")) == {
        ("SD15030", "RSF", s.CONFIRMED, "2023-12-19")}


def test_an_earlier_episode_without_its_own_day_gives_nothing_007():
    text = ("This is the fourth time that the Taliban have entered a provincial city. They briefly "
            "took the western city of Farah earlier this year. Before that the militants overran "
            "Kunduz, in the north.")
    assert drafts("afg", text, "2018-08-10").empty


def test_background_with_its_own_day_gives_a_draft_043():
    text = ("On June 20, 2024, the paramilitary RSF also took control of el-Fula, the capital of "
            "West Kordofan state near South Sudan border, following hours of fierce battle with the "
            "army.")
    df = drafts("sdn", text, "2024-06-30")
    assert rows(df) == {("SD18086", "RSF", s.REPORTED, "2024-06-20")}
    assert not df[PROVINCE_LEVEL].any()


def test_a_province_retaken_in_an_after_clause_is_not_expanded_038():
    text = ("It has stepped up its campaign to retake El Gezira in recent months after retaking "
            "Sennar state in the south.")
    assert drafts("sdn", text, "2025-01-11").empty


@pytest.mark.parametrize(("layer", "report", "text", "day"), [
    ("afg", "016", "Heavy clashes are underway in Khanshin district of southern Helmand province "
     "amid reports the control of the district has fallen to the Taliban insurgents.",
     "2016-10-04"),
    ("mmr", "031", "The Kachin Independence Army (KIA) says it is struggling to seize the Kachin "
     "city of Bhamo because of junta air superiority.", "2025-05-08"),
    ("mmr", "026", "Meanwhile, the Myanmar National Democratic Alliance Army, a TNLA ally, has "
     "seized almost complete control of Lashio, the capital of northern Shan State.",
     "2024-08-01"),
    ("mmr", "055", "Around half of the Kunlong town is now controlled by the MNDAA and many "
     "residents have fled the town, according to media reports.", "2023-11-03"),
    ("sdn", "049", "The RSF also shut off the water pipes supplying the military headquarters a few "
     "days ago and gave a condition that the army garrison surrender and join the ranks of the RSF "
     "or quietly withdraw from the town using a prescribed route.", "2023-11-20"),
    ("mmr", "019", "\u201cIt was the last hill the [junta] military troops controlled in Laukkai "
     "[Township],\u201d the MNDAA said, adding that alliance troops are now marching towards "
     "Laukkai Town.", "2023-11-25"),
    ("afg", "009", "The Taliban takeover in Warduj province represents a new setback for the Afghan "
     "government, after the group reclaimed parts of the city of Kunduz earlier this week.",
     "2015-10-02"),
])
def test_rumours_attempts_parts_and_demands_give_nothing(layer, report, text, day):
    assert rows(drafts(layer, text, day)) <= {("AF1716", "Taliban", s.REPORTED, "2015-10-02")}, \
        report


# --- the data set's own gazetteer and actors -----------------------------------------------------
def test_every_draft_keeps_its_evidence_on_real_text():
    text = (CORPUS / "reports" / "052_al_nahud_el_khuwei_menafn.txt").read_text("utf-8")
    df = drafts("sdn", text, "2025-05-04")
    assert len(df) >= 2
    for col in EVIDENCE_COLUMNS:
        assert df[col].str.len().gt(0).all(), col
    nahud = df[df[s.DISTRICT_CODE] == "SD18022"].iloc[0]
    assert "overtaken" in nahud["evidence_verb"] and "Al-Nahud" in nahud["evidence_place"]
    assert nahud[s.DATE] == "2025-05-02"  # "On Friday"


def test_a_myanmar_report_through_the_cli_gives_myanmar_drafts(tmp_path):
    path, columns = LAYER_FILES["mmr"]
    if not path.exists():
        pytest.skip(f"{path} is absent: the Myanmar layer lives in ../shared/geodata")
    db = f"sqlite:///{tmp_path / 'mmr.db'}"
    runner = CliRunner()
    args = ["init", "--db", db, "--districts", str(path), "--name", "Myanmar"]
    for standard, theirs in columns.items():
        args += ["--column", f"{standard}={theirs}"]
    assert runner.invoke(main, args).exit_code == 0
    actors = pd.read_csv(CORPUS / "actors_mmr.csv", dtype=str)
    for actor, alias in actors.itertuples(index=False):
        out = runner.invoke(main, ["actor", "add", alias, actor, "--db", db])
        assert out.exit_code == 0, out.output
    listed = runner.invoke(main, ["actor", "list", "--db", db, "--format", "csv"]).output
    assert "TNLA" in listed and "Taliban" not in listed  # Afghan actors stay with Afghan data
    report = CORPUS / "reports" / "026_mongmit_third_town_irrawaddy.txt"
    out = runner.invoke(main, ["extract", str(report), "--db", db, "--format", "csv"])
    assert out.exit_code == 0, out.output
    got = pd.read_csv(io.StringIO(out.output), dtype=str)
    assert {"Mongmit", "Namtu", "Nawnghkio", "Mabein", "Singu", "Mogoke"} <= set(got["district"])
    assert set(got["controller"]) <= {"TNLA", "KIA", "PDF"}
    applied = runner.invoke(main, ["extract", str(report), "--db", db, "--apply"])
    assert applied.exit_code == 0, applied.output
    status = runner.invoke(main, ["status", "--date", "2024-08-01", "--db", db, "--format", "csv"])
    state = pd.read_csv(io.StringIO(status.output), dtype=str)
    assert state.set_index("district_code").loc["MMR015017", "controller"] == "TNLA"


# --- the whole development corpus ---------------------------------------------------------------
def _bench():
    spec = importlib.util.spec_from_file_location("bench_extract",
                                                  ROOT / "benchmarks" / "bench_extract.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_extract", module)  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def test_the_development_corpus_meets_its_targets():
    """463 reports since 1 December 2026. Twenty-two batches were each first read with the rules as
    they stood (second batch, 059-082: precision 0.32, recall 0.35; third, 083-106: 0.44, 0.63;
    fourth, 107-124: 0.62, 0.75; fifth, 125-142: 0.89, 0.47; sixth, 143-160: 0.54, 0.72;
    seventh, 161-178: 0.52, 0.71; eighth, 179-196: 0.12, 0.53; ninth, 197-214: 0.38, 0.50;
    tenth, 215-232: 0.92, 0.65; eleventh, 233-250: 0.28, 0.43; twelfth, 251-268: 0.91, 0.59;
    thirteenth, 269-286: 0.67, 0.59; fourteenth, 287-304: 0.23, 0.60; fifteenth, 305-322: 0.71,
    0.67; sixteenth, 323-340: 0.79, 0.58; seventeenth, 341-357: 0.59, 0.80; eighteenth,
    359-376: 0.71, 0.60; nineteenth, 377-394: 0.89, 0.57; twentieth, 395-412: 0.32, 0.71;
    twenty-first, 413-430: 0.70, 0.88; twenty-second, 431-448: 0.67, 0.33; twenty-third,
    449-466: 0.47, 0.36; see the corpus README), then the rules were mended on them.
    Their confidence labels lean on who speaks (the losing side admitting a loss: confirmed; a
    state newspaper or an ally's press release: unconfirmed), which the actor tables do not
    say, hence 0.7 for confidence where the first 58 reports gave 0.91, 124 gave 0.83, 232 to
    463 0.70-0.75 (eight rows that called a losing side's official merely stating a loss
    confirmed were relabelled reported on 2 December 2026, by the labelling rule)."""
    result = _bench().run(SHARED)
    if result.skipped:
        pytest.skip(f"layers absent, the targets are set on all three: {result.skipped}")
    total = result.total
    assert total.gold >= 130 and total.drafts >= 100
    assert total.precision >= 0.9, total
    assert total.recall >= 0.8, total
    assert total.date_accuracy >= 0.9, total
    assert total.confidence_accuracy >= 0.7, total
    assert total.bad_provinces == 0, total


# --- rules the corpus has no sentence for (written in the words) ----------------------------
def test_the_capital_of_a_province_is_its_centre_district_when_the_gazetteer_knows_it():
    df = drafts("afg", "The Taliban captured the capital of Takhar province on Sunday.",
                "2020-06-12")
    assert rows(df) == {("AF1801", "Taliban", s.REPORTED, "2020-06-07")}  # Taloqan
    assert "capital of Takhar" in df.iloc[0]["evidence_place"]


@pytest.mark.parametrize(("text", "expected"), [
    ("Since the Taliban took Kunduz in mid-August, the city has been quiet.", set()),
    ("After the Taliban took Kunduz in August, the city was quiet.", set()),
    ("Since the Taliban took Kunduz on 8 August, the city has been quiet.",
     {("AF1901", "Taliban", s.REPORTED, "2020-08-08")}),
])
def test_background_dated_only_to_a_month_gives_no_draft(text, expected):
    assert rows(drafts("afg", text, "2020-09-20")) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Taliban capture district in Helmand\n\nNerkh district was captured on Sunday, officials "
     "said.", {("AF0402", "Taliban", s.REPORTED, "2020-06-07")}),
    ("Government forces fought the Taliban for days.\n\nNerkh district was captured on Sunday, "
     "officials said.", set()),  # two sides named before: who took it is not said
])
def test_a_passive_without_agent_or_speaker_takes_the_headlines_one_actor(text, expected):
    assert rows(drafts("afg", text, "2020-06-12")) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("The Taliban captured Khanshin on Tuesday.",
     {("AF3011", "Taliban", s.REPORTED, "2016-10-04")}),
    ("Khanshin fell to the Taliban.", {("AF3011", "Taliban", s.REPORTED, "2016-10-04")}),
])
def test_another_romanisation_next_to_a_verb_of_capture_017(text, expected):
    assert rows(drafts("afg", text, "2016-10-04")) == expected


@pytest.mark.parametrize("text", [
    # 009: "... as the Taliban and Afghan security forces battled for control of the provincial
    # capital", with the capital named
    "The Taliban and Afghan forces battled for control of Nerkh.",
    "The Taliban are fighting to take control of Nerkh.",
    "The Taliban were close to capturing Nerkh on Monday.",
    "The Taliban seized a checkpoint in Nerkh.",
    "The Taliban claimed that Nerkh had fallen, but officials denied it.",
])
def test_fights_for_control_give_nothing(text):
    assert drafts("afg", text, "2020-06-12").empty


@pytest.mark.parametrize(("text", "expected"), [
    # 015: "The fall of Kanashin follows a report ..." names no one who holds it
    ("The fall of Kanashin follows a report by the Special Inspector General.", set()),
    ("After the fall of Kabul to the Taliban in mid-August, the resistance regrouped.", set()),
    ("Provincial officials confirmed the fall of Nerkh to the Taliban on Sunday.",
     {("AF0402", "Taliban", s.CONFIRMED, "2020-06-07")}),
    ("Taliban spokesman Zabihullah Mujahid confirmed the capture of Nerkh.",
     {("AF0402", "Taliban", s.UNCONFIRMED, "2020-06-12")}),  # a party confirming its own claim
])
def test_the_fall_of_a_place_to_an_actor(text, expected):
    assert rows(drafts("afg", text, "2020-06-12")) == expected


def test_pushing_a_named_side_out_of_the_city_is_no_retake_012():
    text = ("Taliban insurgents had battled their way on Thursday to within a few hundred metres "
            "(yards) of key government buildings in Tarin Kot, the provincial capital home to as "
            "many as 70,000 people, while many local leaders fled to a nearby airport.\n\n"
            "Bolstered by reinforcements and air support, Afghan troops pushed the Taliban out of "
            "the city by nightfall, but the situation remains serious, said Dost Mohammed Nayab, a "
            "spokesman for the Uruzgan governor.")
    assert drafts("afg", text, "2016-09-10").empty


# --- the 24 reports added on 1 December 2026 (first read with the rules before them) ---------------
@pytest.mark.parametrize(("layer", "report", "text", "day", "expected"), [
    # a province after a name only locates it: never the whole province taken
    ("sdn", "062", "The Rapid Support Forces (RSF) announced on Friday that they have regained "
     "control of Al-Dinder, Sennar state, for the second time in less than a week, after fierce "
     "clashes against the Sudanese army and allied armed movements.", "2024-07-05",
     {("SD14040", "RSF", s.UNCONFIRMED, "2024-07-05")}),
    # ... and places a name in it when the gazetteer knows it elsewhere (Kohestanat, Sar-e-Pul)
    ("afg", "076", "Afghan forces after fierce fighting recaptured Kohistanat district in northern "
     "Faryab province from Taliban militants on Tuesday's night, Defense Ministry said in a "
     "statement released in Maimana on Wednesday. The armed militants who overrun the headquarters "
     "of Kohistanat district on Sunday have yet to make comment on the situation.", "2017-07-26",
     {("AF2910", "Afghan government", s.UNCONFIRMED, "2017-07-25"),
      ("AF2910", "Taliban", s.REPORTED, "2017-07-23")}),
    # a district's own name spelled otherwise before a village of that spelling elsewhere
    ("afg", "075", "On Saturday, Dasht-e Archi in Kunduz fell to the Taliban after days of fighting "
     "in the district, according to provincial council member Ghulam Rabbani Rabbani.",
     "2019-09-10", {("AF1906", "Taliban", s.REPORTED, "2019-09-07")}),
    # the place before ", which fell to"
    ("afg", "077", "Afghan forces backed by air strikes have retaken a district in the northern "
     "province of Badakhshan that was seized last week by Taliban militants, officials said. "
     "Provincial police spokesman Sanaullah Rohani said Kohistan district, which fell to the "
     "militants on Thursday, was retaken by army and police forces backed by air support on "
     "Saturday.", "2018-05-06", {("AF1708", "Taliban", s.REPORTED, "2018-05-03")}),
    # "it" is the place the sentence is about, not the one that locates it ("west of Singa");
    # "the army and its allies ... announced": the party's own words
    ("sdn", "062", "Both the army and its allies from the armed movements announced on July 4 "
     "their control over Al-Dinder, west of Singa, the capital of Sennar state, days after the "
     "Rapid Support Forces took control of it on Tuesday, July 2.", "2024-07-05",
     {("SD14040", "SAF", s.UNCONFIRMED, "2024-07-04"),
      ("SD14040", "RSF", s.REPORTED, "2024-07-02")}),
    # a wire dateline is where the reporter is, never "it"
    ("sdn", "063", "Port-Sudan, Soudan \u2013 The Sudanese army said Thursday that it had retaken a "
     "key city in the southern state of North Kordofan from rival paramilitaries, who had held it "
     "since May 2023.", "2025-01-30", set()),
    # parts of a locality
    ("sdn", "063", "A military source told AFP on Wednesday that the army had regained full control "
     "over central and southern Bahri, including a bridge linking it to central Khartoum.",
     "2025-01-30", set()),
    # "cleansed the city of X"
    ("sdn", "063", "In a statement, the army said troops had \u201ccleansed\u201d the city of Umm "
     "Rawaba of the paramilitary Rapid Support Forces (RSF).", "2025-01-30",
     {("SD13023", "SAF", s.UNCONFIRMED, "2025-01-30")}),
    # a facility named after its town
    ("mmr", "073", "Following their capture of Thandwe Airport on 23 June, the Arakan Army (AA) "
     "seized Thandwe Police Station in Thandwe Town, Rakhine State on 24 June, according to "
     "locals.", "2024-06-27", set()),
    # the losing side's source corroborates
    ("sdn", "061", "June 20, 2024 (EL-FULA) \u2013 The Rapid Support Forces (RSF) announced on "
     "Thursday that they had taken control of El Fula, the capital of West Kordofan State, after "
     "the Sudanese army withdrew from its defensive positions and headquarters. A military source "
     "corroborated the army\u2019s withdrawal to Sudan Tribune, citing the \u201cintensification "
     "of fire and the large force\u201d of the RSF assault.", "2024-06-20",
     {("SD18086", "RSF", s.CONFIRMED, "2024-06-20")}),
    # "could not be independently confirmed" holds for the place when it is told again after it
    ("mmr", "071", "The recapture of Kyaukme, about 115 kilometers north-east of Mandalay, is the "
     "latest setback suffered by the ethnic militias fighting the army. Its fall could not be "
     "independently confirmed because the military does not allow journalists free access to the "
     "area, but the claim has not been challenged. A report in the state-run Myanma Alinn "
     "newspaper said Kyaukme was completely captured by the army on Wednesday afternoon after a "
     "three-week operation to retake it.", "2025-10-03",
     {("MMR015012", "Myanmar military", s.UNCONFIRMED, "2025-10-01")}),
], ids=lambda v: v if isinstance(v, str) and len(v) <= 4 else "")
def test_the_added_reports_sentences(layer, report, text, day, expected):
    assert rows(drafts(layer, text, day)) == expected


def test_a_passive_whose_agent_the_actor_table_does_not_know_gives_no_draft_069():
    """MoeMaKa, 9 April 2025: Falam was taken by the Chin Brotherhood; with an actor table
    that does not hold it, Falam was given to the PDFs of the clause before."""
    gazetteer, actors, districts = kit("mmr")
    words = pd.read_csv(CORPUS / "actors_mmr.csv", dtype=str)
    without = ActorTable(words[words["actor"] != "Chin Brotherhood"])
    text = ("Inndaw was taken by combined forces of PDFs under the National Unity Government (NUG) "
            "and ABSDF battalions, while Falam was seized by the Chin Brotherhood, a coalition of "
            "three Chin armed groups.")
    df = extract_drafts(text, gazetteer, without, districts=districts, date=date(2025, 4, 9))
    assert "MMR004001" not in set(df[s.DISTRICT_CODE])
    known = extract_drafts(text, gazetteer, actors, districts=districts, date=date(2025, 4, 9))
    assert ("MMR004001", "Chin Brotherhood") in set(zip(known[s.DISTRICT_CODE],
                                                        known[s.CONTROLLER], strict=True))


def test_a_list_with_a_day_for_each_place_067():
    """DMG, 18 May 2024: "Paletwa in China State on January 17; Pauktaw on January 19; ..." (the
    semicolons ended the list at its first place, and "China State", a typo, stopped it)."""
    text = ("According to the AA, it seized Paletwa in China State on January 17; Pauktaw on "
            "January 19; Minbya on February 6; Kyauktaw on February 7; Mrauk-U on February 9; "
            "Myebon on February 15; Ponnagyun on March 4; Ramree on March 11; Rathedaung on March "
            "17; and Buthidaung on May 18.")
    gold = pd.read_csv(CORPUS / "gold.csv", dtype=str)
    listed = gold[gold["report"] == "067_buthidaung_ten_towns_dmg"]
    expected = {(c, "AA", d) for c, d in zip(listed["code"], listed["date"], strict=True)}
    assert {(c, a, d) for c, a, _, d in rows(drafts("mmr", text, "2024-05-18"))} == expected


def test_a_side_declaring_control_is_its_claim_and_the_loser_confirms_it():
    """Capital FM (after the BBC), 28 October 2025, https://www.capitalfm.co.ke/news/2025/10/
    sudans-army-loses-key-city-of-el-fasher-to-paramilitary-rsf-after-18-month-siege/: "declared
    control of" was no phrase of change, so the report gave no draft; the army's chief confirming
    the withdrawal makes the RSF's claim confirmed."""
    text = ("Sudan's military chief has confirmed the army's withdrawal from its last western "
            "stronghold of el-Fasher after the paramilitary Rapid Support Forces (RSF) declared "
            "control of the city.")
    assert rows(drafts("sdn", text, "2025-10-28")) == {
        ("SD02114", "RSF", s.CONFIRMED, "2025-10-28")}
    claim = "The paramilitary Rapid Support Forces (RSF) declared control of el-Fasher."
    assert rows(drafts("sdn", claim, "2025-10-28")) == {
        ("SD02114", "RSF", s.UNCONFIRMED, "2025-10-28")}


# --- the 24 reports added next (083-106), first read with the rules mended on the 24 before --------
@pytest.mark.parametrize(("layer", "report", "text", "day", "expected"), [
    # "X district of southern Y province": Y's district whose name begins with X, the headline too
    ("afg", "100", "Nawa District Falls To Taliban, Police Chief Killed\n\nNawa district of "
     "southern Helmand province has once again fallen to the Taliban, sources confirmed on "
     "Monday.", "2016-10-03", {("AF3003", "Taliban")}),
    # "fell under Taliban control"
    ("afg", "101", "\u201cAfter a week of heavy fighting between the security forces and the "
     "Taliban, finally this morning Taywara district fell under Taliban control,\u201d provincial "
     "governor's spokesperson Abdul Hai Khatibi said on Sunday.", "2017-07-24",
     {("AF2308", "Taliban")}),
    # changes dated only to a year are earlier episodes
    ("afg", "104", "The Taliban outfit previously captured Yamgan district in 2015 but lost it to "
     "government forces in mid-2019.", "2020-03-29", set()),
    # "they" seizing is the actor named before; "the South Darfur capital of Nyala" is Nyala
    ("sdn", "085", "The RSF are tightening their grip on Darfur, reportedly to expand their "
     "territorial control. On October 26, they seized control of the South Darfur capital of "
     "Nyala. On Saturday, they captured the third capital, El Geneina in West Darfur, and began "
     "attacking El Fasher.", "2023-11-08", {("SD03167", "RSF"), ("SD04115", "RSF")}),
    # "the state capital" is a city, never the whole state
    ("sdn", "084", "On August 4, the RSF commander in Central Darfur, Ali Yacoub Gibril, announced "
     "that his forces had taken control of the state capital.", "2023-08-07", set()),
    # a neighbourhood named like a locality elsewhere
    ("sdn", "084", "He pointed out that the army took full control of the western part of Zalingei "
     "and deployed troops in the area, in addition to its control of the entire Al-Hasahisa "
     "neighbourhood.", "2023-08-07", set()),
    # the actor after "cleared out all the" is the one driven out
    ("mmr", "093", "On 21 May the Chin defence forces cleared out all the junta forces and took "
     "control of Tonzang Town.", "2024-05-23", {("MMR004005", "CNA")}),
    # "halfway to recapturing" has not recaptured
    ("mmr", "098", "Myanmar's military is halfway to recapturing the Kayah state capital Loikaw "
     "since launching an offensive against the city at the end of May.", "2024-06-07", set()),
], ids=lambda v: v if isinstance(v, str) and len(v) <= 4 else "")
def test_the_third_batchs_sentences(layer, report, text, day, expected):
    df = drafts(layer, text, day)
    assert pairs(df) == expected


# --- the fourth batch (107-124), read first as it came, then mended ---------------------------------
def _report_body(report: str) -> str:
    """The text of a corpus report (its header lines are the extractor's date and source)."""
    return next((CORPUS / "reports").glob(f"{report}_*.txt")).read_text(encoding="utf-8")


@pytest.mark.parametrize(("report", "layer", "code", "controller"), [
    # "The city was captured by Taliban last year ... but was retaken": no day, an earlier episode
    ("120", "afg", "AF1901", "Taliban"),
    # "officials in Kabul say ... the district falling to the Taliban": Kabul is where they speak
    ("120", "afg", "AF0101", "Taliban"),
    # "in July, when the RSF captured the city before withdrawing": dated only to a month
    ("107", "sdn", "SD14040", "RSF"),
    # "the junta council started bombing ... after the town was captured": no actor of its own
    ("114", "mmr", "MMR005025", "Myanmar military"),
])
def test_the_fourth_batchs_wrong_drafts_are_gone(report, layer, code, controller):
    text = _report_body(report)
    day = text.split("\n", 1)[0].removeprefix("Date: ").strip()
    df = drafts(layer, text, day)
    assert (code, controller) not in pairs(df)



# --- the fifth (125-142) and sixth (143-160) batches, each read first as it came, then mended -------
@pytest.mark.parametrize(("layer", "report", "text", "day", "expected"), [
    # "re-entered" and "entered" a town take it
    ("mmr", "135", "One year and four months after the town was first captured, junta troops have "
     "now re-entered Mogok in full force on 28 November.", "2025-11-30",
     {("MMR010011", "Myanmar military", "2025-11-28")}),
    ("sdn", "128", "On Saturday, the army announced that it had entered Wad Madani, nearly a year "
     "after losing it to the RSF.", "2025-01-12", {("SD15030", "SAF", "2025-01-11")}),
    # an owner before the verb noun it does is the agent
    ("mmr", "134", "The junta\u2019s recent recapture of Nawnghkio, another strategic town near "
     "Mandalay, suggests a renewed military push to secure resource-rich regions.", "2025-07-24",
     {("MMR015013", "Myanmar military", "2025-07-24")}),
    # a headline's capitals; a passive without agent takes the headline's one actor
    ("afg", "139", "Security Forces Retook Dahan-e-Ghori District\n\nIn a statement, the Defense "
     "Ministry said Dahan-e-Ghori district was retaken on Wednesday night.", "2019-10-24",
     {("AF0902", "Afghan government", "2019-10-23")}),
    # an unknown first member after "the towns of"
    ("sdn", "125", "The Rapid Support Forces (RSF) announced late Wednesday that they had seized "
     "control of the towns of Abu Qumrah and Umm Baru in North Darfur, escalating a military "
     "campaign that has intensified across the region in recent days.", "2025-12-24",
     {("SD02120", "RSF", "2025-12-24")}),
    # of actors named together, the first; a base named after an actor is no agent
    ("mmr", "131", "Additionally, starting from 5 AM on September 29, KIA and Kachin People\u2019s "
     "Defense Force (KPDF) joint forces launched attacks on military bases in Chibwe, including "
     "the People\u2019s Defense Force base, the Chibwe police station, the 4-mile combined gate "
     "checkpoint, and the strategic base on the hill, successfully capturing Chibwe Town as well.",
     "2024-10-02", {("MMR001005", "KIA", "2024-09-29")}),
    # a province's possessive places a misspelt district in it
    ("afg", "075", "The centre of Takhar's Daraq district was overrun by Taliban militants on "
     "Tuesday morning, provincial council member Mohammad Azam Afzali told dpa.", "2019-09-10",
     {("AF1815", "Taliban", "2019-09-10")}),
    # "army forces" are the army's; a relative clause after "away from"; a month of last year
    ("sdn", "148", "Defence Minister Yasin Ibrahim said that army forces seized control of Um "
     "Al-Qura town east of Al-Jazira State.", "2024-12-02", {("SD15032", "SAF", "2024-12-02")}),
    ("sdn", "148", "Um Al-Qura is 45 kilometres away from Wad Madani, the capital of Al-Jazira "
     "State, which was captured by the RSF militia in December last year.", "2024-12-02",
     {("SD15030", "RSF", "2023-12")}),  # its month (the gold file, by day, takes the report's)
    # an area of a state is not the state
    ("sdn", "146", "RSF takes control of Khartoum state area, displaces residents", "2023-10-06",
     set()),
    # two villages of the district still held are no hold of the district
    ("afg", "156", "The militants managed to wrest control of the Kohistanat district of Sar-e Pol "
     "on Saturday evening, said Assadullah Khurram, a member of the provincial council.\n\nA "
     "security official, speaking on condition of anonymity, said only two villages of the "
     "district have remained under the government control.", "2015-10-04",
     {("AF2203", "Taliban", "2015-10-03")}),
    # "the town" after a town the gazetteer does not know is not an earlier place
    ("mmr", "149", "Resistance groups have seized Khampat town on the Kale-Tamu road and four junta "
     "outposts in Tamu Township, Sagaing Region, near the Indian border.\n\nResistance groups said "
     "they besieged Khampat last Friday. The town is on the Asian Highway between Kale and Tamu. "
     "The Kachin Independence Army, several PDFs, the People\u2019s Defense Teams also known as "
     "Pa Ka Pha and the Chin Nationalities Defense Force took full control of the town on "
     "Tuesday, said the civilian National Unity Government.", "2023-11-10", set()),
], ids=lambda v: v if isinstance(v, str) and len(v) <= 4 else "")
def test_the_fifth_and_sixth_batchs_sentences(layer, report, text, day, expected):
    """Expected rows from the batches' gold files (district, controller, day)."""
    df = drafts(layer, text, day)
    assert set(zip(df[s.DISTRICT_CODE], df[s.CONTROLLER], df[s.DATE], strict=True)) == expected


# --- the seventh, eighth and tenth batches, each read once held out, then mended ---------------------
@pytest.mark.parametrize(("layer", "report", "text", "day", "expected"), [
    # a country's possessive before "province of" only locates the district
    ("afg", "174", "KABUL (UrduPoint News / Sputnik - 12th December, 2020) The Deh Rahwod district "
     "in central Afghanistan's province of Uruzgan has fallen back to the Taliban militants after "
     "heavy fighting with the country's security forces, a source told Sputnik on Friday.",
     "2020-12-12", {("AF2502", "Taliban")}),
    # "taking temporary control of the town"
    ("mmr", "168", "KIA and PDF fighters first attacked military units stationed in Banmauk on "
     "September 20, 2025, taking temporary control of the town.", "2025-09-25",
     {("MMR005023", "KIA")}),
    # "it" capturing is the actor named before
    ("mmr", "167", "The junta launched Operation Yan Naing Min in May 2024 to retake towns, "
     "villages, and key routes in southern Shan and Karenni states. As of July 31 this year, it "
     "had reclaimed Hsi Hseng and Mobye towns, the eastern side of Pekon Lake, and the roads "
     "running north from Loikaw to Hsi Hseng and west to Mobye, Pekon and Pinlaung.",
     "2025-08-20", {("MMR014004", "Myanmar military")}),
    # attacks and pressure to take a town take nothing
    ("mmr", "172", "Since December 2024, the Kachin Independence Army (KIA) and allied PDFs have "
     "been attacking to capture Bhamo and the military\u2019s units based in and around the "
     "city\u2014regiments, airfields, and the Military Operations Command No. 21 (MOC-21).",
     "2025-09-16", set()),
    ("mmr", "172", "Buoyed by this, the junta has pressed harder to fully retake Bhamo.",
     "2025-09-16", set()),
    # the eighth batch (179-196), read once as the held-out batch, then mended
    # "reoccupied", and the actor's name in another language (actors_mmr.csv: Tatmadaw)
    ("mmr", "190", "Following a 16-day operation, \"on 16 October, Tatmadaw reoccupied Hsipaw "
     "completely,\" the state-run Global New Light of Myanmar newspaper said, referring to the "
     "military by its Burmese name.", "2025-10-20", {("MMR015014", "Myanmar military")}),
    # the object of "to battle" is no agent of the verb after the aside
    ("mmr", "189", "Fighters in a People\u2019s Defense Force, or PDF, one of numerous militias "
     "that have sprung up around the country to battle the military since the 2021 coup, "
     "captured the town of Tabayin in the Sagaing region early on Sunday but the junta responded "
     "with fierce air attacks.", "2024-08-20", {("MMR005010", "PDF")}),
    # a market of the district is not the district
    ("afg", "194", "KABUL (UrduPoint News / Sputnik - 16th November, 2020) The Taliban have been "
     "advancing on the Dasht-e-Archi district of Afghanistan's eastern Kunduz province for a day, "
     "having made some significant territorial advances, with the local forces signaling "
     "distress, a source told Sputnik on Monday.\n\nThe militants seized the district's open "
     "market \u201d the Archi bazaar \u201d on Monday morning and fighting has continued for "
     "the district authorities' building.", "2020-11-16", set()),
    # the tenth batch (215-232): "the military council camp" is a place of the military's
    ("mmr", "225", "The Taang Army (TNLA) information officer said that they have captured the "
     "military council camp in Kuk Khaing, northern Shan State, and have taken control of the "
     "town.", "2024-01-08", {("MMR015011", "TNLA")}),
    # "the RSF seizure of el-Fasher"
    ("sdn", "218", "Following the RSF seizure of el-Fasher, the capital of North Darfur, last "
     "month, fighting between the rebel group and the Sudanese army spread to new fronts, "
     "particularly to the Kordofan region in central and southern Sudan.", "2025-11-18",
     {("SD02114", "RSF")}),
    # the eleventh batch (233-250): "extended their control over the entirety of" a state
    ("sdn", "237", "Since the RSF extended their control over the entirety of Al-Jazirah State "
     "on December 18, they have moved into areas near Sennar State, establishing outposts in "
     "Hajj Abdallah and Wad Al-Haddad, located south of Madani.", "2024-01-05",
     {(f"SD150{k}", "RSF") for k in range(30, 38)}),
    # "leaving the Taliban in control": the Taliban are the object, the troops leave
    ("afg", "247", "Afghan government forces have pulled out of a second district in Helmand, "
     "officials said on Monday, leaving the Taliban in control of most of the northern part of "
     "the province after troops withdrew from Musa Qala district last week.", "2016-02-22",
     {("AF3009", "Taliban")}),
    # the twelfth batch (251-268): a force named by a common noun "comprising" actors is the
    # first of them; a list after an actor's own name is that actor's
    ("mmr", "262", "Meanwhile, in Sagaing Region, a combined resistance force comprising the KIA, "
     "the People's Defense Force (PDF) of the civilian National Unity Government (NUG), and the "
     "All Burma Students' Democratic Front (ABSDF) captured Indaw after eight months of intense "
     "fighting.", "2025-04-10", {("MMR005021", "KIA")}),
    ("mmr", "", "The Brotherhood Alliance, made up of the MNDAA, TNLA and AA, seized Laukkai on "
     "Friday.", "2023-11-10", {("MMR015022", "Brotherhood Alliance")}),
], ids=lambda v: v if isinstance(v, str) and len(v) <= 4 else "")
def test_the_seventh_to_twelfth_batchs_sentences(layer, report, text, day, expected):
    """Expected (district, controller) from the batches' gold files."""
    df = drafts(layer, text, day)
    assert pairs(df) == expected


def test_a_day_after_capturing_is_the_day_before_253():
    text = ("The Sudanese Armed Forces (SAF) reclaimed the strategic city of El Souki in Sennar "
            "yesterday, just a day after capturing El Dinder, as they continue to advance against "
            "the paramilitary Rapid Support Forces (RSF).")
    df = drafts("sdn", text, "2024-10-25")
    assert dict(zip(df[s.DISTRICT_CODE], df[s.DATE], strict=True)) == {
        "SD14041": "2024-10-24", "SD14040": "2024-10-23"}


def test_who_holds_the_province_is_no_change_of_each_district_250():
    """The eleventh batch's 19 wrong drafts: "The province is reportedly under Taliban
    control" (its province named sentences before) says who holds it, not that each of its
    districts changed hands."""
    df = drafts("afg", _report_body("250"), "2018-04-13")
    assert not df[PROVINCE_LEVEL].any()
    assert not any(code.startswith("AF11") for code in df[s.DISTRICT_CODE])  # Ghazni's


def test_a_commander_fleeing_a_town_is_no_withdrawal_242():
    df = drafts("mmr", _report_body("242"), "2024-12-29")
    assert ("MMR001013", "KIA") not in pairs(df)


def test_a_city_in_the_state_is_no_state_taken_163():
    text = ("Al-Rahad is the second city in the state to be recaptured by the army, following the "
            "recovery of Um Ruwaba, the state's second-largest city, on January 30.")
    assert not drafts("sdn", text, "2025-02-18")[PROVINCE_LEVEL].any()


def test_provinces_listed_after_districts_in_are_meant_in_part_193():
    text = _report_body("193")
    df = drafts("afg", text, "2019-10-12")
    assert not df[PROVINCE_LEVEL].any()
    assert "Taliban" not in set(df[s.CONTROLLER])  # the districts were cleared of them


def test_the_entire_state_of_khartoum_cleared_is_the_state_089():
    """The ninth batch's mending: "the full clearing of" and "the entire state of X"."""
    text = ("The Sudanese army on Tuesday declared the capital Khartoum \u201ccompletely free\u201d "
            "of the paramilitary Rapid Support Forces (RSF) following months of intense clashes."
            "\n\n\"We announce today the full clearing of the entire state of Khartoum from any "
            "presence of the Al-Dagalo militia and the purification of our national capital from "
            "the stain of the rebels,\" army spokesperson Nabil Abdullah said in a recorded "
            "statement.")
    df = drafts("sdn", text, "2025-05-20")
    khartoum = set(kit("sdn")[2].query("province_code == 'SD01'")[s.DISTRICT_CODE])
    assert set(df[s.DISTRICT_CODE]) == khartoum and set(df[s.CONTROLLER]) == {"SAF"}
    assert df[PROVINCE_LEVEL].all()


@pytest.mark.parametrize(("layer", "report", "text", "day", "expected"), [
    # the thirteenth batch (269-286), read once as the held-out batch, then mended
    # the subject of "before withdrawing" leaves, not the actor it fought
    ("sdn", "274", "Al Jazeera news agency reported that the Sudanese Armed Forces (SAF) engaged "
     "the paramilitary group for several hours before withdrawing from el-Fula, prompting RSF to "
     "seize government and military headquarters, the sources said on Thursday.", "2024-06-20",
     {("SD18086", "RSF")}),
    # "KIA/PDF joint forces": the first actor
    ("mmr", "275", "The KIA/PDF joint forces entered Tigyaing in full force on 9th November and "
     "set up camps inside houses, religious and government buildings and started fighting.",
     "2023-11-13", {("MMR005022", "KIA")}),
    # "X locality, which fell into the hands of"
    ("sdn", "270", "However, the Forces of Freedom and Change (FFC) in El Hasaheisa locality, "
     "which fell into the hands of the RSF on Wednesday, reported widespread plundering of "
     "buildings and robberies of people at gunpoint.", "2023-12-22", {("SD15034", "RSF")}),
    # "nearing full control of" holds nothing
    ("sdn", "273", "Media outlets closely aligned with the army stated that its forces have been "
     "advancing over the past two days, capturing several towns and nearing full control of "
     "Al-Khuwei.", "2025-06-17", set()),
    # "Hundreds of taliban fighters seize"; "Collapses to Taliban" (headlines)
    ("afg", "281", "Afghanistan: Hundreds of taliban fighters seize headquarters of Kohistanat "
     "district", "2015-07-29", {("AF2203", "Taliban")}),
    ("afg", "283", "Khamab District of Jawzjan Collapses to Taliban", "2017-08-21",
     {("AF2806", "Taliban")}),
    # the fourteenth batch (287-304), read once as the held-out batch, then mended
    # an intention: 17 drafts before, every township of Rakhine
    ("mmr", "297", "The group said it intends to capture the entirety of Rakhine state.",
     "2024-03-28", set()),
    # a state that only locates the town: 8 more townships of Chin State before
    ("mmr", "294", "Chin Brotherhood Alliance announced that the town of Matupi, the largest "
     "Military strategic base in southern Chin State, has been completely captured and controlled "
     "today, June 29, 2024.", "2024-06-29", {("MMR004007", "Chin Brotherhood")}),
    # how long it was held; how close it came
    ("sdn", "289", "The group had controlled the city of Khartoum for almost two years during the "
     "civil war.", "2025-03-30", set()),
    ("sdn", "290", "Al-Jazeera reported in December that the RSF were closer than ever to taking "
     "full control of el-Fasher.", "2025-01-05", set()),
    # the retake stands over the fall in its "after" clause
    ("afg", "299", "Afghan security forces have retaken control of the Ghormach district after it "
     "was overrun by the Taliban several days ago.", "2015-10-24",
     {("AF3107", "Afghan government")}),
    # "the district" is Shebkoh, not the provincial capital of Farah named last
    ("afg", "300", "The Shebkoh district of Farah province, bordering Iran, has been under Taliban "
     "siege for months. Mosa Nazari, deputy governor of Farah, said Afghanistan's military "
     "leadership faced difficulty reinforcing the troops. The forces withdrew all ammunition and "
     "vehicles to the provincial capital of Farah, he said. The Taliban said in a statement the "
     "government abandoned the district after a heavy firefight overnight, and the group seized "
     "an amount of ammunition.", "2018-12-12", {("AF3305", "Taliban")}),
    # the fifteenth batch (305-322), read once as the held-out batch, then mended
    ("mmr", "311", "The Ta'ang National Liberation Army (TNLA) has been forced to return control "
     "of Mogok Town in Mandalay Region and Momeik (Mongmit) Town in northern Shan State to the "
     "junta in exchange for a ceasefire, Major General Tar Hod Plang said.", "2025-12-01",
     {("MMR010011", "Myanmar military"), ("MMR015017", "Myanmar military")}),
    ("mmr", "314", "Nawnghkio, which sits on a major highway trading route linking central "
     "Myanmar to China, had been under the control of the Ta'ang National Liberation Army, or "
     "TNLA, a group in the Three Brotherhood Alliance, since July last year.\n\nNawnghkio, which "
     "also stands on the highway leading to the major military garrison town of Pyin Oo Lwin, "
     "was completely captured by the army at noon on Wednesday after nearly 11 months of "
     "operations to retake the town.", "2025-07-17", {("MMR015013", "Myanmar military")}),
    ("afg", "320", "The Taliban's Ministry of Defense said in a statement that they had "
     "recaptured Balkhab district on Saturday morning (June 25th).", "2022-06-25",
     {("AF2207", "Taliban")}),
    # the corpus' report 123: "rejected reports about fall of ... to Taliban"
    ("afg", "123", "*However Afghan ministry of defense rejected reports about fall of Baharak and "
     "Khawaja Ghar districts of Takhar to Taliban on Monday.*", "2019-09-30", set()),
    # the sixteenth batch (323-340), read once as the held-out batch, then mended
    ("afg", "335", "Provincial police chief Ekramuddin Sarih says the insurgents early today "
     "attacked and captured the compound Tala wa Barfak district.", "2018-05-08",
     {("AF0911", "Taliban")}),
    ("mmr", "330", "KIA spokesperson Naw Bu confirmed to DVB on April 25 that a counteroffensive "
     "was underway but that regime forces had yet to reach Hpakant town, where KIA forces took "
     "control on April 23, 2024 after it seized the LIB 116 in Selzin village.", "2025-04-25",
     {("MMR001009", "KIA")}),
    ("afg", "337", "Police on Thursday pulled back from posts in a district of Helmand province "
     "after two weeks of clashes with militants. The Taliban also claimed to have taken over that "
     "district, called Nad Ali.\u2014AFP", "2008-08-15", {("AF3002", "Taliban")}),
    ("mmr", "334", "Since March 7, intense clashes have been going on between the Karen National "
     "Liberation Army (KNLA)-led joint resistance forces and Junta troops, in both "
     "Myawaddy and the adjacent Thinganyinaung area. During the Battle of "
     "Thinganyinaung, resistance forces led by the KNLA seized control of the "
     "headquarters of the Junta's 355th Light Infantry Battalion and the local police "
     "station."
     "\n\nMyawaddy, located on the Thailand-Myanmar border, is pivotal for border "
     "trade, prompting the Junta to fiercely resist using airstrikes and multiple launch rocket "
     "systems (MLRS) to prevent losing control of the town.", "2024-03-12", set()),
    ("mmr", "329", "\u201cThe military council launched airstrikes but now we can say we have "
     "taken control of the whole of Momauk township.\u201d", "2024-08-06", set()),
    # the dateline "KABUL, Aug 15:" is not "the remote district"
    ("afg", "337", "KABUL, Aug 15: Afghan security forces withdrew on Friday morning from an "
     "eastern district after days of fighting with Taliban, allowing the militants to move in and "
     "capture the area, officials said.\n\nA spokesman for the Taliban, Zabihullah Mujahed, "
     "claimed the government troops had withdrawn from Nawa district in Ghazni province under "
     "pressure after more than two weeks of attacks.\n\nInterior ministry spokesman Zemarai "
     "Bashary confirmed police had pulled out of the remote district near the Pakistan border but "
     "did not give details.", "2008-08-15", {("AF1119", "Taliban")}),
    # the seventeenth batch (341-358), read once as the held-out batch, then mended
    ("sdn", "345", "Sudan's Armed Forces denied that the Rapid Support Forces RSF took control of "
     "Central Darfur State located in the western part of the country.\n\nThe RSF announced on "
     "Friday that they had \"fully taken control of Central Darfur State\" in western Sudan.",
     "2023-08-04", set()),
    ("sdn", "341", "The RSF had seized control of East Nile in the early days of the war, "
     "confining the army to two isolated areas.", "2025-03-09", set()),
    ("mmr", "348", "When SAC lost the town of Mese in June, the regime attempted to send many "
     "soldiers, weapons, and food by ground and air to retake it but ultimately failed.",
     "2023-11-25", set()),
    ("mmr", "348", "The Karenni resistance has driven all State Administration Council (SAC) troops "
     "from Mese Township.", "2023-11-25", {("MMR002007", "Karenni resistance")}),
    # the eighteenth batch (359-376, the holdout read once on 2 December, then mended on)
    ("sdn", "359", "On April 14, 2024, the Rapid Support Forces (RSF), engaged in conflict with the "
     "Sudanese Armed Forces (SAF) since April 15, 2023, seized control of Mellit, a town situated "
     "approximately 60 km from El Fasher, the capital of North Darfur.", "2024-05-10",
     {("SD02129", "RSF")}),
    ("sdn", "361", "Sudan\u2019s paramilitary Rapid Support Forces (RSF) claims to have seized "
     "another town and a military base in Gezira state.\n\nIn a post on X (formerly Twitter), "
     "the group said it \u201cliberated the second "
     "infantry division\u201d of Sudanese armed forces in al-Hasaheisa town.\n\nIt came two days "
     "after the group seized the state\u2019s capital Wad Madani, following days of fierce "
     "fighting with rival Sudan\u2019s regular army.", "2023-12-21", {("SD15030", "RSF")}),
    ("sdn", "362", "North Darfur \u2014 The paramilitary Rapid Support Forces (RSF) and the Sudan "
     "Founding Alliance (Tasees) Alliance claim to have taken control of Abu Gamra (Karnoi "
     "locality) and Um Baru areas in North Darfur, following military operations against the "
     "Sudanese Armed Forces (SAF) and the Joint Force.", "2025-12-25", {("SD02120", "RSF")}),
    ("mmr", "367", "The joint forces of KIA and the Kachin Region People\u2019s Defence Force (KPDF) "
     "were able to capture Chipwi Town, control area of Mr. Zahkung Ting Ying led Kachin Special "
     "Region (1), at the end of September, and also seized Tsawlaw Town on October 2.",
     "2024-10-03", {("MMR001005", "KIA"), ("MMR001006", "KIA")}),
    ("mmr", "368", "Karenni resistance forces dismissed the junta\u2019s claim of having taken full "
     "control of the strategically important Demoso Town in Karenni State as false propaganda."
     "\n\nThe junta announced that it launched an offensive on Demoso on August 4 as part of "
     "Operation Yan Naing Min and claimed to have taken full control of the town by August 19.",
     "2025-08-21", set()),
    ("afg", "375", "Fighting continues in Khwaja Ghar district, which borders the volatile "
     "Chah-e-Aab district that fell to the Taliban last week.", "2019-09-10",
     {("AF1816", "Taliban")}),
    # the nineteenth batch (377-394, the holdout read once on 2 December, then mended on)
    ("afg", "389", "Taliban insurgents seized control Monday of a district in southwestern "
     "Afghanistan as the Afghan police fled their post, officials said.\n\nThe district is the "
     "second to fall into Taliban hands this month, and its capture underscores the precarious "
     "hold of the government and NATO troops in the remote districts of southern Afghanistan."
     "\n\nThe midmorning attack occurred in the Baqwa district of Farah province, where few NATO "
     "or Afghan troops are deployed.", "2007-02-20", {("AF3308", "Taliban")}),
    ("afg", "392", "An Afghan official says Taliban fighters overran a district headquarters in "
     "northern Afghanistan after a ferocious fight that left 2 police dead in northern Faryab "
     "province.\n\nAbdul Karim Yourish, provincial police chief spokesman, said Sunday the "
     "assault on the Lawlash District government headquarters was launched under the cover of "
     "darkness late Saturday.", "2017-07-22", {("AF2910", "Taliban")}),
    # the twentieth batch (395-412, the holdout read once on 2 December, then mended on)
    ("sdn", "397", "On Saturday, the army announced the successful recapture of Sinjah, which had "
     "been under RSF control since June.", "2024-11-24", {("SD14043", "SAF")}),
    # the army holding the town of Sennar (a hold, which the labels, counting changes only,
    # leave out), not every locality of the Blue Nile state
    ("sdn", "397", "While the army tightens control over Sennar and the Blue Nile, RSF fighters "
     "remain active in some areas, including Al Dali and Abu Hajar, near the South Sudanese "
     "border.", "2024-11-24", {("SD14038", "SAF")}),
    ("afg", "409", "On February 1, the Taleban raised their white banner over the Musa Qala "
     "district centre, putting an end to a tenuous and controversial ceasefire agreement, "
     "brokered by village elders last October, between the Taleban and the mainly British NATO "
     "forces that control the province.", "2007-02-12", set()),
    # the twenty-first batch (413-430, the holdout read once on 2 December, then mended on)
    ("afg", "428", "Much of the area of Marjah, Sangin, Garmser and Dishu districts have already "
     "fallen to the Taliban, he said.", "2016-07-31", set()),
    ("mmr", "420", "Myanmar’s military junta says it has regained control over a town near the "
     "Rakhine State capital Sittwe nearly two days after it was captured by the Arakan Army (AA)."
     "\n\nPauktaw, a coastal town located some 30km east of Sittwe, fell to the AA after the "
     "group overran its police station at around 10pm Wednesday, forcing some 70 junta personnel "
     "to surrender.", "2023-11-18", {("MMR012007", "AA")}),
    ("mmr", "421", "“We seized all bases of the Myanmar Army in Buthidaung,” in northern "
     "Rakhine state, the AA said on its Telegram channel today.", "2024-05-18",
     {("MMR012010", "AA")}),
    ("mmr", "422", "A member of the Mandalay People’s Defense Force (MDY PDF), which had "
     "controlled the town along with their resistance allies, told The Irrawaddy on Wednesday "
     "evening that fighting is still ongoing despite the entry of regime troops.\n\nThabeikkyin "
     "had been seized on August 25 last year by the Mandalay People’s Defense Force (MDY PDF) "
     "and resistance allies during Operation Shan-Man (Shan State and Mandalay Region).\n\n"
     "Regime troops entered the city center on Tuesday evening after intense clashes with "
     "resistance defenders.", "2025-07-23", {("MMR010012", "PDF")}),
    ("mmr", "423", "Local media run by the Myanmar National Democratic Alliance Army (MNDAA) "
     "reported the group \"fully captured the headquarters of the Northeast Military command in "
     "Lashio\" on Thursday morning and also captured Lashio town, home to some 150,000 people"
     "\n\nBut junta spokesman Zaw Min Tun told reporters the claim was \"not true\".",
     "2024-07-25", set()),
    # the twenty-second batch (431-448, the holdout read once on 2 December, then mended on)
    ("sdn", "431", "The RSF had in the early hours of Wednesday launched attacks on the towns of "
     "al-Tina and Kernoi, capturing them without resistance.", "2025-12-24",
     {("SD02171", "RSF"), ("SD02168", "RSF")}),
    ("sdn", "435", "A few hours after Hemetti's audio message, the Sudanese army released videos "
     "showing their troops controlling the Mohandiseen area and asserted that its forces "
     "controlled the Babanusa garrison.", "2024-02-12", set()),
    ("mmr", "438", "The TNLA and the MNDAA allowed the Wa forces to control Hopang and Pan Lon "
     "during Operation-1027 first part that was launched on 27th October, 2023.", "2024-07-29",
     {("MMR015021", "UWSA")}),
    ("mmr", "440", "Hsipaw is located between Kyaukme, recently recaptured by the junta, and "
     "Lashio, the capital of northern Shan State, which the Myanmar National Democratic Alliance "
     "Army (MNDAA), a TNLA ally, handed back to the junta under Chinese pressure in April.",
     "2025-10-15", {("MMR015012", "Myanmar military"), ("MMR015001", "Myanmar military")}),
    ("afg", "444", "Afghan National Security and Defense Forces retook control of Khwaja Omari "
     "district of Ghazni province after a year, local officials said on Friday.", "2019-06-07",
     {("AF1103", "Afghan government")}),
    ("afg", "445", "Taliban spokesman Zabihullah Mujahid claimed responsibility for the insurgent "
     "attacks and claimed in a text message to the media that the Taliban captured Ghazni's "
     "district of Malistan.", "2018-11-12", {("AF1116", "Taliban")}),
    # the twenty-third batch (449-466, the holdout read once on 2 December, then mended on)
    ("afg", "462", "The key strategic district of Ajrestan, in the Afghan province of Ghazni, was "
     "seized on Friday by Taliban militant.", "2014-09-27", {("AF1118", "Taliban")}),
    ("afg", "466", "AT-KABUL: A government official denied reports over the fall of a district in "
     "Ghazni province to Taliban fighters, saying \u201cthe enemy\u201d has retreated and the "
     "area is under government control.\n\nEarlier today, reports said that the Ajristan "
     "district had fallen to Taliban.\n\nThe attack on Ajrestan comes after the insurgents "
     "stormed the provincial capital of Farah last week from different direction and held the "
     "city for a few hours before being driven back by the government reinforcement.",
     "2018-05-21", set()),
    ("mmr", "460", "\"The Junta has lost its hold on Kyainseikgyi.", "2023-11-08", set()),
], ids=lambda v: v if isinstance(v, str) and len(v) <= 4 else "")
def test_the_thirteenth_to_twenty_third_batchs_sentences(layer, report, text, day, expected):
    """Expected (district, controller) from the batches' gold files (283's, 300's and 311's
    spellings from the corpus' ``places_*.csv``; 289's "the city" named, as the report names it
    sentences before; 329: the KIA's words with "we", whose side the sentence does not name: no
    draft rather than the military's)."""
    df = drafts(layer, text, day)
    assert pairs(df) == expected


def test_the_gainers_claim_and_a_council_members_words_are_both_sides_390():
    """390: the provincial council's head tells the fall, the Taliban's statement claims it:
    ``confirmed`` in the gold file (both sides)."""
    df = drafts("afg", "The militants attacked the district of Dasht-i-Arche from four sides and "
                       "took full control of it following intense fighting, Nasiruddin Saidi, "
                       "governor of the provincial council, said adding that around 150,000 "
                       "residents of the district cannot leave it now.\n\nThe militant group in "
                       "a statement said they seized the district as well as ammunition and four "
                       "tanks.", "2015-06-22")
    assert {(r[0], r[1], r[2]) for r in rows(df)} == {("AF1906", "Taliban", s.CONFIRMED)}


def test_the_act_that_made_the_fall_and_a_day_before_its_agent_date_it_420_422():
    """420: "fell to the AA after the group overran its police station at around 10pm
    Wednesday" (2023-11-15 in the gold file); 422: "had been seized on August 25 last year by
    the Mandalay People's Defense Force" (2024-08-25)."""
    pauktaw = drafts("mmr", "Pauktaw, a coastal town located some 30km east of Sittwe, fell to "
                            "the AA after the group overran its police station at around 10pm "
                            "Wednesday, forcing some 70 junta personnel to surrender.",
                     "2023-11-18")
    assert rows(pauktaw) == {("MMR012007", "AA", s.REPORTED, "2023-11-15")}
    thabeikkyin = drafts("mmr", "Thabeikkyin had been seized on August 25 last year by the "
                                "Mandalay People’s Defense Force (MDY PDF) and resistance "
                                "allies.", "2025-07-23")
    assert rows(thabeikkyin) == {("MMR010012", "PDF", s.REPORTED, "2024-08-25")}


def test_the_days_of_a_background_capture_438_440():
    """438: "the second part of Operation-1027 that has been waging since 25th June, 2024" dates
    the operation; Tangyan has no day of its own (the publication day in the gold file). 440:
    "seized Hsipaw on August 12 last year" (2024-08-12)."""
    tangyan = drafts("mmr", "Moreover, during the second part of Operation-1027 that has been "
                            "waging since 25th June, 2024, Naypyidaw allowed the Wa force to "
                            "control Tangyan Township.", "2024-07-29")
    assert rows(tangyan) == {("MMR015004", "UWSA", s.REPORTED, "2024-07-29")}
    hsipaw = drafts("mmr", "The TNLA and its allies seized Hsipaw on August 12 last year during "
                           "phase two of Operation 1027.", "2025-10-15")
    assert rows(hsipaw) == {("MMR015014", "TNLA", s.REPORTED, "2024-08-12")}


def test_khartoum_state_cleared_and_a_partys_own_statement_450_451():
    """451: "have cleared Khartoum State of the paramilitary Rapid Support Forces" is the gold
    file's province row (all seven localities); 450, published by the RSF on its own site: "Our
    forces have also established full control over the strategic locality of Um Kadada" is the
    RSF's claim (``unconfirmed``)."""
    khartoum = drafts("sdn", "The Sudanese Armed Forces (SAF) have cleared Khartoum State of the "
                             "paramilitary Rapid Support Forces (RSF) after capturing Salha, one "
                             "of the last remaining RSF strongholds in Omdurman\u2019s southern "
                             "parts.", "2025-05-20")
    assert pairs(khartoum) == {(f"SD010{k:02d}", "SAF") for k in range(1, 8)}
    gazetteer, actors, districts = kit("sdn")
    kadada = extract_drafts("Our forces have also established full control over the strategic "
                            "locality of Um Kadada.", gazetteer, actors, districts=districts,
                            date=date(2025, 4, 10),
                            source="Rapid Support Forces (rapidsupportforce.com, media statement)")
    assert rows(kadada) == {("SD02136", "RSF", s.UNCONFIRMED, "2025-04-10")}


def test_the_year_of_the_sentence_and_the_town_of_an_operation_457():
    """457: "on October 27, 2023, ... starting November 11, quickly capturing Loikaw and Demoso"
    (2023, not the 2024 the article's day alone would give); "the Demoso operation ... recaptured
    the town" is Demoso, dated by neither "began its offensive on August 4" nor Bawlakhe."""
    text = ("Following the launch of Operation 1027 in northern Shan State on October 27, 2023, "
            "the Karenni resistance launched their own offensive starting November 11, quickly "
            "capturing Loikaw and Demoso.\n\nIn Karenni State, resistance forces still control "
            "areas like Mese and Hpasawng, while the junta controls Bawlakhe and Phruso.\n\n"
            "Although the military did not specify the purpose of the Demoso operation, "
            "observers speculate that it aims to retake lost ground.\n\nThe junta says it began "
            "its offensive on August 4, and recaptured the town in just over two weeks.")
    got = rows(drafts("mmr", text, "2025-08-20"))
    assert ("MMR002002", "Karenni resistance", s.REPORTED, "2023-11-11") in got
    assert ("MMR002002", "Myanmar military", s.UNCONFIRMED, "2025-08-20") in got
    assert not any(day == "2025-08-04" for *_, day in got)


def test_a_claim_the_other_side_confirms_375():
    """375: "His claim was also confirmed by local authorities" confirms the Taliban's claim of
    Darqad (``confirmed`` in the gold file: both sides)."""
    darqad = drafts("afg", "Meanwhile Zabihullah Mujahid, the Taliban spokesman, claimed Taliban "
                           "fighters captured Darqad, another district in the province Tuesday "
                           "morning. His claim was also confirmed by local authorities.",
                    "2019-09-10")
    assert rows(darqad) == {("AF1815", "Taliban", s.CONFIRMED, "2019-09-10")}


def test_a_date_said_after_the_change_and_a_change_undone_in_the_report_277_284():
    """277: "gaining full control of the town on 4 March" dates the capture, not the "on 6
    March" of what the military disclosed after "had to relinquish control"; 284: "The
    Taliban had captured Tala Wa Barfak early this week", undone by the report's retake, gives
    no draft."""
    text = ("Ponnagyun came under offensive AA attacks starting from 21 February. Subsequently, "
            "the AA persisted with their offensive operations, aiming to capture the last "
            "remaining camp of LIB-550, ultimately gaining full control of the town on 4 March."
            "\n\nCurrently, the Military Council, which previously had to relinquish control of "
            "the town of Ponnagyun, disclosed that on 6 March, the army conducted artillery "
            "shelling twice in the morning.")
    df = drafts("mmr", text, "2024-03-11")
    assert rows(df) == {("MMR012002", "AA", "reported", "2024-03-04")}
    text = ("KABUL, Afghanistan (AP) \u2014 Afghan government forces have recaptured the Tala Wa "
            "Barfak district from the Taliban after heavy fighting in northern Baghlan province."
            "\n\nThe Taliban had captured Tala Wa Barfak early this week. There was no immediate "
            "comment from the Taliban.")
    assert pairs(drafts("afg", text, "2017-03-03")) == {("AF0911", "Afghan government")}


def test_the_held_out_reports_stay_apart_and_are_whole():
    """``tests/data/extract_holdout`` measures the rules out of sample: none of its reports may
    sit in the development corpus, and each listed report has its file with the same date and
    address."""
    holdout = ROOT / "tests" / "data" / "extract_holdout"
    listed = pd.read_csv(holdout / "reports.csv", dtype=str)
    dev = pd.read_csv(CORPUS / "reports.csv", dtype=str)
    assert not set(listed["report"]) & set(dev["report"])
    assert not set(listed["url"]) & set(dev["url"])
    gold = pd.read_csv(holdout / "gold.csv", dtype=str)
    assert set(gold["report"]) <= set(listed["report"])
    for r in listed.itertuples():
        head = (holdout / "reports" / f"{r.report}.txt").read_text(encoding="utf-8")[:600]
        assert f"Date: {r.published}" in head and f"URL: {r.url}" in head, r.report
