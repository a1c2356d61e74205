"""Python assets bundled on this machine, without Docker: copy the code folders, pip-install Lambda wheels.

CDK's Python bundling runs pip inside a Docker image; many laptops and these build machines have no Docker
engine. pip can fetch wheels built for another platform (`--platform ... --only-binary=:all:`), so the bundle
for an arm64 Lambda is built locally from the same exact pins the tests run with.

An asset's hash is its bundle's fingerprint (every folder it copies, its pins, its runtime), not the hash CDK
would take of the asset's own folder alone: `contracts` is copied into every bundle from outside that folder.

`cdk synth` bundles every stack; tests skip bundling (context `aws:cdk:bundling-stacks = []`) and never run pip.
"""

from __future__ import annotations

import fnmatch
import hashlib
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import jsii
from aws_cdk import BundlingOptions, ILocalBundling
from aws_cdk import aws_lambda as lambda_

from stacks.defaults import LAMBDA_PLATFORM, LAMBDA_RUNTIME

REPO_ROOT = Path(__file__).resolve().parent.parent

_IGNORED_PATTERNS = ("__pycache__", "*.pyc", ".pytest_cache", ".mypy_cache")
_IGNORED = shutil.ignore_patterns(*_IGNORED_PATTERNS)


class BundlingError(RuntimeError):
    """An asset could not be built; the message says what failed and what to do."""


@dataclass(frozen=True)
class PythonBundle:
    """What goes into one asset: code folders (copied under a name) and pinned requirements (pip-installed)."""

    folders: tuple[tuple[Path, str], ...]
    requirements: tuple[str, ...] = ()
    requirements_files: tuple[Path, ...] = ()

    @property
    def installs_packages(self) -> bool:
        return bool(self.requirements or self.requirements_files)

    def fingerprint(self, runtime: str, platform: str = LAMBDA_PLATFORM) -> str:
        """The asset's hash, from everything it is built of: each folder's files (path and content, as copied),
        the requirements, the runtime it is built for (e.g. "python3.12") and the platform.

        CDK would hash only the asset's source folder: a change in a folder copied from elsewhere (`contracts`
        in every bundle) would then leave the deployed code as it was."""
        digest = hashlib.sha256(f"{runtime} {platform}\0".encode())
        for source, name in self.folders:
            if not source.is_dir():
                raise BundlingError(f"asset folder {source} is missing; restore it from git before `cdk synth`")
            for path in sorted(source.rglob("*")):
                relative = path.relative_to(source)
                if not path.is_file() or any(
                    fnmatch.fnmatch(part, pattern) for part in relative.parts for pattern in _IGNORED_PATTERNS
                ):
                    continue
                digest.update(f"{name}/{relative.as_posix()}\0".encode() + path.read_bytes() + b"\0")
        for requirement in self.requirements:
            digest.update(f"{requirement}\0".encode())
        for requirements_file in self.requirements_files:
            digest.update(requirements_file.read_bytes() + b"\0")
        return digest.hexdigest()


def pinned_requirement(name: str, requirements_file: Path) -> str:
    """The exact pin of `name` in `requirements_file` (`name==1.2.3`), so a pin is written in one place only."""
    pattern = re.compile(rf"^\s*{re.escape(name)}(\[[^\]]*\])?\s*==\s*(?P<version>[^\s#;]+)", re.IGNORECASE)
    for line in requirements_file.read_text(encoding="utf-8").splitlines():
        match = pattern.match(line)
        if match:
            return f"{name}=={match['version']}"
    raise BundlingError(f"{requirements_file.name} has no exact pin for {name}; add `{name}==<version>` to it")


def pip_install_command(
    bundle: PythonBundle, target: Path, python_version: str, platform: str = LAMBDA_PLATFORM
) -> list[str]:
    """The pip command that installs `bundle`'s requirements as wheels for the Lambda platform into `target`."""
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        # No .pyc files: the bundle stays byte-identical between builds, so its asset hash does too.
        "--no-compile",
        "--only-binary=:all:",
        "--platform",
        platform,
        "--implementation",
        "cp",
        "--python-version",
        python_version,
        "--target",
        str(target),
    ]
    for requirements_file in bundle.requirements_files:
        command += ["-r", str(requirements_file)]
    command += list(bundle.requirements)
    return command


def build_bundle(bundle: PythonBundle, output_dir: Path, python_version: str, platform: str = LAMBDA_PLATFORM) -> None:
    """Fill `output_dir` with the bundle: each folder copied under its name, then the pinned packages."""
    for source, name in bundle.folders:
        if not source.is_dir():
            raise BundlingError(f"asset folder {source} is missing; restore it from git before `cdk synth`")
        shutil.copytree(source, output_dir / name, ignore=_IGNORED, dirs_exist_ok=True)
    if not bundle.installs_packages:
        return
    command = pip_install_command(bundle, output_dir, python_version, platform)
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 (fixed argv)
    if result.returncode != 0:
        last_line = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise BundlingError(
            f"pip could not fetch {platform} wheels for Python {python_version} ({last_line}); "
            "check that the package index is reachable and that every pin has a wheel for that platform"
        )


@jsii.implements(ILocalBundling)
class _LocalPythonBundling:
    # jsii turns an exception raised in this callback into a RuntimeError carrying a JavaScript stack; the
    # app reports the recorded failure instead, as one line (`bundling_failure`).
    failures: ClassVar[list[BundlingError]] = []

    def __init__(self, bundle: PythonBundle, python_version: str) -> None:
        self._bundle = bundle
        self._python_version = python_version

    @jsii.member(jsii_name="tryBundle")
    def try_bundle(self, output_dir: str, _options: Any) -> bool:
        try:
            build_bundle(self._bundle, Path(output_dir), self._python_version)
        except BundlingError as error:
            self.failures.append(error)
            raise
        return True


def bundling_failure() -> BundlingError | None:
    """The first asset that failed to bundle in this process, if any."""
    return _LocalPythonBundling.failures[0] if _LocalPythonBundling.failures else None


def local_bundling(bundle: PythonBundle, runtime: lambda_.Runtime = LAMBDA_RUNTIME) -> BundlingOptions:
    """Options that always bundle locally, with pip targeting `runtime`'s Python.

    CDK requires a Docker image in BundlingOptions; it is the runtime's build image, and it is never run.
    """
    python_version = runtime.name.removeprefix("python")
    # jsii.implements declares the interface at run time; mypy cannot see it.
    local: ILocalBundling = _LocalPythonBundling(bundle, python_version)  # type: ignore[assignment]
    return BundlingOptions(image=runtime.bundling_image, local=local)


def folders(*pairs: tuple[str, str]) -> tuple[tuple[Path, str], ...]:
    """(`path relative to the repository`, `name in the bundle`) pairs as absolute paths."""
    return tuple((REPO_ROOT / relative, name) for relative, name in pairs)
