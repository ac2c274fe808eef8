"""The analysis engine never imports Django (ARCHITECTURE.md: inference/ runs without it)."""

import ast
import subprocess
import sys
from pathlib import Path

INFERENCE = Path(__file__).resolve().parents[2] / "inference"


def test_no_module_under_inference_imports_django():
    offenders = []
    for path in sorted(INFERENCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module":
                names = [a.value for a in node.args if isinstance(a, ast.Constant)]
            offenders += [f"{path.name}:{node.lineno} {n}" for n in names
                          if str(n).split(".")[0] in ("django", "coaching")]  # fmt: skip
    assert not offenders, offenders
    assert len(list(INFERENCE.rglob("*.py"))) > 5  # the walk saw the package


def test_importing_every_module_loads_no_django():
    code = (
        "import importlib, pkgutil, sys, inference\n"
        "names = [m.name for m in pkgutil.walk_packages(inference.__path__, 'inference.')\n"
        "         if not m.name.endswith('__main__')]\n"
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('django', 'coaching'))\n"
        "print(len(names), bad); sys.exit(1 if bad or len(names) < 10 else 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          cwd=INFERENCE.parent)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
