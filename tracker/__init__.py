"""Track who controls which district of a country at war, day by day, from sourced events."""

from tracker._errors import (
    DatabaseError,
    InputError,
    NotFoundError,
    ResolveError,
    TrackerError,
)
from tracker.api import Tracker, connect

__all__ = ["DatabaseError", "InputError", "NotFoundError", "ResolveError", "Tracker",
           "TrackerError", "connect"]
__version__ = "0.1.0"
