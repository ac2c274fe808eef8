"""Frames to the pose backend: decoding in a thread beside the model, in bounded batches."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator

import numpy as np

PREFETCH = 4  # decoded frames waiting for the backend: bounded, so memory stays flat


def prefetch(frames: Iterator[tuple[np.ndarray, float]], depth: int, timings: dict[str, float]) -> Iterator[tuple[np.ndarray, float]]:
    """Decode in a thread while the backend works (FFmpeg and TFLite release the GIL); the
    decoding time is added to ``timings["decode"]``."""
    slots: queue.Queue[tuple[np.ndarray, float] | BaseException | None] = queue.Queue(depth)
    stop = threading.Event()
    timings.setdefault("decode", 0.0)

    def work() -> None:
        try:
            while not stop.is_set():
                start = time.perf_counter()
                item = next(frames, None)
                timings["decode"] += time.perf_counter() - start
                slots.put(item)
                if item is None:
                    return
        except BaseException as error:  # handed to the consumer, raised there
            slots.put(error)

    thread = threading.Thread(target=work, name="decode", daemon=True)
    thread.start()
    try:
        while (item := slots.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # unblock a producer waiting on a full queue
            try:
                slots.get_nowait()
            except queue.Empty:
                thread.join(0.01)
