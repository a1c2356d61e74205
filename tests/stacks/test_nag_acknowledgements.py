"""Acknowledging cdk-nag findings by their exact ids (stacks/nag.py)."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_s3 as s3

from stacks.nag import wildcard_action, wildcard_resource


def test_a_wildcard_on_a_bucket_prefix_gets_the_id_cdk_nag_reports() -> None:
    stack = cdk.Stack(cdk.App(), "Probe")
    bucket = s3.Bucket(stack, "Data")
    finding = wildcard_resource(stack, bucket.arn_for_objects("spotify/*"))
    logical_id = stack.resolve(stack.get_logical_id(bucket.node.default_child))
    assert finding == f"AwsSolutions-IAM5[Resource::<{logical_id}.Arn>/spotify/*]"


def test_pseudo_parameters_are_written_as_cdk_nag_writes_them() -> None:
    stack = cdk.Stack(cdk.App(), "Probe")
    arn = stack.format_arn(service="logs", resource="log-group", resource_name="/aws-glue/*")
    assert wildcard_resource(stack, arn) == (
        "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group//aws-glue/*]"
    )


def test_a_wildcard_action_is_acknowledged_by_its_name() -> None:
    assert wildcard_action("s3:GetObject*") == "AwsSolutions-IAM5[Action::s3:GetObject*]"
