"""Regenerate the Power BI Project files from their definition (powerbi/semantic_model.py, powerbi/report.py).

python -m powerbi            write the files under powerbi/ (only those that change)
python -m powerbi --check    exit 1 and list the files that are out of date, writing nothing
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from config import ConfigError, load_config
from powerbi.project import DEFAULTS_ENV, PROJECT_DIR, differences, project_files, write_project


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m powerbi", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 when a file is out of date")
    parser.add_argument("--root", type=Path, default=PROJECT_DIR, help="project folder (default: powerbi/)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    try:
        files = project_files(load_config(DEFAULTS_ENV))
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.check:
        stale = differences(args.root, files)
        for line in stale:
            print(line)
        if stale:
            print(f"{len(stale)} file(s) out of date; run `python -m powerbi` and commit the result", file=sys.stderr)
            return 1
        print(f"{len(files)} files up to date in {args.root}")
        return 0
    changed = write_project(args.root, files)
    print(f"{len(changed)} of {len(files)} file(s) written or removed in {args.root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
