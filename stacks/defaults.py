"""Choices the configuration leaves to the infrastructure, made once for every stack."""

from __future__ import annotations

from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs

# The Lambda runtime of the extraction and applier functions; their bundles hold cp312 arm64 wheels.
LAMBDA_RUNTIME = lambda_.Runtime.PYTHON_3_12
LAMBDA_ARCHITECTURE = lambda_.Architecture.ARM_64
# The wheels pip fetches for that architecture (Lambda's Amazon Linux is manylinux2014-compatible).
LAMBDA_PLATFORM = "manylinux2014_aarch64"

# Logs (CloudWatch and S3 access logs) are kept long enough to compare a failing run with the weeks before.
LOG_RETENTION = logs.RetentionDays.THREE_MONTHS
LOG_RETENTION_DAYS = 90
