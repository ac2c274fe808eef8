"""Action recognition: ST-GCN windows over the athlete's track, per-frame postures, segments.

Public API (NumPy in, NumPy and JSON out; TensorFlow/Keras imported only when a model runs)::

    load_action_model(path=None) -> ActionModel
    label_actions(poses, athlete_index, *, model=None, progress=None) -> ActionsResult
    write_actions(result_like, out_dir, *, model=None, progress=None) -> dict
    LabelledRange(keypoints, fps, label, group)
    train_team_model(ranges, *, base=None, seed=0, progress=None, previous=None) -> TeamTrainingResult

Details: docs/actions.md.
"""

from inference.actions.labels import ActionsResult, label_actions, write_actions
from inference.actions.model import ActionModel, load_action_model
from inference.actions.team import LabelledRange, TeamTrainingResult, train_team_model

__all__ = ["ActionModel", "ActionsResult", "LabelledRange", "TeamTrainingResult", "label_actions",
           "load_action_model", "train_team_model", "write_actions"]  # fmt: skip
