"""powerbi.project: the committed Power BI Project is exactly what its definition renders, it validates against
Microsoft's JSON schemas, and regenerating it keeps Desktop's local files and drops what is no longer defined."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from config import load_config
from powerbi.project import (
    DEFAULTS_ENV,
    PROJECT_DIR,
    REPORT_DIR,
    SEMANTIC_MODEL_DIR,
    differences,
    project_files,
    write_project,
)

# The team's shared tools sit next to the repository (../shared); a clone elsewhere skips the schema check.
VALIDATOR = Path(__file__).resolve().parents[3] / "shared" / "tools" / "validate-pbip"


def files_with_schema(root: Path) -> list[Path]:
    suffixes = {".json", ".pbip", ".pbir", ".pbism"}
    return [p for p in root.rglob("*") if p.is_file() and (p.suffix in suffixes or p.name == ".platform")]


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    return project_files(load_config(DEFAULTS_ENV))


def test_the_committed_project_is_what_its_definition_renders(files) -> None:
    assert differences(PROJECT_DIR, files) == [], "run `python -m powerbi` and commit the result"


def test_every_json_file_validates_against_microsofts_schemas() -> None:
    if not VALIDATOR.is_file():
        pytest.skip(f"{VALIDATOR} is not there (the shared tools sit next to the repository on the team machines)")

    result = subprocess.run(  # noqa: S603
        [sys.executable, str(VALIDATOR), str(PROJECT_DIR)], capture_output=True, text=True, timeout=120, check=False
    )

    assert result.returncode == 0, result.stdout[-3000:]
    assert result.stdout.strip().endswith(" invalid") and ", 0 invalid" in result.stdout
    checked = int(result.stdout.strip().splitlines()[-1].split()[0])
    assert checked == len(files_with_schema(PROJECT_DIR))


def test_the_pbip_opens_the_report_and_the_report_binds_the_model_by_path(files) -> None:
    assert f'"path": "{REPORT_DIR}"' in files["SpotifyListening.pbip"]
    assert f'"path": "../{SEMANTIC_MODEL_DIR}"' in files[f"{REPORT_DIR}/definition.pbir"]


def test_desktops_local_files_are_ignored_by_git() -> None:
    for local_file in (f"{SEMANTIC_MODEL_DIR}/.pbi/localSettings.json", f"{SEMANTIC_MODEL_DIR}/.pbi/cache.abf"):
        result = subprocess.run(  # noqa: S603
            ["git", "check-ignore", "--no-index", "-q", local_file],  # noqa: S607
            cwd=PROJECT_DIR,
            check=False,
        )
        assert result.returncode == 0, f"{local_file} is not ignored"


def test_writing_twice_changes_nothing_the_second_time(tmp_path, files) -> None:
    first = write_project(tmp_path, files)
    second = write_project(tmp_path, files)

    assert len(first) == len(files)
    assert second == []
    assert differences(tmp_path, files) == []


def test_a_visual_no_longer_defined_is_removed_and_desktops_cache_is_kept(tmp_path, files) -> None:
    write_project(tmp_path, files)
    leftover = tmp_path / REPORT_DIR / "definition/pages/listening_overview/visuals/old_chart/visual.json"
    leftover.parent.mkdir(parents=True)
    leftover.write_text("{}", encoding="utf-8")
    cache = tmp_path / SEMANTIC_MODEL_DIR / ".pbi" / "cache.abf"
    cache.parent.mkdir()
    cache.write_bytes(b"cached data")

    assert differences(tmp_path, files) == [
        f"not generated: {REPORT_DIR}/definition/pages/listening_overview/visuals/old_chart/visual.json"
    ]
    changed = write_project(tmp_path, files)

    assert changed == [leftover.relative_to(tmp_path).as_posix()]
    assert not leftover.parent.exists()
    assert cache.read_bytes() == b"cached data"


def test_a_hand_edited_file_is_reported_as_different(tmp_path, files) -> None:
    write_project(tmp_path, files)
    measures = tmp_path / SEMANTIC_MODEL_DIR / "definition" / "tables" / "Listening history.tmdl"
    measures.write_text(measures.read_text(encoding="utf-8").replace("COUNTROWS", "COUNT"), encoding="utf-8")

    assert differences(tmp_path, files) == [f"differs: {SEMANTIC_MODEL_DIR}/definition/tables/Listening history.tmdl"]
