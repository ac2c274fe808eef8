"""What a video file really holds, read from its packets (demuxed, not decoded): how many frames
are shown and over how long. The headers (mvhd/tkhd/mdhd durations, the declared frame rate) are
claims anyone can edit; a 700 s clip patched to say 10 s, or 599,000 tiny frames at 1000 fps,
must be judged by its packets. The scan is bounded: it stops past a frame limit and a time budget.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import av


class ScanLimit(ValueError):
    """The scan stopped at a limit; the message is meant for the user."""


@dataclass(frozen=True)
class PacketScan:
    """packets: non-empty packets, edit-list pre-roll included (what the index promises);
    shown: frames actually shown (pre-roll packets, marked discard by the demuxer, excluded);
    start/end: seconds of the first shown packet and the end of the last (presentation time);
    cut: a packet points past the end of the file (truncated upload)."""

    packets: int
    shown: int
    start: float
    end: float
    cut: bool

    @property
    def duration(self) -> float:
        return max(0.0, self.end - self.start) if self.shown else 0.0


def scan_packets(
    container: av.container.InputContainer,
    stream: av.VideoStream,
    file_size: int,
    *,
    max_frames: int | None = None,
    budget_s: float | None = None,
) -> PacketScan:
    """Demux every packet of ``stream`` once. Raises ScanLimit past ``max_frames`` shown frames
    or ``budget_s`` seconds of demuxing."""
    deadline = time.monotonic() + budget_s if budget_s else None
    container.seek(0, stream=stream, backward=True)
    packets = shown = 0
    start, end, cut = float("inf"), 0.0, False
    for packet in container.demux(stream):
        if packet.size <= 0:
            continue
        packets += 1
        if packet.pos is not None and packet.pos + packet.size > file_size:
            cut = True
            break
        if deadline is not None and packets % 512 == 0 and time.monotonic() > deadline:
            raise ScanLimit(
                f"The video could not be checked within {budget_s:.0f} s (it holds very many "
                "frames). Export it shorter or at a lower frame rate."
            )
        if packet.is_discard:  # edit-list pre-roll: decoded for reference, never shown
            continue
        shown += 1
        if max_frames is not None and shown > max_frames:
            raise ScanLimit(
                f"The video has more than {max_frames:,} frames, the limit. Trim it or export it "
                "at a lower frame rate."
            )
        if packet.pts is not None and packet.time_base is not None:
            first = float(packet.pts * packet.time_base)
            start = min(start, first)
            end = max(end, float((packet.pts + (packet.duration or 0)) * packet.time_base))
    return PacketScan(packets, shown, start if shown and start != float("inf") else 0.0, end, cut)
