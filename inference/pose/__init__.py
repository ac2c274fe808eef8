"""Pose estimation backends behind one interface (see :mod:`inference.pose.base`)."""
