"""Track who controls which district of a country at war, day by day, from sourced events."""

from tracker.api import Tracker, connect

__all__ = ["Tracker", "connect"]
__version__ = "0.1.0"
