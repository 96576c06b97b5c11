"""The store's tables: SQLAlchemy models, the geometry column type, settings.

SQLite (a file, the default) and PostgreSQL with PostGIS share these models. Geometry is kept as
PostGIS ``geometry`` on PostgreSQL and as WKB bytes on SQLite, behind one column type.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timezone

import shapely
from geoalchemy2 import Geometry
from geoalchemy2.elements import WKBElement
from geoalchemy2.shape import to_shape
from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from tracker.core import schema as s

SRID = 4326


class GeometryColumn(TypeDecorator):
    """Shapely geometry stored as PostGIS geometry on PostgreSQL and as WKB bytes elsewhere."""

    impl = LargeBinary
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect is None:  # GeoAlchemy2's DDL hooks probe the type without a dialect
            return LargeBinary()
        if dialect.name == "postgresql":
            return dialect.type_descriptor(Geometry("MULTIPOLYGON", srid=SRID, spatial_index=True))
        return dialect.type_descriptor(LargeBinary())

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        geom = shapely.multipolygons([value]) if value.geom_type == "Polygon" else value
        if dialect.name == "postgresql":
            return WKBElement(shapely.to_wkb(geom), srid=SRID)
        return shapely.to_wkb(geom)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, WKBElement):
            return to_shape(value)
        return shapely.from_wkb(bytes(value))


class Base(DeclarativeBase):
    """Declarative base of the tracker's models."""


class Province(Base):
    __tablename__ = "provinces"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    geometry = mapped_column(GeometryColumn, nullable=True)


class District(Base):
    __tablename__ = "districts"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), index=True)
    geometry = mapped_column(GeometryColumn, nullable=True)
    population: Mapped[float | None] = mapped_column(Float, nullable=True)


class Source(Base):
    __tablename__ = "sources"
    __table_args__ = (UniqueConstraint("publisher", "url", "published_on", name="uq_source"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    publisher: Mapped[str] = mapped_column(String(300), default="")
    url: Mapped[str] = mapped_column(Text, default="")
    published_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class ControlEvent(Base):
    """One reported change of control; rows are never updated or deleted."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_district_date", "district_code", "date"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(200), unique=True)
    date: Mapped[date] = mapped_column(Date, index=True)
    date_precision: Mapped[str] = mapped_column(String(10), default=s.DAY)
    district_code: Mapped[str] = mapped_column(ForeignKey("districts.code"), index=True)
    controller: Mapped[str] = mapped_column(String(400))
    status: Mapped[str] = mapped_column(String(20))
    confidence: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"), nullable=True)
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)
    supersedes: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    origin: Mapped[str] = mapped_column(String(40), default="csv")
    content_hash: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    # ACLED's event_id_cnty and timestamp of the row version (ACLED imports only; migration 0007)
    acled_id: Mapped[str | None] = mapped_column(String(100), nullable=True, index=True)
    acled_timestamp: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class ControlInterval(Base):
    """A control interval as the tracker believed it between two knowledge days (bitemporal).

    Valid time ``start``..``end`` (end exclusive, NULL: still holding) and knowledge time
    ``known_from``..``known_to`` (exclusive, NULL: still believed); rows are rewritten per
    district with every write of events (see :mod:`tracker.store.intervals`). Migration 0007.
    """

    __tablename__ = "control_intervals"
    __table_args__ = (
        Index("ix_control_intervals_now", "district_code", "known_to", "start"),
        Index("ix_control_intervals_valid", "district_code", "start", "known_from"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    district_code: Mapped[str] = mapped_column(String(32))
    controller: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    confidence: Mapped[str] = mapped_column(String(20))
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date, nullable=True)
    date_precision: Mapped[str] = mapped_column(String(10))
    event_ids: Mapped[str] = mapped_column(Text)
    claims: Mapped[str | None] = mapped_column(Text, nullable=True)
    source: Mapped[str | None] = mapped_column(Text, nullable=True)
    source_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    known_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    known_to: Mapped[date | None] = mapped_column(Date, nullable=True)


class Retraction(Base):
    """A retraction of one event, recorded as a new row."""

    __tablename__ = "retractions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("events.event_id"), unique=True)
    reason: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


class Alias(Base):
    """A user's own spelling of a district name."""

    __tablename__ = "aliases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    district_code: Mapped[str] = mapped_column(ForeignKey("districts.code"))


class ProvinceAlias(Base):
    """A user's own spelling of a province name (``Arakan State`` -> Rakhine). Migration 0008."""

    __tablename__ = "province_aliases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"))


class Place(Base):
    """A town, village, crossing or landmark with its alternate names, located in its district.

    Loaded by ``tracker places import`` (GeoNames dump or ``name,lon,lat[,alternate_names]``).
    Migration 0008.
    """

    __tablename__ = "places"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    alternate_names: Mapped[str] = mapped_column(Text, default="")  # "|"-separated
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    district_code: Mapped[str] = mapped_column(ForeignKey("districts.code"), index=True)
    source: Mapped[str] = mapped_column(String(300), default="")


class ActorStyle(Base):
    """A user's colour (``#rrggbb``) and side (alliance, coalition) of an actor. Migration 0008."""

    __tablename__ = "actor_styles"
    actor: Mapped[str] = mapped_column(String(200), primary_key=True)
    color: Mapped[str | None] = mapped_column(String(7), nullable=True)
    side: Mapped[str | None] = mapped_column(String(200), nullable=True)


class ActorAlias(Base):
    """A user's own word for an actor (``the outfit`` -> ``Taliban``), read by ``tracker extract``.

    Created by migration 0003.
    """

    __tablename__ = "actor_aliases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alias: Mapped[str] = mapped_column(String(300), unique=True)
    actor: Mapped[str] = mapped_column(String(200))


class PointBatch(Base):
    """A batch of point events (ACLED row versions) as Parquet bytes; never updated.

    See :mod:`tracker.store.point_batches`: one row per at most 250,000 point events of one import.
    """

    __tablename__ = "point_batches"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    origin: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(String(300))
    rows: Mapped[int] = mapped_column(Integer)
    first_date: Mapped[date] = mapped_column(Date)
    last_date: Mapped[date] = mapped_column(Date)
    first_timestamp: Mapped[int] = mapped_column(BigInteger)
    last_timestamp: Mapped[int] = mapped_column(BigInteger)
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class AcledDeletion(Base):
    """ACLED removed an event from its dataset at ``deleted_timestamp`` (its Deletions API)."""

    __tablename__ = "acled_deletions"
    __table_args__ = (UniqueConstraint("acled_id", "deleted_timestamp", name="uq_acled_deletion"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    acled_id: Mapped[str] = mapped_column(String(100))
    deleted_timestamp: Mapped[int] = mapped_column(BigInteger)
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


class Setting(Base):
    """Key-value facts about the data set (boundary credit, status scale...)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


def utcnow() -> datetime:
    """Current UTC time without tzinfo and without microseconds (portable across backends)."""
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


def read_settings(conn) -> dict[str, str]:
    """All settings as a dict."""
    return {k: v for k, v in conn.execute(select(Setting.key, Setting.value))}


def write_settings(conn, values: Mapping[str, str]) -> None:
    """Insert or replace settings."""
    for key, value in values.items():
        existing = conn.execute(select(Setting.key).where(Setting.key == key)).first()
        if existing:
            conn.execute(Setting.__table__.update().where(Setting.key == key).values(value=value))
        else:
            conn.execute(Setting.__table__.insert().values(key=key, value=value))


def chunks(rows: list, size: int = 5000) -> Iterable[list]:
    """Split a list into lists of at most ``size`` items (for bulk inserts)."""
    for i in range(0, len(rows), size):
        yield rows[i : i + size]
