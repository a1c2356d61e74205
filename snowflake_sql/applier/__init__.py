"""Applies the warehouse's SQL scripts (`snowflake_sql/migrations/`, versioned and repeatable) and reads back
what AWS needs.

Used by the CDK custom resource (`applier.custom_resource.handler`), by the CLI (`python -m applier`) and by
the local runtime (`local/warehouse.py`, which runs the same files on fakesnow). Import root: `snowflake_sql/`.
"""

from applier.apply import apply_migrations, plan_migrations, read_history, statements_of
from applier.errors import WarehouseError
from applier.migrations import MIGRATIONS_DIR, Migration, load_migrations, migrations_fingerprint
from applier.readback import AwsWiring, pipe_channel_attribute, read_aws_wiring
from applier.variables import check_variables, warehouse_variables

__all__ = [
    "MIGRATIONS_DIR",
    "AwsWiring",
    "Migration",
    "WarehouseError",
    "apply_migrations",
    "check_variables",
    "load_migrations",
    "migrations_fingerprint",
    "pipe_channel_attribute",
    "plan_migrations",
    "read_aws_wiring",
    "read_history",
    "statements_of",
    "warehouse_variables",
]
