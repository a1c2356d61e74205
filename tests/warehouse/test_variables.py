"""applier.variables: one function builds every `${NAME}` value; bad values are refused before rendering."""

from __future__ import annotations

import re

import pytest

from applier import check_variables, load_migrations, warehouse_variables
from applier.bootstrap import BOOTSTRAP_SQL
from applier.errors import TemplateError
from applier.variables import VARIABLE_NAMES
from contracts.processed_zone import MODEL_PREFIX


def test_names_come_from_the_config_and_the_processed_zone_contract(local_config, variables) -> None:
    assert variables["DATABASE"] == local_config.snowflake.database
    assert variables["LANDING_SCHEMA"] == local_config.snowflake.landing_schema
    assert variables["HISTORY_TABLE"] == f"{local_config.snowflake.database}.ADMIN.MIGRATION_HISTORY"
    assert variables["MODEL_PREFIX"] == MODEL_PREFIX
    assert variables["TARGET_LAG"] == f"{local_config.snowflake.merge_task_schedule_minutes} minutes"
    check_variables(variables)


def test_every_variable_is_used_by_the_migrations_and_every_use_has_a_variable(variables) -> None:
    texts = [m.text for m in load_migrations()] + [BOOTSTRAP_SQL.read_text(encoding="utf-8")]
    # The bootstrap's own values: the service user and its key, given to `python -m applier.bootstrap`
    used = {name for text in texts for name in re.findall(r"\$\{([A-Z0-9_]+)\}", text)}
    used -= {"DEPLOY_USER", "DEPLOY_PUBLIC_KEY"}

    assert used == set(VARIABLE_NAMES) == set(variables)


def test_tokens_pass_through_at_synth_time(local_config) -> None:
    # The CDK passes CloudFormation tokens; they are only checked where they have become values.
    built = warehouse_variables(local_config, "${Token[TOKEN.1]}", "${Token[TOKEN.2]}", "${Token[3]}", "${Token[4]}")

    assert built["PROCESSED_BUCKET"] == "${Token[TOKEN.1]}"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DATABASE", "SPOTIFY; DROP DATABASE X", "contains a quote, ';'"),
        ("STORAGE_ROLE_ARN", "arn:aws:iam::1:role/x' OR '1", "contains a quote"),
        ("LOADER_ROLE", "spotify-loader", "is not a Snowflake identifier"),
        ("ERROR_TOPIC_ARN", "my-topic", "is not an ARN"),
        ("PROCESSED_BUCKET", "Not_A_Bucket", "is not an S3 bucket name"),
    ],
)
def test_a_value_that_could_break_the_sql_is_refused(variables, name, value, message) -> None:
    with pytest.raises(TemplateError, match=f"variable {name}.*{re.escape(message)}"):
        check_variables({**variables, name: value})


def test_a_missing_variable_is_named(variables) -> None:
    incomplete = {k: v for k, v in variables.items() if k != "ERROR_ROLE_ARN"}

    with pytest.raises(TemplateError, match="variable ERROR_ROLE_ARN has no value"):
        check_variables(incomplete)
