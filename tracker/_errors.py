"""Exception classes of the tracker: each carries a one-line message (what, where, how to fix).

Every class derives from :class:`TrackerError` and from the built-in exception a caller would
expect, so ``except ValueError`` catches bad input but not a busy database:

================  =================
class             also a
================  =================
InputError        ``ValueError``
ResolveError      ``ValueError``
NotFoundError     ``LookupError``
DatabaseError     ``RuntimeError``
================  =================
"""


class TrackerError(Exception):
    """Base class: a problem the user can fix, explained in one line."""


class InputError(TrackerError, ValueError):
    """An input file or value is malformed (what, where, how to fix)."""


class ResolveError(TrackerError, ValueError):
    """A place or actor name does not resolve to exactly one entry."""


class NotFoundError(TrackerError, LookupError):
    """A district, event or other record does not exist."""


class DatabaseError(TrackerError, RuntimeError):
    """The database cannot be used as asked (not initialised, wrong URL, busy, closed)."""
