"""`python -m local.run` works from a clone as it is, without `make` setting PYTHONPATH."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_the_local_runtime_finds_the_handler_the_job_and_the_applier_without_pythonpath() -> None:
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    imports = "import local.run, local.pipeline, extract.handler, transforms.build, applier"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", imports], cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr.strip().splitlines()[-1:]
