"""The `Tracker` façade: the one entry point for analysts' scripts and for the CLI.

>>> import tracker
>>> t = tracker.connect("sqlite:///tracker.db")   # doctest: +SKIP
>>> t.init(); t.import_csv("events.csv")            # doctest: +SKIP
>>> t.status("2021-08-21")                          # doctest: +SKIP
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import pandas as pd

from tracker import db, ingest_csv, spatial, store, timeline
from tracker import schema as s
from tracker._errors import InputError, NotFoundError
from tracker.gazetteer import Gazetteer
from tracker.geodata import BoundarySet, default_boundaries

ENV_DB = "TRACKER_DB"
SHIPPED_EVENTS = Path(__file__).resolve().parent / "data" / "afghanistan-2021.csv"


def connect(url: str | None = None) -> Tracker:
    """Open the tracker database at ``url`` (else ``$TRACKER_DB``, else ``sqlite:///tracker.db``)."""
    return Tracker(url or os.environ.get(ENV_DB) or db.DEFAULT_URL)


def as_timestamp(value: str | date | pd.Timestamp, *, name: str = "date") -> pd.Timestamp:
    """A day timestamp from a date, or a clear error naming the argument."""
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError):
        ts = pd.NaT
    if pd.isna(ts):
        msg = f"{name}={value!r} is not a date; use YYYY-MM-DD"
        raise InputError(msg)
    return ts.normalize()


@dataclass
class ImportReport:
    """What an import did."""

    path: str
    added: int = 0
    skipped: int = 0
    rejected: int = 0
    rejects_path: str | None = None
    variants: list[tuple[int, str, str, str]] = field(default_factory=list)


class Tracker:
    """Events, control timeline, maps and exports of one tracker database."""

    def __init__(self, url: str):
        self.url = url
        self.engine = db.open_engine(url)

    def __repr__(self) -> str:
        return f"Tracker({self.url!r})"

    # --- setup --------------------------------------------------------------------------------
    def init(self, boundaries: BoundarySet | None = None) -> bool:
        """Create the schema and load boundaries (the shipped Afghan set by default); idempotent."""
        db.create_schema(self.engine)
        written = store.load_boundaries(self.engine, boundaries or default_boundaries(),
                                        origin="custom" if boundaries else "default")
        self.__dict__.pop("gazetteer", None)
        return written

    @cached_property
    def gazetteer(self) -> Gazetteer:
        """Name resolution for this database's boundaries and the user's aliases."""
        store.require_initialised(self.engine)
        conf = store.settings(self.engine)
        if conf.get("boundaries") == "default":
            base = default_boundaries()
        else:
            base = BoundarySet(conf.get("boundaries_name", ""), self.districts(),
                               store.read_provinces(self.engine))
        return Gazetteer.from_boundaries(base, aliases=store.read_aliases(self.engine))

    def districts(self) -> gpd.GeoDataFrame:
        """Every district with province and geometry."""
        store.require_initialised(self.engine)
        return store.read_districts(self.engine)

    def provinces_layer(self) -> gpd.GeoDataFrame:
        """Every province with geometry."""
        store.require_initialised(self.engine)
        return store.read_provinces(self.engine)

    # --- ingest -------------------------------------------------------------------------------
    def import_csv(self, path: str | Path, *, skip_bad: bool = False,
                   rejects: str | Path | None = None) -> ImportReport:
        """Import an events CSV in one transaction (see the README for its columns)."""
        store.require_initialised(self.engine)
        rows = ingest_csv.read_rows(path)
        parsed = ingest_csv.parse_events(rows, self.gazetteer)
        report = ImportReport(str(path), variants=parsed.variants)
        if parsed.problems and not skip_bad:
            ingest_csv.raise_problems(path, parsed.problems)
        if parsed.problems:
            bad_lines = {p.line for p in parsed.problems}
            report.rejected = len(bad_lines)
            report.rejects_path = str(write_rejects(path, rows, bad_lines, rejects))
        report.added, report.skipped = store.insert_events(self.engine, parsed.events,
                                                           origin="csv")
        return report

    def retract(self, event_id: str, *, reason: str) -> None:
        """Retract an event: it stays in history, marked, and no longer counts."""
        store.retract(self.engine, event_id, reason=reason)

    def add_alias(self, name: str, district: str, *, province: str | None = None) -> str:
        """Store ``name`` as the user's spelling of ``district``; returns the district code."""
        code = self.gazetteer.resolve_district(district, province=province).code
        store.add_alias(self.engine, name, code)
        self.__dict__.pop("gazetteer", None)
        return code

    def resolve(self, name: str, *, province: str | None = None):
        """How a name resolves to a district (a gazetteer Match); raises with candidates."""
        return self.gazetteer.resolve_district(name, province=province)

    # --- reading ------------------------------------------------------------------------------
    def events(self) -> pd.DataFrame:
        """Every stored event, retracted and superseded ones included (marked)."""
        store.require_initialised(self.engine)
        return store.read_events(self.engine)

    def intervals(self, *, known_on: str | date | None = None) -> pd.DataFrame:
        """Every district's control history as intervals."""
        known = as_timestamp(known_on, name="known_on") if known_on is not None else None
        return timeline.control_intervals(self.events(), known_on=known)

    def status(self, date: str | date, *, known_on: str | date | None = None) -> gpd.GeoDataFrame:
        """Control of every district on ``date`` (as known on ``known_on``), with geometry."""
        day = as_timestamp(date)
        districts = self.districts()
        state = timeline.state_on(self.intervals(known_on=known_on), day,
                                  districts=districts[s.DISTRICT_CODE].tolist())
        return spatial.attach_geometry(state, districts)

    def diff(self, d1: str | date, d2: str | date) -> pd.DataFrame:
        """Districts whose controller or status differs between two dates, with the events."""
        start, end = as_timestamp(d1, name="from"), as_timestamp(d2, name="to")
        districts = self.districts()
        changed = timeline.changes(self.intervals(), start, end,
                                   districts=districts[s.DISTRICT_CODE].tolist())
        names = districts[[s.DISTRICT_CODE, s.DISTRICT_NAME, s.PROVINCE_CODE, s.PROVINCE_NAME]]
        return names.merge(changed, on=s.DISTRICT_CODE, how="inner")

    def provinces(self, date: str | date) -> pd.DataFrame:
        """Per province (and the whole country): districts and km2 held by each actor."""
        state = self.status(date)
        return spatial.province_rollup(state, self.districts(), provinces_gdf=self.provinces_layer())

    def history(self, district: str, *, province: str | None = None) -> pd.DataFrame:
        """Every event of one district, oldest first, with retraction/supersession marks."""
        code = self.resolve(district, province=province).code
        events = self.events()
        superseded_by = (events.dropna(subset=[s.SUPERSEDES])
                         .set_index(s.SUPERSEDES)[s.EVENT_ID].to_dict())
        mine = events[events[s.DISTRICT_CODE] == code].copy()
        if mine.empty:
            return mine.assign(superseded_by=pd.Series(dtype=object))
        mine["superseded_by"] = mine[s.EVENT_ID].map(superseded_by)
        return mine.sort_values([s.DATE, s.RECORDED_AT, s.EVENT_ID]).reset_index(drop=True)

    # --- outputs ------------------------------------------------------------------------------
    def map(self, *, start: str | date | None = None, end: str | date | None = None,
            step: str = s.DAY, offline: bool = True, tiles: bool = False,
            diff: tuple[str | date, str | date] | None = None, title: str | None = None):
        """A time-sliced folium map of control (one self-contained page when ``offline``)."""
        from tracker import render

        conf = store.settings(self.engine)
        events = self.events()
        if events.empty:
            msg = f"no events in {self.url}; import some with `tracker import FILE` first"
            raise NotFoundError(msg)
        return render.build_map(
            self.districts(), self.provinces_layer(), timeline.control_intervals(events), events,
            start=as_timestamp(start, name="start") if start else None,
            end=as_timestamp(end, name="end") if end else None,
            step=step, offline=offline, tiles=tiles,
            diff=(as_timestamp(diff[0], name="diff from"), as_timestamp(diff[1], name="diff to"))
            if diff else None,
            title=title or f"District control: {conf.get('boundaries_name', '')}".strip(": "),
            credit=conf.get("credit", ""), use_limitation=conf.get("use_limitation", ""))

    def demo(self, out: str | Path) -> Path:
        """Initialise, import the shipped 2021 events and write the offline map to ``out``."""
        from tracker import render

        self.init()
        self.import_csv(SHIPPED_EVENTS)
        return render.save_map(self.map(title="Afghanistan 2021: who controls each district"),
                               out)


def write_rejects(path: str | Path, rows: list[dict[str, str]], bad_lines: set[int],
                  rejects: str | Path | None, *, first_line: int = 2) -> Path:
    """Write the rejected rows, unchanged, to ``rejects`` (default: next to the input)."""
    import csv

    src = Path(path)
    out = Path(rejects) if rejects else src.with_name(src.stem + ".rejects.csv")
    bad = [r for i, r in enumerate(rows) if first_line + i in bad_lines]
    fields = [k for k in rows[0] if k != "__extra__"] if rows else []
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(bad)
    return out
