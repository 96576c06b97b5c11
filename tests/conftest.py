"""Shared fixtures: fresh databases in temporary folders, and the shipped 2021 story."""

from __future__ import annotations

import pytest

import tracker
from tracker.api import SHIPPED_EVENTS


@pytest.fixture
def db_url(tmp_path) -> str:
    """URL of a new, empty SQLite database file."""
    return f"sqlite:///{tmp_path / 'tracker.db'}"


@pytest.fixture
def fresh(db_url) -> tracker.Tracker:
    """An initialised tracker (shipped boundaries, no events)."""
    t = tracker.connect(db_url)
    t.init()
    return t


@pytest.fixture(scope="session")
def story(tmp_path_factory) -> tracker.Tracker:
    """A tracker holding the shipped 2021 events (read-only: do not write to it in tests)."""
    path = tmp_path_factory.mktemp("story") / "story.db"
    t = tracker.connect(f"sqlite:///{path}")
    t.init()
    t.import_csv(SHIPPED_EVENTS)
    return t
