"""The values of the `${NAME}` variables in the migrations: built in one function, checked before rendering.

`warehouse_variables` is called where the configuration is at hand: by the CDK app at synth time (it passes the
result to the custom resource as `Variables`, with bucket and ARNs as CloudFormation tokens) and by the local
runtime. The custom-resource Lambda itself ships neither `config/` nor `contracts/`: it receives the rendered
dict, and `check_variables` validates it there, once the tokens have become real values.
"""

from __future__ import annotations

import re
from typing import Any

from applier.errors import TemplateError
from contracts.processed_zone import MODEL_PREFIX

# The applier's own bookkeeping lives in its own schema; it is not a pipeline setting, so not in the config.
ADMIN_SCHEMA = "ADMIN"
HISTORY_TABLE_NAME = "MIGRATION_HISTORY"
REPEATABLE_HISTORY_TABLE_NAME = "REPEATABLE_HISTORY"
REJECTS_VIEW_NAME = "LANDING_REJECTS"

IDENTIFIER_VARIABLES = (
    "DATABASE",
    "LANDING_SCHEMA",
    "CORE_SCHEMA",
    "REPORTING_SCHEMA",
    "ADMIN_SCHEMA",
    "WAREHOUSE",
    "LOADER_ROLE",
    "BI_ROLE",
    "DEPLOY_ROLE",
    "STORAGE_INTEGRATION",
    "STAGE",
    "FILE_FORMAT",
    "ERROR_INTEGRATION",
)
QUALIFIED_VARIABLES = ("HISTORY_TABLE", "REPEATABLE_HISTORY_TABLE", "REJECTS_VIEW")
ARN_VARIABLES = ("STORAGE_ROLE_ARN", "ERROR_TOPIC_ARN", "ERROR_ROLE_ARN")
OTHER_VARIABLES = ("WAREHOUSE_SIZE", "TARGET_LAG", "PROCESSED_BUCKET", "MODEL_PREFIX", "REPORTING_TIME_ZONE")
VARIABLE_NAMES = IDENTIFIER_VARIABLES + QUALIFIED_VARIABLES + ARN_VARIABLES + OTHER_VARIABLES

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*$")
_QUALIFIED = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*){2}$")
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_PREFIX = re.compile(r"^[A-Za-z0-9_.=-]+(/[A-Za-z0-9_.=-]+)*$")
_TARGET_LAG = re.compile(r"^[0-9]+ (seconds|minutes|hours|days)$")
# An IANA time zone name (the configuration checks it is a known one): Europe/Berlin, America/Port-au-Prince, Etc/GMT+5.
_TIME_ZONE = re.compile(r"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$")
# A value is pasted into SQL text: nothing in it may end a string literal, a statement or a variable.
_UNSAFE = re.compile(r"['\";\\\n\r]|\$\{")


def warehouse_variables(
    config: Any,
    processed_bucket: str,
    storage_role_arn: str,
    error_topic_arn: str,
    error_role_arn: str,
) -> dict[str, str]:
    """Every variable the migrations use. `config` is anything with `.snowflake` and `.reporting`, like
    config.PipelineConfig."""
    snowflake = config.snowflake
    return {
        "DATABASE": snowflake.database,
        "LANDING_SCHEMA": snowflake.landing_schema,
        "CORE_SCHEMA": snowflake.core_schema,
        "REPORTING_SCHEMA": snowflake.reporting_schema,
        "ADMIN_SCHEMA": ADMIN_SCHEMA,
        "HISTORY_TABLE": f"{snowflake.database}.{ADMIN_SCHEMA}.{HISTORY_TABLE_NAME}",
        "REPEATABLE_HISTORY_TABLE": f"{snowflake.database}.{ADMIN_SCHEMA}.{REPEATABLE_HISTORY_TABLE_NAME}",
        "REJECTS_VIEW": f"{snowflake.database}.{snowflake.core_schema}.{REJECTS_VIEW_NAME}",
        "WAREHOUSE": snowflake.warehouse,
        "WAREHOUSE_SIZE": snowflake.warehouse_size,
        "LOADER_ROLE": snowflake.loader_role,
        "BI_ROLE": snowflake.bi_role,
        "DEPLOY_ROLE": snowflake.deploy_role,
        "STORAGE_INTEGRATION": snowflake.storage_integration,
        "STAGE": snowflake.stage,
        "FILE_FORMAT": snowflake.file_format,
        "ERROR_INTEGRATION": snowflake.error_integration,
        # The merges are dynamic tables; the configured schedule is how stale they may get.
        "TARGET_LAG": f"{snowflake.merge_task_schedule_minutes} minutes",
        "PROCESSED_BUCKET": processed_bucket,
        "MODEL_PREFIX": MODEL_PREFIX,
        # The reporting views' local dates and hours ([reporting] time_zone).
        "REPORTING_TIME_ZONE": config.reporting.time_zone,
        "STORAGE_ROLE_ARN": storage_role_arn,
        "ERROR_TOPIC_ARN": error_topic_arn,
        "ERROR_ROLE_ARN": error_role_arn,
    }


def check_variables(variables: dict[str, str]) -> None:
    """TemplateError naming the first missing or malformed value (run where values are final, not tokens)."""
    missing = [name for name in VARIABLE_NAMES if name not in variables]
    if missing:
        raise TemplateError(
            f"variable {missing[0]} has no value; build the variables with applier.warehouse_variables(...)"
        )
    for name, value in variables.items():
        if not isinstance(value, str) or not value:
            raise TemplateError(f"variable {name} must be a non-empty string, got {value!r}")
        if _UNSAFE.search(value):
            raise TemplateError(f"variable {name} = {value!r} contains a quote, ';', '\\' or line break; remove it")
    rules = [
        *((name, _IDENTIFIER, "a Snowflake identifier (letters, digits, _ and $)") for name in IDENTIFIER_VARIABLES),
        *((name, _QUALIFIED, "a database.schema.object name") for name in QUALIFIED_VARIABLES),
        ("PROCESSED_BUCKET", _BUCKET, "an S3 bucket name"),
        ("MODEL_PREFIX", _PREFIX, "an S3 key prefix without leading or trailing '/'"),
        ("TARGET_LAG", _TARGET_LAG, "like '5 minutes'"),
        ("REPORTING_TIME_ZONE", _TIME_ZONE, "an IANA time zone name like 'Europe/Berlin'"),
    ]
    for name, pattern, expected in rules:
        if not pattern.match(variables[name]):
            raise TemplateError(f"variable {name} = {variables[name]!r} is not {expected}; fix it in the config")
    for name in ARN_VARIABLES:
        if not variables[name].startswith("arn:"):
            raise TemplateError(f"variable {name} = {variables[name]!r} is not an ARN (arn:aws:...)")
