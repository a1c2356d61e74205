"""Benchmarks (`make bench`): every stage measured side by side with its peers and against its target.

Benchmarks are not tests: they print numbers and write them to `bench/results/latest.json` and `latest.md`.

- `generate`: synthetic raw runs in the exact raw-zone format, at a chosen size, deterministic by seed
- `transform`: the Glue job on local Spark against a tutorial-style job and DuckDB (`baselines/`), each Spark
  job timed in a process of its own (`spark_job`)
- `extraction`: API calls and wall time of the extraction against the fake Spotify with latency
- `end_to_end`: one daily run of the local pipeline (`make run`), by stage
- `machine`, `report`: what the numbers ran on, and the results files
- `profile` (`python -m bench.profile`, not part of `make bench`): where the Glue job's time and memory go
"""
