-- The history of the repeatable scripts (R__*.sql): one row per application, with the checksum of the script's
-- rendered text (variables filled in). The applier re-applies a script whose rendered text differs from the
-- latest row's, so a changed model column or setting reaches Snowflake without a new versioned file.
--
-- V001-V008 of earlier releases created the same state (V009, V010) and the landing tables, pipes, merges and
-- views the R__ scripts now define; a warehouse that applied them keeps their rows in the migration history
-- (applier.migrations RETIRED_VERSIONS), and the R__ scripts, applied after this file, bring its objects to
-- their current definition.

CREATE TABLE IF NOT EXISTS ${REPEATABLE_HISTORY_TABLE} (
    SCRIPT VARCHAR NOT NULL,
    CHECKSUM VARCHAR NOT NULL,
    APPLIED_AT TIMESTAMP_LTZ NOT NULL
) COMMENT = 'One row per application of a repeatable script, with the checksum of its rendered text';
