"""The user's naming tables in the store: district and province aliases (bulk), places.

Aliases one by one live in :mod:`tracker.store.records`; this module writes whole tables in one
transaction (all or nothing) and lists and removes them.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, insert, select

from tracker._errors import NotFoundError
from tracker.core import schema as s
from tracker.store.engines import write_transaction
from tracker.store.models import Alias, District, Place, Province, ProvinceAlias, chunks

LEVEL = "level"
DISTRICT_LEVEL, PROVINCE_LEVEL = "district", "province"
PLACE_COLUMNS = ["name", "alternate_names", "lon", "lat", s.DISTRICT_CODE, "source"]


def write_aliases(engine: Engine, districts: list[tuple[str, str]],
                  provinces: list[tuple[str, str]]) -> None:
    """Store (name, district code) and (name, province code) aliases in one transaction.

    A stored alias of the same name is replaced. Codes are checked by the caller.
    """
    with write_transaction(engine) as conn:
        for model, rows, column in ((Alias, districts, "district_code"),
                                    (ProvinceAlias, provinces, "province_code")):
            if not rows:
                continue
            names = [n for n, _ in rows]
            for part in chunks(names, 500):
                conn.execute(model.__table__.delete().where(model.name.in_(part)))
            conn.execute(insert(model), [{"name": n, column: c} for n, c in rows])


def read_aliases(engine: Engine) -> pd.DataFrame:
    """Every alias: columns ``name``, ``level`` (district/province), code and name of its unit."""
    with engine.connect() as conn:
        d = conn.execute(select(Alias.name, Alias.district_code, District.name)
                         .join(District, District.code == Alias.district_code)).all()
        p = conn.execute(select(ProvinceAlias.name, ProvinceAlias.province_code, Province.name)
                         .join(Province, Province.code == ProvinceAlias.province_code)).all()
    rows = ([(n, DISTRICT_LEVEL, c, u) for n, c, u in d]
            + [(n, PROVINCE_LEVEL, c, u) for n, c, u in p])
    frame = pd.DataFrame(rows, columns=["name", LEVEL, "code", "unit"])
    return frame.sort_values([LEVEL, "name"], ignore_index=True)


def read_province_aliases(engine: Engine) -> pd.DataFrame:
    """Province aliases: columns ``name``, ``province_code``."""
    with engine.connect() as conn:
        rows = conn.execute(select(ProvinceAlias.name, ProvinceAlias.province_code)).all()
    return pd.DataFrame(rows, columns=["name", s.PROVINCE_CODE])


def remove_alias(engine: Engine, name: str) -> int:
    """Remove the district and province aliases spelled ``name``; NotFoundError when none."""
    name = " ".join(str(name).split())
    with write_transaction(engine) as conn:
        gone = 0
        for model in (Alias, ProvinceAlias):
            gone += conn.execute(model.__table__.delete().where(model.name == name)).rowcount
    if not gone:
        msg = f"no alias {name!r}; see `tracker alias list` for the stored ones"
        raise NotFoundError(msg)
    return gone


def write_places(engine: Engine, places: pd.DataFrame) -> int:
    """Add located places (columns :data:`PLACE_COLUMNS`) in one transaction; returns the count.

    A place already stored with the same name, coordinates and district is not added again.
    """
    with write_transaction(engine) as conn:
        have = {(n, round(x, 6), round(y, 6), c) for n, x, y, c in conn.execute(
            select(Place.name, Place.lon, Place.lat, Place.district_code))}
        rows = [r for r in places[PLACE_COLUMNS].to_dict("records")
                if (r["name"], round(r["lon"], 6), round(r["lat"], 6), r[s.DISTRICT_CODE])
                not in have]
        for part in chunks(rows):
            conn.execute(insert(Place), part)
    return len(rows)


def read_places(engine: Engine) -> pd.DataFrame:
    """Stored places: columns ``name``, ``alternatenames`` (``|``-separated), ``district_code``,
    ``lon``, ``lat`` (the gazetteer's places table)."""
    with engine.connect() as conn:
        rows = conn.execute(select(Place.name, Place.alternate_names, Place.district_code,
                                   Place.lon, Place.lat).order_by(Place.id)).all()
    return pd.DataFrame(rows, columns=["name", "alternatenames", s.DISTRICT_CODE, "lon", "lat"])


def district_codes(conn) -> set[str]:
    """District codes the places table names (boundaries may not drop them)."""
    return set(conn.execute(select(Place.district_code).distinct()).scalars())


def province_codes(conn) -> set[str]:
    """Province codes the province aliases name (boundaries may not drop them)."""
    return set(conn.execute(select(ProvinceAlias.province_code).distinct()).scalars())
