-- One-time set-up by an administrator, before the first deploy: the role the applier deploys as, and the service
-- user it connects as (key-pair authentication; a service user has no password and cannot log in to Snowsight).
-- Print it rendered with `python -m applier.bootstrap --env <env> --public-key-file rsa_key.pub`, review it,
-- and run it in a worksheet as ACCOUNTADMIN (the grants ON ACCOUNT need it; nothing later does).
--
-- What the deploy role may do, and why; nothing else (no MANAGE GRANTS, no users, no account parameters):
--   CREATE DATABASE ON ACCOUNT     V009 creates the database; the role then owns it, its schemas (managed
--                                  access: only the owner grants on their objects) and every object in them
--   CREATE WAREHOUSE ON ACCOUNT    V009 creates the pipeline's warehouse; R__60 resizes it as its owner
--   CREATE ROLE ON ACCOUNT         V009 creates the loader and BI roles; as their owner it grants them
--   CREATE INTEGRATION ON ACCOUNT  V010 creates the storage and notification integrations; R__60 alters them
-- The role sits under SYSADMIN, as Snowflake recommends for custom roles, so administrators see what it owns.

CREATE ROLE IF NOT EXISTS ${DEPLOY_ROLE} COMMENT = 'Deploys the Spotify pipeline warehouse (snowflake_sql applier)';
GRANT ROLE ${DEPLOY_ROLE} TO ROLE SYSADMIN;
GRANT CREATE DATABASE ON ACCOUNT TO ROLE ${DEPLOY_ROLE};
GRANT CREATE WAREHOUSE ON ACCOUNT TO ROLE ${DEPLOY_ROLE};
GRANT CREATE ROLE ON ACCOUNT TO ROLE ${DEPLOY_ROLE};
GRANT CREATE INTEGRATION ON ACCOUNT TO ROLE ${DEPLOY_ROLE};

CREATE USER IF NOT EXISTS ${DEPLOY_USER}
    TYPE = SERVICE
    RSA_PUBLIC_KEY = '${DEPLOY_PUBLIC_KEY}'
    DEFAULT_ROLE = ${DEPLOY_ROLE}
    COMMENT = 'The Spotify pipeline applier (CloudFormation custom resource); key-pair authentication only';
GRANT ROLE ${DEPLOY_ROLE} TO USER ${DEPLOY_USER};
