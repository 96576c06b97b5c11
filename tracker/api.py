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

from tracker._errors import InputError, NotFoundError
from tracker.core import acled_columns, spatial
from tracker.core import schema as s
from tracker.geo.boundaries import BoundarySet, default_boundaries
from tracker.ingest import csvfile, events_csv
from tracker.ingest.acled import deletions as acled_deletions
from tracker.ingest.acled import read as acled_read
from tracker.names.gazetteer import Gazetteer
from tracker.store import engines, migrate, models, records

ENV_DB = "TRACKER_DB"
SHIPPED_EVENTS = Path(__file__).resolve().parent / "data" / "afghanistan-2021.csv"


def connect(url: str | None = None) -> Tracker:
    """Open the tracker database at ``url`` (else ``$TRACKER_DB``, else ``sqlite:///tracker.db``)."""
    return Tracker(url or os.environ.get(ENV_DB) or engines.DEFAULT_URL)


@dataclass
class ImportReport:
    """What an import did."""

    path: str
    added: int = 0
    skipped: int = 0
    rejected: int = 0
    rejects_path: str | None = None
    variants: list[tuple[int, str, str, str]] = field(default_factory=list)
    format: str = "events"
    points_added: int = 0  # ACLED: point events (every row version, territorial or not)
    retracted: int = 0  # ACLED: control events of rows ACLED reclassified as non-territorial
    stale: int = 0  # ACLED: versions older than a stored one (point events only)
    warnings: list[str] = field(default_factory=list)  # ACLED: admin names vs coordinates
    unmatched: int = 0  # ACLED deletions: of events not imported (yet)


def detect_format(path: str | Path) -> str:
    """``acled-deletions``, ``acled`` or ``events``, from the file's header line."""
    if acled_deletions.is_deletions_header(csvfile.first_line(path)):
        return acled_deletions.FORMAT
    return acled_read.detect_format(path)


class Tracker:
    """Events, control timeline, maps and exports of one tracker database."""

    def __init__(self, url: str):
        self.url = url
        self.engine = engines.open_engine(url)

    def __repr__(self) -> str:
        return f"Tracker({self.url!r})"

    # --- setup --------------------------------------------------------------------------------
    def init(self, boundaries: BoundarySet | None = None, *, scale: str | None = None) -> bool:
        """Create the schema and load boundaries (the shipped Afghan set by default); idempotent.

        ``scale`` chooses the data set's status levels: ``control`` (controlled / contested, the
        default) or ``five-level`` (controlled / influenced / contested per side).
        """
        migrate.create_schema(self.engine)
        written = records.load_boundaries(self.engine, boundaries or default_boundaries(),
                                        origin="custom" if boundaries else "default")
        if scale is not None:
            self.set_status_scale(scale)
        self.__dict__.pop("gazetteer", None)
        return written

    @property
    def status_scale(self) -> str:
        """The data set's status scale (see :data:`tracker.core.schema.STATUS_SCALES`)."""
        return records.settings(self.engine).get("status_scale", s.DEFAULT_SCALE)

    def set_status_scale(self, scale: str) -> None:
        """Choose the status levels events may use; refuses to drop a level events use."""
        if scale not in s.STATUS_SCALES:
            msg = f"scale={scale!r} is not one of {', '.join(s.STATUS_SCALES)}"
            raise InputError(msg)
        used = set(self.events()[s.STATUS])
        dropped = sorted(used - set(s.STATUS_SCALES[scale]))
        if dropped:
            msg = (f"cannot switch to the {scale!r} scale: stored events use status "
                   f"{', '.join(dropped)}; keep the current scale or use a new database")
            raise InputError(msg)
        with self.engine.begin() as conn:
            models.write_settings(conn, {"status_scale": scale})

    @cached_property
    def gazetteer(self) -> Gazetteer:
        """Name resolution for this database's boundaries and the user's aliases."""
        records.require_initialised(self.engine)
        conf = records.settings(self.engine)
        if conf.get("boundaries") == "default":
            base = default_boundaries()
        else:
            base = BoundarySet(conf.get("boundaries_name", ""), self.districts(),
                               records.read_provinces(self.engine))
        return Gazetteer.from_boundaries(base, aliases=records.read_aliases(self.engine))

    def districts(self) -> gpd.GeoDataFrame:
        """Every district with province and geometry."""
        records.require_initialised(self.engine)
        return records.read_districts(self.engine)

    def provinces_layer(self) -> gpd.GeoDataFrame:
        """Every province with geometry."""
        records.require_initialised(self.engine)
        return records.read_provinces(self.engine)

    # --- ingest -------------------------------------------------------------------------------
    def import_csv(self, path: str | Path, *, skip_bad: bool = False,
                   rejects: str | Path | None = None) -> ImportReport:
        """Import an events CSV in one transaction (see the README for its columns)."""
        records.require_initialised(self.engine)
        rows = events_csv.read_rows(path)
        lines = csvfile.RecordLines.of_file(path, len(rows))
        parsed = events_csv.parse_events(rows, self.gazetteer, scale=self.status_scale,
                                         lines=lines.start)
        report = ImportReport(str(path), variants=parsed.variants)
        if parsed.problems and not skip_bad:
            events_csv.raise_problems(path, parsed.problems)
        report.added, report.skipped = records.insert_events(self.engine, parsed.events,
                                                           origin="csv")
        if parsed.problems:
            record_of = {int(line): i for i, line in enumerate(lines.start)}
            bad_records = sorted({record_of[p.line] for p in parsed.problems})
            report.rejected = len(bad_records)
            report.rejects_path = str(csvfile.write_rejects(path, bad_records, lines, rejects))
        return report

    def import_file(self, path: str | Path, *, format: str | None = None,
                    skip_bad: bool = False, rejects: str | Path | None = None,
                    progress=None) -> ImportReport:
        """Import an events CSV or an ACLED export (``format`` detected from the header)."""
        fmt = format or detect_format(path)
        if fmt == acled_columns.ORIGIN:
            return self.import_acled(path, skip_bad=skip_bad, rejects=rejects, progress=progress)
        if fmt == acled_deletions.FORMAT:
            return self.import_acled_deletions(path, skip_bad=skip_bad, rejects=rejects)
        if fmt != "events":
            msg = (f"format={fmt!r} is not a known import format; use 'acled', "
                   f"'{acled_deletions.FORMAT}' or 'events'")
            raise InputError(msg)
        return self.import_csv(path, skip_bad=skip_bad, rejects=rejects)

    def import_acled(self, path: str | Path, *, skip_bad: bool = False,
                     rejects: str | Path | None = None, progress=None,
                     today: date | None = None) -> ImportReport:
        """Import an ACLED export in one transaction (see ``tracker.ingest.acled.read``)."""
        from tracker.ingest.acled import write as acled_write

        records.require_initialised(self.engine)
        done = acled_write.import_acled(self.engine, path, self.districts(), self.gazetteer,
                                        skip_bad=skip_bad, today=today, progress=progress)
        report = ImportReport(str(path), added=done.added, skipped=done.skipped,
                              format=acled_columns.ORIGIN, points_added=done.points_added,
                              retracted=done.retracted, stale=done.stale, warnings=done.warnings)
        if len(done.rejected_records):
            report.rejected = len(done.rejected_records)
            report.rejects_path = str(csvfile.write_rejects(path, done.rejected_records,
                                                            done.lines, rejects))
        return report

    def import_acled_deletions(self, path: str | Path, *, skip_bad: bool = False,
                               rejects: str | Path | None = None,
                               today: date | None = None) -> ImportReport:
        """Record ACLED's deletions (``event_id_cnty``, ``deleted_timestamp``) in one transaction:
        deleted events stop counting (see ``tracker.ingest.acled.deletions``)."""
        from tracker.ingest.acled import write as acled_write

        records.require_initialised(self.engine)
        done = acled_write.import_deletions(self.engine, path, skip_bad=skip_bad, today=today)
        report = ImportReport(str(path), added=done.added, skipped=done.skipped,
                              format=acled_deletions.FORMAT, retracted=done.retracted,
                              unmatched=done.not_stored)
        if len(done.rejected_records):
            report.rejected = len(done.rejected_records)
            report.rejects_path = str(csvfile.write_rejects(path, done.rejected_records,
                                                            done.lines, rejects))
        return report

    def retract(self, event_id: str, *, reason: str) -> None:
        """Retract an event: it stays in history, marked, and no longer counts."""
        records.require_initialised(self.engine)
        records.retract(self.engine, event_id, reason=reason)

    def add_alias(self, name: str, district: str, *, province: str | None = None) -> str:
        """Store ``name`` as the user's spelling of ``district``; returns the district code.

        Refuses a name that is the code of another district, or the official name of another
        district of the same province: those rules come before aliases, so it would never apply.
        """
        target = self.gazetteer.resolve_district(district, province=province)
        for rule, hits in self.gazetteer.district_rules(str(name).strip()):
            if rule not in ("code", "exact"):
                break
            for other, spelling in hits.items():
                found = self.gazetteer.district_match(other, rule, spelling)
                if other != target.code and (rule == "code"
                                             or found.province_code == target.province_code):
                    what = "code" if rule == "code" else "official name"
                    msg = (f"{name!r} is the {what} of {found.label()}, which comes before any "
                           f"alias; choose another spelling for {target.label()}")
                    raise InputError(msg)
        code = target.code
        records.add_alias(self.engine, name, code)
        self.__dict__.pop("gazetteer", None)
        return code

    def resolve(self, name: str, *, province: str | None = None):
        """How a name resolves to a district (a gazetteer Match); raises with candidates."""
        return self.gazetteer.resolve_district(name, province=province)

    # --- news reports -> draft events -----------------------------------------------------------
    def extract(self, text: str, *, date: str | date | None = None, source: str | None = None,
                url: str | None = None) -> pd.DataFrame:
        """Draft control events from a news report (plain text or HTML); see
        ``tracker.extract.drafts``.

        ``date`` is the article date (default: a date line in the text). Returns one row per draft
        with the events-CSV columns, ``district_code`` and the ``evidence_*`` columns.
        """
        from tracker.extract import actors
        from tracker.extract import drafts as extraction
        from tracker.store import actor_aliases

        day = s.as_day(date, name="date").date() if date is not None else None
        table = actors.ActorTable.shipped(actor_aliases.read_actor_aliases(self.engine))
        names = pd.DataFrame(self.districts()[[s.DISTRICT_CODE, s.DISTRICT_NAME, s.PROVINCE_CODE,
                                               s.PROVINCE_NAME]])
        return extraction.extract_drafts(text, self.gazetteer, table, districts=names, date=day,
                                      source=source, url=url)

    def apply_drafts(self, drafts: pd.DataFrame) -> ImportReport:
        """Import drafts of :meth:`extract` through the events-CSV checks (origin ``extract``).

        Draft ids derive from their content, so applying the same drafts twice adds nothing.
        """
        from tracker.extract import drafts as extraction

        records.require_initialised(self.engine)
        parsed = events_csv.parse_events(extraction.draft_rows(drafts), self.gazetteer,
                                         scale=self.status_scale)
        events_csv.raise_problems("the extracted drafts", parsed.problems)
        added, skipped = records.insert_events(self.engine, parsed.events, origin="extract")
        return ImportReport("the extracted drafts", added=added, skipped=skipped)

    def add_actor_alias(self, alias: str, actor: str) -> None:
        """Make ``alias`` mean ``actor`` when reports are read by :meth:`extract`."""
        from tracker.store import actor_aliases

        records.require_initialised(self.engine)
        actor_aliases.add_actor_alias(self.engine, alias, actor)

    def actor_aliases(self) -> pd.DataFrame:
        """Every actor alias :meth:`extract` knows (shipped and the user's): actor, alias."""
        from tracker.extract import actors
        from tracker.store import actor_aliases

        return actors.ActorTable.shipped(actor_aliases.read_actor_aliases(self.engine)).table()

    # --- reading ------------------------------------------------------------------------------
    def events(self) -> pd.DataFrame:
        """Every stored event, retracted and superseded ones included (marked)."""
        records.require_initialised(self.engine)
        return records.read_events(self.engine)

    def intervals(self, *, known_on: str | date | None = None) -> pd.DataFrame:
        """Every district's control history as intervals."""
        records.require_initialised(self.engine)
        known = s.as_day(known_on, name="known_on") if known_on is not None else None
        return records.control_intervals(self.engine, known_on=known)

    def status(self, date: str | date, *, known_on: str | date | None = None) -> gpd.GeoDataFrame:
        """Control of every district on ``date`` (as known on ``known_on``), with geometry."""
        day = s.as_day(date)
        known = s.as_day(known_on, name="known_on") if known_on is not None else None
        with self.engine.connect() as conn:  # one connection: one snapshot, few statements
            records.require_initialised(conn)
            districts = records.read_districts(conn)
            state = records.state_on(conn, day, known_on=known,
                                     districts=districts[s.DISTRICT_CODE].tolist())
        return spatial.attach_geometry(state, districts)

    def diff(self, d1: str | date, d2: str | date) -> pd.DataFrame:
        """Districts whose controller or status differs between two dates, with the events."""
        start, end = s.as_day(d1, name="from"), s.as_day(d2, name="to")
        if end < start:
            msg = f"to={end.date()} is before from={start.date()}; give the earlier day first"
            raise InputError(msg)
        with self.engine.connect() as conn:  # one connection: one snapshot, few statements
            records.require_initialised(conn)
            districts = records.read_districts(conn)
            changed = records.changes(conn, start, end,
                                      districts=districts[s.DISTRICT_CODE].tolist())
        names = districts[[s.DISTRICT_CODE, s.DISTRICT_NAME, s.PROVINCE_CODE, s.PROVINCE_NAME]]
        return names.merge(changed, on=s.DISTRICT_CODE, how="inner")

    def provinces(self, date: str | date, *, known_on: str | date | None = None) -> pd.DataFrame:
        """Per province (and the whole country): districts and km2 held by each actor.

        ``known_on`` rolls up the state on ``date`` as known on that day (see :meth:`status`).
        """
        day = s.as_day(date)
        known = s.as_day(known_on, name="known_on") if known_on is not None else None
        with self.engine.connect() as conn:  # districts read once for the state and the roll-up
            records.require_initialised(conn)
            districts = records.read_districts(conn)
            state = records.state_on(conn, day, known_on=known,
                                     districts=districts[s.DISTRICT_CODE].tolist())
            provinces = records.read_provinces(conn)
        return spatial.province_rollup(spatial.attach_geometry(state, districts), districts,
                                       provinces_gdf=provinces)

    def history(self, district: str, *, province: str | None = None) -> pd.DataFrame:
        """Every event of one district, oldest first, with retraction/supersession marks."""
        code = self.resolve(district, province=province).code
        with self.engine.connect() as conn:
            records.require_initialised(conn)
            return records.history(conn, code)

    def check_store(self, *, repair: bool = False) -> pd.DataFrame:
        """Recompute the stored control intervals from the events and list any difference.

        Returns one row per differing interval row (column ``problem``: ``stored only`` or
        ``missing``); empty when the store agrees with the events. ``repair`` rewrites every
        district's intervals from the events (in one transaction) after listing them.
        """
        records.require_initialised(self.engine)
        return records.check_intervals(self.engine, repair=repair)

    def point_events(self, start: str | date | None = None, end: str | date | None = None, *,
                     known_on: str | date | None = None, district: str | None = None,
                     province: str | None = None, event_type: str | None = None,
                     all_versions: bool = False) -> gpd.GeoDataFrame:
        """ACLED point events (battles, explosions, captures...) dated ``start``..``end``.

        One row per ACLED event: its newest version known on ``known_on`` (every version with
        ``all_versions``), with district and province names and a point geometry (EPSG:4326).
        ``district`` (any spelling :meth:`resolve` knows, ``province`` to tell apart districts of
        one name) and ``event_type`` (ACLED's, any case) narrow the rows.
        """
        from tracker.store import point_batches

        records.require_initialised(self.engine)
        code = self.resolve(district, province=province).code if district else None
        with self.engine.connect() as conn:
            frame = point_batches.point_events(
                conn, start=s.as_day(start, name="start") if start is not None else None,
                end=s.as_day(end, name="end") if end is not None else None,
                known_on=s.as_day(known_on, name="known_on") if known_on is not None else None,
                all_versions=all_versions)
        if code is not None:
            frame = frame[frame[s.DISTRICT_CODE] == code]
        if event_type:
            wanted = event_type.strip().casefold()
            frame = frame[frame[acled_columns.EVENT_TYPE].str.casefold() == wanted]
        names = self.districts()[[s.DISTRICT_CODE, s.DISTRICT_NAME, s.PROVINCE_CODE,
                                  s.PROVINCE_NAME]]
        frame = frame.merge(names, on=s.DISTRICT_CODE, how="left")
        return gpd.GeoDataFrame(
            frame, geometry=gpd.points_from_xy(frame[acled_columns.LONGITUDE],
                                               frame[acled_columns.LATITUDE]), crs="EPSG:4326")

    def count_point_events(self) -> int:
        """Number of stored point-event versions."""
        from tracker.store import point_batches

        records.require_initialised(self.engine)
        with self.engine.connect() as conn:
            return point_batches.count_points(conn)

    # --- outputs ------------------------------------------------------------------------------
    def map(self, *, start: str | date | None = None, end: str | date | None = None,
            step: str = s.DAY, offline: bool = True, tiles: bool = False,
            diff: tuple[str | date, str | date] | None = None, title: str | None = None,
            points: bool = False, points_window: int = 7):
        """A time-sliced folium map of control (one self-contained page when ``offline``).

        ``points`` adds the switchable layer "ACLED events": at each slider date, the ACLED point
        events of the ``points_window`` days ending on it (see
        :func:`tracker.render.html_map.build_map`).
        """
        from tracker.render import html_map
        from tracker.render import points as render_points

        records.require_initialised(self.engine)
        conf = records.settings(self.engine)
        events = records.read_events(self.engine)  # the reports shown in each district's popup
        if events.empty:
            msg = f"no events in {self.url}; import some with `tracker import FILE` first"
            raise NotFoundError(msg)
        shown = None
        if points:  # the events some slider date shows: from window - 1 days before the start
            lead = pd.Timedelta(days=render_points.check_window(points_window) - 1)
            shown = self.point_events(s.as_day(start, name="start") - lead if start else None,
                                      s.as_day(end, name="end") if end else None)
        return html_map.build_map(
            records.read_districts(self.engine), records.read_provinces(self.engine),
            records.control_intervals(self.engine), events,
            start=s.as_day(start, name="start") if start else None,
            end=s.as_day(end, name="end") if end else None,
            step=step, offline=offline, tiles=tiles,
            diff=(s.as_day(diff[0], name="diff from"), s.as_day(diff[1], name="diff to"))
            if diff else None,
            title=title or f"District control: {conf.get('boundaries_name', '')}".strip(": "),
            credit=conf.get("credit", ""), use_limitation=conf.get("use_limitation", ""),
            points=shown, points_window=points_window)

    def export(self, out: str | Path, *, fmt: str | None = None, date: str | date | None = None,
               intervals: bool = False, events: bool = False, provinces: bool = False,
               points: bool = False, start: str | date | None = None,
               end: str | date | None = None, known_on: str | date | None = None,
               raw_csv: bool = False) -> list[Path]:
        """Write tables for GIS and statistics tools; returns the files written.

        Parameters
        ----------
        out
            Output file (``.csv``, ``.geojson``, ``.gpkg``, ``.parquet``).
        fmt
            ``csv``, ``geojson``, ``gpkg`` or ``parquet`` (GeoParquet); default from ``out``.
        date
            Layer ``state``: every district on this day with geometry (with ``provinces``: layer
            ``provinces``, the province roll-up of that day instead).
        intervals, events
            Layers ``intervals`` (control intervals) and ``events`` (every event, with source,
            retraction and supersedes). Several layers need ``fmt="gpkg"``.
        points
            Layer ``point_events``: the ACLED point events (see :meth:`point_events`), EPSG:4326
            points; in CSV their ``latitude``/``longitude`` columns.
        start, end
            With ``points``: only point events dated ``start``..``end`` (both included).
        known_on
            State, intervals and point events as known at the end of this day.
        raw_csv
            Do not neutralise CSV cells that spreadsheets would run as formulas.
        """
        from tracker import export as ex

        if provinces and date is None:
            msg = "provinces=True needs a date: the roll-up is of one day (--provinces --date D)"
            raise InputError(msg)
        if not points and (start is not None or end is not None):
            msg = "start/end (--from/--to) date the point events: add points=True (--points)"
            raise InputError(msg)
        if start is not None and end is not None and (
                s.as_day(end, name="end") < s.as_day(start, name="start")):
            msg = f"end={end} is before start={start}; give the earlier day first"
            raise InputError(msg)
        records.require_initialised(self.engine)
        districts = self.districts()
        names = districts[[s.DISTRICT_CODE, s.DISTRICT_NAME, s.PROVINCE_CODE, s.PROVINCE_NAME]]
        tables: dict[str, pd.DataFrame] = {}
        what: dict[str, str] = {}
        if date is not None and provinces:
            tables["provinces"] = self.provinces(date, known_on=known_on)
            what["provinces"] = f"districts and km2 held per province and actor on {date}"
        elif date is not None:
            state = self.status(date, known_on=known_on)
            state.insert(0, s.DATE, s.as_day(date))
            tables["state"] = state
            what["state"] = f"control of every district on {date}, with district polygons"
        if intervals:
            iv = self.intervals(known_on=known_on)
            tables["intervals"] = names.merge(iv, on=s.DISTRICT_CODE, how="inner")
            what["intervals"] = "control intervals per district (end exclusive, empty = ongoing)"
        if events:
            ev = self.events()
            tables["events"] = names.merge(ev, on=s.DISTRICT_CODE, how="right")
            what["events"] = "every stored event with source, retraction and supersedes"
        if points:
            found = self.point_events(start, end, known_on=known_on)
            tables[ex.POINTS_LAYER] = ex.points_table(found, fmt=ex.format_for(out, fmt))
            what[ex.POINTS_LAYER] = ex.points_description(start=start, end=end,
                                                          known_on=known_on)
        conf = records.settings(self.engine)
        return ex.write_tables(tables, out, fmt=fmt, credit=conf.get("credit", ""),
                               use_limitation=conf.get("use_limitation", ""), descriptions=what,
                               raw_csv=raw_csv)

    def demo(self, out: str | Path) -> Path:
        """Initialise, import the shipped 2021 events and write the offline map to ``out``."""
        from tracker.render import html_map

        self.init()
        self.import_csv(SHIPPED_EVENTS)
        return html_map.save_map(self.map(title="Afghanistan 2021: who controls each district"),
                               out)
