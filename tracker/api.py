"""The `Tracker` façade: the one entry point for analysts' scripts and for the CLI.

>>> import tracker
>>> with tracker.connect("sqlite:///tracker.db") as t:  # doctest: +SKIP
...     t.init(); t.import_csv("events.csv")
...     t.status("2021-08-21")

Conventions shared by every method (and by the CLI):

* a span of days is ``start``/``end`` (both included; ``--start``/``--end`` in the CLI);
* ``known_on`` replays what the tracker knew at the end of a past day, wherever a state is read
  (:meth:`Tracker.status`, :meth:`~Tracker.provinces`, :meth:`~Tracker.diff`,
  :meth:`~Tracker.history`, :meth:`~Tracker.intervals`, :meth:`~Tracker.map`,
  :meth:`~Tracker.export`, :meth:`~Tracker.point_events`);
* a file format is ``format``;
* a table whose rows are districts is a GeoDataFrame with the district polygons
  (:meth:`~Tracker.status`, :meth:`~Tracker.diff`, :meth:`~Tracker.district_layer`); tables of
  events, intervals or province roll-ups are DataFrames (their rows are not districts);
* errors derive from :class:`tracker.TrackerError` (see :mod:`tracker._errors`).

Older names (``d1``/``d2``, ``fmt``, ``districts()``, ``provinces_layer()``) still work and warn
with a ``DeprecationWarning``.
"""

from __future__ import annotations

import os
import warnings
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd
from sqlalchemy import Engine

from tracker._errors import DatabaseError, InputError, NotFoundError
from tracker.core import acled_columns, spatial, timeline
from tracker.core import schema as s
from tracker.geo.boundaries import BoundarySet, default_boundaries
from tracker.ingest import coded_events, csvfile, events_csv
from tracker.ingest.acled import deletions as acled_deletions
from tracker.ingest.acled import read as acled_read
from tracker.ingest.problems import Problems
from tracker.ingest.reports import (
    AcledImportReport,
    DeletionsImportReport,
    EventsImportReport,
    ImportReport,
    PlacesReport,
)
from tracker.ingest.text_fields import REPORT_LIMIT, check_value, store_limit
from tracker.names.gazetteer import Gazetteer
from tracker.store import engines, migrate, models, records

if TYPE_CHECKING:
    from tracker.ingest.alias_file import AliasRows

ENV_DB = "TRACKER_DB"
SHIPPED_EVENTS = Path(__file__).resolve().parent / "data" / "afghanistan-2021.csv"


CHART_MEASURES = ("districts", "area", "population", "side")


def _picture_span(intervals: pd.DataFrame, start, end) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The dates of a chart or animation: as given, else the first and last change."""
    changes = pd.concat([intervals[s.START], intervals[s.END]]).dropna()
    if (start is None or end is None) and changes.empty:
        msg = "no events to take the dates from; import events or give start and end"
        raise NotFoundError(msg)
    first = s.as_day(start, name="start") if start is not None else changes.min()
    last = s.as_day(end, name="end") if end is not None else max(changes.max(), first)
    return first, last


def _check_suffix(out: str | Path, kinds: tuple[str, ...]) -> None:
    suffix = Path(out).suffix
    if suffix.lower() not in kinds:
        msg = f"picture file suffix {suffix!r} is not one of {', '.join(kinds)}"
        raise InputError(msg)


def _as_known(title: str, known_on: pd.Timestamp | None) -> str:
    """A picture's title, saying which day's knowledge it draws when that is not now."""
    return title if known_on is None else f"{title} (as known on {known_on:%d %b %Y})"


def _picture_credit(conf: dict[str, str]) -> str:
    """The boundary credit and use limitation printed on charts and stills."""
    return " ".join(v for v in (conf.get("credit", ""), conf.get("use_limitation", "")) if v)


__all__ = ["AcledImportReport", "DeletionsImportReport", "EventsImportReport", "ImportReport",
           "PlacesReport", "Tracker", "connect", "detect_format"]


def connect(url: str | None = None) -> Tracker:
    """Open the tracker database at ``url`` (else ``$TRACKER_DB``, else ``sqlite:///tracker.db``).

    The tracker is a context manager: ``with tracker.connect(url) as t:`` closes its database
    connections at the end of the block (see :meth:`Tracker.close`).
    """
    return Tracker(url or os.environ.get(ENV_DB) or engines.DEFAULT_URL)


def detect_format(path: str | Path) -> str:
    """``acled-deletions``, ``acled`` or ``events``, from the file's header line (read once)."""
    header = csvfile.first_line(path)
    if acled_deletions.is_deletions_header(header):
        return acled_deletions.FORMAT
    return acled_columns.ORIGIN if acled_read.is_acled_header(header) else "events"


def _renamed(new_value, old_value, *, new: str, old: str):
    """The value of an argument renamed from ``old`` to ``new``; ``old`` warns (deprecated)."""
    if old_value is None:
        return new_value
    if new_value is not None:
        msg = f"give {new}= only ({old}= is its deprecated name)"
        raise InputError(msg)
    warnings.warn(f"{old}= is deprecated; use {new}=", DeprecationWarning, stacklevel=3)
    return old_value


def _day(value: str | date | None, name: str) -> pd.Timestamp | None:
    """``value`` as a day (``None`` stays ``None``); a bad value names the argument."""
    return s.as_day(value, name=name) if value is not None else None


def _ordered(start: pd.Timestamp | None, end: pd.Timestamp | None) -> None:
    if start is not None and end is not None and end < start:
        msg = f"end={end.date()} is before start={start.date()}; give the earlier day first"
        raise InputError(msg)


class Tracker:
    """Events, control timeline, maps and exports of one tracker database."""

    def __init__(self, url: str):
        self.url = url
        self._engine = engines.open_engine(url)
        self._closed = False

    def __repr__(self) -> str:
        return f"Tracker({self.url!r}{', closed' if self._closed else ''})"

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine; a closed tracker raises :class:`tracker.DatabaseError`."""
        if self._closed:
            msg = f"the tracker of {self.url!r} is closed; open it again with tracker.connect(url)"
            raise DatabaseError(msg)
        return self._engine

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed

    def close(self) -> None:
        """Close every database connection (dispose the engine); harmless twice.

        The tracker cannot be used afterwards: open another with :func:`connect`.
        """
        if not self._closed:
            self._engine.dispose()
            self._closed = True
        self.__dict__.pop("gazetteer", None)

    def __enter__(self) -> Tracker:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # --- setup --------------------------------------------------------------------------------
    def init(self, boundaries: BoundarySet | None = None, *, scale: str | None = None,
             variants: str | Path | None = None, credit: str | None = None) -> bool:
        """Create the schema and load boundaries (the shipped Afghan set by default); idempotent.

        ``scale`` chooses the data set's status levels: ``control`` (controlled / contested, the
        default) or ``five-level`` (controlled / influenced / contested per side). ``variants``
        loads an alias table with the boundaries (see :meth:`import_aliases`); ``credit``
        replaces the boundary credit shown on every map and export.
        """
        target = boundaries or default_boundaries()
        table = None
        if variants is not None:  # read and resolved first: a bad file leaves nothing written
            from tracker.ingest import alias_file

            table = self._resolved_aliases(alias_file.checked_alias_rows(variants),
                                           self._gazetteer_after_init(target))
        migrate.create_schema(self.engine)
        written = records.load_boundaries(self.engine, target,
                                        origin="custom" if boundaries else "default")
        if scale is not None:
            self.set_status_scale(scale)
        if credit is not None:
            with self.engine.begin() as conn:
                models.write_settings(conn, {"credit": " ".join(credit.split())})
        elif boundaries is not None and boundaries.credit and not written \
                and not records.settings(self.engine).get("credit"):
            # boundaries loaded before without a credit: their sidecar file, added since, fills it
            with self.engine.begin() as conn:
                models.write_settings(conn, {"credit": boundaries.credit,
                                             "use_limitation": boundaries.use_limitation})
        self.__dict__.pop("gazetteer", None)
        if table is not None:
            self._write_aliases(table)
        return written

    def _gazetteer_after_init(self, boundaries: BoundarySet) -> Gazetteer:
        """The names :meth:`init` with ``boundaries`` will resolve, before it writes anything:
        this database's (with the user's aliases) when it holds these districts already, else
        those of ``boundaries`` alone (a new database, or boundaries about to be replaced)."""
        try:
            records.require_initialised(self.engine)
        except DatabaseError:
            return Gazetteer.from_boundaries(boundaries)
        if set(records.district_codes(self.engine)) == set(boundaries.districts[s.DISTRICT_CODE]):
            return self.gazetteer
        return Gazetteer.from_boundaries(boundaries)

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
        from tracker.store import naming

        conf = records.settings(self.engine)
        if conf.get("boundaries") == "default":
            base = default_boundaries()
        else:
            base = BoundarySet(conf.get("boundaries_name", ""), self.district_layer(),
                               records.read_provinces(self.engine))
        mine = naming.read_places(self.engine)
        if len(mine):
            places = pd.concat([base.places, mine[["name", "alternatenames", s.DISTRICT_CODE]]],
                               ignore_index=True) if len(base.places) else mine
            base = BoundarySet(base.name, base.districts, base.provinces, base.name_variants,
                               places, base.credit, base.use_limitation)
        return Gazetteer.from_boundaries(base, aliases=records.read_aliases(self.engine),
                                         province_aliases=naming.read_province_aliases(
                                             self.engine))

    def district_layer(self) -> gpd.GeoDataFrame:
        """Every district (code, name, province code and name) with its polygon."""
        records.require_initialised(self.engine)
        return records.read_districts(self.engine)

    def province_layer(self) -> gpd.GeoDataFrame:
        """Every province (code, name) with its polygon."""
        records.require_initialised(self.engine)
        return records.read_provinces(self.engine)

    def districts(self) -> gpd.GeoDataFrame:
        """Deprecated name of :meth:`district_layer`."""
        warnings.warn("Tracker.districts() is deprecated; use Tracker.district_layer()",
                      DeprecationWarning, stacklevel=2)
        return self.district_layer()

    def provinces_layer(self) -> gpd.GeoDataFrame:
        """Deprecated name of :meth:`province_layer`."""
        warnings.warn("Tracker.provinces_layer() is deprecated; use Tracker.province_layer()",
                      DeprecationWarning, stacklevel=2)
        return self.province_layer()

    # --- ingest -------------------------------------------------------------------------------
    def import_csv(self, path: str | Path, *, skip_bad: bool = False,
                   rejects: str | Path | None = None,
                   suggest: str | Path | None = None) -> EventsImportReport:
        """Import an events CSV in one transaction (see the README for its columns).

        ``suggest`` writes, for every district name that did not resolve (and every province
        taken only as a hint), its lines and top candidates in the shape
        :meth:`import_aliases` reads (see :mod:`tracker.ingest.suggestions`).
        """
        from tracker.ingest import suggestions

        records.require_initialised(self.engine)
        problems = Problems()
        table = events_csv.read_events_table(path, problems)
        parsed = events_csv.parse_events(table.frame, self.gazetteer, scale=self.status_scale,
                                         lines=table.lines.start, problems=problems)
        unread = events_csv.unread_columns(table.header)
        report = EventsImportReport(str(path), variants=parsed.variants,
                                    warnings=[unread, *parsed.warnings] if unread
                                    else parsed.warnings)
        if suggest is not None:
            rows = table.frame.fillna("").astype(str).to_dict("records")
            found = suggestions.suggestion_rows(rows, list(table.lines.start), self.gazetteer)
            report.suggestions_path = str(suggestions.write_suggestions(suggest, found))
            report.suggested = len({r["name"] for r in found})
        if parsed.problems and not skip_bad:
            try:
                events_csv.raise_problems(path, parsed.problems, total=parsed.n_problems)
            except InputError as exc:
                if suggest is None:
                    raise
                msg = (f"{exc}; candidates for {report.suggested} name(s) written to {suggest}: "
                       f"keep one per name, then `tracker alias import {suggest}`")
                raise InputError(msg) from None
        report.added, report.skipped = records.insert_events(self.engine, parsed.events,
                                                           origin="csv")
        if parsed.problems:
            report.rejected = len(parsed.rejected_records)
            report.rejects_path = str(csvfile.write_rejects(path, parsed.rejected_records,
                                                            table.lines, rejects))
        return report

    def import_file(self, path: str | Path, *, format: str | None = None,
                    skip_bad: bool = False, rejects: str | Path | None = None,
                    progress=None, suggest: str | Path | None = None) -> ImportReport:
        """Import an events CSV, an ACLED export or ACLED's deletions (``format``: ``events``,
        ``acled`` or ``acled-deletions``, detected from the header by default); the report is
        the format's (:class:`EventsImportReport`, :class:`AcledImportReport`,
        :class:`DeletionsImportReport`). ``suggest``: see :meth:`import_csv`."""
        fmt = format or detect_format(path)
        if suggest is not None and fmt != "events":
            msg = (f"--suggest reads events files; {path} is {fmt!r}: ACLED rows are placed by "
                   f"their coordinates")
            raise InputError(msg)
        if fmt == acled_columns.ORIGIN:
            return self.import_acled(path, skip_bad=skip_bad, rejects=rejects, progress=progress)
        if fmt == acled_deletions.FORMAT:
            return self.import_acled_deletions(path, skip_bad=skip_bad, rejects=rejects)
        if fmt != "events":
            msg = (f"format={fmt!r} is not a known import format; use 'acled', "
                   f"'{acled_deletions.FORMAT}' or 'events'")
            raise InputError(msg)
        return self.import_csv(path, skip_bad=skip_bad, rejects=rejects, suggest=suggest)

    def import_acled(self, path: str | Path, *, skip_bad: bool = False,
                     rejects: str | Path | None = None, progress=None,
                     today: date | None = None) -> AcledImportReport:
        """Import an ACLED export in one transaction (see ``tracker.ingest.acled.read``)."""
        from tracker.ingest.acled import write as acled_write

        records.require_initialised(self.engine)
        done = acled_write.import_acled(self.engine, path, self.district_layer(),
                                        self.gazetteer, skip_bad=skip_bad, today=today,
                                        progress=progress)
        report = AcledImportReport(str(path), added=done.added, skipped=done.skipped,
                                   points_added=done.points_added, retracted=done.retracted,
                                   stale=done.stale, warnings=done.warnings)
        if len(done.rejected_records):
            report.rejected = len(done.rejected_records)
            report.rejects_path = str(csvfile.write_rejects(path, done.rejected_records,
                                                            done.lines, rejects))
        return report

    def import_acled_deletions(self, path: str | Path, *, skip_bad: bool = False,
                               rejects: str | Path | None = None,
                               today: date | None = None) -> DeletionsImportReport:
        """Record ACLED's deletions (``event_id_cnty``, ``deleted_timestamp``) in one transaction:
        deleted events stop counting (see ``tracker.ingest.acled.deletions``)."""
        from tracker.ingest.acled import write as acled_write

        records.require_initialised(self.engine)
        done = acled_write.import_deletions(self.engine, path, skip_bad=skip_bad, today=today)
        report = DeletionsImportReport(str(path), added=done.added, skipped=done.skipped,
                                       retracted=done.retracted, unmatched=done.not_stored)
        if len(done.rejected_records):
            report.rejected = len(done.rejected_records)
            report.rejects_path = str(csvfile.write_rejects(path, done.rejected_records,
                                                            done.lines, rejects))
        return report

    def retract(self, event_id: str, *, reason: str) -> None:
        """Retract an event: it stays in history, marked, and no longer counts."""
        records.require_initialised(self.engine)
        check_value(reason, "the retraction reason", multiline=True)
        records.retract(self.engine, event_id, reason=reason)

    def add_alias(self, name: str, district: str, *, province: str | None = None) -> str:
        """Store ``name`` as the user's spelling of ``district``; returns the district code.

        Refuses a name that is the code of another district, or the official name of another
        district of the same province: those rules come before aliases, so it would never apply.
        """
        check_value(name, "the alias", limit=store_limit(models.Alias.name))
        target = self.gazetteer.resolve_district(district, province=province)
        self._check_alias(name, target)
        code = target.code
        records.add_alias(self.engine, name, code)
        self.__dict__.pop("gazetteer", None)
        return code

    def _check_alias(self, name: str, target, names: Gazetteer | None = None) -> None:
        """Refuse an alias that the code or exact rules of ``names`` (default: this database's)
        would never reach (see add_alias)."""
        names = names or self.gazetteer
        for rule, hits in names.district_rules(str(name).strip()):
            if rule not in ("code", "exact"):
                break
            for other, spelling in hits.items():
                found = names.district_match(other, rule, spelling)
                if other != target.code and (rule == "code"
                                             or found.province_code == target.province_code):
                    what = "code" if rule == "code" else "official name"
                    msg = (f"{name!r} is the {what} of {found.label()}, which comes before any "
                           f"alias; choose another spelling for {target.label()}")
                    raise InputError(msg)

    def import_aliases(self, path: str | Path) -> tuple[int, int]:
        """Load an alias table (``name,district[,province][,level]``) in one transaction.

        ``district`` is a code or any name that resolves; ``level=province`` rows alias a
        province. All or nothing: every bad line is listed. Returns (district aliases, province
        aliases) stored.
        """
        from tracker.ingest import alias_file

        records.require_initialised(self.engine)
        return self._write_aliases(self._resolved_aliases(alias_file.read_alias_rows(path),
                                                          self.gazetteer))

    def _resolved_aliases(self, rows: AliasRows, names: Gazetteer):
        """The rows of an alias file resolved with ``names`` (an InputError listing every bad
        line)."""
        from tracker.ingest import alias_file

        return alias_file.resolve_alias_rows(
            rows, names, check=lambda name, match: self._check_alias(name, match, names))

    def _write_aliases(self, table) -> tuple[int, int]:
        """Store resolved aliases (:meth:`_resolved_aliases`); (district, province) counts."""
        from tracker.store import naming

        naming.write_aliases(self.engine, table.districts, table.provinces)
        self.__dict__.pop("gazetteer", None)
        return len(table.districts), len(table.provinces)

    def aliases(self) -> pd.DataFrame:
        """Every stored alias: ``name``, ``level`` (district/province), ``code``, ``unit``."""
        from tracker.store import naming

        records.require_initialised(self.engine)
        return naming.read_aliases(self.engine)

    def remove_alias(self, name: str) -> int:
        """Remove the alias(es) spelled ``name`` (district and province); returns how many."""
        from tracker.store import naming

        records.require_initialised(self.engine)
        gone = naming.remove_alias(self.engine, name)
        self.__dict__.pop("gazetteer", None)
        return gone

    def import_places(self, path: str | Path) -> PlacesReport:
        """Load towns, villages, crossings and landmarks (GeoNames dump or ``name,lon,lat[,
        alternate_names]``), each located in its district by point in polygon."""
        from tracker.ingest import places_file
        from tracker.store import naming

        records.require_initialised(self.engine)
        table, fmt = places_file.read_places_file(path)
        located, outside = places_file.locate(table, self.district_layer())
        located["source"] = Path(path).name[:300]
        added = naming.write_places(self.engine, located)
        self.__dict__.pop("gazetteer", None)
        return PlacesReport(str(path), fmt, added, len(located) - added, outside)

    def set_actor_color(self, actor: str, color: str) -> None:
        """Colour ``actor`` with ``#rrggbb`` on maps and legends (overrides the automatic one)."""
        from tracker.store import actor_styles

        records.require_initialised(self.engine)
        actor_styles.set_style(self.engine, actor, color=color)

    def set_actor_side(self, actor: str, side: str | None) -> None:
        """Put ``actor`` on ``side`` (an alliance, a coalition); ``None`` takes it off."""
        from tracker.store import actor_styles

        records.require_initialised(self.engine)
        actor_styles.set_style(self.engine, actor, side=side, clear_side=side is None)

    def actor_styles(self) -> pd.DataFrame:
        """Actors' stored colours and sides: ``actor``, ``color``, ``side``."""
        from tracker.store import actor_styles

        records.require_initialised(self.engine)
        return actor_styles.read_styles(self.engine)

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
        from tracker.extract import drafts as extraction

        check_value(text, "the report's text", multiline=True, byte_limit=REPORT_LIMIT)
        for value, what in ((source, "--source"), (url, "--url")):
            if value is not None:
                check_value(value, what)
        day = s.as_day(date, name="date").date() if date is not None else None
        table = self._actor_table()
        names = pd.DataFrame(self.district_layer()[[s.DISTRICT_CODE, s.DISTRICT_NAME,
                                                    s.PROVINCE_CODE, s.PROVINCE_NAME]])
        return extraction.extract_drafts(text, self.gazetteer, table, districts=names, date=day,
                                      source=source, url=url)

    def apply_drafts(self, drafts: pd.DataFrame) -> EventsImportReport:
        """Import drafts of :meth:`extract` as they are (origin ``extract``).

        Each draft's ``district_code`` is stored as is (checked against the stored districts, not
        resolved again from the name); dates, status and confidence are checked as in an events
        CSV, and one bad draft refuses them all. Draft ids derive from their claim, so applying
        the same drafts twice adds nothing; a draft of a claim applied before in other words (an
        edited article) is stored as a new version of that event (``versions`` of the report:
        its id and the id it supersedes; see :func:`tracker.store.records.insert_drafts`).
        """
        records.require_initialised(self.engine)
        events, problems = coded_events.coded_events(
            drafts, self.district_layer()[s.DISTRICT_CODE], scale=self.status_scale)
        coded_events.raise_problems(problems)
        added, skipped, versions = records.insert_drafts(self.engine, events)
        return EventsImportReport("the extracted drafts", added=added, skipped=skipped,
                                  versions=versions)

    def add_actor_alias(self, alias: str, actor: str) -> None:
        """Make ``alias`` mean ``actor`` when reports are read by :meth:`extract`."""
        from tracker.store import actor_aliases

        records.require_initialised(self.engine)
        check_value(alias, "the actor alias", limit=store_limit(models.ActorAlias.alias))
        check_value(actor, "the actor", limit=store_limit(models.ActorAlias.actor))
        actor_aliases.add_actor_alias(self.engine, alias, actor)

    def import_actor_aliases(self, path: str | Path) -> int:
        """Load an actor file (``actor,alias``, the shape :meth:`actor_aliases` has) in one
        transaction: all or nothing, every bad line listed. Returns the words stored."""
        from tracker.ingest import actor_file
        from tracker.store import actor_aliases

        records.require_initialised(self.engine)
        pairs = actor_file.read_actor_aliases(path)
        actor_aliases.add_actor_aliases(self.engine, pairs)
        return len(pairs)

    def actor_aliases(self) -> pd.DataFrame:
        """Every actor alias :meth:`extract` knows (shipped with the shipped boundaries, and the
        user's): actor, alias."""
        return self._actor_table().table()

    def _actor_table(self):
        """The data set's actors: the shipped Afghan actors (``tracker/data/actors.csv``) with the
        shipped boundaries, and the user's own (``tracker actor add``) with any boundaries; the
        Afghan words ("militants", "the government") never name actors of another country."""
        from tracker.extract import actors
        from tracker.store import actor_aliases

        records.require_initialised(self.engine)
        user = actor_aliases.read_actor_aliases(self.engine)
        if records.settings(self.engine).get("boundaries") == "default":
            return actors.ActorTable.shipped(user)
        return actors.ActorTable(user)

    # --- reading ------------------------------------------------------------------------------
    def events(self, *, known_on: str | date | None = None) -> pd.DataFrame:
        """Every stored event, retracted and superseded ones included (marked).

        ``known_on``: only the events known at the end of that day (their ``reported_on``, else
        the day they were recorded), with the retractions recorded by then.
        """
        records.require_initialised(self.engine)
        return timeline.as_known_on(records.read_events(self.engine),
                                    _day(known_on, "known_on"))

    def intervals(self, *, known_on: str | date | None = None) -> pd.DataFrame:
        """Every district's control history as intervals (one row per interval, no geometry)."""
        records.require_initialised(self.engine)
        return records.control_intervals(self.engine, known_on=_day(known_on, "known_on"))

    def bitemporal_intervals(self, district: str | None = None, *,
                             province: str | None = None) -> pd.DataFrame:
        """Every control interval the tracker ever believed, with the knowledge days it was
        believed on: the columns of :meth:`intervals` plus ``known_from`` (first day; NaT: every
        day) and ``known_to`` (first day no longer believed; NaT: still believed).

        The rows with ``known_from <= K < known_to`` are ``intervals(known_on=K)``; a district's
        rows side by side show each revision of its history and the day it was learnt.
        ``district`` (any spelling :meth:`resolve` knows; ``province`` to tell apart districts
        of one name): that district's rows only; ``province`` alone: the rows of its districts.
        """
        records.require_initialised(self.engine)
        codes = None
        if district:
            codes = [self.resolve(district, province=province).code]
        elif province:
            codes = records.district_codes(self.engine,
                                           self.gazetteer.resolve_province(province).code)
        return records.bitemporal_intervals(self.engine, codes)

    def status(self, date: str | date, *, known_on: str | date | None = None) -> gpd.GeoDataFrame:
        """Control of every district on ``date`` (as known on ``known_on``), with geometry."""
        day = s.as_day(date)
        known = _day(known_on, "known_on")
        with records.ready_connection(self.engine) as conn:  # one snapshot, few statements
            return self._state_on(conn, day, known, records.read_districts(conn))

    @staticmethod
    def _state_on(conn, day: pd.Timestamp, known: pd.Timestamp | None,
                  districts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        """:meth:`status` on the district layer already read (``districts``)."""
        state = records.state_on(conn, day, known_on=known,
                                 districts=districts[s.DISTRICT_CODE].tolist())
        return spatial.attach_geometry(state, districts)

    def diff(self, start: str | date | None = None, end: str | date | None = None, *,
             known_on: str | date | None = None, d1: str | date | None = None,
             d2: str | date | None = None) -> gpd.GeoDataFrame:
        """Districts whose controller or status differs between ``start`` and ``end``.

        Parameters
        ----------
        start, end
            The earlier and the later day (``d1``, ``d2``: deprecated names).
        known_on
            Compare the states as known at the end of this day.

        Returns
        -------
        geopandas.GeoDataFrame
            One row per changed district, sorted by code: ``district_code``, ``district_name``,
            ``province_code``, ``province_name``, ``old_controller``, ``old_status``,
            ``new_controller``, ``new_status``, ``new_confidence``, ``since`` (the day the state
            on ``end`` began), ``change`` (changed hands, status changed, first report, report
            withdrawn: :func:`tracker.core.timeline.change_kinds`), ``event_ids`` (the events of
            every change in (start, end], ``;``-separated) and the district polygon.
        """
        start = _renamed(start, d1, new="start", old="d1")
        end = _renamed(end, d2, new="end", old="d2")
        if start is None or end is None:
            msg = "diff needs two days: diff(start, end), e.g. diff('2021-08-14', '2021-08-21')"
            raise InputError(msg)
        first, last = s.as_day(start, name="start"), s.as_day(end, name="end")
        _ordered(first, last)
        with records.ready_connection(self.engine) as conn:  # one snapshot, few statements
            districts = records.read_districts(conn)
            changed = records.changes(conn, first, last, known_on=_day(known_on, "known_on"),
                                      districts=districts[s.DISTRICT_CODE].tolist())
        geometry = districts.geometry.name
        names = districts[[s.DISTRICT_CODE, s.DISTRICT_NAME, s.PROVINCE_CODE, s.PROVINCE_NAME,
                           geometry]]
        table = names.merge(changed, on=s.DISTRICT_CODE, how="inner")
        return table[[c for c in table.columns if c != geometry] + [geometry]]

    def provinces(self, date: str | date, *, known_on: str | date | None = None,
                  by: str = "actor") -> pd.DataFrame:
        """Per province (and the whole country): districts and km2 held by each actor on ``date``.

        ``known_on`` rolls up the state on ``date`` as known on that day (see :meth:`status`);
        ``by="side"`` counts by the sides of :meth:`set_actor_side` instead of actors.
        A DataFrame (one row per province and actor, no geometry): the polygons are
        :meth:`province_layer`'s.
        """
        from tracker.core import sides as core_sides

        core_sides.check_by(by)
        day = s.as_day(date)
        known = _day(known_on, "known_on")
        with records.ready_connection(self.engine) as conn:  # districts read once for both
            districts = records.read_districts(conn)
            state = self._state_on(conn, day, known, districts)
            provinces = records.read_provinces(conn)
        return self._rollup(state, districts, provinces, by=by)

    def _rollup(self, state: gpd.GeoDataFrame, districts: gpd.GeoDataFrame,
                provinces: gpd.GeoDataFrame, *, by: str) -> pd.DataFrame:
        """:meth:`provinces` from the state and layers already read."""
        from tracker.core import sides as core_sides

        if by == "side":
            state = core_sides.by_side(state, self._sides())
        return spatial.province_rollup(state, districts, provinces_gdf=provinces)

    def history(self, district: str, *, province: str | None = None,
                known_on: str | date | None = None) -> pd.DataFrame:
        """Every event of one district, oldest first, with retraction/supersession marks.

        ``known_on``: the history as known at the end of that day (later reports, retractions and
        corrections left out). A DataFrame: its rows are events of one district (see
        :meth:`district_layer` for the polygon).
        """
        code = self.resolve(district, province=province).code
        with records.ready_connection(self.engine) as conn:
            return records.history(conn, code, known_on=_day(known_on, "known_on"))

    def check_store(self, *, repair: bool = False, progress=None) -> pd.DataFrame:
        """Recompute the stored control intervals from the events and list any difference.

        Returns one row per differing interval row (column ``problem``: ``stored only`` or
        ``missing``); empty when the store agrees with the events. Districts are compared a
        group at a time (the memory of a few districts' events, not of the store's), all on one
        snapshot. ``repair`` rewrites the intervals of the districts that differ from the events
        (in one transaction) after listing them. ``progress(stage, done, total)`` is told the
        districts checked. A database whose intervals an upgrade left to build (migration 0007
        stopped below the newest revision) raises an error that says to run ``tracker db
        upgrade``.
        """
        records.require_no_pending_rebuild(self.engine)
        records.require_initialised(self.engine)
        return records.check_intervals(self.engine, repair=repair, progress=progress)

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
        first, last = _day(start, "start"), _day(end, "end")
        _ordered(first, last)
        known = _day(known_on, "known_on")
        records.require_initialised(self.engine)
        code = self.resolve(district, province=province).code if district else None
        return self._point_events(first, last, known, self.district_layer(), code=code,
                                  event_type=event_type, all_versions=all_versions)

    def _point_events(self, first: pd.Timestamp | None, last: pd.Timestamp | None,
                      known: pd.Timestamp | None, districts: gpd.GeoDataFrame, *,
                      code: str | None = None, event_type: str | None = None,
                      all_versions: bool = False) -> gpd.GeoDataFrame:
        """:meth:`point_events` on the district layer already read (``districts``)."""
        from tracker.store import point_batches

        with self.engine.connect() as conn:
            frame = point_batches.point_events(conn, start=first, end=last, known_on=known,
                                               all_versions=all_versions)
        if code is not None:
            frame = frame[frame[s.DISTRICT_CODE] == code]
        if event_type:
            wanted = event_type.strip().casefold()
            frame = frame[frame[acled_columns.EVENT_TYPE].str.casefold() == wanted]
        names = districts[[s.DISTRICT_CODE, s.DISTRICT_NAME, s.PROVINCE_CODE, s.PROVINCE_NAME]]
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
    def _sides(self) -> dict[str, str]:
        """Actor -> side, from ``tracker actor side``."""
        styles = self.actor_styles()
        styles = styles[styles["side"].notna()]
        return dict(zip(styles["actor"], styles["side"], strict=True))

    def _actor_colors(self) -> dict[str, str]:
        """Actor (or side) -> the user's ``#rrggbb``, from ``tracker actor color``."""
        styles = self.actor_styles()
        styles = styles[styles["color"].notna()]
        return dict(zip(styles["actor"], styles["color"], strict=True))

    def map(self, *, start: str | date | None = None, end: str | date | None = None,
            step: str = s.DAY, offline: bool = True, tiles: bool = False,
            diff: tuple[str | date, str | date] | None = None, title: str | None = None,
            points: bool = False, points_window: int = 7, known_on: str | date | None = None,
            by: str = "actor", reports: str = "auto"):
        """A time-sliced folium map of control (one self-contained page when ``offline``).

        ``known_on`` draws what was known at the end of that day (control, histories and ACLED
        events). ``points`` adds the switchable layer "ACLED events": at each slider date, the
        ACLED point events of the ``points_window`` days ending on it (see
        :func:`tracker.render.html_map.build_map`). ``title`` heads the page (and its print);
        ``diff`` gives the two dates its changes panel compares when it opens. The page's
        search box finds districts by every spelling :attr:`gazetteer` knows. Actor colours
        stored with :meth:`set_actor_color` win over the automatic ones; ``by="side"`` colours,
        counts and labels districts by the sides of :meth:`set_actor_side`
        (see :mod:`tracker.core.sides`).

        ``reports``: ``"all"`` lists every report in the district popups and the changes panel;
        ``"none"`` lists the control periods with their sources instead (the page says how many
        reports it leaves out); ``"auto"`` (default) is ``"all"`` while the store holds at most
        :data:`tracker.render.html_map.MAX_REPORTS` events, else ``"none"``: the page then
        grows with the changes of control, not with the reports.
        """
        from tracker.core import sides as core_sides
        from tracker.render import html_map
        from tracker.render import points as render_points

        core_sides.check_by(by)
        if reports not in html_map.REPORT_MODES:
            msg = f"reports={reports!r} is not one of {', '.join(html_map.REPORT_MODES)}"
            raise InputError(msg)
        first, last, known = _day(start, "start"), _day(end, "end"), _day(known_on, "known_on")
        _ordered(first, last)
        records.require_initialised(self.engine)
        conf = records.settings(self.engine)
        stored = records.count_events(self.engine)
        listed = reports == "all" or (reports == "auto" and stored <= html_map.MAX_REPORTS)
        events = self.events(known_on=known) if listed else None  # each district's popup list
        # left out: the reports a page listing them shows (not retracted, as known on known_on)
        known_events, left_out = ((len(events), 0) if listed
                                  else records.count_reports(self.engine, known_on=known))
        if not known_events:
            msg = (f"no events in {self.url}{f' known on {known.date()}' if known else ''}; "
                   f"import some with `tracker import FILE` first")
            raise NotFoundError(msg)
        intervals = records.control_intervals(self.engine, known_on=known)
        shown = None
        if points:  # the events some slider date shows: from window - 1 days before the start
            lead = pd.Timedelta(days=render_points.check_window(points_window) - 1)
            shown = self.point_events(first - lead if first is not None else None, last,
                                      known_on=known)
        if by == "side":
            sides = self._sides()
            intervals = core_sides.by_side(intervals, sides)
            events = None if events is None else core_sides.by_side(events, sides)
        return html_map.build_map(
            self.district_layer(), self.province_layer(), intervals, events,
            actor_colors=self._actor_colors(),
            start=first, end=last, step=step, offline=offline, tiles=tiles,
            diff=(s.as_day(diff[0], name="diff start"), s.as_day(diff[1], name="diff end"))
            if diff else None,
            title=title or f"District control: {conf.get('boundaries_name', '')}".strip(": "),
            credit=conf.get("credit", ""), use_limitation=conf.get("use_limitation", ""),
            points=shown, points_window=points_window,
            spellings=self.gazetteer.district_spellings(),
            reports_left_out=left_out, known_on=known)

    def export(self, out: str | Path, *, format: str | None = None,
               date: str | date | None = None, intervals: bool = False, events: bool = False,
               provinces: bool = False, points: bool = False, start: str | date | None = None,
               end: str | date | None = None, known_on: str | date | None = None,
               raw_csv: bool = False, fmt: str | None = None,
               bitemporal: bool = False) -> list[Path]:
        """Write tables for GIS and statistics tools; returns the files written.

        Parameters
        ----------
        out
            Output file (``.csv``, ``.geojson``, ``.gpkg``, ``.parquet``).
        format
            ``csv``, ``geojson``, ``gpkg`` or ``parquet`` (GeoParquet); default from ``out``
            (``fmt``: deprecated name).
        date
            Layer ``state``: every district on this day with geometry (with ``provinces``: layer
            ``provinces``, the province roll-up of that day instead).
        intervals, events
            Layers ``intervals`` (control intervals) and ``events`` (every event, with source,
            retraction and supersedes). Several layers need ``format="gpkg"``.
        points
            Layer ``point_events``: the ACLED point events (see :meth:`point_events`), EPSG:4326
            points; in CSV their ``latitude``/``longitude`` columns.
        start, end
            With ``points``: only point events dated ``start``..``end`` (both included).
        known_on
            Every layer as known at the end of this day.
        bitemporal
            With ``intervals``: every interval ever believed, with the knowledge days
            ``known_from``..``known_to`` it was believed on (see :meth:`bitemporal_intervals`);
            not with ``known_on``, which keeps one knowledge day.
        raw_csv
            Do not neutralise CSV cells that spreadsheets would run as formulas.
        """
        from tracker import export as ex

        format = _renamed(format, fmt, new="format", old="fmt")
        if provinces and date is None:
            msg = "provinces=True needs a date: the roll-up is of one day (--provinces --date D)"
            raise InputError(msg)
        if not points and (start is not None or end is not None):
            msg = "start/end (--start/--end) date the point events: add points=True (--points)"
            raise InputError(msg)
        if bitemporal and not intervals:
            msg = ("bitemporal=True (--bitemporal) describes the intervals: add intervals=True "
                   "(--intervals)")
            raise InputError(msg)
        if bitemporal and known_on is not None:
            msg = ("bitemporal=True (--bitemporal) exports every knowledge day: drop known_on "
                   "(--known-on), or drop --bitemporal for the intervals known on that day")
            raise InputError(msg)
        first, last = _day(start, "start"), _day(end, "end")
        _ordered(first, last)
        day, known_day = _day(date, "date"), _day(known_on, "known_on")
        records.require_initialised(self.engine)
        districts = self.district_layer()  # read once, for every layer
        names = districts[[s.DISTRICT_CODE, s.DISTRICT_NAME, s.PROVINCE_CODE, s.PROVINCE_NAME]]
        tables: dict[str, pd.DataFrame] = {}
        what: dict[str, str] = {}
        known = f" as known on {known_on}" if known_on is not None else ""
        if day is not None:
            with self.engine.connect() as conn:
                state = self._state_on(conn, day, known_day, districts)
                province_layer = records.read_provinces(conn) if provinces else None
        if day is not None and provinces:
            tables["provinces"] = self._rollup(state, districts, province_layer, by="actor")
            what["provinces"] = f"districts and km2 held per province and actor on {date}{known}"
        elif day is not None:
            state.insert(0, s.DATE, day)
            tables["state"] = state
            what["state"] = f"control of every district on {date}{known}, with district polygons"
        if intervals:
            iv = self.bitemporal_intervals() if bitemporal else self.intervals(known_on=known_on)
            tables["intervals"] = names.merge(iv, on=s.DISTRICT_CODE, how="inner")
            what["intervals"] = ("control intervals per district (end exclusive, empty = "
                                 f"ongoing){known}")
            if bitemporal:
                what["intervals"] += (", each with the knowledge days it was believed on "
                                      "(known_from inclusive, empty = always; known_to exclusive, "
                                      "empty = still believed)")
        if events:
            ev = self.events(known_on=known_on)
            tables["events"] = names.merge(ev, on=s.DISTRICT_CODE, how="right")
            what["events"] = f"every stored event with source, retraction and supersedes{known}"
        if points:
            found = self._point_events(first, last, known_day, districts)
            tables[ex.POINTS_LAYER] = ex.points_table(found, fmt=ex.format_for(out, format))
            what[ex.POINTS_LAYER] = ex.points_description(start=start, end=end,
                                                          known_on=known_on)
        conf = records.settings(self.engine)
        return ex.write_tables(tables, out, fmt=format, credit=conf.get("credit", ""),
                               use_limitation=conf.get("use_limitation", ""), descriptions=what,
                               raw_csv=raw_csv)

    # --- pictures -----------------------------------------------------------------------------
    def chart(self, *, by: str = "districts", province: str | None = None,
              start: str | date | None = None, end: str | date | None = None,
              step: str = s.DAY, known_on: str | date | None = None,
              out: str | Path | None = None) -> pd.DataFrame:
        """Control over time: per date, what each actor held and what was contested, disputed or
        unknown (see :func:`tracker.core.series.control_series`).

        Parameters
        ----------
        by
            ``districts`` (counts, equal to :meth:`status` on every date), ``area`` (km²),
            ``population`` (people; needs a layer loaded with ``--column population=COL``) or
            ``side`` (districts counted by the sides of :meth:`set_actor_side`).
        province
            Only the districts of this province (name or code, any common spelling).
        start, end, step
            The dates counted (default: the first to the last change), ``day``, ``week``
            (Mondays) or ``month`` (first days).
        known_on
            Count what was known at the end of this day.
        out
            Also write the table (``.csv``) or a stacked area chart (``.png``, ``.svg``).

        Returns
        -------
        pandas.DataFrame
            Index ``date``; one column per actor, then ``contested``, ``disputed``, ``unknown``.
        """
        from tracker.core import series as control

        if by not in CHART_MEASURES:
            msg = f"by={by!r} is not one of {', '.join(CHART_MEASURES)}"
            raise InputError(msg)
        districts = self.district_layer()
        scope = districts
        if province is not None:
            code = self.gazetteer.resolve_province(province).code
            scope = districts[districts[s.PROVINCE_CODE] == code]
        weights = None
        if by == "area":
            weights = spatial.district_areas_km2(scope)
        elif by == "population":
            if s.POPULATION not in scope.columns:
                msg = ("the boundary layer has no population column; load one with "
                       "`tracker init --districts FILE --column population=COLUMN`, "
                       "or chart --by districts or area")
                raise InputError(msg)
            weights = pd.Series(scope[s.POPULATION].to_numpy(), index=scope[s.DISTRICT_CODE])
        iv = self.intervals(known_on=known_on)
        first, last = _picture_span(iv, start, end)
        if by == "side":
            from tracker.core import sides as core_sides

            iv = core_sides.by_side(iv, self._sides())
        table = control.control_series(iv, timeline.step_dates(first, last, step),
                                       districts=scope[s.DISTRICT_CODE].tolist(),
                                       weights=weights)
        if by == "area":
            table = table.round(1)
        elif by == "population":
            table = table.round(0)
        if out is not None:
            self._write_chart(table, out, by=by, province=None if province is None
                              else str(scope[s.PROVINCE_NAME].iloc[0]), intervals=iv,
                              known_on=_day(known_on, "known_on"))
        return table

    def _write_chart(self, table: pd.DataFrame, out: str | Path, *, by: str,
                     province: str | None, intervals: pd.DataFrame,
                     known_on: pd.Timestamp | None = None) -> Path:
        from tracker.render import chart

        path = Path(out)
        if path.suffix.lower() == ".csv":
            path.parent.mkdir(parents=True, exist_ok=True)
            table.to_csv(path, index_label=s.DATE, date_format="%Y-%m-%d", lineterminator="\n")
            return path
        conf = records.settings(self.engine)
        where = province or conf.get("boundaries_name", "")
        return chart.draw_chart(table, path, colors=self._picture_colors(intervals), by=by,
                                title=_as_known(f"Control over time: {where}".strip(": "),
                                                known_on),
                                credit=_picture_credit(conf))

    def _picture_colors(self, intervals: pd.DataFrame) -> dict[str, str]:
        """Every actor's (or side's) colour as the page assigns it, the user's colours first."""
        from tracker.render import html_map

        return html_map.actor_colors(intervals, self._actor_colors())

    def snapshot(self, date: str | date, out: str | Path, *, known_on: str | date | None = None,
                 width: int = 1600) -> Path:
        """A still map of ``date`` (as known on ``known_on``) as the page shows it: PNG, SVG or
        PDF from the suffix of ``out``; PNG ``width`` pixels wide."""
        from tracker.core import series as control
        from tracker.render import snapshot

        _check_suffix(out, snapshot.SNAPSHOT_FORMATS)
        day = s.as_day(date)
        iv = self.intervals(known_on=known_on)
        frame = self._map_frame(iv, width=width, known_on=_day(known_on, "known_on"))
        state = timeline.state_on(iv, day, districts=frame.codes)
        counts = control.control_series(iv, [day], districts=frame.codes).iloc[0]
        frame.show(state, day, counts)
        return frame.save(out)

    def animate(self, out: str | Path, *, start: str | date | None = None,
                end: str | date | None = None, step: str = s.WEEK, fps: float = 4,
                width: int = 1000, known_on: str | date | None = None,
                progress=None) -> Path:
        """An animation of the map, one snapshot frame per step (GIF, or MP4 with the ``video``
        extra); ``progress(stage, done, total)`` is called after each frame."""
        from tracker.core import series as control
        from tracker.render import animation

        kind = animation.check_format(out)
        iv = self.intervals(known_on=known_on)
        frame = self._map_frame(iv, width=width, known_on=_day(known_on, "known_on"))
        first, last = _picture_span(iv, start, end)
        days = timeline.step_dates(first, last, step)
        states = timeline.states_on_dates(iv, days, districts=frame.codes)
        counts = control.control_series(iv, days, districts=frame.codes, states=states)
        return animation.write_animation(frame, states, counts, out, kind=kind, fps=fps,
                                         progress=progress)

    def _map_frame(self, intervals: pd.DataFrame, *, width: int,
                   known_on: pd.Timestamp | None = None):
        """The still map the pictures draw on, in the colours the page gives ``intervals``."""
        from tracker.render import snapshot

        records.require_initialised(self.engine)
        conf = records.settings(self.engine)
        if records.count_events(self.engine) == 0:
            msg = f"no events in {self.url}; import some with `tracker import FILE` first"
            raise NotFoundError(msg)
        name = conf.get("boundaries_name", "")
        return snapshot.MapFrame(self.district_layer(), self.province_layer(),
                                 colors=self._picture_colors(intervals),
                                 title=_as_known(f"District control: {name}".strip(": "),
                                                 known_on),
                                 credit=_picture_credit(conf), width=width)

    def demo(self, out: str | Path) -> Path:
        """Initialise, import the shipped 2021 events and write the offline map to ``out``."""
        from tracker.render import html_map

        self.init()
        self.import_csv(SHIPPED_EVENTS)
        return html_map.save_map(self.map(title="Afghanistan 2021: who controls each district"),
                               out)
