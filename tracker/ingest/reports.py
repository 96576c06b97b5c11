"""What an import did: one report type per import format, sharing :class:`ImportReport`."""

from __future__ import annotations

from dataclasses import dataclass, field

from tracker.core.acled_columns import ORIGIN as ACLED
from tracker.ingest.acled.deletions import FORMAT as DELETIONS


@dataclass
class ImportReport:
    """What every import reports.

    Attributes
    ----------
    path
        The file imported (or a description, e.g. "the extracted drafts").
    added, skipped
        Records stored, and records skipped as already stored.
    rejected, rejects_path
        With ``skip_bad``: records refused, and the file their lines were copied to.
    """

    path: str
    added: int = 0
    skipped: int = 0
    rejected: int = 0
    rejects_path: str | None = None
    format: str = field(default="", init=False)


@dataclass
class EventsImportReport(ImportReport):
    """An events CSV (or drafts of ``tracker extract``).

    ``variants``: ``(line, name, district_code, rule)`` of each name resolved by a rule other
    than its code or exact name; ``warnings``: provinces that did not resolve where the district
    did on its own; ``suggestions_path``, ``suggested``: the ``--suggest`` file and its names;
    ``versions``: drafts stored as new versions of events applied before in other words
    (``(version id, id it supersedes)``).
    """

    variants: list[tuple[int, str, str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # provinces taken only as a hint
    suggestions_path: str | None = None  # with ``suggest``: the candidates file written
    suggested: int = 0  # with ``suggest``: names with candidates in it
    versions: list[tuple[str, str]] = field(default_factory=list)  # drafts: (new version, of)
    format: str = field(default="events", init=False)


@dataclass
class AcledImportReport(ImportReport):
    """An ACLED export: ``added``/``skipped`` count control events.

    Attributes
    ----------
    points_added
        Point events stored (every row version, territorial or not).
    retracted
        Control events of rows ACLED reclassified as non-territorial.
    stale
        Versions older than a stored one (kept as point events only).
    warnings
        Admin names that disagree with the coordinates.
    """

    points_added: int = 0
    retracted: int = 0
    stale: int = 0
    warnings: list[str] = field(default_factory=list)
    format: str = field(default=ACLED, init=False)


@dataclass
class DeletionsImportReport(ImportReport):
    """ACLED's deletions: ``added``/``skipped`` count deletions.

    Attributes
    ----------
    retracted
        Control events retracted because their ACLED event was deleted.
    unmatched
        Deletions of events not imported (yet); they apply when those are imported.
    """

    retracted: int = 0
    unmatched: int = 0
    format: str = field(default=DELETIONS, init=False)


@dataclass
class PlacesReport:
    """A places file (towns, villages, crossings) loaded with ``tracker places import``."""

    path: str
    format: str  # "geonames" or "csv"
    added: int
    already: int  # the same place (name, point, district) was stored before
    outside: int  # places outside every district, left out
