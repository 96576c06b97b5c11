"""Actors grouped into sides (alliances, coalitions): controllers rewritten side by side.

``tracker actor side TNLA "Brotherhood Alliance"`` stores a side; maps and roll-ups ``by side``
rewrite every controller before counting or colouring: each named actor becomes its side (an actor
without a side stays itself), duplicates merge, so ``MNDAA;Myanmar military`` contested becomes
``Brotherhood Alliance;Myanmar military`` and ``MNDAA;TNLA`` contested becomes
``Brotherhood Alliance`` contested (fighting inside one side).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from tracker._errors import InputError
from tracker.core import schema as s

BY = ("actor", "side")


def check_by(by: str) -> str:
    """``by`` if it is ``actor`` or ``side``; else a one-line InputError."""
    if by not in BY:
        msg = f"by={by!r} is not one of {', '.join(BY)}; count and colour by actor or by side"
        raise InputError(msg)
    return by


def side_of(controller: object, sides: Mapping[str, str]) -> object:
    """The controller text with each actor replaced by its side (``unknown``/empty kept)."""
    if not isinstance(controller, str) or controller in ("", s.UNKNOWN):
        return controller
    return s.join_actors([sides.get(a, a) for a in s.split_actors(controller)])


def by_side(frame: pd.DataFrame, sides: Mapping[str, str],
            column: str = s.CONTROLLER) -> pd.DataFrame:
    """A copy of ``frame`` whose ``column`` names sides instead of actors."""
    out = frame.copy()
    if len(out) and sides:
        values = out[column].astype(object)
        mapping = {v: side_of(v, sides) for v in pd.unique(values)}
        out[column] = values.map(mapping)
    return out
