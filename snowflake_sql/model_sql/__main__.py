"""Regenerate the warehouse SQL that repeats the model (snowflake_sql/model_sql) under snowflake_sql/migrations/.

python -m model_sql            write the files (only those that change)
python -m model_sql --check    exit 1 and list the files that are out of date, writing nothing
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from applier.migrations import MIGRATIONS_DIR
from contracts.model import LOADED_TABLES
from model_sql import generated_files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m model_sql", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 when a file is out of date")
    parser.add_argument("--root", type=Path, default=MIGRATIONS_DIR, help="folder (default: snowflake_sql/migrations)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    files = generated_files(LOADED_TABLES)
    stale = [name for name, text in files.items() if _read(args.root / name) != text]
    if args.check:
        for name in stale:
            print(f"{name} differs from what contracts/model.py renders")
        if stale:
            print(f"{len(stale)} file(s) out of date; run `make warehouse-sql` and commit the result", file=sys.stderr)
            return 1
        print(f"{len(files)} files up to date in {args.root}")
        return 0
    for name in stale:
        (args.root / name).write_text(files[name], encoding="utf-8")
    print(f"{len(stale)} of {len(files)} file(s) written in {args.root}")
    return 0


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


if __name__ == "__main__":
    sys.exit(main())
