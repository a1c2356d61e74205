"""The pipeline's stacks for one environment, wired together (`build_pipeline`), and the synthesis `app.py` runs.

Whether an environment is wired to Snowflake is its `[snowflake] wired` setting, never a deploy flag; names,
schedules and sizes come from `config/pipeline.toml`.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from config import ConfigError, PipelineConfig, load_config
from stacks.alerts import AlertsStack
from stacks.bundling import REPO_ROOT, bundling_failure
from stacks.context import cdk_json_context, check_wiring, deployment_choices, deployment_environment
from stacks.history_import import HistoryImportStack
from stacks.ingest import IngestStack
from stacks.monitoring import MonitoredPipeline, MonitoringStack
from stacks.names import stack_name
from stacks.storage import StorageStack
from stacks.transform import TransformStack
from stacks.warehouse import WarehouseStack, snowflake_not_wired_message


@dataclass(frozen=True)
class Pipeline:
    storage: StorageStack
    alerts: AlertsStack
    ingest: IngestStack
    transform: TransformStack
    # None for an environment not wired to Snowflake ([snowflake] wired = false).
    warehouse: WarehouseStack | None
    monitoring: MonitoringStack
    history_import: HistoryImportStack | None = None


def build_pipeline(app: cdk.App, config: PipelineConfig, *, environment: cdk.Environment | None = None) -> Pipeline:
    """Every stack of one environment, in deployment order; cdk-nag checks them all at synth. The shape follows
    the configuration alone (Snowflake wired or not): no argument can leave out a configured part."""

    def stack_options(stage: str, description: str) -> dict:
        return {"stack_name": stack_name(config, stage), "env": environment, "description": description}

    storage = StorageStack(
        app, stack_name(config, "storage"), config=config, **stack_options("storage", "Data key and buckets")
    )
    alerts = AlertsStack(app, stack_name(config, "alerts"), config=config, **stack_options("alerts", "Alert topic"))
    ingest = IngestStack(
        app,
        stack_name(config, "ingest"),
        config=config,
        raw_bucket=storage.raw_bucket,
        raw_zone_access=storage.raw_zone_read_write,
        **stack_options("ingest", "Daily schedule, extraction Lambda and Spotify secrets"),
    )
    history_import = HistoryImportStack(
        app,
        stack_name(config, "history-import"),
        config=config,
        raw_bucket=storage.raw_bucket,
        raw_zone_access=storage.raw_zone_read_write,
        **stack_options("history-import", "History export uploads under imports/ and the import Lambda"),
    )
    transform = TransformStack(
        app,
        stack_name(config, "transform"),
        config=config,
        raw_bucket=storage.raw_bucket,
        processed_bucket=storage.processed_bucket,
        data_key=storage.data_key,
        zone_access=[storage.raw_zone_read, storage.processed_zones_write],
        **stack_options("transform", "Manifest trigger, Step Functions and the Glue job"),
    )
    warehouse = None
    if config.snowflake.wired:
        warehouse = WarehouseStack(
            app,
            stack_name(config, "warehouse"),
            config=config,
            processed_bucket=storage.processed_bucket,
            model_read=storage.model_read,
            alerts_key=alerts.alerts_key,
            **stack_options("warehouse", "Snowflake: migrations, integration roles, Snowpipe notifications"),
        )
    else:
        # Where the operator looks for the processed files' destination: what is missing, and what to do.
        cdk.CfnOutput(storage, "SnowflakeStatus", value=snowflake_not_wired_message(config))
    monitoring = MonitoringStack(
        app,
        stack_name(config, "monitoring"),
        config=config,
        alert_topic=alerts.alert_topic,
        pipeline=MonitoredPipeline(
            extract_function=ingest.function,
            history_import_function=history_import.function,
            dead_letter_queues={
                "Extract": ingest.dead_letter_queue,
                "HistoryImport": history_import.dead_letter_queue,
                "TransformTrigger": transform.trigger_dead_letter_queue,
            },
            state_machine=transform.state_machine,
            glue_job=transform.job,
            glue_log_prefix=transform.glue_log_prefix,
            raw_bucket=storage.raw_bucket,
            processed_bucket=storage.processed_bucket,
            snowpipe_error_topic=warehouse.error_topic if warehouse else None,
        ),
        **stack_options("monitoring", "Alarms and dashboard"),
    )
    cdk.Tags.of(app).add("project", config.project)
    cdk.Tags.of(app).add("environment", config.env)
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return Pipeline(storage, alerts, ingest, transform, warehouse, monitoring, history_import)


def main(context: dict[str, Any] | None = None) -> int:
    """Synthesize into `CDK_OUTDIR` (the CLI sets it) or `cdk.out/`; `context` adds to cdk.json's (tests)."""
    try:
        app = cdk.App(
            context={**cdk_json_context(), **(context or {})},
            outdir=os.environ.get("CDK_OUTDIR", str(REPO_ROOT / "cdk.out")),
        )
        choices = deployment_choices(app)
        config = load_config(choices.env)
        check_wiring(choices, config)
        build_pipeline(app, config, environment=deployment_environment())
        app.synth()
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except RuntimeError:
        # jsii wraps an error raised while bundling an asset; the bundler kept the one line that matters.
        failure = bundling_failure()
        if failure is None:
            raise
        print(f"error: {failure}", file=sys.stderr)
        return 2
    return 0
