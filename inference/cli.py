"""``python -m inference <command> …``: the analysis engine from the command line.

Subcommands are a table: each entry names a module that provides ``add_arguments(parser)`` and
``run(args) -> int`` (its docstring's first line is the help). Adding a command is one line in
:data:`COMMANDS`; a module is imported only to build the parser, so its heavy imports
(TensorFlow, models) belong inside ``run``.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence

COMMANDS: dict[str, str] = {
    "pose": "inference.pose_cmd",
    "analyze": "inference.analyze_cmd",
    "segment": "inference.segment_cmd",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m inference", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(module_name)
        summary = (module.__doc__ or name).strip().split("\n")[0]
        command = sub.add_parser(name, help=summary, description=module.__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
        module.add_arguments(command)
        command.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.run(args))
