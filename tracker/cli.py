"""The ``tracker`` command: each command opens the database, calls one API method and prints.

Library errors become one line on stderr and exit code 1; no tracebacks. Spans of days are
``--start``/``--end`` and states as known on a past day ``--known-on`` in every command, from
:func:`span_options` and :func:`known_on_option` (which check the days before the command runs);
the older ``--from``/``--to`` still work (hidden from ``--help``).
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import click
import geopandas as gpd
import pandas as pd

from tracker import input_files
from tracker._errors import InputError, TrackerError
from tracker.api import Tracker, connect
from tracker.core import acled_columns as acled
from tracker.core import schema as s
from tracker.core.bitemporal import KNOWN_FROM, KNOWN_TO
from tracker.export import neutralise_formulas
from tracker.ingest.reports import AcledImportReport, DeletionsImportReport, EventsImportReport

STATE_COLUMNS = [s.DISTRICT_CODE, s.DISTRICT_NAME, s.PROVINCE_CODE, s.PROVINCE_NAME,
                 s.CONTROLLER, s.STATUS, s.CONFIDENCE, s.SINCE, s.DATE_PRECISION, s.SOURCE,
                 s.SOURCE_URL, s.EVENT_IDS, s.CLAIMS]
RAW_CSV = "raw_csv"  # click context key: the command was given --raw-csv
POINT_TABLE_COLUMNS = [s.DATE, acled.EVENT_TYPE, acled.SUB_EVENT_TYPE, acled.ACTOR1, acled.ACTOR2,
                       acled.FATALITIES, s.DISTRICT_NAME, s.PROVINCE_NAME, acled.ACLED_ID]


def handle_errors(func):
    """Turn tracker errors into a one-line message and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except click.ClickException:  # bad usage: click prints it with the usage line
            raise
        except TrackerError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
        except OSError as exc:
            click.echo(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), err=True)
            sys.exit(1)
        except Exception as exc:
            if os.environ.get("TRACKER_DEBUG"):
                raise
            first = str(exc).splitlines()[0] if str(exc) else ""
            click.echo(f"error: unexpected {type(exc).__name__}: {first} "
                       f"(set TRACKER_DEBUG=1 to see the traceback)", err=True)
            sys.exit(1)

    return wrapper


class AliasedOption(click.Option):
    """An option whose older names keep working but are left out of ``--help``."""

    def __init__(self, *args, hidden_names: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.hidden_names = tuple(hidden_names)

    def get_help_record(self, ctx: click.Context):
        every = self.opts
        self.opts = [o for o in every if o not in self.hidden_names]
        try:
            return super().get_help_record(ctx)
        finally:
            self.opts = every

    def get_error_hint(self, ctx: click.Context) -> str:
        return " / ".join(f"'{o}'" for o in self.opts if o not in self.hidden_names)


def _check_first(check):
    """A decorator running ``check(**kwargs)`` before the command, its errors as one line."""
    def decorate(func):
        @functools.wraps(func)
        def checked(*args, **kwargs):
            check(**kwargs)
            return func(*args, **kwargs)
        return handle_errors(checked)
    return decorate


def check_span(start: str | None, end: str | None) -> None:
    """``--start``/``--end`` are days and the end is not before the start (else InputError)."""
    first = s.as_day(start, name="--start") if start is not None else None
    last = s.as_day(end, name="--end") if end is not None else None
    if first is not None and last is not None and last < first:
        msg = f"--end {end} is before --start {start}; give the earlier day first"
        raise InputError(msg)


def span_options(first: str, last: str, *, required: bool = False):
    """``--start``/``--end`` (older ``--from``/``--to``, hidden); help texts ``first``, ``last``.

    Every command with a span of days takes it from here: the same names, and the same one-line
    error for a day that is not a date or an end before the start, before the command runs.
    """
    def decorate(func):
        func = _check_first(lambda start, end, **_: check_span(start, end))(func)
        func = click.option("--end", "--to", "end", cls=AliasedOption, hidden_names=("--to",),
                            required=required, help=last)(func)
        return click.option("--start", "--from", "start", cls=AliasedOption,
                            hidden_names=("--from",), required=required, help=first)(func)
    return decorate


def check_known_on(known_on: str | None) -> None:
    """``--known-on`` is a day (else InputError naming the option)."""
    if known_on is not None:
        s.as_day(known_on, name="--known-on")


def known_on_option(what: str = "What was known"):
    """``--known-on K``: read the state as known at the end of day K (checked to be a day)."""
    def decorate(func):
        func = _check_first(lambda known_on, **_: check_known_on(known_on))(func)
        return click.option("--known-on", default=None,
                            help=f"{what} at the end of this date YYYY-MM-DD (default: "
                                 f"everything recorded).")(func)
    return decorate


db_option = click.option("--db", "db_url", envvar="TRACKER_DB", default=None,
                         help="Database URL (default $TRACKER_DB or sqlite:///tracker.db).")


def open_tracker(db_url: str | None) -> Tracker:
    """The tracker for the --db option."""
    return connect(db_url)


def echo_table(df: pd.DataFrame, fmt: str) -> None:
    """Print a table as aligned text, CSV or JSON records (a geometry column is left out).

    CSV cells a spreadsheet would run as formulas get a leading ``'`` (as in ``tracker export``)
    unless the command was given ``--raw-csv``.
    """
    if isinstance(df, gpd.GeoDataFrame):
        df = df.drop(columns=df.geometry.name)
    df = pd.DataFrame(df).copy()
    ctx = click.get_current_context(silent=True)
    if fmt == "csv" and not (ctx is not None and ctx.meta.get(RAW_CSV)):
        df = neutralise_formulas(df)
    for col in df.columns:
        if pd.api.types.is_datetime64_any_dtype(df[col]):
            df[col] = df[col].dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_extension_array_dtype(df[col]) and df[col].isna().any():
            df[col] = df[col].astype(object)  # e.g. Int64 with gaps: fillna("") below needs it
    if fmt == "csv":
        click.echo(df.to_csv(index=False), nl=False)
    elif fmt == "json":
        click.echo(df.to_json(orient="records", force_ascii=False, indent=1))
    else:
        with pd.option_context("display.max_colwidth", 40, "display.width", 250):
            click.echo(df.fillna("").to_string(index=False) if len(df) else "(no rows)")


def _remember_raw_csv(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    ctx.meta[RAW_CSV] = value
    return value


raw_csv_option = click.option(
    "--raw-csv", is_flag=True, expose_value=False, callback=_remember_raw_csv,
    help="With --format csv: keep cells starting with = + - @ as they are (by default they get "
         "a leading ' so spreadsheets do not run them as formulas).")


def format_option(func):
    """``--format table|csv|json`` and ``--raw-csv``."""
    return click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]),
                        default="table", show_default=True, help="Output format.")(
        raw_csv_option(func))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="conflict-tracker")
def main() -> None:
    """Track who controls which district, day by day, from dated and sourced events."""


def parse_columns(pairs: tuple[str, ...]) -> dict[str, str]:
    """``STANDARD=THEIRS`` pairs -> mapping, with a clear error for a malformed pair."""
    mapping = {}
    for pair in pairs:
        standard, sep, theirs = pair.partition("=")
        if not sep or not standard or not theirs:
            msg = f"--column {pair!r} must look like STANDARD=THEIRS, e.g. district_code=ADM2_PCODE"
            raise click.BadParameter(msg)
        mapping[standard.strip()] = theirs.strip()
    return mapping


@main.command()
@click.option("--districts", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Your own district boundaries (GeoPackage, GeoJSON, shapefile...).")
@click.option("--provinces", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Province boundaries (default: the districts dissolved by province code).")
@click.option("--column", "columns", multiple=True, metavar="STANDARD=THEIRS",
              help="Map a standard column (district_code, district_name, province_code, "
                   "province_name; optional: population) to your file's column; repeatable.")
@click.option("--name", "country", default=None, help="Name of the data set, e.g. the country.")
@click.option("--crs", default=None, metavar="CRS",
              help="CRS of boundary files that name none (e.g. EPSG:4326); such files are "
                   "refused without it.")
@click.option("--scale", type=click.Choice(list(s.STATUS_SCALES)), default=None,
              help="Status levels of the data set: control (controlled/contested, default) or "
                   "five-level (controlled/influenced/contested per side).")
@click.option("--variants", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Alias table to load with the boundaries (CSV name,district[,province]"
                   "[,level]; see `tracker alias import`).")
@click.option("--credit", default=None,
              help="Credit and use limitation of your boundaries, shown on every map and export "
                   "(default: FILE.credit.txt next to --districts, if any).")
@db_option
@handle_errors
def init(districts, provinces, columns, country, crs, scale, variants, credit, db_url):
    """Create the schema and load boundaries: the shipped ones, or your own (safe to run twice).

    Column names of OCHA COD-AB (ADM2_PCODE, ADM2_EN, ADM1_PCODE, ADM1_EN and the ADM3 forms),
    GADM (GID_2, NAME_2, GID_1, NAME_1), MIMU (TS_PCODE, TS, ST_PCODE, ST) and geoBoundaries
    (shapeID, shapeName; provinces from --provinces by spatial join) are recognised; --column
    flags always win.

    Your own layers are checked: other geometries than polygons, empty geometries and files
    without a CRS are refused; invalid polygons are repaired and overlaps reported (warnings).
    """
    import warnings

    from tracker.geo.boundaries import boundaries_from_files
    from tracker.geo.layer_checks import BoundaryWarning

    if not districts and (provinces or columns or country or crs):
        msg = ("--provinces, --column, --name and --crs describe your own boundaries: add "
               "--districts FILE")
        raise click.UsageError(msg)
    t = open_tracker(db_url)
    custom = None
    if districts:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", BoundaryWarning)
            custom = boundaries_from_files(districts, provinces, columns=parse_columns(columns),
                                           name=country or Path(districts).stem, crs=crs)
        for warning in caught:
            if issubclass(warning.category, BoundaryWarning):
                click.echo(f"warning: {warning.message}", err=True)
    written = t.init(custom, scale=scale, variants=variants, credit=credit)
    n = len(t.district_layer())
    click.echo(f"{'loaded' if written else 'already loaded'}: {n} districts in {t.url} "
               f"(status scale: {t.status_scale})")
    if custom is not None and not (credit or custom.credit):
        click.echo(f"note: no credit for {districts}: maps and exports will not name the "
                   f"boundaries' source; give it with `tracker init --districts ... --credit "
                   f"TEXT` or in {Path(districts).name}.credit.txt next to the file", err=True)
    if variants:
        click.echo(f"aliases loaded from {variants}: {len(t.aliases())} stored")


@main.command("import")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--skip-bad", is_flag=True,
              help="Import good rows; write bad rows to a rejects file.")
@click.option("--rejects", type=click.Path(dir_okay=False), default=None,
              help="Where --skip-bad writes rejected rows (default: FILE.rejects.csv).")
@click.option("--format", "fmt", type=click.Choice(["acled", "acled-deletions", "events"]),
              default=None,
              help="File format (default: detected from the header; ACLED names event_id_cnty, "
                   "ACLED's deletions also deleted_timestamp).")
@click.option("--suggest", type=click.Path(dir_okay=False), default=None, metavar="PATH",
              help="Events files: write the top 3 candidates of every name that did not resolve "
                   "(and of provinces taken as hints) to PATH, in the shape `tracker alias "
                   "import` reads; keep one row per name and load it.")
@db_option
@handle_errors
def import_(file, skip_bad, rejects, fmt, suggest, db_url):
    """Import an events CSV, an ACLED export or ACLED's deletions (all or nothing unless
    --skip-bad). FILE may be - (standard input): `tracker extract report.txt | tracker import -`.
    """
    from tracker.progress import terminal_progress

    if skip_bad and rejects is None and input_files.is_stream(file):
        shown = input_files.STDIN_NAME if file == input_files.STDIN else file
        msg = (f"--skip-bad on {shown}: the rejected rows cannot be written next to it; give "
               f"--rejects PATH")
        raise InputError(msg)
    with input_files.regular_file(file) as path, terminal_progress() as progress:
        report = open_tracker(db_url).import_file(path, format=fmt, skip_bad=skip_bad,
                                                  rejects=rejects, progress=progress,
                                                  suggest=suggest)
    if isinstance(report, DeletionsImportReport):
        click.echo(f"recorded {report.added} ACLED deletion(s), skipped {report.skipped} already "
                   f"recorded; retracted {report.retracted} control event(s) of deleted events")
        if report.unmatched:
            click.echo(f"{report.unmatched} deletion(s) name events not imported (yet): they "
                       f"apply when those events are imported")
    else:
        click.echo(f"added {report.added} event(s), skipped {report.skipped} already present")
    if isinstance(report, AcledImportReport):
        click.echo(f"added {report.points_added} point event(s); retracted {report.retracted} "
                   f"reclassified; {report.stale} older version(s) kept as history only")
        for warning in report.warnings:
            click.echo(f"warning: {warning}", err=True)
    if isinstance(report, EventsImportReport):
        for line, name, code, rule in report.variants:
            click.echo(f"  line {line}: {name!r} -> {code} ({rule})")
        for warning in report.warnings:
            click.echo(f"warning: {warning}", err=True)
    if report.rejected:
        click.echo(f"rejected {report.rejected} row(s), written to {report.rejects_path}", err=True)
    if isinstance(report, EventsImportReport) and report.suggestions_path:
        click.echo(f"candidates for {report.suggested} name(s) written to "
                   f"{report.suggestions_path}", err=True)


@main.command()
@click.option("--date", "day", required=True, help="Date YYYY-MM-DD.")
@known_on_option()
@format_option
@db_option
@handle_errors
def status(day, known_on, fmt, db_url):
    """Control of every district on a date."""
    gdf = open_tracker(db_url).status(day, known_on=known_on)
    echo_table(pd.DataFrame(gdf[STATE_COLUMNS]), fmt)


@main.command()
@click.argument("district")
@click.option("--province", default=None, help="Province, to tell apart districts of one name.")
@known_on_option("The history as known")
@click.option("--revisions", is_flag=True,
              help="Instead of the events: each control interval the tracker ever believed for "
                   "the district, with the knowledge days known_from..known_to it was believed "
                   "on (known_to empty: still believed).")
@format_option
@db_option
@handle_errors
def history(district, province, known_on, revisions, fmt, db_url):
    """Every event of one district, oldest first (retracted and superseded marked); with
    --revisions, every interval the tracker believed for it and on which days."""
    t = open_tracker(db_url)
    if revisions:
        if known_on is not None:
            msg = ("--revisions lists every knowledge day: drop --known-on (or --revisions "
                   "for the events known on that day)")
            raise InputError(msg)
        rows = t.bitemporal_intervals(district, province=province)
        echo_table(rows[[s.CONTROLLER, s.STATUS, s.CONFIDENCE, s.START, s.END, KNOWN_FROM,
                         KNOWN_TO, s.EVENT_IDS, s.SOURCE, s.SOURCE_URL]], fmt)
        return
    df = t.history(district, province=province, known_on=known_on)
    cols = [s.EVENT_ID, s.DATE, s.DATE_PRECISION, s.CONTROLLER, s.STATUS, s.CONFIDENCE,
            s.SOURCE, s.SOURCE_URL, s.REPORTED_ON, s.RETRACTED_AT, s.RETRACTION_REASON,
            "superseded_by", s.NOTES]
    echo_table(df[cols], fmt)


@main.command("points")
@span_options("First event date YYYY-MM-DD.", "Last event date YYYY-MM-DD (included).")
@known_on_option("Each event as ACLED had it")
@click.option("--district", default=None,
              help="Only events in this district (any spelling `tracker resolve` knows).")
@click.option("--province", default=None,
              help="With --district: its province, to tell apart districts of one name.")
@click.option("--type", "event_type", default=None,
              help="Only this ACLED event type, e.g. Battles (any case).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv"]), default="table",
              show_default=True, help="table: the main columns; csv: every column but geometry.")
@raw_csv_option
@db_option
@handle_errors
def points_(start, end, known_on, district, province, event_type, fmt, db_url):
    """ACLED point events (battles, explosions, captures...) in date order, newest versions."""
    if province and not district:
        msg = "--province tells apart districts of one name: add --district NAME"
        raise click.UsageError(msg)
    t = open_tracker(db_url)
    found = t.point_events(start, end, known_on=known_on, district=district, province=province,
                           event_type=event_type)
    if not found.empty:
        table = pd.DataFrame(found.drop(columns=found.geometry.name))
        echo_table(table if fmt == "csv" else table[POINT_TABLE_COLUMNS], fmt)
        return
    stored = t.count_point_events()
    if not stored:
        click.echo(f"no ACLED point events in {t.url}; import an ACLED export with "
                   f"`tracker import FILE`", err=True)
        return
    place = t.resolve(district, province=province) if district else None
    types = sorted(set(t.point_events()[acled.EVENT_TYPE])) if event_type else []
    asked = [f"dated {start} to {end}" if start and end else f"dated from {start}" if start
             else f"dated up to {end}" if end else "",
             f"as known on {known_on}" if known_on else "",
             f"in {place.name}, {place.province_name} ({place.code})" if place else "",
             f"of type {event_type!r} (stored types: {', '.join(types)})" if event_type else ""]
    click.echo(f"no point events {' '.join(a for a in asked if a)} among the {stored} "
               f"stored versions in {t.url}", err=True)


@main.command()
@span_options("Earlier date YYYY-MM-DD.", "Later date YYYY-MM-DD.", required=True)
@known_on_option("Compare the states as known")
@format_option
@db_option
@handle_errors
def diff(start, end, known_on, fmt, db_url):
    """Districts whose control changed between two dates, with the events responsible.

    The change column says how: changed hands, status changed, first report or report withdrawn.
    """
    echo_table(open_tracker(db_url).diff(start, end, known_on=known_on), fmt)


@main.command()
@click.option("--date", "day", required=True, help="Date YYYY-MM-DD.")
@click.option("--by", "by", type=click.Choice(["actor", "side"]), default="actor",
              show_default=True, help="Count by actor or by side (`tracker actor side`).")
@known_on_option("Roll up the state as known")
@format_option
@db_option
@handle_errors
def provinces(day, by, known_on, fmt, db_url):
    """Per province: districts and area held by each actor (or side) on a date."""
    echo_table(open_tracker(db_url).provinces(day, known_on=known_on, by=by), fmt)


@main.command()
@click.argument("event_id")
@click.option("--reason", required=True, help="Why the event is retracted.")
@db_option
@handle_errors
def retract(event_id, reason, db_url):
    """Retract an event (it stays in history, marked)."""
    open_tracker(db_url).retract(event_id, reason=reason)
    click.echo(f"retracted {event_id}")


@main.command()
@click.argument("name")
@click.option("--province", default=None, help="Province the place lies in.")
@db_option
@handle_errors
def resolve(name, province, db_url):
    """Show which district a name resolves to, and by which rule."""
    m = open_tracker(db_url).resolve(name, province=province)
    via = f"place {m.matched}" if m.rule == "place" else m.matched
    click.echo(f"{m.code}\t{m.name}\t{m.province_name}\t{m.rule}\t{via}\t{m.score:.0f}")
    if m.warning:
        click.echo(f"warning: {m.warning}", err=True)


@main.group()
def alias() -> None:
    """Your own spellings of district and province names."""


@alias.command("add")
@click.argument("name")
@click.argument("district")
@click.option("--province", default=None, help="Province of DISTRICT.")
@db_option
@handle_errors
def alias_add(name, district, province, db_url):
    """Make NAME resolve to DISTRICT."""
    code = open_tracker(db_url).add_alias(name, district, province=province)
    click.echo(f"{name!r} -> {code}")


@alias.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@db_option
@handle_errors
def alias_import(file, db_url):
    """Load many aliases from a CSV: name,district[,province][,level] (all or nothing).

    district is a code or any name that resolves (province helps choose); level=province
    aliases a province (give it in province). The file `tracker import --suggest` writes has
    this shape: keep one row per name. Every bad line is listed (control characters, fields
    over 64 KiB, names over 300 characters, unknown districts) and nothing is stored.
    """
    with input_files.regular_file(file) as path:
        n_districts, n_provinces = open_tracker(db_url).import_aliases(path)
    click.echo(f"stored {n_districts} district alias(es) and {n_provinces} province alias(es)")


@alias.command("list")
@format_option
@db_option
@handle_errors
def alias_list(fmt, db_url):
    """Every alias you stored: name, level, code and the unit it means."""
    echo_table(open_tracker(db_url).aliases(), fmt)


@alias.command("remove")
@click.argument("name")
@db_option
@handle_errors
def alias_remove(name, db_url):
    """Remove the alias NAME (district or province)."""
    gone = open_tracker(db_url).remove_alias(name)
    click.echo(f"removed {gone} alias(es) {name!r}")


@main.group()
def places() -> None:
    """Towns, villages, crossings and landmarks that name their district."""


@places.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@db_option
@handle_errors
def places_import(file, db_url):
    """Load places from a GeoNames country dump (XX.txt) or a CSV name,lon,lat[,alternate_names].

    Each place is located in its district by point in polygon; its name and alternate names then
    resolve to that district (`tracker resolve` says "place"). All or nothing: every bad line
    is listed (coordinates not numbers or out of range, empty names, control characters, lines
    of the wrong width) and nothing is stored.
    """
    with input_files.regular_file(file) as path:
        r = open_tracker(db_url).import_places(path)
    click.echo(f"added {r.added} place(s) from the {r.format} file, {r.already} already "
               f"stored, {r.outside} outside every district (left out)")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--date", "day", default=None,
              help="Article date YYYY-MM-DD (default: a date line at the top of the text).")
@click.option("--source", default=None,
              help="Publisher, for the source column (one that starts with an actor's name, "
                   "'Taliban statement', makes the report that party's words).")
@click.option("--url", default=None, help="Address of the report, for the source_url column.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "table"]), default="csv",
              show_default=True, help="csv: an events CSV for `tracker import`; json and table "
                                      "add the evidence columns.")
@click.option("--apply", "apply_", is_flag=True,
              help="Also import the drafts now (as drafted; twice adds nothing; a claim "
                   "applied before in other words is stored as a new version of it).")
@db_option
@handle_errors
def extract(file, day, source, url, fmt, apply_, db_url):
    """Draft control events from a news report (plain text or HTML), with their evidence."""
    from tracker.extract import drafts as ex
    from tracker.ingest.events_csv import read_text

    text = click.get_text_stream("stdin").read() if file == "-" else read_text(file)
    t = open_tracker(db_url)
    drafts = t.extract(text, date=day, source=source, url=url)
    if fmt == "csv":
        click.echo(ex.to_events_csv(drafts), nl=False)
    else:
        echo_table(drafts.drop(columns=[s.NOTES]) if fmt == "table" else drafts, fmt)
    if drafts.empty:
        hint = ("" if not t.actor_aliases().empty else
                "; no actor words are known for these boundaries: add them with `tracker actor "
                "add ALIAS ACTOR` or `tracker actor import FILE`")
        click.echo(f"no change of control found in {file}: no drafts{hint}", err=True)
    if apply_ and not drafts.empty:
        report = t.apply_drafts(drafts)
        click.echo(f"added {report.added} event(s), skipped {report.skipped} already present",
                   err=True)
        for version, of in report.versions:
            click.echo(f"{version}: a new version of {of} (this claim was applied before in "
                       f"other words; `tracker history` shows both)", err=True)


@main.group()
def actor() -> None:
    """Actors: words reports use for them (read by `tracker extract`), colours and sides."""


@actor.command("add")
@click.argument("alias")
@click.argument("actor_name", metavar="ACTOR")
@db_option
@handle_errors
def actor_add(alias, actor_name, db_url):
    """Make ALIAS (e.g. 'the outfit') mean ACTOR (e.g. Taliban) in reports."""
    open_tracker(db_url).add_actor_alias(alias, actor_name)
    click.echo(f"{alias!r} -> {actor_name}")


@actor.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@db_option
@handle_errors
def actor_import(file, db_url):
    """Load many actor words from a CSV: actor,alias (all or nothing).

    The shape `tracker actor list --format csv` prints. Each alias replaces the same spelling
    stored before. Every bad line is listed (empty cells, control characters, a word given to
    two actors) and nothing is stored.
    """
    with input_files.regular_file(file) as path:
        n = open_tracker(db_url).import_actor_aliases(path)
    click.echo(f"stored {n} actor word(s)")


@actor.command("list")
@format_option
@db_option
@handle_errors
def actor_list(fmt, db_url):
    """Every actor alias: yours, and the shipped ones when the data set uses the shipped
    boundaries."""
    echo_table(open_tracker(db_url).actor_aliases(), fmt)


@actor.command("color")
@click.argument("actor_name", metavar="ACTOR")
@click.argument("color", metavar="'#rrggbb'")
@db_option
@handle_errors
def actor_color(actor_name, color, db_url):
    """Colour ACTOR on maps and legends (overrides the automatic colour)."""
    open_tracker(db_url).set_actor_color(actor_name, color)
    click.echo(f"{actor_name}: {color.lower()}")


@actor.command("side")
@click.argument("actor_name", metavar="ACTOR")
@click.argument("side", required=False)
@click.option("--clear", is_flag=True, help="Take ACTOR off its side.")
@db_option
@handle_errors
def actor_side(actor_name, side, clear, db_url):
    """Put ACTOR on SIDE (an alliance, a coalition); `tracker map --by side` counts by side."""
    if not clear and not side:
        msg = "give the SIDE (e.g. tracker actor side TNLA 'Brotherhood Alliance') or --clear"
        raise click.UsageError(msg)
    open_tracker(db_url).set_actor_side(actor_name, None if clear else side)
    click.echo(f"{actor_name}: {'no side' if clear else side}")


@actor.command("styles")
@format_option
@db_option
@handle_errors
def actor_styles(fmt, db_url):
    """Every actor colour and side you stored."""
    echo_table(open_tracker(db_url).actor_styles(), fmt)


def _write_map(t: Tracker, out: str, **options) -> Path:
    from tracker.render import html_map

    m = t.map(**options)
    path = html_map.save_map(m, out)
    click.echo(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")
    if m.reports_left_out:
        click.echo(f"its popups list the control periods, not the {m.reports_left_out:,} reports "
                   f"(`--reports all` lists them)")
    return path


@main.command("map")
@span_options("First slider date YYYY-MM-DD.", "Last slider date YYYY-MM-DD.")
@click.option("--step", type=click.Choice(list(s.TIME_STEPS)), default=s.DAY, show_default=True)
@click.option("--offline/--online", default=True, show_default=True,
              help="Inline every script and style (opens with no network).")
@click.option("--tiles", is_flag=True, help="Add a switchable OpenStreetMap base layer.")
@click.option("--diff", nargs=2, default=None, metavar="D1 D2",
              help="Open the changes panel on the changes between D1 and D2 (default: the "
                   "changes of the day shown).")
@click.option("--title", default=None, metavar="TEXT",
              help="Title shown on the map and its print (default: 'District control: "
                   "<boundaries>').")
@click.option("--points", is_flag=True,
              help="Add a switchable layer of the ACLED events (battles, explosions...) imported.")
@click.option("--points-window", type=click.IntRange(min=1), default=7, show_default=True,
              metavar="DAYS", help="With --points: days of events shown at each slider date.")
@click.option("--by", "by", type=click.Choice(["actor", "side"]), default="actor",
              show_default=True,
              help="Colour, count and label districts by actor or by side (`tracker actor side`).")
@click.option("--reports", type=click.Choice(["auto", "all", "none"]), default="auto",
              show_default=True,
              help="List every report in the popups (all) or the control periods with their "
                   "sources (none); auto: all up to 200,000 stored events.")
@known_on_option("Draw what was known")
@click.option("--out", default="maps/map.html", show_default=True, help="Output HTML file.")
@db_option
@handle_errors
def map_(start, end, step, offline, tiles, diff, title, points, points_window, by, reports,
         known_on, out, db_url):
    """Write the time-sliced HTML map."""
    _write_map(open_tracker(db_url), out, start=start, end=end, step=step, offline=offline,
               tiles=tiles, diff=tuple(diff) if diff else None, title=title, points=points,
               points_window=points_window, by=by, reports=reports, known_on=known_on)


@main.command("chart")
@click.option("--by", type=click.Choice(["districts", "area", "population", "side"]),
              default="districts", show_default=True,
              help="Count districts, km² or people (population needs a layer loaded with "
                   "--column population=COL), or districts by side (`tracker actor side`).")
@click.option("--province", default=None, help="Only this province (name or code).")
@span_options("First date YYYY-MM-DD (default: the first change).",
              "Last date YYYY-MM-DD (default: the last change).")
@click.option("--step", type=click.Choice(list(s.TIME_STEPS)), default=s.DAY, show_default=True)
@known_on_option("Count what was known")
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="FILE.csv (date + one column per actor or state), FILE.png or FILE.svg (a "
                   "stacked area chart).")
@db_option
@handle_errors
def chart_(by, province, start, end, step, known_on, out, db_url):
    """Control over time: districts (or km², people) per actor, contested, disputed, unknown."""
    table = open_tracker(db_url).chart(by=by, province=province, start=start, end=end,
                                       step=step, known_on=known_on, out=out)
    click.echo(f"wrote {out} ({len(table)} dates, {len(table.columns)} columns)")


@main.command("snapshot")
@click.option("--date", "day", required=True, help="The day shown, YYYY-MM-DD.")
@known_on_option("The map as known")
@click.option("--width", type=int, default=1600, show_default=True,
              help="PNG width in pixels.")
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="FILE.png, FILE.svg or FILE.pdf.")
@db_option
@handle_errors
def snapshot_(day, known_on, width, out, db_url):
    """A still map of one day as the page shows it (colours, hatching, legend with counts)."""
    path = open_tracker(db_url).snapshot(day, out, known_on=known_on, width=width)
    click.echo(f"wrote {path}")


@main.command("animate")
@span_options("First date YYYY-MM-DD (default: the first change).",
              "Last date YYYY-MM-DD (default: the last change).")
@click.option("--step", type=click.Choice(list(s.TIME_STEPS)), default=s.WEEK, show_default=True)
@click.option("--fps", type=click.FloatRange(min=0, min_open=True, max=60), default=4,
              show_default=True, help="Frames per second.")
@click.option("--width", type=int, default=1000, show_default=True,
              help="Frame width in pixels.")
@known_on_option("Every frame as known")
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="FILE.gif, or FILE.mp4 (needs the video extra, which ships ffmpeg).")
@db_option
@handle_errors
def animate_(start, end, step, fps, width, known_on, out, db_url):
    """An animated map, one frame per step (a progress bar shows on a terminal)."""
    from tracker.progress import terminal_progress

    with terminal_progress() as progress:
        path = open_tracker(db_url).animate(out, start=start, end=end, step=step, fps=fps,
                                            width=width, known_on=known_on, progress=progress)
    click.echo(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")


@main.command()
@click.option("--out", default="maps/afghanistan-2021.html", show_default=True)
@db_option
@handle_errors
def demo(out, db_url):
    """Load the shipped 2021 events and write their offline map."""
    t = open_tracker(db_url)
    path = t.demo(out)
    click.echo(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB) from {t.url}")


@main.command("export")
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="Output file; a PATH.credits.txt with the credit is written next to it.")
@click.option("--format", "fmt", type=click.Choice(["csv", "geojson", "gpkg", "parquet"]),
              default=None, help="File format (default: from the --out suffix); parquet is "
                                 "GeoParquet.")
@click.option("--date", "day", default=None,
              help="Every district's state on this date YYYY-MM-DD, with geometry.")
@click.option("--intervals", is_flag=True, help="The control intervals of every district.")
@click.option("--bitemporal", is_flag=True,
              help="With --intervals: every interval ever believed, with the knowledge days "
                   "known_from..known_to it was believed on (each revision and when it was "
                   "learnt).")
@click.option("--events", is_flag=True, help="Every event with its source and history.")
@click.option("--provinces", is_flag=True, help="With --date: the province roll-up instead.")
@click.option("--points", is_flag=True,
              help="The ACLED point events (battles, explosions...), one per event; layer "
                   "point_events (with other layers: GeoPackage only).")
@span_options("With --points: first event date YYYY-MM-DD.",
              "With --points: last event date YYYY-MM-DD (included).")
@known_on_option("Every layer as known")
@click.option("--raw-csv", is_flag=True,
              help="Keep CSV cells starting with = + - @ as they are (by default they get a "
                   "leading ' so spreadsheets do not run them as formulas).")
@db_option
@handle_errors
def export_(out, fmt, day, intervals, bitemporal, events, provinces, points, start, end,
            known_on, raw_csv, db_url):
    """Export state, intervals, events or point events as CSV, GeoJSON, GeoPackage or GeoParquet."""
    written = open_tracker(db_url).export(out, format=fmt, date=day, intervals=intervals,
                                          events=events, provinces=provinces, points=points,
                                          start=start, end=end, known_on=known_on,
                                          raw_csv=raw_csv, bitemporal=bitemporal)
    for path in written:
        click.echo(f"wrote {path}")


@main.group("db")
def db_group() -> None:
    """The database: schema versions and upgrades (Alembic), the stored intervals' check."""


@db_group.command("upgrade")
@db_option
@handle_errors
def db_upgrade(db_url):
    """Bring the database schema to the newest version; data are kept.

    Stored intervals a migration left to build are built from the events, in the same transaction.
    """
    from tracker.store import migrate

    t = open_tracker(db_url)
    before, after = migrate.upgrade(t.engine, create=False)
    if before == after:
        click.echo(f"{t.url} is up to date (revision {after})")
    else:
        click.echo(f"upgraded {t.url} from revision {before or 'empty'} to {after}")


@db_group.command("current")
@db_option
@handle_errors
def db_current(db_url):
    """Show the schema revision of the database and the newest one."""
    from tracker.store import migrate

    t = open_tracker(db_url)
    current = migrate.current_revision(t.engine)
    click.echo(f"{t.url}: revision {current or 'none'} (newest {migrate.head_revision()})")


@db_group.command("check")
@click.option("--repair", is_flag=True,
              help="Rewrite the stored intervals of the districts that differ, from the "
                   "events.")
@db_option
@handle_errors
def db_check(repair, db_url):
    """Recompute the stored control intervals from the events and report any difference.

    Exit status 1 when they differ (and --repair was not given), or when an upgrade stopped
    below the newest revision left them to be built (run `tracker db upgrade`).
    """
    from tracker.progress import terminal_progress

    t = open_tracker(db_url)
    with terminal_progress() as progress:
        found = t.check_store(repair=repair, progress=progress)
    if found.empty:
        click.echo(f"{t.url}: stored intervals agree with the events")
        return
    for row in found.head(20).itertuples(index=False):
        click.echo(f"{row.problem}: {row.district_code} {row.start}..{row.end or 'open'} "
                   f"{row.controller} ({row.status}), known {row.known_from or 'always'}.."
                   f"{row.known_to or 'now'}")
    if len(found) > 20:
        click.echo(f"... and {len(found) - 20} more")
    if repair:
        n = found[s.DISTRICT_CODE].nunique()
        click.echo(f"repaired: {len(found)} differing rows; the intervals of {n} "
                   f"district{'s' if n > 1 else ''} rewritten from the events")
    else:
        click.echo(f"{len(found)} differing rows; run `tracker db check --repair` to rewrite them",
                   err=True)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
