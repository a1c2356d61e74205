"""The alerts stack: the encrypted topic every failure is published to, and who may publish to it."""

from __future__ import annotations

from aws_cdk.assertions import Match
from stack_templates import ALARM_EMAIL, Synthesized, arn_of, only, ref, statements


def test_the_alert_topic_is_encrypted_with_its_own_rotated_key(deployment: Synthesized) -> None:
    alerts = deployment.pipeline.alerts
    template = deployment.template(alerts)
    template.has_resource_properties("AWS::KMS::Key", {"EnableKeyRotation": True})
    template.has_resource_properties(
        "AWS::SNS::Topic",
        {"TopicName": f"spotify-pipeline-{deployment.config.env}-alerts", "KmsMasterKeyId": arn_of(alerts.alerts_key)},
    )


def test_alarms_and_rules_may_publish_encrypted_messages(deployment: Synthesized) -> None:
    template = deployment.template(deployment.pipeline.alerts)
    key_policy = only(template.find_resources("AWS::KMS::Key"))["Properties"]["KeyPolicy"]
    (publishers,) = [s for s in key_policy["Statement"] if s.get("Sid") == "AllowAlarmsAndRulesToPublishEncrypted"]
    assert publishers["Principal"] == {"Service": ["cloudwatch.amazonaws.com", "events.amazonaws.com"]}
    assert publishers["Action"] == ["kms:Decrypt", "kms:GenerateDataKey*"]


def test_the_topic_refuses_plain_http_and_admits_only_this_accounts_alarms_and_rules(
    deployment: Synthesized,
) -> None:
    alerts = deployment.pipeline.alerts
    policy = only(deployment.template(alerts).find_resources("AWS::SNS::TopicPolicy"))
    topic = ref(alerts.alert_topic)
    assert {
        "Action": "sns:Publish",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        "Effect": "Deny",
        "Principal": "*",
        "Resource": topic,
        "Sid": "AllowPublishThroughSSLOnly",
    } in statements(policy)
    allowed = {s["Principal"]["Service"]: s for s in statements(policy) if s["Effect"] == "Allow"}
    assert sorted(allowed) == ["cloudwatch.amazonaws.com", "events.amazonaws.com"]
    assert "aws:SourceAccount" in allowed["cloudwatch.amazonaws.com"]["Condition"]["StringEquals"]
    assert all(s["Resource"] == topic for s in allowed.values())


def test_the_configured_alarm_email_is_subscribed(wired: Synthesized) -> None:
    template = wired.template(wired.pipeline.alerts)
    template.has_resource_properties(
        "AWS::SNS::Subscription",
        {"Protocol": "email", "Endpoint": ALARM_EMAIL, "TopicArn": ref(wired.pipeline.alerts.alert_topic)},
    )


def test_without_an_alarm_email_nobody_is_subscribed(aws_only: Synthesized) -> None:
    # prod's configuration leaves [monitoring] alarm_email empty: the operator subscribes by hand.
    aws_only.template(aws_only.pipeline.alerts).resource_count_is("AWS::SNS::Subscription", 0)


def test_the_topic_arn_is_an_output(deployment: Synthesized) -> None:
    deployment.template(deployment.pipeline.alerts).has_output(
        "AlertTopicArn", {"Value": Match.object_like(ref(deployment.pipeline.alerts.alert_topic))}
    )
