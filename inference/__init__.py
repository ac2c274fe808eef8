"""PoseCoach analysis engine: video → poses → kinematics → feedback.

A plain Python package. It never imports Django (a test enforces it) and runs the same from the
CLI (``python -m inference``), a test or a Celery worker.
"""
