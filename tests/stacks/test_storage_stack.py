"""The storage stack: data key, raw/processed/access-log buckets, and the managed policies of each zone."""

from __future__ import annotations

import pytest
from aws_cdk.assertions import Match, Template
from stack_templates import Synthesized, arn_of, logical_id_of, only, ref, statements

from contracts.processed_zone import MODEL_PREFIX, QUARANTINE_PREFIX, REPORTS_PREFIX
from contracts.raw_zone import RAW_ROOT


@pytest.fixture(scope="module")
def storage(wired: Synthesized) -> Template:
    return wired.template(wired.pipeline.storage)


def bucket(template: Template, logical_id: str) -> dict:
    return template.find_resources("AWS::S3::Bucket")[logical_id]["Properties"]


def test_three_buckets_exist_raw_processed_and_their_access_logs(storage: Template) -> None:
    # Raw and processed data, plus the target of their server access logs; nothing else stores data.
    storage.resource_count_is("AWS::S3::Bucket", 3)


def test_bucket_names_come_from_the_configuration_and_the_deployment_account(wired: Synthesized) -> None:
    # Given a deployment to account 111122223333 in eu-west-1 (conftest)
    template = wired.template(wired.pipeline.storage)
    for purpose, construct in (
        ("raw", wired.pipeline.storage.raw_bucket),
        ("processed", wired.pipeline.storage.processed_bucket),
        ("logs", wired.pipeline.storage.access_logs_bucket),
    ):
        # Then each bucket is named by the configured pattern with that account and region
        assert bucket(template, logical_id_of(construct))["BucketName"] == (
            f"spotify-pipeline-dev-{purpose}-111122223333-eu-west-1"
        )


def test_every_bucket_blocks_public_access_and_refuses_plain_http(deployment: Synthesized) -> None:
    template = deployment.template(deployment.pipeline.storage)
    for properties in (r["Properties"] for r in template.find_resources("AWS::S3::Bucket").values()):
        assert properties["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        }
        assert properties["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    policies = template.find_resources("AWS::S3::BucketPolicy")
    # One policy per bucket: TLS only, TLS 1.2 at least (and the log delivery grant on the log bucket).
    assert len(policies) == 3
    for policy in policies.values():
        conditions = [s.get("Condition", {}) for s in statements(policy) if s["Effect"] == "Deny"]
        assert {"Bool": {"aws:SecureTransport": "false"}} in conditions
        assert {"NumericLessThan": {"s3:TlsVersion": 1.2}} in conditions
        # Nothing is ever allowed to everyone.
        assert not [s for s in statements(policy) if s["Effect"] == "Allow" and s.get("Principal") == "*"]


def test_data_buckets_are_encrypted_with_the_rotated_customer_key(deployment: Synthesized) -> None:
    storage_stack = deployment.pipeline.storage
    template = deployment.template(storage_stack)
    template.has_resource_properties("AWS::KMS::Key", {"EnableKeyRotation": True})
    for construct in (storage_stack.raw_bucket, storage_stack.processed_bucket):
        assert bucket(template, logical_id_of(construct))["BucketEncryption"] == {
            "ServerSideEncryptionConfiguration": [
                {
                    "BucketKeyEnabled": True,
                    "ServerSideEncryptionByDefault": {
                        "KMSMasterKeyID": arn_of(storage_stack.data_key),
                        "SSEAlgorithm": "aws:kms",
                    },
                }
            ]
        }
    # S3 cannot deliver access logs into a KMS-encrypted bucket: the log bucket uses S3-managed keys.
    logs = bucket(template, logical_id_of(storage_stack.access_logs_bucket))
    assert logs["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "AES256"
    }


def test_raw_bucket_is_versioned_sends_events_to_eventbridge_and_logs_access(wired: Synthesized) -> None:
    storage_stack = wired.pipeline.storage
    template = wired.template(storage_stack)
    raw = bucket(template, logical_id_of(storage_stack.raw_bucket))
    assert raw["VersioningConfiguration"] == {"Status": "Enabled"}
    assert raw["LoggingConfiguration"] == {
        "DestinationBucketName": ref(storage_stack.access_logs_bucket),
        "LogFilePrefix": "raw/",
    }
    template.has_resource_properties(
        "Custom::S3BucketNotifications",
        {"BucketName": ref(storage_stack.raw_bucket), "NotificationConfiguration": {"EventBridgeConfiguration": {}}},
    )


def test_raw_pages_age_to_infrequent_access_then_archive_after_the_configured_days(wired: Synthesized) -> None:
    storage_stack, storage_config = wired.pipeline.storage, wired.config.storage
    raw = bucket(wired.template(storage_stack), logical_id_of(storage_stack.raw_bucket))
    (rule,) = raw["LifecycleConfiguration"]["Rules"]
    assert rule["Transitions"] == [
        {"StorageClass": "STANDARD_IA", "TransitionInDays": storage_config.raw_infrequent_access_after_days},
        {"StorageClass": "GLACIER_IR", "TransitionInDays": storage_config.raw_archive_after_days},
    ]
    assert rule["Status"] == "Enabled"
    assert rule["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 7}


def test_quarantined_rows_expire_after_the_configured_days_and_the_rest_of_processed_stays(
    wired: Synthesized,
) -> None:
    storage_stack = wired.pipeline.storage
    processed = bucket(wired.template(storage_stack), logical_id_of(storage_stack.processed_bucket))
    expiring = [rule for rule in processed["LifecycleConfiguration"]["Rules"] if "ExpirationInDays" in rule]
    assert expiring == [
        {
            "ExpirationInDays": wired.config.storage.quarantine_expire_after_days,
            "Id": "expire-quarantine",
            "Prefix": f"{QUARANTINE_PREFIX}/",
            "Status": "Enabled",
        }
    ]
    assert processed["LoggingConfiguration"]["LogFilePrefix"] == "processed/"
    assert "VersioningConfiguration" not in processed


def test_s3_may_deliver_each_data_buckets_access_logs_under_its_own_prefix(wired: Synthesized) -> None:
    storage_stack = wired.pipeline.storage
    template = wired.template(storage_stack)
    logs_id = logical_id_of(storage_stack.access_logs_bucket)
    (policy,) = [
        p
        for p in template.find_resources("AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": logs_id}
    ]
    deliveries = {
        s["Resource"]["Fn::Join"][1][1]: s["Condition"]["ArnLike"]["aws:SourceArn"]
        for s in statements(policy)
        if s.get("Principal") == {"Service": "logging.s3.amazonaws.com"}
    }
    assert deliveries == {
        "/raw/*": arn_of(storage_stack.raw_bucket),
        "/processed/*": arn_of(storage_stack.processed_bucket),
    }
    # Access logs are kept as long as every other log of the pipeline.
    logs = bucket(template, logs_id)
    assert logs["LifecycleConfiguration"]["Rules"][0]["ExpirationInDays"] == 90


def test_the_data_key_lets_cloudwatch_logs_encrypt_only_glue_log_groups(storage: Template) -> None:
    key = only(storage.find_resources("AWS::KMS::Key"))
    (logs_statement,) = [
        s for s in key["Properties"]["KeyPolicy"]["Statement"] if s.get("Sid") == "AllowCloudWatchLogsForGlueLogGroups"
    ]
    assert logs_statement["Principal"] == {"Service": "logs.eu-west-1.amazonaws.com"}
    assert logs_statement["Condition"] == {
        "ArnLike": {"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:111122223333:log-group:/aws-glue/*"}
    }


def test_each_kind_of_zone_use_has_one_managed_policy(storage: Template) -> None:
    # The extraction (raw read-write), the transform (raw read, processed write) and Snowflake (model read).
    storage.resource_count_is("AWS::IAM::ManagedPolicy", 4)


def test_the_extraction_may_read_and_write_only_the_raw_zone(wired: Synthesized) -> None:
    storage_stack = wired.pipeline.storage
    policy = wired.template(storage_stack).find_resources("AWS::IAM::ManagedPolicy")[
        logical_id_of(storage_stack.raw_zone_read_write)
    ]
    raw_arn = arn_of(storage_stack.raw_bucket)
    assert statements(policy) == [
        {
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Effect": "Allow",
            "Resource": {"Fn::Join": ["", [raw_arn, f"/{RAW_ROOT}/*"]]},
        },
        {"Action": "s3:ListBucket", "Effect": "Allow", "Resource": raw_arn},
        {
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Effect": "Allow",
            "Resource": arn_of(storage_stack.data_key),
        },
    ]


def test_the_transform_may_write_only_the_model_quarantine_and_report_zones(wired: Synthesized) -> None:
    storage_stack = wired.pipeline.storage
    policy = wired.template(storage_stack).find_resources("AWS::IAM::ManagedPolicy")[
        logical_id_of(storage_stack.processed_zones_write)
    ]
    processed_arn = arn_of(storage_stack.processed_bucket)
    (write,) = [s for s in statements(policy) if "s3:PutObject" in s["Action"]]
    assert write["Resource"] == [
        {"Fn::Join": ["", [processed_arn, f"/{prefix}/*"]]}
        for prefix in (MODEL_PREFIX, QUARANTINE_PREFIX, REPORTS_PREFIX)
    ]
    assert sorted(write["Action"]) == ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]


def test_snowflake_may_list_and_read_only_the_model_files(wired: Synthesized) -> None:
    storage_stack = wired.pipeline.storage
    policy = wired.template(storage_stack).find_resources("AWS::IAM::ManagedPolicy")[
        logical_id_of(storage_stack.model_read)
    ]
    processed_arn = arn_of(storage_stack.processed_bucket)
    assert {
        "Action": ["s3:GetObject", "s3:GetObjectVersion"],
        "Effect": "Allow",
        "Resource": {"Fn::Join": ["", [processed_arn, f"/{MODEL_PREFIX}/*"]]},
    } in statements(policy)
    assert {
        "Action": "s3:ListBucket",
        "Condition": {"StringLike": {"s3:prefix": [f"{MODEL_PREFIX}/*"]}},
        "Effect": "Allow",
        "Resource": processed_arn,
    } in statements(policy)
    assert not [s for s in statements(policy) if "s3:PutObject" in s["Action"] or "s3:DeleteObject" in s["Action"]]


def test_outputs_name_the_buckets_for_the_operator(storage: Template) -> None:
    storage.has_output("RawBucketName", {"Value": Match.object_like({"Ref": Match.string_like_regexp("^Raw")})})
    storage.has_output(
        "ProcessedBucketName", {"Value": Match.object_like({"Ref": Match.string_like_regexp("^Processed")})}
    )
