"""`ops cost`: the monthly AWS and Snowflake cost of one environment, from its configuration, its synthesized
templates (alarms, keys, secrets, state machine) and the migrations (warehouse size and auto-suspend), at public
on-demand prices (us-east-1, December 2026). What no file says (how long a run takes, how much data a day adds)
is a named assumption below, printed with the table. Prices change: each one is a constant with its source.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from config import PipelineConfig
from contracts.model import LOADED_TABLES
from extract.service import MUSICBRAINZ_COUNTS

DAYS_PER_MONTH = 30.4
HOURS_PER_MONTH = 730

# Public prices (USD), us-east-1 on demand.
LAMBDA_ARM_GB_SECOND = 0.0000133334  # aws.amazon.com/lambda/pricing, Arm
LAMBDA_REQUEST = 0.20 / 1_000_000
S3_PUT = 0.005 / 1000
GLUE_DPU_HOUR = {"standard": 0.44, "flex": 0.29}  # aws.amazon.com/glue/pricing, Spark jobs
GLUE_DPU_PER_WORKER = {"G.1X": 1, "G.2X": 2, "G.4X": 4, "G.8X": 8}
GLUE_MINIMUM_MINUTES = 1  # Glue 2.0+ bills per second with a 1-minute minimum
STATES_TRANSITION = 0.025 / 1000  # Step Functions standard workflows
CLOUDWATCH_ALARM_METRIC = 0.10  # per standard-resolution alarm metric per month (metric math: each metric)
CLOUDWATCH_DASHBOARD = 3.00  # per dashboard per month beyond the free 3
CLOUDWATCH_METRIC = 0.30  # per custom metric per month, prorated by the hour it receives data
KMS_KEY = 1.00  # per customer managed key per month
SECRET = 0.40  # per secret per month
S3_STANDARD_GB = 0.023
SNOWFLAKE_CREDIT = 3.00  # Enterprise edition, AWS us-east-1, on demand
SNOWPIPE_CREDITS_PER_1000_FILES = 0.06  # Snowpipe's per-file charge
SNOWPIPE_COMPUTE_CREDITS_PER_HOUR = 1.25  # serverless compute multiplier
WAREHOUSE_CREDITS_PER_HOUR = {"XSMALL": 1, "SMALL": 2, "MEDIUM": 4, "LARGE": 8, "XLARGE": 16}
WAREHOUSE_MINIMUM_SECONDS = 60  # each resume bills at least a minute

# Assumptions: what no file of the project states.
ASSUMED_EXTRACTION_SECONDS = 60  # one daily run at the bench's call counts plus Spotify's latency
ASSUMED_GLUE_MINUTES = 3  # billed minutes of one transform run (bench: under a minute of work, plus start-up)
ASSUMED_SNOWPIPE_SECONDS_PER_FILE = 2  # serverless compute of one small Parquet file
ASSUMED_REFRESH_SECONDS = 30  # one refresh of every dynamic table after a load
ASSUMED_REFRESH_WINDOWS_PER_LOAD = 2  # a day's files land over a few minutes: up to two target-lag windows
ASSUMED_BI_REFRESHES_PER_DAY = 1  # Power BI's scheduled import (README)
ASSUMED_BI_REFRESH_SECONDS = 60
ASSUMED_DATA_MB_PER_DAY = 10  # raw pages (gzip) plus Parquet, at the bench's 300-track catalog
ASSUMED_MONTHS_OF_DATA = 12  # storage after a year of runs
ASSUMED_LOG_GB_PER_MONTH = 0.1
LOGS_INGESTED_GB = 0.50
ACTIVE_METRIC_HOURS_PER_DAY = 1  # the daily run's metrics arrive within an hour (captures: all day)
ASSUMED_CAPTURE_SECONDS = 1  # one capture of recently played (bench: about 0.3 s of work, one or two calls)
CAPTURE_PUTS = 3  # its page file, its capture manifest, the state


@dataclass(frozen=True)
class TemplateCounts:
    """What the cost depends on in the synthesized templates."""

    alarm_metrics: int
    dashboards: int
    kms_keys: int
    secrets: int
    state_machine_states: int
    request_metric_filters: int

    @classmethod
    def of(cls, templates: dict[str, dict[str, Any]]) -> TemplateCounts:
        resources = [r for t in templates.values() for r in t.get("Resources", {}).values()]

        def typed(name: str) -> list[dict[str, Any]]:
            return [r for r in resources if r["Type"] == name]

        alarm_metrics = 0
        for alarm in typed("AWS::CloudWatch::Alarm"):
            queries = alarm["Properties"].get("Metrics")
            alarm_metrics += sum(1 for q in queries if "MetricStat" in q) if queries else 1
        states = 0
        for machine in typed("AWS::StepFunctions::StateMachine"):
            definition = machine["Properties"]["DefinitionString"]
            text = (
                definition
                if isinstance(definition, str)
                else "".join(part for part in definition["Fn::Join"][1] if isinstance(part, str))
            )
            states += text.count('"Type":')
        filters = sum(len(b["Properties"].get("MetricsConfigurations", [])) for b in typed("AWS::S3::Bucket"))
        return cls(
            alarm_metrics=alarm_metrics,
            dashboards=len(typed("AWS::CloudWatch::Dashboard")),
            kms_keys=len(typed("AWS::KMS::Key")),
            secrets=len(typed("AWS::SecretsManager::Secret")),
            state_machine_states=states,
            request_metric_filters=filters,
        )


@dataclass(frozen=True)
class CostLine:
    cloud: str  # AWS | Snowflake
    item: str
    formula: str
    monthly_usd: float


@dataclass(frozen=True)
class Warehouse:
    size: str
    auto_suspend_seconds: int


def warehouse_of_migrations(config: PipelineConfig) -> Warehouse:
    """The pipeline's warehouse as V001 creates it (size from the config, auto-suspend from the SQL)."""
    from applier import load_migrations, statements_of, warehouse_variables
    from applier import statements as kinds

    variables = warehouse_variables(
        config,
        "example-bucket",
        "arn:aws:iam::123456789012:role/x",
        "arn:aws:sns:us-east-1:123456789012:x",
        "arn:aws:iam::123456789012:role/y",
    )
    for migration in load_migrations():
        for statement in statements_of(migration, variables):
            if statement.kind == kinds.WAREHOUSE:
                return Warehouse(
                    statement.properties["WAREHOUSE_SIZE"].strip("'").upper(),
                    int(statement.properties["AUTO_SUSPEND"]),
                )
    raise ValueError("no CREATE WAREHOUSE in snowflake_sql/migrations")


def estimate(
    config: PipelineConfig, counts: TemplateCounts, warehouse: Warehouse, credit_price: float = SNOWFLAKE_CREDIT
) -> list[CostLine]:
    runs = DAYS_PER_MONTH  # [schedule]: one run a day
    glue = config.glue
    gb = config.extract.lambda_memory_mb / 1024
    lambda_usd = runs * (gb * ASSUMED_EXTRACTION_SECONDS * LAMBDA_ARM_GB_SECOND + LAMBDA_REQUEST)
    kind = "flex" if glue.flex else "standard"
    dpus = glue.workers * GLUE_DPU_PER_WORKER[glue.worker_type]
    glue_hours = max(ASSUMED_GLUE_MINUTES, GLUE_MINIMUM_MINUTES) / 60
    captures = DAYS_PER_MONTH * 24 * 60 / config.capture.every_minutes if config.capture.enabled else 0
    active_hours = 24 if captures else ACTIVE_METRIC_HOURS_PER_DAY
    metric_hours = DAYS_PER_MONTH * active_hours / HOURS_PER_MONTH
    # The extraction's EMF metrics (run_metrics and ColdStart), the MusicBrainz enrichment's when it is on, and each
    # request-metrics filter's 8 request counts.
    enrichment_metrics = len(MUSICBRAINZ_COUNTS) if config.musicbrainz.enabled else 0
    custom_metrics = 7 + enrichment_metrics + 8 * counts.request_metric_filters
    stored_gb = ASSUMED_DATA_MB_PER_DAY * DAYS_PER_MONTH * ASSUMED_MONTHS_OF_DATA / 1024
    lines = [
        CostLine(
            "AWS",
            "Lambda (extraction, arm64)",
            f"{runs:g} runs x {gb:g} GB x {ASSUMED_EXTRACTION_SECONDS} s x ${LAMBDA_ARM_GB_SECOND}/GB-s + requests",
            lambda_usd,
        ),
        CostLine(
            "AWS",
            "Lambda (captures of recently played) and their S3 writes",
            f"{captures:g} captures x ({gb:g} GB x {ASSUMED_CAPTURE_SECONDS} s x ${LAMBDA_ARM_GB_SECOND}/GB-s "
            f"+ a request + {CAPTURE_PUTS} PUTs x ${S3_PUT * 1000}/1000)",
            captures * (gb * ASSUMED_CAPTURE_SECONDS * LAMBDA_ARM_GB_SECOND + LAMBDA_REQUEST + CAPTURE_PUTS * S3_PUT),
        ),
        CostLine(
            "AWS",
            f"Glue ({kind}, {glue.workers} x {glue.worker_type})",
            f"{runs:g} runs x {dpus} DPU x {ASSUMED_GLUE_MINUTES} min x ${GLUE_DPU_HOUR[kind]}/DPU-h",
            runs * dpus * glue_hours * GLUE_DPU_HOUR[kind],
        ),
        CostLine(
            "AWS",
            "Step Functions",
            f"{runs:g} executions x {counts.state_machine_states + 1} transitions x ${STATES_TRANSITION * 1000}/1000",
            runs * (counts.state_machine_states + 1) * STATES_TRANSITION,
        ),
        CostLine(
            "AWS",
            "CloudWatch alarms",
            f"{counts.alarm_metrics} alarm metrics x ${CLOUDWATCH_ALARM_METRIC}",
            counts.alarm_metrics * CLOUDWATCH_ALARM_METRIC,
        ),
        CostLine(
            "AWS",
            "CloudWatch dashboard",
            f"{counts.dashboards} x ${CLOUDWATCH_DASHBOARD} (free for an account with fewer than 3)",
            counts.dashboards * CLOUDWATCH_DASHBOARD,
        ),
        CostLine(
            "AWS",
            "CloudWatch metrics and logs",
            f"{custom_metrics} metrics x ${CLOUDWATCH_METRIC} x {metric_hours:.3f} of the month "
            f"+ {ASSUMED_LOG_GB_PER_MONTH} GB logs x ${LOGS_INGESTED_GB}",
            custom_metrics * CLOUDWATCH_METRIC * metric_hours + ASSUMED_LOG_GB_PER_MONTH * LOGS_INGESTED_GB,
        ),
        CostLine("AWS", "KMS keys", f"{counts.kms_keys} keys x ${KMS_KEY}", counts.kms_keys * KMS_KEY),
        CostLine(
            "AWS",
            "Secrets Manager",
            f"{counts.secrets + 1} secrets (1 the operator's) x ${SECRET}",
            (counts.secrets + 1) * SECRET,
        ),
        CostLine(
            "AWS",
            "S3 storage",
            f"{stored_gb:.1f} GB after {ASSUMED_MONTHS_OF_DATA} months x ${S3_STANDARD_GB}",
            stored_gb * S3_STANDARD_GB,
        ),
    ]
    if not config.snowflake.wired:
        return lines
    # One Parquet file per loaded table per run (bench: at most 1 per partition), the run-quality facts included.
    files = runs * len(LOADED_TABLES)
    lag_minutes = config.snowflake.merge_task_schedule_minutes
    credits_per_hour = WAREHOUSE_CREDITS_PER_HOUR[warehouse.size]
    window_seconds = max(ASSUMED_REFRESH_SECONDS, WAREHOUSE_MINIMUM_SECONDS) + warehouse.auto_suspend_seconds
    refresh_credits = runs * ASSUMED_REFRESH_WINDOWS_PER_LOAD * window_seconds / 3600 * credits_per_hour
    bi_seconds = max(ASSUMED_BI_REFRESH_SECONDS, WAREHOUSE_MINIMUM_SECONDS) + warehouse.auto_suspend_seconds
    bi_credits = DAYS_PER_MONTH * ASSUMED_BI_REFRESHES_PER_DAY * bi_seconds / 3600 * credits_per_hour
    pipe_credits = files * SNOWPIPE_CREDITS_PER_1000_FILES / 1000 + (
        files * ASSUMED_SNOWPIPE_SECONDS_PER_FILE / 3600 * SNOWPIPE_COMPUTE_CREDITS_PER_HOUR
    )
    lines += [
        CostLine(
            "Snowflake",
            "Snowpipe",
            f"{files:g} files x ({SNOWPIPE_CREDITS_PER_1000_FILES}/1000 + {ASSUMED_SNOWPIPE_SECONDS_PER_FILE} s x "
            f"{SNOWPIPE_COMPUTE_CREDITS_PER_HOUR}/h) credits x ${credit_price}",
            pipe_credits * credit_price,
        ),
        CostLine(
            "Snowflake",
            f"Dynamic-table refreshes ({warehouse.size}, lag {lag_minutes} min)",
            f"{runs:g} loads x {ASSUMED_REFRESH_WINDOWS_PER_LOAD} windows x ({window_seconds} s incl. "
            f"{warehouse.auto_suspend_seconds} s auto-suspend) x {credits_per_hour} credit/h x ${credit_price}",
            refresh_credits * credit_price,
        ),
        CostLine(
            "Snowflake",
            "Power BI refresh",
            f"{DAYS_PER_MONTH:g} x {bi_seconds} s x {credits_per_hour} credit/h x ${credit_price}",
            bi_credits * credit_price,
        ),
    ]
    return lines


def render(lines: list[CostLine]) -> str:
    """A Markdown table with the totals per cloud and overall."""
    rows = ["| cloud | item | formula | USD / month |", "| --- | --- | --- | ---: |"]
    rows += [f"| {line.cloud} | {line.item} | {line.formula} | {line.monthly_usd:.2f} |" for line in lines]
    for cloud in ("AWS", "Snowflake"):
        of_cloud = [line.monthly_usd for line in lines if line.cloud == cloud]
        if of_cloud:
            rows.append(f"| **{cloud}** | | | **{math.fsum(of_cloud):.2f}** |")
    rows.append(f"| **total** | | | **{math.fsum(line.monthly_usd for line in lines):.2f}** |")
    return "\n".join(rows)


def templates_in(outdir: Path, config: PipelineConfig) -> dict[str, dict[str, Any]]:
    prefix = f"{config.project}-{config.env}-"
    return {
        path.name.removesuffix(".template.json"): json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(outdir.glob(f"{prefix}*.template.json"))
    }
