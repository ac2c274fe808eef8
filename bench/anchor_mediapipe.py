"""The speed anchor of issue 24: MediaPipe's own graph doing pose + segmentation mask for one
person over every frame of a clip. Run with the anchor venv's Python (``make bench-anchor``
builds ``.venv-anchor`` from bench/anchor-requirements.txt), never with the project's:

    .venv-anchor/bin/python bench/anchor_mediapipe.py CLIP

It imports nothing of the project (MediaPipe 0.10.21 needs numpy<2 and protobuf<5). The graph is
the legacy solution ``mediapipe.solutions.pose.Pose(static_image_mode=False, model_complexity=1,
enable_segmentation=True)``: the pose detector, the same landmark model as ours
(pose_landmark_full.tflite, shipped in the wheel) tracking one person from frame to frame, and its
segmentation mask. Frames are decoded with OpenCV (``cv2.VideoCapture``, source size, BGR) and
converted to RGB, which is what the graph takes.

Prints one JSON line: frames, frames with a pose, the frame size, wall and CPU seconds of
start-up (imports; graph made and run once on a blank frame, then reset, as our bench's
warm_models does for our models) apart from the loop over the clip (decode + graph), and the
MediaPipe and OpenCV versions. CPU seconds are this process's (every thread), time.process_time.
"""

from __future__ import annotations

import json
import sys
import time


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    began, began_cpu = time.perf_counter(), time.process_time()
    import cv2
    import mediapipe as mp
    import numpy as np

    out: dict[str, object] = {"imports": [time.perf_counter() - began, time.process_time() - began_cpu]}
    start, cpu = time.perf_counter(), time.process_time()
    pose = mp.solutions.pose.Pose(static_image_mode=False, model_complexity=1, enable_segmentation=True)
    pose.process(np.zeros((540, 960, 3), np.uint8))  # the graph's interpreters set up before the clock
    pose.reset()
    out["models"] = [time.perf_counter() - start, time.process_time() - cpu]

    capture = cv2.VideoCapture(argv[0])
    if not capture.isOpened():
        print(f"OpenCV cannot open {argv[0]}", file=sys.stderr)
        return 1
    frames, with_pose, size = 0, 0, [0, 0]
    start, cpu = time.perf_counter(), time.process_time()
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        result = pose.process(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
        frames += 1
        if result.pose_landmarks is not None:
            with_pose += 1
            assert result.segmentation_mask is not None  # the mask is made with every pose
        size = [frame.shape[1], frame.shape[0]]
    out["analysis"] = [time.perf_counter() - start, time.process_time() - cpu]
    capture.release()
    pose.close()
    out.update(frames=frames, frames_with_pose=with_pose, size=size, mediapipe=mp.__version__, opencv=cv2.__version__)
    print(json.dumps(out))
    return 0 if frames else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
