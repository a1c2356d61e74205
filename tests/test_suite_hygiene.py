"""The suite gives the same answer in any order and on any worker."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def test_no_module_imports_a_conftest() -> None:
    # Every tests/<stage>/conftest.py is imported under the one name `conftest`: which of them
    # `from conftest import X` reaches depends on what was collected last. Shared helpers live in named modules.
    importers = []
    for path in sorted(TESTS.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module] if isinstance(node, ast.ImportFrom) else []
            names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if "conftest" in names:
                importers.append(f"{path.relative_to(TESTS)}:{node.lineno}")
    assert importers == [], "move what these import into a named module: " + ", ".join(importers)
