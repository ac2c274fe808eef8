"""A 4K60 HEVC 10-bit HLG clip, as an iPhone records it: proxy time, analysis time and peak
memory (RSS). Flat memory is the target: the peak must not grow with the clip's length.

    python bench/phone.py [--seconds 30]

The clip is generated from ../shared/media footage (upscaled to 3840x2160, converted to HLG,
encoded with libx265 10-bit, ultrafast), which itself takes a while on a small CPU.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import threading
import time
from fractions import Fraction
from pathlib import Path

import av
import cv2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from inference.hdr import sdr_to_hlg  # noqa: E402
from inference.pipeline import AnalysisConfig, analyze  # noqa: E402
from inference.proxy import make_proxy  # noqa: E402
from inference.video import iter_frames, probe  # noqa: E402


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class PeakRss:
    def __init__(self) -> None:
        self.peak, self._stop = rss_mb(), threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mb())
            time.sleep(0.02)

    def __enter__(self) -> PeakRss:
        self.start = rss_mb()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def make_clip(path: Path, seconds: float) -> None:
    source = ROOT.parent / "shared" / "media" / "indoor_two_people_1080p.mp4"
    frames = []  # 24 distinct frames, converted once (x265 is the slow part)
    for img, _ in iter_frames(source):
        hlg = av.VideoFrame.from_ndarray(sdr_to_hlg(cv2.resize(img, (3840, 2160))), format="rgb48le")
        frames.append(hlg.reformat(format="yuv420p10le", dst_colorspace=9))
        if len(frames) == 24:
            break
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx265", rate=60)
        stream.width, stream.height, stream.pix_fmt = 3840, 2160, "yuv420p10le"
        cc = stream.codec_context
        cc.color_primaries, cc.color_trc, cc.colorspace = 9, 18, 9
        cc.options = {"preset": "ultrafast", "x265-params": "log-level=error:colorprim=bt2020:"
                      "transfer=arib-std-b67:colormatrix=bt2020nc"}
        for i in range(int(seconds * 60)):
            # back and forth through the 24 frames, so motion stays continuous for the tracker
            k = i % (2 * len(frames) - 2)
            frame = frames[k if k < len(frames) else 2 * len(frames) - 2 - k]
            frame.pts, frame.time_base = i, Fraction(1, 60)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--make", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:
        make_clip(args.make, args.seconds)
        return
    work = Path(tempfile.mkdtemp(prefix="posecoach-phone-"))
    clip = work / "iphone_4k60_hlg.mov"
    began = time.perf_counter()
    # in a child process, so the frames it holds do not count in the measured memory
    subprocess.run([sys.executable, __file__, "--make", str(clip), "--seconds", str(args.seconds)],
                   check=True)
    print(f"generated {clip.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - began:.0f} s",
          file=sys.stderr)
    info = probe(clip)
    rows = []
    with PeakRss() as mem:
        began = time.perf_counter()
        make_proxy(clip, work / "proxy.mp4", work / "poster.jpg")
        rows.append(("proxy (1280x720 H.264, tone-mapped)", time.perf_counter() - began, mem))
    with PeakRss() as mem:
        began = time.perf_counter()
        result = analyze(clip, AnalysisConfig(until="athlete"))
        rows.append(("analysis (BlazePose + tracking)", time.perf_counter() - began, mem))
    frames = info.frame_count
    print(f"clip: {info.width}x{info.height} {info.codec} {info.bit_depth}-bit {info.transfer}, "
          f"{info.fps:.0f} fps, {info.duration:.1f} s, {frames} frames; people found: "
          f"{len(result.people)}")
    print("| step | seconds | frames/s | RSS at start MB | peak RSS MB |")
    print("|---|---|---|---|---|")
    for name, seconds, mem in rows:
        print(f"| {name} | {seconds:.1f} | {frames / seconds:.1f} | {mem.start:.0f} | {mem.peak:.0f} |")
    print(f"max RSS of the process (ru_maxrss): "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
