"""Alerts: the one topic where every part of the pipeline tells the operator that something failed.

Created before the stages because they publish to it (the transform's state machine on a failed run);
alarms and the dashboard come last, in the monitoring stack. The topic is encrypted with its own key, which
CloudWatch alarms and EventBridge rules may use to publish (they cannot use the AWS-managed SNS key).
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from config import PipelineConfig
from stacks.names import resource_name

# Services that publish alerts to the encrypted topics as themselves (not through a role of this account).
PUBLISHING_SERVICES = ("cloudwatch.amazonaws.com", "events.amazonaws.com")


class AlertsStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, config: PipelineConfig, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.alerts_key = kms.Key(
            self,
            "AlertsKey",
            alias=f"alias/{resource_name(config, 'alerts')}",
            description="Encrypts the pipeline's alert and Snowpipe error topics",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.alerts_key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowAlarmsAndRulesToPublishEncrypted",
                principals=[iam.ServicePrincipal(service) for service in PUBLISHING_SERVICES],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                # In a key policy, "*" means this key.
                resources=["*"],
            )
        )
        self.alert_topic = sns.Topic(
            self,
            "AlertTopic",
            topic_name=resource_name(config, "alerts"),
            display_name="Spotify pipeline alerts",
            master_key=self.alerts_key,
            enforce_ssl=True,
        )
        # The topic policy replaces SNS's default one, so CloudWatch alarms of this account are allowed explicitly.
        self.alert_topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowAlarmsOfThisAccount",
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["sns:Publish"],
                resources=[self.alert_topic.topic_arn],
                conditions={
                    "ArnLike": {"aws:SourceArn": self.format_arn(service="cloudwatch", resource="alarm:*")},
                    "StringEquals": {"aws:SourceAccount": self.account},
                },
            )
        )
        if config.monitoring.alarm_email:
            self.alert_topic.add_subscription(subscriptions.EmailSubscription(config.monitoring.alarm_email))

        CfnOutput(
            self,
            "AlertTopicArn",
            value=self.alert_topic.topic_arn,
            description="Subscribe to receive the alerts ([monitoring] alarm_email subscribes at deploy)",
        )
