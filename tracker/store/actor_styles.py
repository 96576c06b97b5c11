"""Users' colours and sides of actors (``tracker actor color``, ``tracker actor side``)."""

from __future__ import annotations

import re

import pandas as pd
from sqlalchemy import Engine, insert, select

from tracker._errors import InputError
from tracker.store.engines import write_transaction
from tracker.store.models import ActorStyle

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
COLUMNS = ["actor", "color", "side"]


def set_style(engine: Engine, actor: str, *, color: str | None = None,
              side: str | None = None, clear_side: bool = False) -> None:
    """Store an actor's colour and/or side (other fields kept); ``clear_side`` removes its side."""
    actor = " ".join(str(actor).split())
    if not actor:
        msg = "actor name is empty; give the actor as events name it"
        raise InputError(msg)
    if color is not None and not _COLOR.match(color.strip()):
        msg = f"colour {color!r} is not #rrggbb (six hex digits, e.g. '#1b9e77')"
        raise InputError(msg)
    if side is not None and not side.strip():
        msg = "side is empty; give the side's name (an alliance, a coalition)"
        raise InputError(msg)
    with write_transaction(engine) as conn:
        row = conn.execute(select(ActorStyle.color, ActorStyle.side)
                           .where(ActorStyle.actor == actor)).first()
        new = {"color": row[0] if row else None, "side": row[1] if row else None}
        if color is not None:
            new["color"] = color.strip().lower()
        if side is not None:
            new["side"] = " ".join(side.split())
        if clear_side:
            new["side"] = None
        conn.execute(ActorStyle.__table__.delete().where(ActorStyle.actor == actor))
        conn.execute(insert(ActorStyle).values(actor=actor, **new))


def read_styles(engine: Engine) -> pd.DataFrame:
    """Every stored actor style: columns ``actor``, ``color``, ``side``."""
    with engine.connect() as conn:
        rows = conn.execute(select(ActorStyle.actor, ActorStyle.color, ActorStyle.side)
                            .order_by(ActorStyle.actor)).all()
    return pd.DataFrame(rows, columns=COLUMNS)
