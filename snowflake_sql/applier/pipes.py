"""A pipe whose COPY changed is recreated by Snowflake's documented procedure (Snowflake's guide "Recreating
pipes for automated data loads").

`CREATE PIPE IF NOT EXISTS` never changes an existing pipe, and a pipe's COPY can only change by
`CREATE OR REPLACE PIPE`, which starts the pipe with an empty load history. So, when the definition Snowflake
holds (`SHOW PIPES`) differs from the script's:

1. pause the pipe, and note the time;
2. wait until its pending file count is 0 (a paused pipe still loads the files queued before the pause);
   if it is not within the timeout, resume the old pipe and stop: nothing changed, deploy again later;
3. `CREATE OR REPLACE PIPE` with the new COPY (same name, same shared SQS queue: S3 needs no change);
4. resume it;
5. `ALTER PIPE ... REFRESH MODIFIED_AFTER` the pause time minus a margin: the files staged while the old pipe
   was paused (their notifications went to the pipe that no longer exists) are queued again.

Files just before the pause may load twice (the new pipe has no load history); landing keeps both copies and
the final tables keep every row once (their merges fold rows on the natural key), so the margin errs on the
side of loading again, never of losing a file. REFRESH reaches back 7 days at most; nothing here is older.
"""

from __future__ import annotations

import datetime
import json
import re
import time
from collections.abc import Callable
from typing import Any

import sqlglot

from applier.errors import MigrationError
from applier.readback import rows_as_dicts
from applier.statements import Statement

# Per pipe, well inside the applier Lambda's 10 minutes: a pipe of this pipeline has a few files pending at most,
# loaded in seconds; one that does not drain is resumed unchanged rather than left paused by a timed-out Lambda.
PENDING_TIMEOUT_SECONDS = 120
PENDING_POLL_SECONDS = 15
# How far before the pause REFRESH looks: covers a notification still in flight when the pipe was paused.
GAP_MARGIN = datetime.timedelta(minutes=10)


def apply_pipe(
    cursor: Any,
    statement: Statement,
    sleep: Callable[[float], None] = time.sleep,
    timeout_seconds: float = PENDING_TIMEOUT_SECONDS,
) -> None:
    """Create the pipe if missing, recreate it by the procedure if its COPY changed, else leave it alone."""
    current = current_definition(cursor, statement.name)
    if current is None:
        cursor.execute(statement.text)
    elif not same_copy(current, statement):
        recreate_pipe(cursor, statement, sleep, timeout_seconds)


def current_definition(cursor: Any, name: str) -> str | None:
    """The COPY statement Snowflake holds for pipe `name` (database.schema.pipe), None when there is no pipe."""
    container, _, pipe = name.rpartition(".")
    cursor.execute(f"SHOW PIPES LIKE '{pipe}' IN SCHEMA {container}")
    row = next((r for r in rows_as_dicts(cursor) if str(r["name"]).upper() == pipe.upper()), None)
    return None if row is None else str(row["definition"])


def same_copy(definition: str, statement: Statement) -> bool:
    """Whether Snowflake's stored COPY and the script's mean the same (compared as parsed, not as spaced)."""
    assert statement.copy is not None
    try:
        stored = sqlglot.parse_one(definition, read="snowflake")
    except sqlglot.errors.ParseError:
        return False
    return stored.sql("snowflake", normalize=True) == statement.copy.sql("snowflake", normalize=True)


def recreation_text(statement: Statement) -> str:
    """The pipe statement as `CREATE OR REPLACE PIPE <name> ...`: the one place the project replaces a pipe."""
    return re.sub(
        r"^CREATE\s+PIPE\s+IF\s+NOT\s+EXISTS\s+", "CREATE OR REPLACE PIPE ", statement.text, count=1, flags=re.I
    )


def recreate_pipe(
    cursor: Any,
    statement: Statement,
    sleep: Callable[[float], None] = time.sleep,
    timeout_seconds: float = PENDING_TIMEOUT_SECONDS,
) -> None:
    name = statement.name
    cursor.execute(f"ALTER PIPE {name} SET PIPE_EXECUTION_PAUSED = TRUE")
    cursor.execute("SELECT CURRENT_TIMESTAMP()")
    paused_at = cursor.fetchone()[0]
    try:
        _wait_until_drained(cursor, name, sleep, timeout_seconds)
    except MigrationError:
        cursor.execute(f"ALTER PIPE {name} SET PIPE_EXECUTION_PAUSED = FALSE")
        raise
    cursor.execute(recreation_text(statement))
    cursor.execute(f"ALTER PIPE {name} SET PIPE_EXECUTION_PAUSED = FALSE")
    since = (paused_at - GAP_MARGIN).isoformat()
    cursor.execute(f"ALTER PIPE {name} REFRESH MODIFIED_AFTER = '{since}'")


def _wait_until_drained(cursor: Any, name: str, sleep: Callable[[float], None], timeout_seconds: float) -> None:
    waited = 0.0
    while True:
        cursor.execute(f"SELECT SYSTEM$PIPE_STATUS('{name}')")
        status = json.loads(cursor.fetchone()[0])
        pending = int(status.get("pendingFileCount", 0))
        if pending == 0:
            return
        if waited >= timeout_seconds:
            raise MigrationError(
                f"pipe {name} still had {pending} pending files after {timeout_seconds:.0f} s paused; it was "
                "resumed unchanged. Deploy again later (the new definition is applied then)"
            )
        sleep(PENDING_POLL_SECONDS)
        waited += PENDING_POLL_SECONDS
