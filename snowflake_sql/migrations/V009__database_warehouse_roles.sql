-- The database and its schemas, the warehouse, the applier's history table, and the two pipeline roles.
-- (Released as V001 when the applier ran as ACCOUNTADMIN; re-issued for the deploy role of
-- snowflake_sql/bootstrap.sql. On a warehouse that applied V001-V008, every statement here is a no-op except
-- the managed access, which the deploy role's future grants need.)
--
--   LANDING    rows exactly as Snowpipe loaded them, one table per model table, with file lineage
--   CORE       the final tables: landing rows merged per the model's merge policy (dynamic tables)
--   REPORTING  views for BI; the Power BI model reads only these
--   ADMIN      the applier's migration history
--
-- Roles (least privilege; both sit under SYSADMIN, as Snowflake recommends for custom roles):
--   LOADER_ROLE  operates the load path: monitors and refreshes the pipes, backfills with COPY from the
--                stage, reads landing and core. It cannot read or change anything else.
--   BI_ROLE      reads the reporting views and nothing else (views run with their owner's rights, so BI needs
--                no grant on the core tables behind them).
-- Future grants are declared before the objects exist, so every table and view later scripts create (or
-- re-create) is covered without a grant per object. The schemas use managed access: grants on their objects
-- are decided by the schema owner (the deploy role) only, and the owner may declare future grants without the
-- account-wide MANAGE GRANTS privilege.

CREATE DATABASE IF NOT EXISTS ${DATABASE}
    COMMENT = 'Spotify listening data: landing (Snowpipe), core (merged), reporting (BI views)';

CREATE SCHEMA IF NOT EXISTS ${DATABASE}.${ADMIN_SCHEMA} COMMENT = 'Migration history of the applier';

CREATE TABLE IF NOT EXISTS ${HISTORY_TABLE} (
    VERSION NUMBER(10,0) NOT NULL,
    SCRIPT VARCHAR NOT NULL,
    CHECKSUM VARCHAR NOT NULL,
    APPLIED_AT TIMESTAMP_LTZ NOT NULL
) COMMENT = 'One row per applied migration file; an applied file must never change (checksum)';

CREATE SCHEMA IF NOT EXISTS ${DATABASE}.${LANDING_SCHEMA}
    COMMENT = 'Rows as Snowpipe loaded them, with the file and load time of each row';

CREATE SCHEMA IF NOT EXISTS ${DATABASE}.${CORE_SCHEMA}
    COMMENT = 'Final tables: landing rows merged on natural keys per the model merge policy';

CREATE SCHEMA IF NOT EXISTS ${DATABASE}.${REPORTING_SCHEMA}
    COMMENT = 'Views for BI; the Power BI model reads only these';

-- Auto-suspend after a minute: the pipeline's queries are a few refreshes an hour and a dashboard's reads.
CREATE WAREHOUSE IF NOT EXISTS ${WAREHOUSE}
    WAREHOUSE_SIZE = '${WAREHOUSE_SIZE}'
    AUTO_SUSPEND = 60
    AUTO_RESUME = TRUE
    INITIALLY_SUSPENDED = TRUE
    STATEMENT_TIMEOUT_IN_SECONDS = 3600
    COMMENT = 'Dynamic-table refreshes and BI queries of the Spotify pipeline';

CREATE ROLE IF NOT EXISTS ${LOADER_ROLE} COMMENT = 'Operates the Snowpipe load path; reads landing and core';
CREATE ROLE IF NOT EXISTS ${BI_ROLE} COMMENT = 'Reads the reporting views only';
GRANT ROLE ${LOADER_ROLE} TO ROLE SYSADMIN;
GRANT ROLE ${BI_ROLE} TO ROLE SYSADMIN;

ALTER SCHEMA IF EXISTS ${DATABASE}.${LANDING_SCHEMA} ENABLE MANAGED ACCESS;
ALTER SCHEMA IF EXISTS ${DATABASE}.${CORE_SCHEMA} ENABLE MANAGED ACCESS;
ALTER SCHEMA IF EXISTS ${DATABASE}.${REPORTING_SCHEMA} ENABLE MANAGED ACCESS;
ALTER SCHEMA IF EXISTS ${DATABASE}.${ADMIN_SCHEMA} ENABLE MANAGED ACCESS;

GRANT USAGE ON WAREHOUSE ${WAREHOUSE} TO ROLE ${LOADER_ROLE};
GRANT USAGE ON WAREHOUSE ${WAREHOUSE} TO ROLE ${BI_ROLE};
GRANT USAGE ON DATABASE ${DATABASE} TO ROLE ${LOADER_ROLE};
GRANT USAGE ON DATABASE ${DATABASE} TO ROLE ${BI_ROLE};

GRANT USAGE ON SCHEMA ${DATABASE}.${LANDING_SCHEMA} TO ROLE ${LOADER_ROLE};
GRANT SELECT, INSERT ON FUTURE TABLES IN SCHEMA ${DATABASE}.${LANDING_SCHEMA} TO ROLE ${LOADER_ROLE};
GRANT SELECT ON FUTURE VIEWS IN SCHEMA ${DATABASE}.${LANDING_SCHEMA} TO ROLE ${LOADER_ROLE};
GRANT MONITOR, OPERATE ON FUTURE PIPES IN SCHEMA ${DATABASE}.${LANDING_SCHEMA} TO ROLE ${LOADER_ROLE};
GRANT USAGE ON SCHEMA ${DATABASE}.${CORE_SCHEMA} TO ROLE ${LOADER_ROLE};
GRANT SELECT, MONITOR ON FUTURE DYNAMIC TABLES IN SCHEMA ${DATABASE}.${CORE_SCHEMA} TO ROLE ${LOADER_ROLE};
GRANT SELECT ON FUTURE VIEWS IN SCHEMA ${DATABASE}.${CORE_SCHEMA} TO ROLE ${LOADER_ROLE};

GRANT USAGE ON SCHEMA ${DATABASE}.${REPORTING_SCHEMA} TO ROLE ${BI_ROLE};
GRANT SELECT ON FUTURE VIEWS IN SCHEMA ${DATABASE}.${REPORTING_SCHEMA} TO ROLE ${BI_ROLE};
