-- How Snowflake reaches the processed bucket, reads its Parquet, and reports load errors. (Released as V002;
-- re-issued after V009. Later values of the ARNs and the bucket reach these objects through R__60_settings.)
--
-- The storage integration names an IAM role that the stack creates with a fixed name (config
-- `storage_role_name`), so this statement needs nothing from AWS that does not exist yet; the role's trust
-- policy then takes STORAGE_AWS_IAM_USER_ARN and STORAGE_AWS_EXTERNAL_ID, which the applier reads back with
-- DESC INTEGRATION. The same holds for the error integration (SF_AWS_IAM_USER_ARN, SF_AWS_EXTERNAL_ID).
-- Never CREATE OR REPLACE an integration: a new integration gets a new external id and the trust breaks.

-- USE_LOGICAL_TYPE: read Parquet's logical types (Spark's TIMESTAMP_MICROS, DATE) as timestamps and dates,
-- not as raw integers.
CREATE FILE FORMAT IF NOT EXISTS ${DATABASE}.${LANDING_SCHEMA}.${FILE_FORMAT}
    TYPE = PARQUET
    USE_LOGICAL_TYPE = TRUE
    BINARY_AS_TEXT = FALSE
    COMMENT = 'Parquet written by the Glue transform';

-- Snowflake may read only the model prefix: not the quarantine, not the run reports.
CREATE STORAGE INTEGRATION IF NOT EXISTS ${STORAGE_INTEGRATION}
    TYPE = EXTERNAL_STAGE
    STORAGE_PROVIDER = 'S3'
    ENABLED = TRUE
    STORAGE_AWS_ROLE_ARN = '${STORAGE_ROLE_ARN}'
    STORAGE_ALLOWED_LOCATIONS = ('s3://${PROCESSED_BUCKET}/${MODEL_PREFIX}/')
    COMMENT = 'Read access to the model prefix of the processed bucket';

CREATE STAGE IF NOT EXISTS ${DATABASE}.${LANDING_SCHEMA}.${STAGE}
    URL = 's3://${PROCESSED_BUCKET}/${MODEL_PREFIX}/'
    STORAGE_INTEGRATION = ${STORAGE_INTEGRATION}
    FILE_FORMAT = (FORMAT_NAME = '${DATABASE}.${LANDING_SCHEMA}.${FILE_FORMAT}')
    COMMENT = 'The processed bucket''s model prefix: one folder per model table';

-- Every pipe sends the files it could not load (ON_ERROR = SKIP_FILE, see R__20) to this SNS topic.
CREATE NOTIFICATION INTEGRATION IF NOT EXISTS ${ERROR_INTEGRATION}
    ENABLED = TRUE
    TYPE = QUEUE
    DIRECTION = OUTBOUND
    NOTIFICATION_PROVIDER = AWS_SNS
    AWS_SNS_TOPIC_ARN = '${ERROR_TOPIC_ARN}'
    AWS_SNS_ROLE_ARN = '${ERROR_ROLE_ARN}'
    COMMENT = 'Snowpipe load errors to the pipeline''s SNS topic';

GRANT USAGE ON FILE FORMAT ${DATABASE}.${LANDING_SCHEMA}.${FILE_FORMAT} TO ROLE ${LOADER_ROLE};
GRANT USAGE ON STAGE ${DATABASE}.${LANDING_SCHEMA}.${STAGE} TO ROLE ${LOADER_ROLE};
