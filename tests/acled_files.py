"""Small ACLED-format files for the tests: real places and coordinates, either column layout.

The district each point falls in was checked against the shipped boundaries
(tests/test_ingest_acled.py::test_test_coordinates_lie_in_the_expected_districts).
"""

from __future__ import annotations

import csv
import io

from tracker.core.acled_columns import CURRENT_COLUMNS

# name: (latitude, longitude, admin1, admin2, district code of the point)
PLACES = {
    "Pul-e-Khumri": (35.944, 68.715, "Baghlan", "Pul-e-Khumri", "AF0901"),
    "Kunduz": (36.728, 68.857, "Kunduz", "Kunduz", "AF1901"),
    "Bazarak": (35.313, 69.516, "Panjshir", "Bazarak", "AF0801"),
    "Banu": (35.633, 69.264, "Baghlan", "Andarab", "AF0907"),
    "Zaranj": (30.960, 61.860, "Nimroz", "Zaranj", "AF3401"),
    "Kabul": (34.528, 69.172, "Kabul", "Kabul", "AF0101"),
}
T0 = 1_629_900_000  # 2021-08-25 14:00 UTC
GOV = "Military Forces of Afghanistan (2004-2021)"


def acled_row(eid: str, place: str = "Pul-e-Khumri", *, date: str = "20 August 2021",
              sub: str = "Non-state actor overtakes territory", actor1: str = "Taliban",
              ts: int = T0, precision: int = 1, **extra: object) -> dict[str, object]:
    """One ACLED row (both layouts' columns); ``extra`` overrides any column."""
    lat, lon, admin1, admin2, _ = PLACES[place]
    event_type = {"Non-violent transfer of territory": "Strategic developments"}.get(sub, "Battles")
    row = {"event_id_cnty": eid, "event_date": date, "year": 2021, "time_precision": precision,
           "disorder_type": "Political violence", "event_type": event_type,
           "sub_event_type": sub, "actor1": actor1, "inter1": 2, "actor2": GOV, "inter2": 1,
           "interaction": 12, "iso": 4, "region": "Caucasus and Central Asia",
           "country": "Afghanistan", "admin1": admin1, "admin2": admin2, "location": place,
           "latitude": lat, "longitude": lon, "geo_precision": 1,
           "source": "Pajhwok Afghan News", "source_scale": "National",
           "notes": f"On {date}, {actor1} ... in {place}.", "fatalities": 0, "timestamp": ts,
           "data_id": 1, "event_id_no_cnty": eid[3:], "iso3": "AFG"}
    row.update(extra)
    return row


def write_acled(path, rows, *, layout=CURRENT_COLUMNS, newline: str = "\n",
                encoding: str = "utf-8"):
    """Write ``rows`` as an ACLED CSV export with the columns of ``layout``; returns ``path``."""
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=list(layout), extrasaction="ignore",
                            lineterminator=newline)
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path
