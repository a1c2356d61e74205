"""The local runtime: the same handler, job and SQL on emulators (moto, a fake Spotify API, fakesnow, local Spark)."""

import sys
from pathlib import Path

# The import roots of the deployed code (the Lambda bundle's, the Glue job's, the applier's), as `make` and pytest
# set them, so that `python -m local.run` also works from a clone without PYTHONPATH. Appended: an explicit
# PYTHONPATH still comes first.
_REPO_ROOT = Path(__file__).resolve().parents[1]
for _root in (_REPO_ROOT, *(_REPO_ROOT / name for name in ("lambda_src", "glue_jobs", "snowflake_sql"))):
    if str(_root) not in sys.path:
        sys.path.append(str(_root))
