"""The ``tracker`` command: each command opens the database, calls one API method and prints.

Library errors become one line on stderr and exit code 1; no tracebacks.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import click
import pandas as pd

from tracker._errors import InputError, TrackerError
from tracker.api import Tracker, connect
from tracker.core import acled_columns as acled
from tracker.core import schema as s
from tracker.export import neutralise_formulas

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


db_option = click.option("--db", "db_url", envvar="TRACKER_DB", default=None,
                         help="Database URL (default $TRACKER_DB or sqlite:///tracker.db).")


def open_tracker(db_url: str | None) -> Tracker:
    """The tracker for the --db option."""
    return connect(db_url)


def echo_table(df: pd.DataFrame, fmt: str) -> None:
    """Print a table as aligned text, CSV or JSON records.

    CSV cells a spreadsheet would run as formulas get a leading ``'`` (as in ``tracker export``)
    unless the command was given ``--raw-csv``.
    """
    df = df.copy()
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
                   "province_name) to your file's column; repeatable.")
@click.option("--name", "country", default=None, help="Name of the data set, e.g. the country.")
@click.option("--scale", type=click.Choice(list(s.STATUS_SCALES)), default=None,
              help="Status levels of the data set: control (controlled/contested, default) or "
                   "five-level (controlled/influenced/contested per side).")
@db_option
@handle_errors
def init(districts, provinces, columns, country, scale, db_url):
    """Create the schema and load boundaries: the shipped ones, or your own (safe to run twice)."""
    from tracker.geo.boundaries import boundaries_from_files

    if not districts and (provinces or columns or country):
        msg = "--provinces, --column and --name describe your own boundaries: add --districts FILE"
        raise click.UsageError(msg)
    t = open_tracker(db_url)
    custom = None
    if districts:
        custom = boundaries_from_files(districts, provinces, columns=parse_columns(columns),
                                       name=country or Path(districts).stem)
    written = t.init(custom, scale=scale)
    n = len(t.districts())
    click.echo(f"{'loaded' if written else 'already loaded'}: {n} districts in {t.url} "
               f"(status scale: {t.status_scale})")


@main.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--skip-bad", is_flag=True,
              help="Import good rows; write bad rows to a rejects file.")
@click.option("--rejects", type=click.Path(dir_okay=False), default=None,
              help="Where --skip-bad writes rejected rows (default: FILE.rejects.csv).")
@click.option("--format", "fmt", type=click.Choice(["acled", "acled-deletions", "events"]),
              default=None,
              help="File format (default: detected from the header; ACLED names event_id_cnty, "
                   "ACLED's deletions also deleted_timestamp).")
@db_option
@handle_errors
def import_(file, skip_bad, rejects, fmt, db_url):
    """Import an events CSV, an ACLED export or ACLED's deletions (all or nothing unless
    --skip-bad)."""
    from tracker.progress import terminal_progress

    with terminal_progress() as progress:
        report = open_tracker(db_url).import_file(file, format=fmt, skip_bad=skip_bad,
                                                  rejects=rejects, progress=progress)
    if report.format == "acled-deletions":
        click.echo(f"recorded {report.added} ACLED deletion(s), skipped {report.skipped} already "
                   f"recorded; retracted {report.retracted} control event(s) of deleted events")
        if report.unmatched:
            click.echo(f"{report.unmatched} deletion(s) name events not imported (yet): they "
                       f"apply when those events are imported")
    else:
        click.echo(f"added {report.added} event(s), skipped {report.skipped} already present")
    if report.format == "acled":
        click.echo(f"added {report.points_added} point event(s); retracted {report.retracted} "
                   f"reclassified; {report.stale} older version(s) kept as history only")
    for line, name, code, rule in report.variants:
        click.echo(f"  line {line}: {name!r} -> {code} ({rule})")
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if report.rejected:
        click.echo(f"rejected {report.rejected} row(s), written to {report.rejects_path}", err=True)


@main.command()
@click.option("--date", "day", required=True, help="Date YYYY-MM-DD.")
@click.option("--known-on", default=None, help="Show what was known on this date (YYYY-MM-DD).")
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
@format_option
@db_option
@handle_errors
def history(district, province, fmt, db_url):
    """Every event of one district, oldest first (retracted and superseded marked)."""
    df = open_tracker(db_url).history(district, province=province)
    cols = [s.EVENT_ID, s.DATE, s.DATE_PRECISION, s.CONTROLLER, s.STATUS, s.CONFIDENCE,
            s.SOURCE, s.SOURCE_URL, s.REPORTED_ON, s.RETRACTED_AT, s.RETRACTION_REASON,
            "superseded_by", s.NOTES]
    echo_table(df[cols], fmt)


@main.command("points")
@click.option("--from", "start", default=None, help="First event date YYYY-MM-DD.")
@click.option("--to", "end", default=None, help="Last event date YYYY-MM-DD.")
@click.option("--known-on", default=None,
              help="Each event as ACLED had it on this date (YYYY-MM-DD).")
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
    days = {name: s.as_day(value, name=name)
            for name, value in (("--from", start), ("--to", end), ("--known-on", known_on))
            if value is not None}
    if start is not None and end is not None and days["--to"] < days["--from"]:
        msg = f"--to {end} is before --from {start}; give the earlier day first"
        raise InputError(msg)
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
@click.option("--from", "d1", required=True, help="First date YYYY-MM-DD.")
@click.option("--to", "d2", required=True, help="Second date YYYY-MM-DD.")
@format_option
@db_option
@handle_errors
def diff(d1, d2, fmt, db_url):
    """Districts whose control changed between two dates."""
    echo_table(open_tracker(db_url).diff(d1, d2), fmt)


@main.command()
@click.option("--date", "day", required=True, help="Date YYYY-MM-DD.")
@format_option
@db_option
@handle_errors
def provinces(day, fmt, db_url):
    """Per province: districts and area held by each actor on a date."""
    echo_table(open_tracker(db_url).provinces(day), fmt)


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
    click.echo(f"{m.code}\t{m.name}\t{m.province_name}\t{m.rule}\t{m.matched}\t{m.score:.0f}")


@main.group()
def alias() -> None:
    """Your own spellings of district names."""


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


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--date", "day", default=None,
              help="Article date YYYY-MM-DD (default: a date line at the top of the text).")
@click.option("--source", default=None, help="Publisher, for the source column.")
@click.option("--url", default=None, help="Address of the report, for the source_url column.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "table"]), default="csv",
              show_default=True, help="csv: an events CSV for `tracker import`; json and table "
                                      "add the evidence columns.")
@click.option("--apply", "apply_", is_flag=True,
              help="Also import the drafts now (reported/unconfirmed; twice adds nothing).")
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
        click.echo(f"no change of control found in {file}: no drafts", err=True)
    if apply_ and not drafts.empty:
        report = t.apply_drafts(drafts)
        click.echo(f"added {report.added} event(s), skipped {report.skipped} already present",
                   err=True)


@main.group()
def actor() -> None:
    """Words reports use for each actor (read by `tracker extract`)."""


@actor.command("add")
@click.argument("alias")
@click.argument("actor_name", metavar="ACTOR")
@db_option
@handle_errors
def actor_add(alias, actor_name, db_url):
    """Make ALIAS (e.g. 'the outfit') mean ACTOR (e.g. Taliban) in reports."""
    open_tracker(db_url).add_actor_alias(alias, actor_name)
    click.echo(f"{alias!r} -> {actor_name}")


@actor.command("list")
@format_option
@db_option
@handle_errors
def actor_list(fmt, db_url):
    """Every actor alias: the shipped ones and yours."""
    echo_table(open_tracker(db_url).actor_aliases(), fmt)


def _write_map(t: Tracker, out: str, **options) -> Path:
    from tracker.render import html_map

    path = html_map.save_map(t.map(**options), out)
    click.echo(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")
    return path


@main.command("map")
@click.option("--start", default=None, help="First slider date YYYY-MM-DD.")
@click.option("--end", default=None, help="Last slider date YYYY-MM-DD.")
@click.option("--step", type=click.Choice(list(s.TIME_STEPS)), default=s.DAY, show_default=True)
@click.option("--offline/--online", default=True, show_default=True,
              help="Inline every script and style (opens with no network).")
@click.option("--tiles", is_flag=True, help="Add a switchable OpenStreetMap base layer.")
@click.option("--diff", nargs=2, default=None, metavar="D1 D2",
              help="Outline districts whose control changed between D1 and D2.")
@click.option("--points", is_flag=True,
              help="Add a switchable layer of the ACLED events (battles, explosions...) imported.")
@click.option("--points-window", type=click.IntRange(min=1), default=7, show_default=True,
              metavar="DAYS", help="With --points: days of events shown at each slider date.")
@click.option("--out", default="maps/map.html", show_default=True, help="Output HTML file.")
@db_option
@handle_errors
def map_(start, end, step, offline, tiles, diff, points, points_window, out, db_url):
    """Write the time-sliced HTML map."""
    _write_map(open_tracker(db_url), out, start=start, end=end, step=step, offline=offline,
               tiles=tiles, diff=tuple(diff) if diff else None, points=points,
               points_window=points_window)


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
@click.option("--events", is_flag=True, help="Every event with its source and history.")
@click.option("--provinces", is_flag=True, help="With --date: the province roll-up instead.")
@click.option("--points", is_flag=True,
              help="The ACLED point events (battles, explosions...), one per event; layer "
                   "point_events (with other layers: GeoPackage only).")
@click.option("--from", "start", default=None, help="With --points: first event date YYYY-MM-DD.")
@click.option("--to", "end", default=None, help="With --points: last event date YYYY-MM-DD.")
@click.option("--known-on", default=None,
              help="State, intervals and point events as known on this date.")
@click.option("--raw-csv", is_flag=True,
              help="Keep CSV cells starting with = + - @ as they are (by default they get a "
                   "leading ' so spreadsheets do not run them as formulas).")
@db_option
@handle_errors
def export_(out, fmt, day, intervals, events, provinces, points, start, end, known_on, raw_csv,
            db_url):
    """Export state, intervals, events or point events as CSV, GeoJSON, GeoPackage or GeoParquet."""
    written = open_tracker(db_url).export(out, fmt=fmt, date=day, intervals=intervals,
                                          events=events, provinces=provinces, points=points,
                                          start=start, end=end, known_on=known_on,
                                          raw_csv=raw_csv)
    for path in written:
        click.echo(f"wrote {path}")


@main.group("db")
def db_group() -> None:
    """The database: schema versions and upgrades (Alembic), the stored intervals' check."""


@db_group.command("upgrade")
@db_option
@handle_errors
def db_upgrade(db_url):
    """Bring the database schema to the newest version; data are kept."""
    from tracker.store import migrate

    t = open_tracker(db_url)
    before, after = migrate.upgrade(t.engine)
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
              help="Rewrite every district's stored intervals from the events.")
@db_option
@handle_errors
def db_check(repair, db_url):
    """Recompute the stored control intervals from the events and report any difference.

    Exit status 1 when they differ (and --repair was not given).
    """
    t = open_tracker(db_url)
    found = t.check_store(repair=repair)
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
        click.echo(f"repaired: {len(found)} differing rows; intervals rewritten from the events")
    else:
        click.echo(f"{len(found)} differing rows; run `tracker db check --repair` to rewrite them",
                   err=True)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
