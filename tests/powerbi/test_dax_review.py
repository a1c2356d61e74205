"""The semantic model against coop-dax-review (PyPI), an independent linter of Power BI models: the conventions it
checks and the model follows stay followed; the rules it has that the project does not adopt are switched off in
powerbi/coop-dax-review.yml, each with its reason (README "Power BI conventions")."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from config import load_config
from powerbi.project import DEFAULTS_ENV, PROJECT_DIR, SEMANTIC_MODEL_DIR, project_files, write_project

REVIEW = Path(sys.executable).with_name("coop-dax-review")
CONFIG = PROJECT_DIR / "coop-dax-review.yml"


def review(model_dir: Path, tmp_path: Path) -> dict:
    if not REVIEW.is_file():
        pytest.skip("coop-dax-review is not installed; `make test` installs requirements.lock")
    report = tmp_path / "review.json"
    command = [str(REVIEW), "check", str(model_dir), "--config", str(CONFIG), "--format", "json", "-o", str(report)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)  # noqa: S603
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(report.read_text(encoding="utf-8"))


def test_the_generated_model_follows_the_conventions_the_linter_checks(tmp_path) -> None:
    write_project(tmp_path / "project", project_files(load_config(DEFAULTS_ENV)))

    report = review(tmp_path / "project" / SEMANTIC_MODEL_DIR, tmp_path)

    assert report["diagnostics"] == []
    assert [(f["rule_id"], f["object"], f["message"]) for f in report["findings"]] == []


def test_a_relationship_filtering_both_ways_would_be_flagged(tmp_path) -> None:
    # Given the model with its genre bridge made bidirectional, as it was before issue 20
    model = tmp_path / SEMANTIC_MODEL_DIR
    shutil.copytree(PROJECT_DIR / SEMANTIC_MODEL_DIR, model)
    relationships = model / "definition" / "relationships.tmdl"
    text = relationships.read_text(encoding="utf-8")
    bridge = "\tfromColumn: 'Artist genres'.'Artist ID'"
    relationships.write_text(text.replace(bridge, "\tcrossFilteringBehavior: bothDirections\n" + bridge), "utf-8")

    report = review(model, tmp_path)

    assert {f["rule_id"] for f in report["findings"]} == {"DAX-BIDI-RELATIONSHIP"}
