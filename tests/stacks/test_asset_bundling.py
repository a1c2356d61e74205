"""Python assets bundled without Docker: folders copied, pinned wheels for arm64 Lambda (stacks/bundling.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from extract import service
from stacks import bundling
from stacks.bundling import (
    REPO_ROOT,
    BundlingError,
    PythonBundle,
    build_bundle,
    local_bundling,
    pinned_requirement,
    pip_install_command,
)
from stacks.defaults import LAMBDA_PLATFORM
from stacks.ingest import extraction_bundle
from stacks.warehouse import APPLIER_HANDLER, applier_bundle


@pytest.fixture
def source(tmp_path: Path) -> Path:
    package = tmp_path / "src" / "extract"
    package.mkdir(parents=True)
    (package / "handler.py").write_text("def handler(event, context):\n    return {}\n", encoding="utf-8")
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "handler.cpython-311.pyc").write_bytes(b"\x00")
    return package


def test_a_pin_is_read_from_the_requirements_file_that_holds_it() -> None:
    assert pinned_requirement("snowflake-connector-python", REPO_ROOT / "requirements.txt") == (
        "snowflake-connector-python==4.8.1"
    )


def test_a_missing_pin_names_the_file_and_the_line_to_add(tmp_path: Path) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("boto3>=1\n", encoding="utf-8")
    with pytest.raises(BundlingError, match=r"requirements.txt has no exact pin for boto3; add `boto3==<version>`"):
        pinned_requirement("boto3", requirements)


def test_pip_fetches_only_binary_wheels_for_the_lambda_platform_and_python(tmp_path: Path) -> None:
    bundle = PythonBundle(folders=(), requirements=("sqlglot==30.22.0",), requirements_files=(Path("req.txt"),))
    command = pip_install_command(bundle, tmp_path, "3.12")
    assert command[command.index("--platform") + 1] == LAMBDA_PLATFORM == "manylinux2014_aarch64"
    assert command[command.index("--python-version") + 1] == "3.12"
    assert command[command.index("--target") + 1] == str(tmp_path)
    assert "--only-binary=:all:" in command
    # No .pyc files: the same pins give the same bundle, so an unchanged asset is not uploaded again.
    assert "--no-compile" in command
    assert command[-3:] == ["-r", "req.txt", "sqlglot==30.22.0"]


def test_code_folders_are_copied_under_their_bundle_name_without_bytecode(source: Path, tmp_path: Path) -> None:
    output = tmp_path / "bundle"
    output.mkdir()
    build_bundle(PythonBundle(folders=((source, "extract"),)), output, "3.12")
    assert (output / "extract" / "handler.py").is_file()
    assert not (output / "extract" / "__pycache__").exists()


def test_a_bundle_without_requirements_never_runs_pip(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_pip(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("pip must not run for a code-only bundle")

    monkeypatch.setattr(bundling.subprocess, "run", no_pip)
    build_bundle(PythonBundle(folders=((source, "extract"),)), tmp_path, "3.12")


def test_a_missing_code_folder_says_to_restore_it(tmp_path: Path) -> None:
    with pytest.raises(BundlingError, match=r"asset folder .*missing is missing; restore it from git"):
        build_bundle(PythonBundle(folders=((tmp_path / "missing", "missing"),)), tmp_path, "3.12")


def test_a_pip_failure_becomes_one_line_with_pips_last_words(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_pip(*_args: Any, **_kwargs: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess([], 1, "", "Looking in indexes...\nERROR: Could not find a version\n")

    monkeypatch.setattr(bundling.subprocess, "run", failing_pip)
    bundle = PythonBundle(folders=((source, "extract"),), requirements=("spotipy==2.26.0",))
    with pytest.raises(BundlingError) as raised:
        build_bundle(bundle, tmp_path, "3.12")
    message = str(raised.value)
    assert "\n" not in message
    assert "(ERROR: Could not find a version)" in message
    assert "package index is reachable" in message


def test_cdk_bundles_locally_for_the_runtime_python(source: Path, tmp_path: Path) -> None:
    options = local_bundling(PythonBundle(folders=((source, "extract"),)))
    # CDK calls tryBundle before it would ever start Docker; a True answer means Docker is never used.
    assert options.local.try_bundle(str(tmp_path), None) is True
    assert (tmp_path / "extract" / "handler.py").is_file()


@pytest.mark.parametrize(
    ("bundle_of", "handler"),
    [(extraction_bundle, service.HANDLER), (applier_bundle, APPLIER_HANDLER)],
    ids=["extraction", "applier"],
)
def test_each_function_bundle_carries_every_project_module_its_handler_imports(
    bundle_of: Callable[[], PythonBundle], handler: str, tmp_path: Path
) -> None:
    # Given the bundle's code folders, as the asset has them (its packages come from this environment instead)
    build_bundle(PythonBundle(folders=bundle_of().folders), tmp_path, "3.12")
    # When a fresh interpreter without the project's install (-S: no .pth files, so no editable finder) imports
    # the handler from the bundle's root
    module, function = handler.rsplit(".", 1)
    site_packages = sysconfig.get_paths()["purelib"]
    code = (
        f"import sys; sys.path[:0] = [{str(tmp_path)!r}]; sys.path.append({site_packages!r}); "
        f"import {module}; assert callable({module}.{function})"
    )
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    result = subprocess.run(  # noqa: S603 (fixed argv)
        [sys.executable, "-S", "-c", code], cwd=tmp_path, env=environment, capture_output=True, text=True, check=False
    )
    # Then it imports: no module of the repository is missing from the deployed bundle
    assert result.returncode == 0, result.stderr.strip().splitlines()[-1]


def test_the_asset_hash_follows_every_folder_of_the_bundle_not_only_the_assets_own(tmp_path: Path) -> None:
    # Given a bundle of two folders, as the applier's is (its own code and `contracts` from elsewhere)
    own, shared = tmp_path / "applier", tmp_path / "contracts"
    for folder in (own, shared):
        folder.mkdir()
        (folder / "module.py").write_text("VALUE = 1\n", encoding="utf-8")
    bundle = PythonBundle(folders=((own, "applier"), (shared, "contracts")), requirements=("sqlglot==30.22.0",))
    before = bundle.fingerprint("python3.12")
    # When bytecode appears, the hash stays: the bundle copies none
    (shared / "__pycache__").mkdir()
    (shared / "__pycache__" / "module.cpython-312.pyc").write_bytes(b"\x00")
    assert bundle.fingerprint("python3.12") == before
    # When the shared folder's code changes, or the runtime, or a pin, so does the hash: the function is redeployed
    (shared / "module.py").write_text("VALUE = 2\n", encoding="utf-8")
    changed = bundle.fingerprint("python3.12")
    assert changed != before
    assert bundle.fingerprint("python3.13") != changed
    assert PythonBundle(folders=bundle.folders, requirements=("sqlglot==30.23.0",)).fingerprint("python3.12") != changed
