"""``python -m inference``: see :mod:`inference.cli`."""

import sys

from inference.quiet import quiet_cpu_start

quiet_cpu_start()  # before TensorFlow loads: no "failed call to cuInit" on a CPU machine

from inference.cli import main  # noqa: E402

sys.exit(main())
