"""The project is installed (`make` runs `pip install -e .`): its entry points and packages import from any
directory, with no PYTHONPATH and no path edits of their own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_the_runtime_handler_job_and_applier_import_from_anywhere_without_pythonpath(
    tmp_path: Path,
) -> None:
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    imports = "import local.run, local.pipeline, extract.handler, transforms.job, applier, ops, stacks.app"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", imports], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr.strip().splitlines()[-1:]
