"""The transform's peers in the benchmark: a job written the way public tutorials write it, and DuckDB."""
