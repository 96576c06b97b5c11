"""Time to animate 100 frames of the Afghan map (399 districts, the shipped 2021 events).

Prints, for a GIF at the default width and at 1600 px and for an MP4 (when the video extra is
installed): seconds in all, seconds per frame, file size; and the time of one still and one chart.
Target: 100 frames in <= 60 s.

Run: ``.venv/bin/python benchmarks/bench_animate.py``.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import tracker
from tracker.api import SHIPPED_EVENTS

FRAMES = 100
START = "2021-06-01"  # 100 days to 8 September 2021: the Taliban's advance and Panjshir
END = "2021-09-08"


def timed(label: str, run, frames: int = 1) -> None:
    t = time.perf_counter()
    path = run()
    secs = time.perf_counter() - t
    size = Path(path).stat().st_size / 1e6
    per = f"{secs / frames:.3f} s/frame" if frames > 1 else ""
    print(f"{label:<40}{secs:>8.1f} s  {per:>16}{size:>9.2f} MB")


def main() -> int:
    out = Path(tempfile.mkdtemp(prefix="bench_animate_"))
    t = tracker.connect(f"sqlite:///{out / 'tracker.db'}")
    t.init()
    t.import_csv(SHIPPED_EVENTS)
    print(f"{FRAMES} daily frames, {START} .. {END}, 399 districts")
    timed("GIF, 1000 px (default width)",
          lambda: t.animate(out / "a.gif", start=START, end=END, step="day"), FRAMES)
    timed("GIF, 1600 px",
          lambda: t.animate(out / "b.gif", start=START, end=END, step="day", width=1600), FRAMES)
    try:
        import imageio_ffmpeg  # noqa: F401
    except ImportError:
        print("MP4: the video extra (imageio-ffmpeg) is not installed")
    else:
        timed("MP4, 1000 px",
              lambda: t.animate(out / "a.mp4", start=START, end=END, step="day"), FRAMES)
    timed("one still, PNG 1600 px", lambda: t.snapshot("2021-08-15", out / "s.png"))
    timed("one chart, PNG", lambda: (t.chart(out=out / "c.png"), out / "c.png")[1])
    print(f"files in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
