"""Operating a deployed environment: `python -m ops status|replay|backfill --env <env>`.

Reads what the stacks deployed (names from config/pipeline.toml through stacks.names, account and region from
the standard AWS credentials) and never changes the deployment itself:

    status     the last days' runs in one table: manifest, transform execution, Glue run, files loaded by the
               pipes (when the Snowflake secret is reachable), and how fresh each stage is
    replay     a new transform execution for each manifest of the given days (skips running and succeeded ones)
    backfill   loads the processed model files the pipes never saw: ALTER PIPE ... REFRESH within Snowpipe's
               7 days, COPY INTO ... FILES = (...) beyond
"""
