"""Where each stage of the pipeline runs in AWS: one CDK stack per concern, wired together by `app.py`
(`stacks.app`).

    StorageStack    key, access-log bucket, raw bucket (EventBridge on), processed bucket
    AlertsStack     the operator's alert topic (and its key)
    IngestStack     daily schedule -> extraction Lambda, Spotify secrets, DLQ
    TransformStack  manifest event -> Step Functions -> Glue job
    WarehouseStack  only in an environment configured `[snowflake] wired = true`: the applier custom resource,
                    the IAM roles Snowflake assumes, the error topic and the processed bucket's notifications
    MonitoringStack failure and freshness alarms, the one transform-failure alert, and the dashboard

Resources cross stacks as constructor arguments (strong references: CloudFormation exports, so a stack can never
drop what another still uses); deployment order follows the list above.
"""

import os

# aws-cdk-lib prints a Node end-of-life banner on every import under Node 20; every stack module imports it.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
