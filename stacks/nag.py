"""cdk-nag acknowledgements: every finding the stacks accept is acknowledged next to its cause, with a reason.

cdk-nag 3 reports through CDK's validation API: an unacknowledged finding fails `cdk synth`. A rule that
reports several findings on one resource (IAM5: one per wildcard) is acknowledged one finding at a time, by the
exact id cdk-nag gives it; `wildcard_resource` builds that id for a resource of the same stack.
"""

from __future__ import annotations

import json
from typing import Any

from aws_cdk import Acknowledgment, Stack, Validations
from constructs import IConstruct

WILDCARD_PERMISSIONS = "AwsSolutions-IAM5"
# The singleton Lambda CDK adds to a stack whose buckets have notifications (EventBridge, SQS).
BUCKET_NOTIFICATIONS_HANDLER = "BucketNotificationsHandler050a0587b7544547bf325f094a3db834"
BASIC_EXECUTION_POLICY = (
    "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]"
)


def acknowledge(scope: IConstruct, finding: str, reason: str) -> None:
    """Accept `finding` (a rule id, or `rule[finding id]` for one finding) on `scope` and its children."""
    Validations.of(scope).acknowledge(Acknowledgment(id=finding, reason=reason))


def acknowledge_bucket_notifications_handler(stack: Stack) -> None:
    """CDK's deploy-time handler that writes bucket notification configurations; its role is CDK's own."""
    handler = stack.node.try_find_child(BUCKET_NOTIFICATIONS_HANDLER)
    if handler is None:
        raise ValueError(f"{stack.node.id} has no bucket notifications handler; acknowledge after adding them")
    acknowledge(
        handler,
        BASIC_EXECUTION_POLICY,
        "CDK's bucket-notifications handler, run by CloudFormation at deploy time only; the managed policy lets it "
        "write its own logs, and its S3 permission (PutBucketNotification) is scoped to the bucket by CDK",
    )


def wildcard_resource(scope: IConstruct, resource: str) -> str:
    """The id of cdk-nag's IAM5 finding for the wildcard `resource` (an ARN, tokens of `scope`'s own stack)."""
    return f"{WILDCARD_PERMISSIONS}[Resource::{_flatten(Stack.of(scope).resolve(resource))}]"


def wildcard_action(action: str) -> str:
    return f"{WILDCARD_PERMISSIONS}[Action::{action}]"


def _flatten(reference: Any) -> str:
    """CloudFormation intrinsics as cdk-nag writes them in finding ids (`<Logical.Arn>`, `<AWS::Region>`)."""
    if isinstance(reference, str):
        return reference.replace("${", "<").replace("}", ">")
    if isinstance(reference, dict):
        if "Fn::Join" in reference:
            delimiter, items = reference["Fn::Join"]
            return delimiter.join(_flatten(item) for item in items)
        if "Fn::Sub" in reference:
            return _flatten(reference["Fn::Sub"])
        if "Fn::GetAtt" in reference:
            resource, attribute = reference["Fn::GetAtt"]
            return f"<{_flatten(resource)}.{_flatten(attribute)}>"
        if "Ref" in reference:
            return f"<{_flatten(reference['Ref'])}>"
    return json.dumps(reference, separators=(",", ":"))
