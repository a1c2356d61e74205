"""`make run` / `make test` on a machine that lacks a prerequisite: one line saying what to install."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CHECK = Path(__file__).resolve().parents[2] / "local" / "check_prereqs.sh"


def _fake_tool(bin_dir: Path, name: str, script: str) -> None:
    tool = bin_dir / name
    tool.write_text(f"#!/bin/sh\n{script}\n")
    tool.chmod(0o755)


@pytest.fixture
def bin_dir(tmp_path: Path) -> Path:
    """A PATH holding only what the check needs besides the tools under test."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("sed", "head", "cat"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    (bin_dir / "python3").symlink_to(sys.executable)
    _fake_tool(bin_dir, "java", "echo 'openjdk version \"17.0.15\" 2025-04-15' >&2")
    _fake_tool(bin_dir, "node", "echo 20")
    return bin_dir


def _check(bin_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own script
        ["/bin/bash", str(CHECK), "python3"], env={"PATH": str(bin_dir)}, capture_output=True, text=True, check=False
    )


def test_a_complete_machine_passes_silently(bin_dir: Path) -> None:
    result = _check(bin_dir)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


@pytest.mark.parametrize(
    ("tool", "script", "advice"),
    [
        ("java", None, "java not found; Spark needs Java 17"),
        ("java", "echo 'openjdk version \"11.0.2\"' >&2", "java 11 found; Spark 4.1 needs Java 17 or 21"),
        ("node", None, "node not found; the CDK needs Node.js 20 or newer"),
        ("node", "echo 18", "node 18 found; the CDK needs Node.js 20 or newer"),
        ("python3", "exit 1", "is too old; install Python 3.11 or newer"),
    ],
)
def test_a_missing_or_old_tool_is_named_with_what_to_install(
    bin_dir: Path, tool: str, script: str | None, advice: str
) -> None:
    (bin_dir / tool).unlink()
    if script is not None:
        _fake_tool(bin_dir, tool, script)
    result = _check(bin_dir)
    assert result.returncode == 1
    assert advice in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, "one line, no trace"
