"""The warehouse SQL that only repeats the model, generated from contracts/model.py.

Each model column is spelled once, in `contracts/model.py`; these functions write it into the repeatable
scripts that need it, and `python -m model_sql` (`make warehouse-sql`) writes them under `migrations/`:

    R__10_landing_tables.sql  one landing table per model table, plus the load lineage; new columns added
    R__20_pipes.sql           one auto-ingest pipe per landing table, its COPY reading each column by name
    R__30_checked_views.sql   each landing row with the first rule it breaks (a required column is null, a value
                              outside a column's allowed ones)
    R__40_final_tables.sql    one dynamic table per model table, folded per its merge policy; the rejects view
                              and the loads view (every file each pipe loaded: the tables' freshness)

The tables are those the warehouse loads (`contracts.model.LOADED_TABLES`): the model's and the run-quality
facts the transform writes beside them.

The files are committed (so a review shows the SQL that will run) and a test fails when they differ from what
the model renders. The reporting views and settings (R__50, R__60) are written by hand: they are report logic
and configuration, not the model repeated.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from contracts.model import (
    INSERT_NEW,
    LINEAGE,
    MATCH_PLAYS,
    PLAY_MATCH_TOLERANCE_MS,
    PLAY_SOURCE_API,
    PLAY_SOURCE_BOTH,
    PLAY_SOURCE_EXPORT,
    REPLACE_RUN,
    REPLACE_SNAPSHOT,
    SNOWFLAKE_TYPES,
    TRANSFORMED_AT,
    UPSERT,
    Column,
    Table,
)

HEADER = "-- Generated from contracts/model.py by `make warehouse-sql` (snowflake_sql/model_sql); do not edit.\n"

LANDING = "${DATABASE}.${LANDING_SCHEMA}"
CORE = "${DATABASE}.${CORE_SCHEMA}"
# What Snowpipe adds to every landing row: the file's path under the stage and the load time.
LOAD_LINEAGE = (
    ("loaded_file", "VARCHAR", "METADATA$FILENAME"),
    ("loaded_at", "TIMESTAMP_LTZ", "METADATA$START_SCAN_TIME"),
)
# The order that says which landing row is the latest: the run (ingest_date, then run_id, which sorts by the
# run's start time), then the latest load. Only copies from one run tie, and they hold the same values.
LATEST_FIRST = "ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC"
EARLIEST_FIRST = "ingest_date, run_id, loaded_at, loaded_file"
# Every file each pipe loaded, with its rows: when each table last received data (generated, R__40).
LOADS_VIEW = f"{CORE}.LANDING_LOADS"


def _upper(table: Table) -> str:
    return table.name.upper()


def _aligned(pairs: Sequence[tuple[str, str]], indent: str = "    ") -> str:
    width = max(len(name) for name, _ in pairs)
    return ",\n".join(f"{indent}{name.ljust(width)} {value}" for name, value in pairs)


def _type(column: Column) -> str:
    return SNOWFLAKE_TYPES[column.type]


def landing_tables(tables: Sequence[Table]) -> str:
    parts = [
        HEADER,
        "-- One landing table per model table, loaded by its pipe (R__20). Nothing is NOT NULL on purpose: a row\n"
        "-- with a missing key still lands, and R__30 reports it instead of losing it with its file. Rows are only\n"
        "-- appended. A column the model gains is added (ADD COLUMN IF NOT EXISTS): rows loaded before keep their\n"
        "-- values and read null in it. Never CREATE OR REPLACE these tables: that resets the pipes' load history.\n",
    ]
    for table in tables:
        name = f"{LANDING}.{_upper(table)}"
        columns = [(c.name, _type(c)) for c in table.columns] + [(n, t) for n, t, _ in LOAD_LINEAGE]
        parts.append(
            f"\nCREATE TABLE IF NOT EXISTS {name} (\n{_aligned(columns)}\n)"
            f" COMMENT = 'Rows Snowpipe loaded from model/{table.name}/, with the file and load time of each';\n"
        )
        parts.extend(f"ALTER TABLE IF EXISTS {name} ADD COLUMN IF NOT EXISTS {n} {t};\n" for n, t in columns)
    return "".join(parts)


def _pipe_value(column: Column) -> str:
    if column.type == "timestamp":
        # Spark writes UTC instants; through TIMESTAMP_TZ to UTC, whatever the pipe owner's session time zone.
        return f"CONVERT_TIMEZONE('UTC', $1:{column.name}::TIMESTAMP_TZ)::TIMESTAMP_NTZ"
    return f"$1:{column.name}::{_type(column)}"


def pipes(tables: Sequence[Table]) -> str:
    parts = [
        HEADER,
        "-- One auto-ingest pipe per landing table, notified of each new .parquet object under model/<table>/; it\n"
        "-- loads exactly that file, each column read by name and cast to the model's type, plus the file name and\n"
        "-- load time (a pipe must not call CURRENT_TIMESTAMP). ON_ERROR = SKIP_FILE: a file with a row that cannot\n"
        "-- load is skipped whole and reported to the error integration's SNS topic; re-run the transform for it.\n"
        "-- A pipe whose COPY changes here is recreated by the documented procedure (applier/pipes.py).\n",
    ]
    for table in tables:
        targets = [c.name for c in table.columns] + [n for n, _, _ in LOAD_LINEAGE]
        values = [_pipe_value(c) for c in table.columns] + [v for _, _, v in LOAD_LINEAGE]
        target_list = ",\n".join(f"        {name}" for name in targets)
        value_list = ",\n".join(f"            {value}" for value in values)
        parts.append(
            f"\nCREATE PIPE IF NOT EXISTS {LANDING}.{_upper(table)}_PIPE\n"
            "    AUTO_INGEST = TRUE\n"
            "    ERROR_INTEGRATION = ${ERROR_INTEGRATION}\n"
            f"    COMMENT = 'Loads each Parquet file notified under model/{table.name}/'\n"
            f"AS COPY INTO {LANDING}.{_upper(table)} (\n{target_list}\n    )\n"
            f"    FROM (\n        SELECT\n{value_list}\n"
            f"        FROM @{LANDING}.${{STAGE}}/{table.name}/\n    )\n"
            "    FILE_FORMAT = (FORMAT_NAME = '${DATABASE}.${LANDING_SCHEMA}.${FILE_FORMAT}')\n"
            "    ON_ERROR = SKIP_FILE;\n"
        )
    return "".join(parts)


def _allowed_rule(column: Column) -> str:
    """A value outside `column.allowed` breaks this rule (a null does not: NOT IN gives null, not true)."""
    values = ", ".join(f"'{value}'" for value in column.allowed)
    return f"            WHEN {column.name} NOT IN ({values}) THEN '{column.name} is not {' or '.join(column.allowed)}'"


def checked_views(tables: Sequence[Table]) -> str:
    parts = [
        HEADER,
        "-- Every landing row with REJECT_RULE: the first rule it breaks (a column the model declares required is\n"
        "-- null, or one with allowed values holds another), or null. One definition of the rules per table, read\n"
        "-- by the final tables and the rejects view.\n",
    ]
    for table in tables:
        columns = [c.name for c in table.columns] + [n for n, _, _ in LOAD_LINEAGE]
        rules = "\n".join(
            [f"            WHEN {c.name} IS NULL THEN '{c.name} is null'" for c in table.columns if not c.nullable]
            + [_allowed_rule(c) for c in table.columns if c.allowed]
        )
        selected = ",\n".join(f"        {name}" for name in columns)
        parts.append(
            f"\nCREATE OR REPLACE VIEW {LANDING}.{_upper(table)}_CHECKED\n"
            f"    COMMENT = 'Landing {_upper(table)} with REJECT_RULE: the first rule a row breaks, null when it "
            "breaks none'\n"
            f"AS SELECT\n{selected},\n        CASE\n{rules}\n        END AS reject_rule\n"
            f"    FROM {LANDING}.{_upper(table)};\n"
        )
    return "".join(parts)


def _upsert_projection(table: Table, column: Column, alias: str = "") -> str:
    if column.name in table.key or not column.nullable:
        return f"        {alias}{column.name}"
    order = ", ".join(f"{alias}{term}" for term in LATEST_FIRST.split(", "))
    partition = ", ".join(f"{alias}{k}" for k in table.key)
    return (
        f"        FIRST_VALUE({alias}{column.name}) IGNORE NULLS OVER (\n"
        f"            PARTITION BY {partition} ORDER BY {order}\n"
        f"        ) AS {column.name}"
    )


def _final_select(table: Table) -> str:
    checked = f"{LANDING}.{_upper(table)}_CHECKED"
    if table.merge == UPSERT:
        projections = ",\n".join(_upsert_projection(table, c) for c in table.columns)
        return (
            f"AS SELECT\n{projections}\n    FROM {checked}\n    WHERE reject_rule IS NULL\n"
            f"    QUALIFY ROW_NUMBER() OVER (\n        PARTITION BY {', '.join(table.key)}\n"
            f"        ORDER BY {LATEST_FIRST}\n    ) = 1"
        )
    if table.merge == INSERT_NEW:
        projections = ",\n".join(f"        {c.name}" for c in table.columns)
        return (
            f"AS SELECT\n{projections}\n    FROM {checked}\n    WHERE reject_rule IS NULL\n"
            f"    QUALIFY ROW_NUMBER() OVER (\n        PARTITION BY {', '.join(table.key)}\n"
            f"        ORDER BY {EARLIEST_FIRST}\n    ) = 1"
        )
    if table.merge == MATCH_PLAYS:
        return _match_plays_select(table)
    if table.merge == REPLACE_RUN:
        return _replace_run_select(table)
    assert table.merge == REPLACE_SNAPSHOT, table.merge
    projections = ",\n".join(f"        i.{c.name}" for c in table.columns)
    where = "i.reject_rule IS NULL"
    joined = ""
    if table.emptied_by is not None:
        emptied = table.emptied_by
        others = [c for c in table.snapshot_group if c != emptied.snapshot_date_column]
        on = " AND ".join(
            [f"emptied.{c} = i.{c}" for c in others] + [f"emptied.ingest_date = i.{emptied.snapshot_date_column}"]
        )
        joined = (
            f"\n    LEFT JOIN (\n        SELECT {', '.join(others)}, ingest_date, MAX(run_id) AS emptied_by_run\n"
            f"        FROM {LANDING}.{emptied.table.upper()}_CHECKED\n"
            f"        WHERE reject_rule IS NULL AND {emptied.count_column} = 0\n"
            f"        GROUP BY {', '.join(others)}, ingest_date\n    ) emptied ON {on}"
        )
        where += " AND (emptied.emptied_by_run IS NULL OR i.run_id > emptied.emptied_by_run)"
    group = ", ".join(f"i.{c}" for c in table.snapshot_group)
    key = ", ".join(f"i.{c}" for c in table.key)
    latest = ", ".join(f"i.{term}" for term in LATEST_FIRST.split(", "))
    return (
        f"AS SELECT\n{projections}\n    FROM {checked} i{joined}\n    WHERE {where}\n"
        f"    QUALIFY DENSE_RANK() OVER (\n            PARTITION BY {group} ORDER BY i.ingest_date DESC, "
        "i.run_id DESC\n        ) = 1\n"
        f"        AND ROW_NUMBER() OVER (\n            PARTITION BY {key}\n            ORDER BY {latest}\n"
        "        ) = 1"
    )


def _replace_run_select(table: Table) -> str:
    """The rows of each run's latest transform (a fact an earlier attempt reported and the latest does not is gone),
    one per key: a file loaded twice (a recreated pipe) counts once."""
    if TRANSFORMED_AT not in table.column_names:
        raise ValueError(f"{table.name}: a {REPLACE_RUN} table needs the column {TRANSFORMED_AT}")
    projections = ",\n".join(f"        {c.name}" for c in table.columns)
    return (
        f"AS SELECT\n{projections}\n    FROM {LANDING}.{_upper(table)}_CHECKED\n    WHERE reject_rule IS NULL\n"
        f"    QUALIFY DENSE_RANK() OVER (PARTITION BY run_id ORDER BY {TRANSFORMED_AT} DESC) = 1\n"
        f"        AND ROW_NUMBER() OVER (\n            PARTITION BY {', '.join(table.key)}\n"
        "            ORDER BY loaded_at DESC, loaded_file DESC\n        ) = 1"
    )


# Rounds of nearest-pair matching: a round pairs each API play with its nearest export play and keeps the pairs
# that are each other's nearest; the next round pairs what is left. Two rounds pair every play of a track played
# twice within the tolerance (an API play whose nearest export play went to the other one).
MATCHING_ROUNDS = 2


def _matching_round(n: int, played_at: str, track_id: str, gap: str) -> str:
    """The CTEs `nearest_<n>` and `pairs_<n>`: round n of the matching, among the plays no earlier round paired."""
    unpaired = " AND".join(
        f"\n        NOT EXISTS (SELECT 1 FROM pairs_{m} p WHERE p.api_{played_at} = a.{played_at} "
        f"AND p.{track_id} = a.{track_id})"
        f"\n        AND NOT EXISTS (SELECT 1 FROM pairs_{m} p WHERE p.export_{played_at} = e.{played_at} "
        f"AND p.{track_id} = e.{track_id})"
        for m in range(1, n)
    )
    where = f"    WHERE{unpaired}\n" if unpaired else ""
    return (
        f"nearest_{n} AS (\n    SELECT a.{played_at} AS api_{played_at}, e.{played_at} AS export_{played_at}, "
        f"a.{track_id}, {gap} AS gap_ms\n"
        f"    FROM api_plays a JOIN export_plays e\n"
        f"        ON e.{track_id} = a.{track_id} AND {gap} <= {PLAY_MATCH_TOLERANCE_MS}\n{where}"
        f"    QUALIFY ROW_NUMBER() OVER (\n        PARTITION BY a.{played_at}, a.{track_id} "
        f"ORDER BY {gap}, e.{played_at}\n    ) = 1\n),\n"
        f"pairs_{n} AS (\n    SELECT * FROM nearest_{n}\n    QUALIFY ROW_NUMBER() OVER (\n"
        f"        PARTITION BY export_{played_at}, {track_id} ORDER BY gap_ms, api_{played_at}\n    ) = 1\n),\n"
    )


def _match_plays_select(table: Table) -> str:
    """Each play once per source (as the earliest run had it), then each export play paired with the nearest API play
    of the same track at most PLAY_MATCH_TOLERANCE_MS away, and that API play with it (each side's nearest): a pair
    is one row with the API's values, the export's where the API has none; the rest are rows of their own."""
    checked = f"{LANDING}.{_upper(table)}_CHECKED"
    played_at, track_id = table.key
    source = "play_source"
    lineage = {c.name for c in LINEAGE}
    gap = f"ABS(DATEDIFF(millisecond, a.{played_at}, e.{played_at}))"
    kept = [c.name for c in table.columns if c.name != source]
    merged = ",\n".join(
        f"        a.{name}"
        if name in table.key or name in lineage
        else f"        COALESCE(a.{name}, e.{name}) AS {name}"
        for name in kept
    )
    only_export = ",\n".join(f"        e.{name}" for name in kept)
    pair = f"p.api_{played_at} = a.{played_at} AND p.{track_id} = a.{track_id}"
    return (
        f"AS WITH plays AS (\n    SELECT *, COALESCE({source}, '{PLAY_SOURCE_API}') AS from_source\n"
        f"    FROM {checked}\n    WHERE reject_rule IS NULL\n"
        f"    QUALIFY ROW_NUMBER() OVER (\n        PARTITION BY {played_at}, {track_id}, COALESCE({source}, "
        f"'{PLAY_SOURCE_API}')\n        ORDER BY {EARLIEST_FIRST}\n    ) = 1\n),\n"
        f"api_plays AS (SELECT * FROM plays WHERE from_source = '{PLAY_SOURCE_API}'),\n"
        f"export_plays AS (SELECT * FROM plays WHERE from_source = '{PLAY_SOURCE_EXPORT}'),\n"
        + "".join(_matching_round(n, played_at, track_id, gap) for n in range(1, MATCHING_ROUNDS + 1))
        + "pairs AS (\n    "
        + "\n    UNION ALL\n    ".join(f"SELECT * FROM pairs_{n}" for n in range(1, MATCHING_ROUNDS + 1))
        + "\n)\n"
        f"SELECT\n{merged},\n"
        f"        CASE WHEN e.{played_at} IS NULL THEN '{PLAY_SOURCE_API}' ELSE '{PLAY_SOURCE_BOTH}' END AS {source}\n"
        f"    FROM api_plays a\n    LEFT JOIN pairs p ON {pair}\n"
        f"    LEFT JOIN export_plays e ON e.{played_at} = p.export_{played_at} AND e.{track_id} = p.{track_id}\n"
        f"UNION ALL\nSELECT\n{only_export},\n        '{PLAY_SOURCE_EXPORT}' AS {source}\n    FROM export_plays e\n"
        f"    WHERE NOT EXISTS (\n        SELECT 1 FROM pairs p\n"
        f"        WHERE p.export_{played_at} = e.{played_at} AND p.{track_id} = e.{track_id}\n    )"
    )


_POLICY = {
    UPSERT: "one row per key, each column its latest non-null value; lineage names the latest run",
    INSERT_NEW: "each event once, as the earliest run had it",
    REPLACE_SNAPSHOT: "rows of the latest run that read the group replace it",
    MATCH_PLAYS: f"one row per play; an export and an API play of a track {PLAY_MATCH_TOLERANCE_MS} ms apart are one",
    REPLACE_RUN: "the rows of the latest transform of a run replace all rows of that run",
}


def _comment(table: Table) -> str:
    on = ", ".join(table.snapshot_group if table.merge == REPLACE_SNAPSHOT else table.key)
    comment = f"{table.merge.upper()} per ({on}): {_POLICY[table.merge]}"
    if table.emptied_by is not None:
        comment += (
            f"; a later run whose {table.emptied_by.table} row has {table.emptied_by.count_column} = 0 empties it"
        )
    return comment


def final_tables(tables: Sequence[Table]) -> str:
    parts = [
        HEADER,
        "-- The final tables (core): one dynamic table per model table with exactly the model's columns, the\n"
        "-- landing rows that break no rule folded per the table's merge policy (contracts/model.py):\n"
        "--   UPSERT            one row per key; each column keeps the latest run's non-null value\n"
        "--   REPLACE_SNAPSHOT  per snapshot group, the rows of the latest run that read the group, one per key\n"
        "--   INSERT_NEW        one row per key, as the earliest run had it\n"
        "--   MATCH_PLAYS       one row per play: an export play and an API play of the same track close in time\n"
        "--                     are one row (contracts.model.PLAY_MATCH_TOLERANCE_MS)\n"
        "-- Landing keeps every loaded row, so a file loaded twice or a Glue re-run never adds a final row.\n"
        "-- REFRESH_MODE = FULL: each merge is a window over every landing row of a key, small enough to recompute,\n"
        "-- and a refresh with no upstream change is skipped. Snowflake refreshes within TARGET_LAG; locally the\n"
        "-- runtime runs each body after its loads. Then the rejects view: every landing row that broke a rule, and\n"
        "-- the loads view: every file each pipe loaded.\n",
    ]
    for table in tables:
        columns = _aligned([(c.name, _type(c)) for c in table.columns])
        parts.append(
            f"\nCREATE OR REPLACE DYNAMIC TABLE {CORE}.{_upper(table)} (\n{columns}\n)\n"
            "    TARGET_LAG = '${TARGET_LAG}'\n"
            "    WAREHOUSE = ${WAREHOUSE}\n"
            "    REFRESH_MODE = FULL\n"
            f"    COMMENT = '{_comment(table)}'\n"
            f"{_final_select(table)};\n"
        )
    parts.append(
        "\nCREATE OR REPLACE VIEW ${REJECTS_VIEW}\n"
        "    COMMENT = 'Landing rows that broke a rule, with the rule: reported here instead of merged'\nAS\n"
    )
    selects = []
    for table in tables:
        key = ", ".join(f"'{k}', {k}" for k in table.key)
        selects.append(
            f"    SELECT\n        '{table.name}' AS table_name,\n        reject_rule AS rule,\n"
            f"        TO_JSON(OBJECT_CONSTRUCT_KEEP_NULL({key})) AS record_key,\n"
            "        run_id, ingest_date, source_file, loaded_file, loaded_at\n"
            f"    FROM {LANDING}.{_upper(table)}_CHECKED WHERE reject_rule IS NOT NULL"
        )
    parts.append("\n    UNION ALL\n".join(selects) + ";\n")
    parts.append(
        f"\nCREATE OR REPLACE VIEW {LOADS_VIEW}\n"
        "    COMMENT = 'Every file each pipe loaded into its landing table, with its run and rows: the freshness of "
        "each table'\nAS\n"
    )
    loads = [
        f"    SELECT\n        '{table.name}' AS table_name,\n        loaded_file,\n        MAX(run_id) AS run_id,\n"
        "        MAX(ingest_date) AS ingest_date,\n        MAX(loaded_at) AS loaded_at,\n"
        "        COUNT(*) AS loaded_rows\n"
        f"    FROM {LANDING}.{_upper(table)}\n    GROUP BY loaded_file"
        for table in tables
    ]
    parts.append("\n    UNION ALL\n".join(loads) + ";\n")
    return "".join(parts)


GENERATED: dict[str, Callable[[Sequence[Table]], str]] = {
    "R__10_landing_tables.sql": landing_tables,
    "R__20_pipes.sql": pipes,
    "R__30_checked_views.sql": checked_views,
    "R__40_final_tables.sql": final_tables,
}


def generated_files(tables: Sequence[Table]) -> dict[str, str]:
    """{file name under migrations/: text} for the model `tables`."""
    return {name: render(tables) for name, render in GENERATED.items()}
