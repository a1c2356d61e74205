"""Secrets the stacks create without a value: the operator sets each one once (README, deploy runbook).

The L2 `Secret` generates a random password when given no value; a random string would only make the
first run fail with a confusing parse error, so the generator is removed and the secret starts empty.
No secret value is ever part of a template.
"""

from __future__ import annotations

from aws_cdk import CfnResource, RemovalPolicy
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from stacks.nag import acknowledge


def empty_secret(scope: Construct, construct_id: str, *, secret_name: str, description: str) -> secretsmanager.Secret:
    secret = secretsmanager.Secret(
        scope,
        construct_id,
        secret_name=secret_name,
        description=description,
        # Credentials outlive a redeploy of the stack; deleting them would force the operator to set them again.
        removal_policy=RemovalPolicy.RETAIN,
    )
    resource = secret.node.default_child
    assert isinstance(resource, CfnResource), "a Secret's default child is its CfnSecret"
    resource.add_property_deletion_override("GenerateSecretString")
    acknowledge(
        secret,
        "AwsSolutions-SMG4",
        "Holds credentials issued by a third party (Spotify, Snowflake); Secrets Manager cannot rotate them. "
        "The Spotify refresh token is rewritten by the extraction whenever Spotify rotates it.",
    )
    return secret
