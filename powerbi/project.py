"""The Power BI Project (PBIP) as files: the `.pbip` shortcut, the TMDL semantic model and the PBIR report.

`project_files(config)` renders every file from powerbi.semantic_model and powerbi.report, with the
connection parameters' defaults from the [snowflake] configuration. `write_project` writes them under a folder
(and removes generated files the definition no longer has); `differences` lists what a folder lacks or holds
in another form. Desktop's local files (`.pbi/`) are neither written nor compared.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from config import PipelineConfig
from powerbi import pbir, tmdl
from powerbi.report import PAGES
from powerbi.semantic_model import MEASURES, RELATIONSHIPS, TABLES, parameters

PROJECT_NAME = "SpotifyListening"
PROJECT_DIR = Path(__file__).resolve().parent
SEMANTIC_MODEL_DIR = f"{PROJECT_NAME}.SemanticModel"
REPORT_DIR = f"{PROJECT_NAME}.Report"
# The environment whose [snowflake] names become the parameters' defaults (they are the same in every one).
DEFAULTS_ENV = "prod"

FABRIC_SCHEMAS = "https://developer.microsoft.com/json-schemas/fabric/"
PBIP_SCHEMA = FABRIC_SCHEMAS + "pbip/pbipProperties/1.0.0/schema.json"
PLATFORM_SCHEMA = FABRIC_SCHEMAS + "gitIntegration/platformProperties/2.0.0/schema.json"
PBISM_SCHEMA = FABRIC_SCHEMAS + "item/semanticModel/definitionProperties/1.0.0/schema.json"
PBIR_SCHEMA = FABRIC_SCHEMAS + "item/report/definitionProperties/2.0.0/schema.json"
# 4.0: the definition is a TMDL folder (semantic model) and a PBIR folder (report).
ITEM_FORMAT_VERSION = "4.0"

GITIGNORE = """\
# Power BI Desktop's local files: user settings and the data cache (it may hold data from Snowflake).
**/.pbi/localSettings.json
**/.pbi/cache.abf
"""
_GENERATED_FOLDERS = (f"{SEMANTIC_MODEL_DIR}/definition", f"{REPORT_DIR}/definition")
_LOGICAL_IDS = uuid.UUID("0c4d1f0e-6a55-4b4e-b7a3-57f0f1a9c2d4")


def _json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _platform(item_type: str) -> dict[str, Any]:
    return {
        "$schema": PLATFORM_SCHEMA,
        "metadata": {"type": item_type, "displayName": PROJECT_NAME},
        "config": {"version": "2.0", "logicalId": str(uuid.uuid5(_LOGICAL_IDS, item_type))},
    }


def project_files(config: PipelineConfig) -> dict[str, str]:
    """Every file of the project, keyed by its path relative to the project folder."""
    model_parameters = parameters(config.snowflake)
    files = {
        ".gitignore": GITIGNORE,
        f"{PROJECT_NAME}.pbip": _json(
            {
                "$schema": PBIP_SCHEMA,
                "version": "1.0",
                "artifacts": [{"report": {"path": REPORT_DIR}}],
                "settings": {"enableAutoRecovery": True},
            }
        ),
        f"{SEMANTIC_MODEL_DIR}/.platform": _json(_platform("SemanticModel")),
        f"{SEMANTIC_MODEL_DIR}/definition.pbism": _json(
            {"$schema": PBISM_SCHEMA, "version": ITEM_FORMAT_VERSION, "settings": {}}
        ),
        f"{REPORT_DIR}/.platform": _json(_platform("Report")),
        f"{REPORT_DIR}/definition.pbir": _json(
            {
                "$schema": PBIR_SCHEMA,
                "version": ITEM_FORMAT_VERSION,
                "datasetReference": {"byPath": {"path": f"../{SEMANTIC_MODEL_DIR}"}},
            }
        ),
    }
    for path, text in tmdl.semantic_model_files(TABLES, MEASURES, RELATIONSHIPS, model_parameters).items():
        files[f"{SEMANTIC_MODEL_DIR}/definition/{path}"] = text
    for path, document in pbir.report_definition_files(PAGES).items():
        files[f"{REPORT_DIR}/definition/{path}"] = _json(document)
    return files


def _generated_files_on_disk(root: Path) -> set[str]:
    found = set()
    for folder in _GENERATED_FOLDERS:
        for path in (root / folder).rglob("*"):
            relative = path.relative_to(root).as_posix()
            if path.is_file() and "/.pbi/" not in f"/{relative}":
                found.add(relative)
    return found


def differences(root: Path, files: dict[str, str]) -> list[str]:
    """One line per file that is missing, different or no longer generated; [] when the folder is current."""
    lines = []
    for relative, text in sorted(files.items()):
        path = root / relative
        if not path.is_file():
            lines.append(f"missing: {relative}")
        elif path.read_text(encoding="utf-8") != text:
            lines.append(f"differs: {relative}")
    lines.extend(f"not generated: {relative}" for relative in sorted(_generated_files_on_disk(root) - set(files)))
    return lines


def write_project(root: Path, files: dict[str, str]) -> list[str]:
    """Write `files` under `root`, remove generated files no longer defined; the paths changed."""
    changed = []
    for relative, text in sorted(files.items()):
        path = root / relative
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        changed.append(relative)
    for relative in sorted(_generated_files_on_disk(root) - set(files)):
        (root / relative).unlink()
        changed.append(relative)
    for folder in _GENERATED_FOLDERS:
        for directory in sorted((root / folder).rglob("*"), reverse=True):
            if directory.is_dir() and not any(directory.iterdir()):
                directory.rmdir()
    return changed
