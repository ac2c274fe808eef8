"""The analysis of one video, as one table of typed stages.

``analyze(video_path, config, progress, workdir=...)`` runs :data:`STAGES` — probe, pose,
tracking, athlete, proxy, segmentation, kinematics, events, feedback, actions — over one
:class:`AnalysisResult`; ``reanalyze(result, track_id)`` runs the stages that depend on the athlete
again. The CLI (``python -m inference analyze``) and the worker both call these; the worker only
adds storage and the database. Keypoints are in source pixels, display orientation.
"""

from inference.pipeline.config import AnalysisConfig
from inference.pipeline.result import SCHEMA_VERSION, AnalysisResult
from inference.pipeline.run import Progress, analyze, analyze_poses, reanalyze
from inference.pipeline.sections import SectionVersionError
from inference.pipeline.stages import STAGES, Stage, stage_names

__all__ = ["SCHEMA_VERSION", "STAGES", "AnalysisConfig", "AnalysisResult", "Progress", "SectionVersionError",
           "Stage", "analyze", "analyze_poses", "reanalyze", "stage_names"]  # fmt: skip
