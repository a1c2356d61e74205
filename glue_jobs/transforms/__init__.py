"""The Glue job's transforms: raw API pages in, the analytic model (contracts/model.py) out.

Modules import only pyspark, the standard library and `contracts`, so they run unchanged in Glue and in a local
SparkSession, and the tests exercise them without AWS:

- `session`: the Spark settings the job sets itself, so Glue and a laptop behave the same
- `schemas`: explicit schemas of the raw pages, one per source, tolerant of both API shapes
- `model_types`: the model's neutral column types mapped to Spark types; output schemas derive from the contract
- `pages`: the one read of the raw files a manifest lists, parsed per source, with page-level checks
- `records`: the entities found in the pages (tracks, albums, artists, playlists) flattened to one shape each
- `tables`: one `DataFrame -> DataFrame` function per model table, producing its candidate rows
- `quality`: the data-quality rules; every candidate row ends as output, quarantined or a documented drop
- `inputs`, `build`, `output`: the job's steps (read and verify, build, write and report), in the order `job`
  calls them
- `job`: the job's arguments and its run, which the script Glue runs (`ENTRY_SCRIPT`) calls
"""

from pathlib import Path

# The script Glue runs; its one home: the stack deploys it, the local runtime and the benchmarks run it.
ENTRY_SCRIPT = Path(__file__).resolve().parents[1] / "spotify_transform.py"
