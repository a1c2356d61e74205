"""The events between stages, emulated with the very patterns and filters the stacks deploy.

- Raw bucket: EventBridge notifications on; a rule with `contracts.events.manifest_created_pattern` sends each
  new manifest to a queue, which the local runtime drains to start the transform (in AWS the rule starts the
  Step Functions state machine).
- Processed bucket: one S3 -> SQS notification per model table with `contracts.events.pipe_notification_filters`
  (prefix `model/<table>/`, suffix `.parquet`); in AWS those queues are the Snowpipe notification channels,
  here the runtime drains them and runs the table's pipe on the local warehouse.

moto in server mode delivers both kinds of notification (S3 -> SQS keys URL-encoded after an initial
`s3:TestEvent`, as real S3 does; S3 -> EventBridge -> SQS through the deployed rule pattern).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import unquote_plus

from contracts.events import manifest_created_pattern, pipe_notification_filters, upload_created_pattern
from local.aws import LocalAws

TRANSFORM_QUEUE = "local-transform-trigger"
MANIFEST_RULE = "local-manifest-created"
IMPORT_QUEUE = "local-history-import-trigger"
UPLOAD_RULE = "local-upload-created"


def _pipe_queue(table_name: str) -> str:
    return f"local-pipe-{table_name.replace('_', '-')}"


@dataclass(frozen=True)
class ObjectCreated:
    bucket: str
    key: str


class EventWiring:
    def __init__(self, aws: LocalAws, raw_bucket: str, processed_bucket: str) -> None:
        self.aws = aws
        self.raw_bucket = raw_bucket
        self.processed_bucket = processed_bucket
        self._queues: dict[str, str] = {}

    def _queue(self, name: str) -> tuple[str, str]:
        sqs = self.aws.client("sqs")
        url = sqs.create_queue(QueueName=name)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        self._queues[name] = url
        return url, arn

    def install(self) -> None:
        s3, events = self.aws.client("s3"), self.aws.client("events")
        _, transform_arn = self._queue(TRANSFORM_QUEUE)
        s3.put_bucket_notification_configuration(
            Bucket=self.raw_bucket, NotificationConfiguration={"EventBridgeConfiguration": {}}
        )
        events.put_rule(Name=MANIFEST_RULE, EventPattern=json.dumps(manifest_created_pattern(self.raw_bucket)))
        events.put_targets(Rule=MANIFEST_RULE, Targets=[{"Id": "transform", "Arn": transform_arn}])
        _, import_arn = self._queue(IMPORT_QUEUE)
        events.put_rule(Name=UPLOAD_RULE, EventPattern=json.dumps(upload_created_pattern(self.raw_bucket)))
        events.put_targets(Rule=UPLOAD_RULE, Targets=[{"Id": "history-import", "Arn": import_arn}])

        queue_configurations = []
        for table_name, key_filter in pipe_notification_filters().items():
            _, arn = self._queue(_pipe_queue(table_name))
            queue_configurations.append(
                {
                    "Id": f"pipe-{table_name}",
                    "QueueArn": arn,
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {
                        "Key": {
                            "FilterRules": [
                                {"Name": "prefix", "Value": key_filter["prefix"]},
                                {"Name": "suffix", "Value": key_filter["suffix"]},
                            ]
                        }
                    },
                }
            )
        s3.put_bucket_notification_configuration(
            Bucket=self.processed_bucket, NotificationConfiguration={"QueueConfigurations": queue_configurations}
        )
        # S3 announces a new notification configuration with an s3:TestEvent on each queue: consume them now.
        for table_name in pipe_notification_filters():
            self._drain(_pipe_queue(table_name))

    def _drain(self, queue_name: str) -> list[dict]:
        sqs = self.aws.client("sqs")
        url = self._queues[queue_name]
        bodies: list[dict] = []
        while True:
            messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
            if not messages:
                return bodies
            for message in messages:
                bodies.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

    def manifests_created(self) -> list[ObjectCreated]:
        """New manifests, as the EventBridge rule delivered them (duplicates included, as in AWS)."""
        return [
            ObjectCreated(event["detail"]["bucket"]["name"], event["detail"]["object"]["key"])
            for event in self._drain(TRANSFORM_QUEUE)
        ]

    def uploads_created(self) -> list[dict]:
        """The S3 events of history exports uploaded under `imports/`, as the EventBridge rule delivered them."""
        return self._drain(IMPORT_QUEUE)

    def model_files_created(self) -> dict[str, list[ObjectCreated]]:
        """Per model table, the new `.parquet` files its pipe was notified of."""
        created: dict[str, list[ObjectCreated]] = {}
        for table_name in pipe_notification_filters():
            for body in self._drain(_pipe_queue(table_name)):
                for record in body.get("Records", []):  # an s3:TestEvent has none
                    # S3 URL-encodes keys in notifications (spaces as '+'), as moto does.
                    created.setdefault(table_name, []).append(
                        ObjectCreated(record["s3"]["bucket"]["name"], unquote_plus(record["s3"]["object"]["key"]))
                    )
        return created
