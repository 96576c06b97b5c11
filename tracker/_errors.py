"""Exception classes of the tracker: each is a ``ValueError`` carrying a one-line message."""


class TrackerError(ValueError):
    """Base class: a problem the user can fix, explained in one line."""


class InputError(TrackerError):
    """An input file or value is malformed (what, where, how to fix)."""


class ResolveError(TrackerError):
    """A place or actor name does not resolve to exactly one entry."""


class NotFoundError(TrackerError):
    """A district, event or other record does not exist."""


class DatabaseError(TrackerError):
    """The database cannot be used as asked (not initialised, wrong URL, busy)."""
