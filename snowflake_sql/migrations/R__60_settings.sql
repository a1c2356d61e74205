-- The settings of objects that hold state, applied again whenever a rendered value changes (config/pipeline.toml
-- or the stack's bucket and ARNs). The versioned scripts create these objects once, with the values of that
-- day; CREATE ... IF NOT EXISTS never changes an existing object, so a later value arrives through here.
-- ALTER keeps each object's identity: an integration keeps its external id (the IAM trust stays valid), a
-- stage its grants and the pipes that read it. (The dynamic tables' TARGET_LAG is in R__40, which is
-- re-created when the lag changes.)

ALTER WAREHOUSE IF EXISTS ${WAREHOUSE} SET WAREHOUSE_SIZE = '${WAREHOUSE_SIZE}';

ALTER STORAGE INTEGRATION IF EXISTS ${STORAGE_INTEGRATION} SET
    STORAGE_AWS_ROLE_ARN = '${STORAGE_ROLE_ARN}'
    STORAGE_ALLOWED_LOCATIONS = ('s3://${PROCESSED_BUCKET}/${MODEL_PREFIX}/');

ALTER STAGE IF EXISTS ${DATABASE}.${LANDING_SCHEMA}.${STAGE} SET URL = 's3://${PROCESSED_BUCKET}/${MODEL_PREFIX}/';

ALTER NOTIFICATION INTEGRATION IF EXISTS ${ERROR_INTEGRATION} SET
    AWS_SNS_TOPIC_ARN = '${ERROR_TOPIC_ARN}'
    AWS_SNS_ROLE_ARN = '${ERROR_ROLE_ARN}';
