-- One landing table per model table (contracts/model.py), loaded by that table's pipe (V004).
--
-- Columns: the model's columns with their Snowflake types (model.SNOWFLAKE_TYPES; a test checks they match
-- the contract), then the load lineage Snowpipe provides: LOADED_FILE (METADATA$FILENAME, the file's path
-- under the stage) and LOADED_AT (METADATA$START_SCAN_TIME). Nothing is NOT NULL here on purpose: a row with
-- a missing key still lands, and V005 reports it in the rejects view instead of losing it with its file.
-- Rows are only ever appended; the merge into the final tables happens in V005. Never CREATE OR REPLACE
-- these tables: that resets the pipes' load history, and the next notification replays files twice.

CREATE TABLE IF NOT EXISTS ${DATABASE}.${LANDING_SCHEMA}.DIM_TRACK (
    track_id     VARCHAR,
    track_name   VARCHAR,
    duration_ms  NUMBER(19,0),
    explicit     BOOLEAN,
    isrc         VARCHAR,
    album_id     VARCHAR,
    disc_number  NUMBER(10,0),
    track_number NUMBER(10,0),
    popularity   NUMBER(10,0),
    run_id       VARCHAR,
    ingest_date  DATE,
    source_file  VARCHAR,
    loaded_file  VARCHAR,
    loaded_at    TIMESTAMP_LTZ
) COMMENT = 'Rows Snowpipe loaded from model/dim_track/, with the file and load time of each';

CREATE TABLE IF NOT EXISTS ${DATABASE}.${LANDING_SCHEMA}.DIM_ALBUM (
    album_id               VARCHAR,
    album_name             VARCHAR,
    album_type             VARCHAR,
    release_date           VARCHAR,
    release_date_precision VARCHAR,
    release_year           NUMBER(10,0),
    total_tracks           NUMBER(10,0),
    label                  VARCHAR,
    image_url              VARCHAR,
    run_id                 VARCHAR,
    ingest_date            DATE,
    source_file            VARCHAR,
    loaded_file            VARCHAR,
    loaded_at              TIMESTAMP_LTZ
) COMMENT = 'Rows Snowpipe loaded from model/dim_album/, with the file and load time of each';

CREATE TABLE IF NOT EXISTS ${DATABASE}.${LANDING_SCHEMA}.DIM_ARTIST (
    artist_id   VARCHAR,
    artist_name VARCHAR,
    genres      ARRAY,
    followers   NUMBER(19,0),
    popularity  NUMBER(10,0),
    image_url   VARCHAR,
    run_id      VARCHAR,
    ingest_date DATE,
    source_file VARCHAR,
    loaded_file VARCHAR,
    loaded_at   TIMESTAMP_LTZ
) COMMENT = 'Rows Snowpipe loaded from model/dim_artist/, with the file and load time of each';

CREATE TABLE IF NOT EXISTS ${DATABASE}.${LANDING_SCHEMA}.BRIDGE_TRACK_ARTIST (
    track_id        VARCHAR,
    artist_id       VARCHAR,
    artist_position NUMBER(10,0),
    run_id          VARCHAR,
    ingest_date     DATE,
    source_file     VARCHAR,
    loaded_file     VARCHAR,
    loaded_at       TIMESTAMP_LTZ
) COMMENT = 'Rows Snowpipe loaded from model/bridge_track_artist/, with the file and load time of each';

CREATE TABLE IF NOT EXISTS ${DATABASE}.${LANDING_SCHEMA}.BRIDGE_ALBUM_ARTIST (
    album_id        VARCHAR,
    artist_id       VARCHAR,
    artist_position NUMBER(10,0),
    run_id          VARCHAR,
    ingest_date     DATE,
    source_file     VARCHAR,
    loaded_file     VARCHAR,
    loaded_at       TIMESTAMP_LTZ
) COMMENT = 'Rows Snowpipe loaded from model/bridge_album_artist/, with the file and load time of each';

CREATE TABLE IF NOT EXISTS ${DATABASE}.${LANDING_SCHEMA}.DIM_PLAYLIST (
    playlist_id      VARCHAR,
    playlist_name    VARCHAR,
    owner_id         VARCHAR,
    owner_name       VARCHAR,
    description      VARCHAR,
    is_public        BOOLEAN,
    is_collaborative BOOLEAN,
    snapshot_id      VARCHAR,
    total_items      NUMBER(10,0),
    run_id           VARCHAR,
    ingest_date      DATE,
    source_file      VARCHAR,
    loaded_file      VARCHAR,
    loaded_at        TIMESTAMP_LTZ
) COMMENT = 'Rows Snowpipe loaded from model/dim_playlist/, with the file and load time of each';

CREATE TABLE IF NOT EXISTS ${DATABASE}.${LANDING_SCHEMA}.FACT_PLAYLIST_ITEM (
    snapshot_date DATE,
    playlist_id   VARCHAR,
    position      NUMBER(10,0),
    item_type     VARCHAR,
    track_id      VARCHAR,
    episode_id    VARCHAR,
    added_at      TIMESTAMP_NTZ,
    added_by      VARCHAR,
    run_id        VARCHAR,
    ingest_date   DATE,
    source_file   VARCHAR,
    loaded_file   VARCHAR,
    loaded_at     TIMESTAMP_LTZ
) COMMENT = 'Rows Snowpipe loaded from model/fact_playlist_item/, with the file and load time of each';

CREATE TABLE IF NOT EXISTS ${DATABASE}.${LANDING_SCHEMA}.FACT_PLAY (
    played_at    TIMESTAMP_NTZ,
    track_id     VARCHAR,
    context_type VARCHAR,
    context_uri  VARCHAR,
    run_id       VARCHAR,
    ingest_date  DATE,
    source_file  VARCHAR,
    loaded_file  VARCHAR,
    loaded_at    TIMESTAMP_LTZ
) COMMENT = 'Rows Snowpipe loaded from model/fact_play/, with the file and load time of each';

CREATE TABLE IF NOT EXISTS ${DATABASE}.${LANDING_SCHEMA}.FACT_TOP_ITEM (
    snapshot_date DATE,
    time_range    VARCHAR,
    item_type     VARCHAR,
    rank          NUMBER(10,0),
    item_id       VARCHAR,
    run_id        VARCHAR,
    ingest_date   DATE,
    source_file   VARCHAR,
    loaded_file   VARCHAR,
    loaded_at     TIMESTAMP_LTZ
) COMMENT = 'Rows Snowpipe loaded from model/fact_top_item/, with the file and load time of each';

CREATE TABLE IF NOT EXISTS ${DATABASE}.${LANDING_SCHEMA}.FACT_SAVED_TRACK (
    track_id    VARCHAR,
    saved_at    TIMESTAMP_NTZ,
    run_id      VARCHAR,
    ingest_date DATE,
    source_file VARCHAR,
    loaded_file VARCHAR,
    loaded_at   TIMESTAMP_LTZ
) COMMENT = 'Rows Snowpipe loaded from model/fact_saved_track/, with the file and load time of each';
