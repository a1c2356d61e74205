"""What the numbers ran on: CPU, cores, memory, load, and the versions of Python, Java, Spark and DuckDB."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from pathlib import Path
from typing import Any


def _cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _memory_gb() -> float | None:
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024**2, 1)
    return None


def _java_version() -> str:
    home = os.environ.get("JAVA_HOME")
    java = str(Path(home, "bin", "java")) if home else shutil.which("java")
    if not java:
        return "not found"
    # `java -version` writes to stderr, e.g. `openjdk version "17.0.13" 2024-10-15`.
    answer = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)  # noqa: S603
    first = (answer.stderr or answer.stdout).splitlines()
    return first[0].strip() if first else "unknown"


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages: other work on the machine makes every number here slower."""
    return [round(value, 2) for value in os.getloadavg()]


def describe_machine() -> dict[str, Any]:
    import duckdb
    import pyspark

    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gb": _memory_gb(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "java": _java_version(),
        "spark": pyspark.__version__,
        "duckdb": duckdb.__version__,
        "load_average_at_start": load_average(),
    }
