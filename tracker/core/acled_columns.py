"""ACLED's column names and value sets, shared by the ACLED reader, the point store and the map.

ACLED's own columns (codebook names) and the columns of the tracker's point-event table.
"""

from __future__ import annotations

import pandas as pd

from tracker.core import schema as s

# --- ACLED's columns ---------------------------------------------------------------------------
EVENT_ID_CNTY = "event_id_cnty"
EVENT_DATE = "event_date"
TIME_PRECISION = "time_precision"
EVENT_TYPE = "event_type"
SUB_EVENT_TYPE = "sub_event_type"
ACTOR1 = "actor1"
ACTOR2 = "actor2"
ADMIN1 = "admin1"
ADMIN2 = "admin2"
LOCATION = "location"
LATITUDE = "latitude"
LONGITUDE = "longitude"
GEO_PRECISION = "geo_precision"
ACLED_SOURCE = "source"
ACLED_NOTES = "notes"
FATALITIES = "fatalities"
TIMESTAMP = "timestamp"

CURRENT_COLUMNS = (
    EVENT_ID_CNTY, EVENT_DATE, "year", TIME_PRECISION, "disorder_type", EVENT_TYPE,
    SUB_EVENT_TYPE, ACTOR1, "assoc_actor_1", "inter1", ACTOR2, "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", ADMIN1, ADMIN2, "admin3",
    LOCATION, LATITUDE, LONGITUDE, GEO_PRECISION, ACLED_SOURCE, "source_scale", ACLED_NOTES,
    FATALITIES, "tags", TIMESTAMP,
)
LEGACY_COLUMNS = (
    "data_id", "iso", EVENT_ID_CNTY, "event_id_no_cnty", EVENT_DATE, "year", TIME_PRECISION,
    EVENT_TYPE, SUB_EVENT_TYPE, ACTOR1, "assoc_actor_1", "inter1", ACTOR2, "assoc_actor_2",
    "inter2", "interaction", "region", "country", ADMIN1, ADMIN2, "admin3", LOCATION, LATITUDE,
    LONGITUDE, GEO_PRECISION, ACLED_SOURCE, "source_scale", ACLED_NOTES, FATALITIES, TIMESTAMP,
    "iso3",
)
CURRENT, LEGACY = "current", "pre-2023"
REQUIRED = (EVENT_ID_CNTY, EVENT_DATE, TIME_PRECISION, EVENT_TYPE, SUB_EVENT_TYPE, ACTOR1,
            LATITUDE, LONGITUDE, TIMESTAMP)
OPTIONAL = (ACTOR2, ADMIN1, ADMIN2, LOCATION, GEO_PRECISION, ACLED_SOURCE, ACLED_NOTES,
            FATALITIES)
TEXT = (EVENT_ID_CNTY, EVENT_DATE, EVENT_TYPE, SUB_EVENT_TYPE, ACTOR1, ACTOR2, ADMIN1, ADMIN2,
        LOCATION, ACLED_SOURCE, ACLED_NOTES)
FLOATS = (LATITUDE, LONGITUDE)
INTS = (TIME_PRECISION, GEO_PRECISION, FATALITIES, TIMESTAMP)
# Text limits come from the store's column types (tracker.ingest.acled.read.MAX_LENGTH).

TERRITORIAL = ("Government regains territory", "Non-state actor overtakes territory",
               "Non-violent transfer of territory")
PRECISION_CODES = {1: s.DAY, 2: s.WEEK, 3: s.MONTH}
GEO_PRECISIONS = (1, 2, 3)
EARLIEST = pd.Timestamp("1900-01-01")
ORIGIN = "acled"
ID_PREFIX = "acled:"

# --- point-event table columns (the store's ``point_events``) ---------------------------------
ACLED_ID = "acled_id"
POINT_COLUMNS = [ACLED_ID, TIMESTAMP, s.DATE, s.DATE_PRECISION, EVENT_TYPE, SUB_EVENT_TYPE,
                 ACTOR1, ACTOR2, FATALITIES, LATITUDE, LONGITUDE, s.DISTRICT_CODE, GEO_PRECISION,
                 LOCATION, s.SOURCE, s.NOTES]
RECORD = "record"  # position of the row among the file's data records (0 = first)
TERRITORIAL_FLAG = "territorial"
