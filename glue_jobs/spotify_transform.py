"""Glue job script: one extraction run's raw pages (or several runs', for a backfill) -> the analytic model.

    python glue_jobs/spotify_transform.py --JOB_NAME x --manifest_uri <uri>[,<uri>...] --processed_uri <uri>
    python glue_jobs/spotify_transform.py --JOB_NAME x --manifest_prefix <raw bucket uri> \\
        --from_date 2026-11-01 --to_date 2026-11-24 --processed_uri <uri>

The job itself is `transforms.job` (what it reads, writes and reports); Glue gets `transforms/` and `contracts/`
as extra Python files, and locally they are installed with the project.
"""

import sys

from transforms.job import main

if __name__ == "__main__":
    sys.exit(main())
