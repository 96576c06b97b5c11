"""The actor alias table in the store: users' own words for actors, read and added."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, insert, inspect, select

from tracker._errors import DatabaseError, InputError
from tracker.core.schema import ACTOR, ALIAS, normalize_quotes
from tracker.store.models import ActorAlias


def read_actor_aliases(engine: Engine) -> pd.DataFrame:
    """The user's actor aliases (columns ``actor``, ``alias``); empty when none are stored."""
    if not inspect(engine).has_table(ActorAlias.__tablename__):
        return pd.DataFrame(columns=[ACTOR, ALIAS])
    with engine.connect() as conn:
        rows = conn.execute(select(ActorAlias.actor, ActorAlias.alias)
                            .order_by(ActorAlias.id)).all()
    return pd.DataFrame(rows, columns=[ACTOR, ALIAS])


def add_actor_alias(engine: Engine, alias: str, actor: str) -> None:
    """Store ``alias`` as the user's word for ``actor`` (replacing the same spelling's alias)."""
    alias, actor = " ".join(normalize_quotes(alias).split()), " ".join(actor.split())
    if not alias or not actor:
        msg = (f"actor alias needs both words: got alias={alias!r}, actor={actor!r}; "
               f"e.g. tracker actor add 'the outfit' Taliban")
        raise InputError(msg)
    add_actor_aliases(engine, [(alias, actor)])


def add_actor_aliases(engine: Engine, pairs: list[tuple[str, str]]) -> None:
    """Store every (alias, actor) pair in one transaction, each replacing the alias of the same
    spelling (pairs as :func:`add_actor_alias` or :mod:`tracker.ingest.actor_file` gives them)."""
    if not inspect(engine).has_table(ActorAlias.__tablename__):
        msg = (f"database {engine.url!r} has no actor_aliases table yet; run `tracker init` "
               f"again to upgrade its schema")
        raise DatabaseError(msg)
    with engine.begin() as conn:
        for alias, actor in pairs:
            conn.execute(ActorAlias.__table__.delete().where(ActorAlias.alias == alias))
            conn.execute(insert(ActorAlias).values(alias=alias, actor=actor))
