"""Dead-letter queues: where an event that could not be delivered waits for the operator (alarmed on)."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from stacks.nag import acknowledge

# SQS's longest retention: two weeks for the operator to read, fix and re-drive.
DEAD_LETTER_RETENTION = Duration.days(14)


def dead_letter_queue(scope: Construct, construct_id: str, *, queue_name: str, serves: str) -> sqs.Queue:
    """An encrypted, TLS-only queue; `serves` says whose dead letters it holds (for the cdk-nag reason)."""
    queue = sqs.Queue(
        scope,
        construct_id,
        queue_name=queue_name,
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        retention_period=DEAD_LETTER_RETENTION,
    )
    acknowledge(queue, "AwsSolutions-SQS3", f"This queue is itself a dead-letter queue: {serves}.")
    return queue
