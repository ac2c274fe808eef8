"""Layering rules, read from the source (every import, the lazy ones inside functions too):

- the layers that read poses import the data type (:mod:`inference.posedata`), never a pose backend;
- segmentation never imports the pipeline that runs it;
- no module imports another module's private (underscore) names.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Layers below the pose backends: they take a PoseSequence and never run a pose model. (exports.py is
# not one: it writes OpenPose's JSON through that backend's file-format module.)
POSE_READERS = ("inference/kinematics", "inference/actions", "inference/segmentation", "inference/feedback",
                "inference/compare", "inference/tracking")  # fmt: skip
POSE_BACKEND_ALLOWED = {
    # The distillation teacher *is* a pose model run (BlazePose's segmentation head), at training time.
    "inference/segmentation/teacher.py",
}


def _modules(*roots: str) -> Iterator[Path]:
    for root in roots:
        path = ROOT / root
        yield from [path] if path.suffix == ".py" else sorted(path.rglob("*.py"))


def _imports(path: Path, root: Path = ROOT) -> Iterator[tuple[str, tuple[str, ...], int]]:
    """(module, imported names, line) of every import in the file; relative imports resolved."""
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, (), node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            yield module, tuple(a.name for a in node.names), node.lineno


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_pose_readers_import_the_data_type_not_a_backend() -> None:
    offenders = [f"{_rel(p)}:{line} {module}" for p in _modules(*POSE_READERS) if _rel(p) not in POSE_BACKEND_ALLOWED
                 for module, names, line in _imports(p)
                 if module == "inference.pose" or module.startswith("inference.pose.")
                 or (module == "inference" and "pose" in names)]  # fmt: skip
    assert offenders == []


def test_pose_sequence_has_one_definition_below_the_backends() -> None:
    from inference.pose.base import PoseSequence as re_exported
    from inference.posedata import PoseSequence

    assert re_exported is PoseSequence and PoseSequence.__module__ == "inference.posedata"


def test_segmentation_never_imports_the_pipeline() -> None:
    offenders = [f"{_rel(p)}:{line} {module}" for p in _modules("inference/segmentation")
                 for module, _, line in _imports(p) if module.split(".")[:2] == ["inference", "pipeline"]]  # fmt: skip
    assert offenders == []


@pytest.mark.parametrize("package", ["inference", "coaching"])
def test_no_module_imports_another_modules_private_names(package: str) -> None:
    private = [f"{_rel(p)}:{line} {module}: {', '.join(n for n in names if _is_private(n))}"
               for p in _modules(package) for module, names, line in _imports(p)
               if any(_is_private(n) for n in names) or any(_is_private(part) for part in module.split("."))]
    assert private == []


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_the_scanner_sees_lazy_relative_and_private_imports(tmp_path: Path) -> None:
    module = tmp_path / "inference" / "segmentation" / "lazy.py"
    module.parent.mkdir(parents=True)
    module.write_text("def f():\n    from inference.pipeline import batches\n    from .masks import _clean\n")
    assert list(_imports(module, tmp_path)) == [
        ("inference.pipeline", ("batches",), 2), ("inference.segmentation.masks", ("_clean",), 3)]
