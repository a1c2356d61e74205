"""The README's cost table (`python -m ops cost`): every input comes from the configuration, the synthesized
templates or the migrations, so a change to any of them changes the estimate."""

from __future__ import annotations

import dataclasses

from stack_templates import Synthesized

from ops.cost import (
    GLUE_DPU_HOUR,
    SNOWFLAKE_CREDIT,
    TemplateCounts,
    estimate,
    render,
    warehouse_of_migrations,
)


def lines_by_item(synthesized: Synthesized, config=None) -> dict[str, float]:  # type: ignore[no-untyped-def]
    config = config or synthesized.config
    counts = TemplateCounts.of(synthesized.templates())
    return {line.item: line.monthly_usd for line in estimate(config, counts, warehouse_of_migrations(config))}


def test_the_counts_are_read_from_the_synthesized_templates(deployment: Synthesized) -> None:
    counts = TemplateCounts.of(deployment.templates())
    monitoring = deployment.template(deployment.pipeline.monitoring)
    alarms = monitoring.find_resources("AWS::CloudWatch::Alarm").values()
    # A metric-math alarm is billed per metric: the complete-extraction alarm reads three.
    assert counts.alarm_metrics == len(alarms) + 2
    assert (counts.dashboards, counts.kms_keys) == (1, 2)
    # The Spotify client and user-token secrets; the Snowflake one is the operator's (counted in the estimate).
    assert counts.secrets == 2
    assert counts.state_machine_states == 2
    assert counts.request_metric_filters == 1


def test_glue_cost_follows_the_configured_workers_and_flex(deployment: Synthesized) -> None:
    glue = deployment.config.glue
    item = f"Glue ({'flex' if glue.flex else 'standard'}, {glue.workers} x {glue.worker_type})"
    base = lines_by_item(deployment)[item]
    doubled = dataclasses.replace(deployment.config, glue=dataclasses.replace(glue, workers=glue.workers * 2))
    other_kind = dataclasses.replace(deployment.config, glue=dataclasses.replace(glue, flex=not glue.flex))
    assert (
        abs(lines_by_item(deployment, doubled)[item.replace(str(glue.workers), str(glue.workers * 2))] - 2 * base)
        < 1e-9
    )
    swapped = next(v for k, v in lines_by_item(deployment, other_kind).items() if k.startswith("Glue"))
    ratio = GLUE_DPU_HOUR["standard" if glue.flex else "flex"] / GLUE_DPU_HOUR["flex" if glue.flex else "standard"]
    assert abs(swapped - base * ratio) < 1e-9


def test_snowflake_costs_only_where_wired_and_from_the_migrations_warehouse(
    wired: Synthesized, aws_only: Synthesized
) -> None:
    assert not [item for item in lines_by_item(aws_only) if "Snowpipe" in item]
    warehouse = warehouse_of_migrations(wired.config)
    assert warehouse.size == wired.config.snowflake.warehouse_size
    refresh = next(k for k in lines_by_item(wired) if k.startswith("Dynamic-table"))
    assert f"lag {wired.config.snowflake.merge_task_schedule_minutes} min" in refresh
    # Twice the credit price, twice the Snowflake bill
    counts = TemplateCounts.of(wired.templates())
    at_price = {line.item: line.monthly_usd for line in estimate(wired.config, counts, warehouse, SNOWFLAKE_CREDIT * 2)}
    for line in estimate(wired.config, counts, warehouse):
        expected = line.monthly_usd * (2 if line.cloud == "Snowflake" else 1)
        assert abs(at_price[line.item] - expected) < 1e-9


def test_the_table_adds_up(wired: Synthesized) -> None:
    counts = TemplateCounts.of(wired.templates())
    lines = estimate(wired.config, counts, warehouse_of_migrations(wired.config))
    table = render(lines)
    total = sum(line.monthly_usd for line in lines)
    assert table.splitlines()[-1] == f"| **total** | | | **{total:.2f}** |"
