"""Animations of the map: one :class:`~tracker.render.snapshot.MapFrame` per date, as GIF or MP4.

GIF frames are written with Pillow; MP4 with the ffmpeg that the ``imageio-ffmpeg`` wheel ships
(the ``video`` extra: ``pip install 'conflict-tracker[video]'``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from tracker._errors import InputError
from tracker.core import schema as s

ANIMATION_FORMATS = (".gif", ".mp4")
MAX_FRAMES = {"gif": 1000, "mp4": 10000}  # a GIF's frames are held in memory until written
STAGE = "frames"


def check_format(path: str | Path) -> str:
    """``gif`` or ``mp4`` from the file's suffix (else an InputError)."""
    kind = Path(path).suffix.lower()
    if kind not in ANIMATION_FORMATS:
        msg = f"animation file {path} must end in {' or '.join(ANIMATION_FORMATS)}"
        raise InputError(msg)
    if kind == ".mp4":
        _ffmpeg()
    return kind[1:]


def _ffmpeg() -> str:
    try:
        import imageio_ffmpeg
    except ImportError as exc:
        msg = ("MP4 needs the video extra (pip install 'conflict-tracker[video]', which ships "
               "ffmpeg); or write a .gif")
        raise InputError(msg) from exc
    return imageio_ffmpeg.get_ffmpeg_exe()


def write_animation(frame, states: pd.DataFrame, counts: pd.DataFrame, out: str | Path, *,
                    kind: str, fps: float = 4,
                    progress: Callable[[str, int, int], None] | None = None) -> Path:
    """Paint every date of ``counts`` on ``frame`` and write the frames to ``out``.

    Parameters
    ----------
    frame
        A :class:`tracker.render.snapshot.MapFrame`.
    states
        :func:`tracker.core.timeline.states_on_dates` of the frame's districts on the dates.
    counts
        :func:`tracker.core.series.control_series` on the same dates (one row per frame).
    out
        ``.gif`` or ``.mp4`` file.
    kind
        ``gif`` or ``mp4`` (:func:`check_format`).
    fps
        Frames per second.
    progress
        Called as ``progress("frames", done, total)`` after each frame.
    """
    if not 0 < fps <= 60:
        msg = f"fps={fps!r} is out of range; give 0 < fps <= 60"
        raise InputError(msg)
    total = len(counts)
    if total == 0:
        msg = "no dates to animate; give an end on or after the start"
        raise InputError(msg)
    if total > MAX_FRAMES[kind]:
        msg = (f"{total} frames is more than {MAX_FRAMES[kind]} for a {kind.upper()}; use a "
               f"longer --step, a shorter --start/--end{' or an .mp4' if kind == 'gif' else ''}")
        raise InputError(msg)
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    by_day = {pd.Timestamp(d): part for d, part in states.groupby(s.DATE, sort=False)}

    def frames():
        for k, (day, row) in enumerate(counts.iterrows()):
            frame.show(by_day[pd.Timestamp(day)], pd.Timestamp(day), row)
            yield frame.rgb()
            if progress is not None:
                progress(STAGE, k + 1, total)

    if kind == "gif":
        _write_gif(frames(), path, fps)
    else:
        _write_mp4(frames(), path, fps)
    return path


def _write_gif(frames, path: Path, fps: float) -> None:
    from PIL import Image

    # each frame its own palette (GIF allows one per frame): exact map colours on every frame
    images = [Image.fromarray(rgb).quantize(colors=255, method=Image.Quantize.FASTOCTREE,
                                            dither=Image.Dither.NONE) for rgb in frames]
    duration = max(round(1000 / fps), 20)
    images[0].save(path, save_all=True, append_images=images[1:], duration=duration, loop=0,
                   optimize=False, disposal=1)


def _write_mp4(frames, path: Path, fps: float) -> None:
    import imageio_ffmpeg

    writer = None
    try:
        for rgb in frames:
            if writer is None:
                h, w = rgb.shape[:2]
                writer = imageio_ffmpeg.write_frames(
                    str(path), (w - w % 2, h - h % 2), fps=fps, codec="libx264",
                    pix_fmt_out="yuv420p", macro_block_size=1, quality=7)
                writer.send(None)
            writer.send(np.ascontiguousarray(rgb[: h - h % 2, : w - w % 2]))
    finally:
        if writer is not None:
            writer.close()
