-- The merge from landing into the final (core) tables, and the report of landing rows that break a rule.
--
-- 1. <TABLE>_CHECKED views (landing): every landing row with REJECT_RULE, the first rule it breaks (a column
--    the model declares non-nullable is null), or null. One definition of the rules per table.
-- 2. Dynamic tables (core), one per model table, with exactly the model's columns: the rows that break no
--    rule, folded per the table's merge policy (contracts/model.py):
--      UPSERT            one row per natural key: the row of the latest run (ingest_date, then run_id,
--                        which sorts by the run's start time; then the latest load)
--      REPLACE_SNAPSHOT  per snapshot group, only the rows of the latest run of that group, one per key;
--                        a later run of the same day replaces the group entirely (items it no longer has
--                        disappear)
--      INSERT_NEW        one row per key, as the earliest run had it; later copies of the event change
--                        nothing
--    Landing keeps every loaded row, so a Glue re-run (new files, same rows) adds landing rows but never a
--    final row; a file delivered twice is not even loaded twice (Snowpipe's load history). Which row wins
--    depends on the runs, not on the order files arrived in; only copies from the same run tie, and they
--    hold the same values.
--    Snowflake refreshes them within TARGET_LAG (config merge_task_schedule_minutes); locally the runtime
--    runs each body after its loads.
-- 3. The rejects view (REJECTS_VIEW, core): every landing row that broke a rule, with the rule, its key and
--    its lineage. Nothing is dropped silently.

CREATE OR REPLACE VIEW ${DATABASE}.${LANDING_SCHEMA}.DIM_TRACK_CHECKED
    COMMENT = 'Landing DIM_TRACK with REJECT_RULE: the first rule a row breaks, null when it breaks none'
AS SELECT
        *,
        CASE
            WHEN track_id IS NULL THEN 'track_id is null'
            WHEN run_id IS NULL THEN 'run_id is null'
            WHEN ingest_date IS NULL THEN 'ingest_date is null'
            WHEN source_file IS NULL THEN 'source_file is null'
        END AS reject_rule
    FROM ${DATABASE}.${LANDING_SCHEMA}.DIM_TRACK;

CREATE OR REPLACE VIEW ${DATABASE}.${LANDING_SCHEMA}.DIM_ALBUM_CHECKED
    COMMENT = 'Landing DIM_ALBUM with REJECT_RULE: the first rule a row breaks, null when it breaks none'
AS SELECT
        *,
        CASE
            WHEN album_id IS NULL THEN 'album_id is null'
            WHEN run_id IS NULL THEN 'run_id is null'
            WHEN ingest_date IS NULL THEN 'ingest_date is null'
            WHEN source_file IS NULL THEN 'source_file is null'
        END AS reject_rule
    FROM ${DATABASE}.${LANDING_SCHEMA}.DIM_ALBUM;

CREATE OR REPLACE VIEW ${DATABASE}.${LANDING_SCHEMA}.DIM_ARTIST_CHECKED
    COMMENT = 'Landing DIM_ARTIST with REJECT_RULE: the first rule a row breaks, null when it breaks none'
AS SELECT
        *,
        CASE
            WHEN artist_id IS NULL THEN 'artist_id is null'
            WHEN run_id IS NULL THEN 'run_id is null'
            WHEN ingest_date IS NULL THEN 'ingest_date is null'
            WHEN source_file IS NULL THEN 'source_file is null'
        END AS reject_rule
    FROM ${DATABASE}.${LANDING_SCHEMA}.DIM_ARTIST;

CREATE OR REPLACE VIEW ${DATABASE}.${LANDING_SCHEMA}.BRIDGE_TRACK_ARTIST_CHECKED
    COMMENT = 'Landing BRIDGE_TRACK_ARTIST with REJECT_RULE: the first rule a row breaks, null when it breaks none'
AS SELECT
        *,
        CASE
            WHEN track_id IS NULL THEN 'track_id is null'
            WHEN artist_id IS NULL THEN 'artist_id is null'
            WHEN artist_position IS NULL THEN 'artist_position is null'
            WHEN run_id IS NULL THEN 'run_id is null'
            WHEN ingest_date IS NULL THEN 'ingest_date is null'
            WHEN source_file IS NULL THEN 'source_file is null'
        END AS reject_rule
    FROM ${DATABASE}.${LANDING_SCHEMA}.BRIDGE_TRACK_ARTIST;

CREATE OR REPLACE VIEW ${DATABASE}.${LANDING_SCHEMA}.BRIDGE_ALBUM_ARTIST_CHECKED
    COMMENT = 'Landing BRIDGE_ALBUM_ARTIST with REJECT_RULE: the first rule a row breaks, null when it breaks none'
AS SELECT
        *,
        CASE
            WHEN album_id IS NULL THEN 'album_id is null'
            WHEN artist_id IS NULL THEN 'artist_id is null'
            WHEN artist_position IS NULL THEN 'artist_position is null'
            WHEN run_id IS NULL THEN 'run_id is null'
            WHEN ingest_date IS NULL THEN 'ingest_date is null'
            WHEN source_file IS NULL THEN 'source_file is null'
        END AS reject_rule
    FROM ${DATABASE}.${LANDING_SCHEMA}.BRIDGE_ALBUM_ARTIST;

CREATE OR REPLACE VIEW ${DATABASE}.${LANDING_SCHEMA}.DIM_PLAYLIST_CHECKED
    COMMENT = 'Landing DIM_PLAYLIST with REJECT_RULE: the first rule a row breaks, null when it breaks none'
AS SELECT
        *,
        CASE
            WHEN playlist_id IS NULL THEN 'playlist_id is null'
            WHEN run_id IS NULL THEN 'run_id is null'
            WHEN ingest_date IS NULL THEN 'ingest_date is null'
            WHEN source_file IS NULL THEN 'source_file is null'
        END AS reject_rule
    FROM ${DATABASE}.${LANDING_SCHEMA}.DIM_PLAYLIST;

CREATE OR REPLACE VIEW ${DATABASE}.${LANDING_SCHEMA}.FACT_PLAYLIST_ITEM_CHECKED
    COMMENT = 'Landing FACT_PLAYLIST_ITEM with REJECT_RULE: the first rule a row breaks, null when it breaks none'
AS SELECT
        *,
        CASE
            WHEN snapshot_date IS NULL THEN 'snapshot_date is null'
            WHEN playlist_id IS NULL THEN 'playlist_id is null'
            WHEN position IS NULL THEN 'position is null'
            WHEN item_type IS NULL THEN 'item_type is null'
            WHEN run_id IS NULL THEN 'run_id is null'
            WHEN ingest_date IS NULL THEN 'ingest_date is null'
            WHEN source_file IS NULL THEN 'source_file is null'
        END AS reject_rule
    FROM ${DATABASE}.${LANDING_SCHEMA}.FACT_PLAYLIST_ITEM;

CREATE OR REPLACE VIEW ${DATABASE}.${LANDING_SCHEMA}.FACT_PLAY_CHECKED
    COMMENT = 'Landing FACT_PLAY with REJECT_RULE: the first rule a row breaks, null when it breaks none'
AS SELECT
        *,
        CASE
            WHEN played_at IS NULL THEN 'played_at is null'
            WHEN track_id IS NULL THEN 'track_id is null'
            WHEN run_id IS NULL THEN 'run_id is null'
            WHEN ingest_date IS NULL THEN 'ingest_date is null'
            WHEN source_file IS NULL THEN 'source_file is null'
        END AS reject_rule
    FROM ${DATABASE}.${LANDING_SCHEMA}.FACT_PLAY;

CREATE OR REPLACE VIEW ${DATABASE}.${LANDING_SCHEMA}.FACT_TOP_ITEM_CHECKED
    COMMENT = 'Landing FACT_TOP_ITEM with REJECT_RULE: the first rule a row breaks, null when it breaks none'
AS SELECT
        *,
        CASE
            WHEN snapshot_date IS NULL THEN 'snapshot_date is null'
            WHEN time_range IS NULL THEN 'time_range is null'
            WHEN item_type IS NULL THEN 'item_type is null'
            WHEN rank IS NULL THEN 'rank is null'
            WHEN item_id IS NULL THEN 'item_id is null'
            WHEN run_id IS NULL THEN 'run_id is null'
            WHEN ingest_date IS NULL THEN 'ingest_date is null'
            WHEN source_file IS NULL THEN 'source_file is null'
        END AS reject_rule
    FROM ${DATABASE}.${LANDING_SCHEMA}.FACT_TOP_ITEM;

CREATE OR REPLACE VIEW ${DATABASE}.${LANDING_SCHEMA}.FACT_SAVED_TRACK_CHECKED
    COMMENT = 'Landing FACT_SAVED_TRACK with REJECT_RULE: the first rule a row breaks, null when it breaks none'
AS SELECT
        *,
        CASE
            WHEN track_id IS NULL THEN 'track_id is null'
            WHEN saved_at IS NULL THEN 'saved_at is null'
            WHEN run_id IS NULL THEN 'run_id is null'
            WHEN ingest_date IS NULL THEN 'ingest_date is null'
            WHEN source_file IS NULL THEN 'source_file is null'
        END AS reject_rule
    FROM ${DATABASE}.${LANDING_SCHEMA}.FACT_SAVED_TRACK;

CREATE DYNAMIC TABLE IF NOT EXISTS ${DATABASE}.${CORE_SCHEMA}.DIM_TRACK (
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
    source_file  VARCHAR
)
    TARGET_LAG = '${TARGET_LAG}'
    WAREHOUSE = ${WAREHOUSE}
    REFRESH_MODE = AUTO
    COMMENT = 'UPSERT on (track_id): one row per key, from the latest run'
AS SELECT
        track_id,
        track_name,
        duration_ms,
        explicit,
        isrc,
        album_id,
        disc_number,
        track_number,
        popularity,
        run_id,
        ingest_date,
        source_file
    FROM ${DATABASE}.${LANDING_SCHEMA}.DIM_TRACK_CHECKED
    WHERE reject_rule IS NULL
    QUALIFY ROW_NUMBER() OVER (
        PARTITION BY track_id
        ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
    ) = 1;

CREATE DYNAMIC TABLE IF NOT EXISTS ${DATABASE}.${CORE_SCHEMA}.DIM_ALBUM (
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
    source_file            VARCHAR
)
    TARGET_LAG = '${TARGET_LAG}'
    WAREHOUSE = ${WAREHOUSE}
    REFRESH_MODE = AUTO
    COMMENT = 'UPSERT on (album_id): one row per key, from the latest run'
AS SELECT
        album_id,
        album_name,
        album_type,
        release_date,
        release_date_precision,
        release_year,
        total_tracks,
        label,
        image_url,
        run_id,
        ingest_date,
        source_file
    FROM ${DATABASE}.${LANDING_SCHEMA}.DIM_ALBUM_CHECKED
    WHERE reject_rule IS NULL
    QUALIFY ROW_NUMBER() OVER (
        PARTITION BY album_id
        ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
    ) = 1;

CREATE DYNAMIC TABLE IF NOT EXISTS ${DATABASE}.${CORE_SCHEMA}.DIM_ARTIST (
    artist_id   VARCHAR,
    artist_name VARCHAR,
    genres      ARRAY,
    followers   NUMBER(19,0),
    popularity  NUMBER(10,0),
    image_url   VARCHAR,
    run_id      VARCHAR,
    ingest_date DATE,
    source_file VARCHAR
)
    TARGET_LAG = '${TARGET_LAG}'
    WAREHOUSE = ${WAREHOUSE}
    REFRESH_MODE = AUTO
    COMMENT = 'UPSERT on (artist_id): one row per key, from the latest run'
AS SELECT
        artist_id,
        artist_name,
        genres,
        followers,
        popularity,
        image_url,
        run_id,
        ingest_date,
        source_file
    FROM ${DATABASE}.${LANDING_SCHEMA}.DIM_ARTIST_CHECKED
    WHERE reject_rule IS NULL
    QUALIFY ROW_NUMBER() OVER (
        PARTITION BY artist_id
        ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
    ) = 1;

CREATE DYNAMIC TABLE IF NOT EXISTS ${DATABASE}.${CORE_SCHEMA}.BRIDGE_TRACK_ARTIST (
    track_id        VARCHAR,
    artist_id       VARCHAR,
    artist_position NUMBER(10,0),
    run_id          VARCHAR,
    ingest_date     DATE,
    source_file     VARCHAR
)
    TARGET_LAG = '${TARGET_LAG}'
    WAREHOUSE = ${WAREHOUSE}
    REFRESH_MODE = AUTO
    COMMENT = 'UPSERT on (track_id, artist_id): one row per key, from the latest run'
AS SELECT
        track_id,
        artist_id,
        artist_position,
        run_id,
        ingest_date,
        source_file
    FROM ${DATABASE}.${LANDING_SCHEMA}.BRIDGE_TRACK_ARTIST_CHECKED
    WHERE reject_rule IS NULL
    QUALIFY ROW_NUMBER() OVER (
        PARTITION BY track_id, artist_id
        ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
    ) = 1;

CREATE DYNAMIC TABLE IF NOT EXISTS ${DATABASE}.${CORE_SCHEMA}.BRIDGE_ALBUM_ARTIST (
    album_id        VARCHAR,
    artist_id       VARCHAR,
    artist_position NUMBER(10,0),
    run_id          VARCHAR,
    ingest_date     DATE,
    source_file     VARCHAR
)
    TARGET_LAG = '${TARGET_LAG}'
    WAREHOUSE = ${WAREHOUSE}
    REFRESH_MODE = AUTO
    COMMENT = 'UPSERT on (album_id, artist_id): one row per key, from the latest run'
AS SELECT
        album_id,
        artist_id,
        artist_position,
        run_id,
        ingest_date,
        source_file
    FROM ${DATABASE}.${LANDING_SCHEMA}.BRIDGE_ALBUM_ARTIST_CHECKED
    WHERE reject_rule IS NULL
    QUALIFY ROW_NUMBER() OVER (
        PARTITION BY album_id, artist_id
        ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
    ) = 1;

CREATE DYNAMIC TABLE IF NOT EXISTS ${DATABASE}.${CORE_SCHEMA}.DIM_PLAYLIST (
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
    source_file      VARCHAR
)
    TARGET_LAG = '${TARGET_LAG}'
    WAREHOUSE = ${WAREHOUSE}
    REFRESH_MODE = AUTO
    COMMENT = 'UPSERT on (playlist_id): one row per key, from the latest run'
AS SELECT
        playlist_id,
        playlist_name,
        owner_id,
        owner_name,
        description,
        is_public,
        is_collaborative,
        snapshot_id,
        total_items,
        run_id,
        ingest_date,
        source_file
    FROM ${DATABASE}.${LANDING_SCHEMA}.DIM_PLAYLIST_CHECKED
    WHERE reject_rule IS NULL
    QUALIFY ROW_NUMBER() OVER (
        PARTITION BY playlist_id
        ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
    ) = 1;

CREATE DYNAMIC TABLE IF NOT EXISTS ${DATABASE}.${CORE_SCHEMA}.FACT_PLAYLIST_ITEM (
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
    source_file   VARCHAR
)
    TARGET_LAG = '${TARGET_LAG}'
    WAREHOUSE = ${WAREHOUSE}
    REFRESH_MODE = AUTO
    COMMENT = 'REPLACE_SNAPSHOT per (snapshot_date, playlist_id): rows of the latest run replace the group'
AS SELECT
        snapshot_date,
        playlist_id,
        position,
        item_type,
        track_id,
        episode_id,
        added_at,
        added_by,
        run_id,
        ingest_date,
        source_file
    FROM ${DATABASE}.${LANDING_SCHEMA}.FACT_PLAYLIST_ITEM_CHECKED
    WHERE reject_rule IS NULL
    QUALIFY DENSE_RANK() OVER (PARTITION BY snapshot_date, playlist_id ORDER BY ingest_date DESC, run_id DESC) = 1
        AND ROW_NUMBER() OVER (
            PARTITION BY snapshot_date, playlist_id, position
            ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) = 1;

CREATE DYNAMIC TABLE IF NOT EXISTS ${DATABASE}.${CORE_SCHEMA}.FACT_PLAY (
    played_at    TIMESTAMP_NTZ,
    track_id     VARCHAR,
    context_type VARCHAR,
    context_uri  VARCHAR,
    run_id       VARCHAR,
    ingest_date  DATE,
    source_file  VARCHAR
)
    TARGET_LAG = '${TARGET_LAG}'
    WAREHOUSE = ${WAREHOUSE}
    REFRESH_MODE = AUTO
    COMMENT = 'INSERT_NEW on (played_at, track_id): each event once, as the earliest run had it'
AS SELECT
        played_at,
        track_id,
        context_type,
        context_uri,
        run_id,
        ingest_date,
        source_file
    FROM ${DATABASE}.${LANDING_SCHEMA}.FACT_PLAY_CHECKED
    WHERE reject_rule IS NULL
    QUALIFY ROW_NUMBER() OVER (
        PARTITION BY played_at, track_id
        ORDER BY ingest_date, run_id, loaded_at, loaded_file
    ) = 1;

CREATE DYNAMIC TABLE IF NOT EXISTS ${DATABASE}.${CORE_SCHEMA}.FACT_TOP_ITEM (
    snapshot_date DATE,
    time_range    VARCHAR,
    item_type     VARCHAR,
    rank          NUMBER(10,0),
    item_id       VARCHAR,
    run_id        VARCHAR,
    ingest_date   DATE,
    source_file   VARCHAR
)
    TARGET_LAG = '${TARGET_LAG}'
    WAREHOUSE = ${WAREHOUSE}
    REFRESH_MODE = AUTO
    COMMENT = 'REPLACE_SNAPSHOT per (snapshot_date, time_range, item_type): rows of the latest run replace the group'
AS SELECT
        snapshot_date,
        time_range,
        item_type,
        rank,
        item_id,
        run_id,
        ingest_date,
        source_file
    FROM ${DATABASE}.${LANDING_SCHEMA}.FACT_TOP_ITEM_CHECKED
    WHERE reject_rule IS NULL
    QUALIFY DENSE_RANK() OVER (
            PARTITION BY snapshot_date, time_range, item_type ORDER BY ingest_date DESC, run_id DESC
        ) = 1
        AND ROW_NUMBER() OVER (
            PARTITION BY snapshot_date, time_range, item_type, rank
            ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) = 1;

CREATE DYNAMIC TABLE IF NOT EXISTS ${DATABASE}.${CORE_SCHEMA}.FACT_SAVED_TRACK (
    track_id    VARCHAR,
    saved_at    TIMESTAMP_NTZ,
    run_id      VARCHAR,
    ingest_date DATE,
    source_file VARCHAR
)
    TARGET_LAG = '${TARGET_LAG}'
    WAREHOUSE = ${WAREHOUSE}
    REFRESH_MODE = AUTO
    COMMENT = 'UPSERT on (track_id, saved_at): one row per key, from the latest run'
AS SELECT
        track_id,
        saved_at,
        run_id,
        ingest_date,
        source_file
    FROM ${DATABASE}.${LANDING_SCHEMA}.FACT_SAVED_TRACK_CHECKED
    WHERE reject_rule IS NULL
    QUALIFY ROW_NUMBER() OVER (
        PARTITION BY track_id, saved_at
        ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
    ) = 1;

CREATE OR REPLACE VIEW ${REJECTS_VIEW}
    COMMENT = 'Landing rows that broke a rule, with the rule: reported here instead of merged'
AS
    SELECT
        'dim_track' AS table_name,
        reject_rule AS rule,
        TO_JSON(OBJECT_CONSTRUCT_KEEP_NULL('track_id', track_id)) AS record_key,
        run_id, ingest_date, source_file, loaded_file, loaded_at
    FROM ${DATABASE}.${LANDING_SCHEMA}.DIM_TRACK_CHECKED WHERE reject_rule IS NOT NULL
    UNION ALL
    SELECT
        'dim_album' AS table_name,
        reject_rule AS rule,
        TO_JSON(OBJECT_CONSTRUCT_KEEP_NULL('album_id', album_id)) AS record_key,
        run_id, ingest_date, source_file, loaded_file, loaded_at
    FROM ${DATABASE}.${LANDING_SCHEMA}.DIM_ALBUM_CHECKED WHERE reject_rule IS NOT NULL
    UNION ALL
    SELECT
        'dim_artist' AS table_name,
        reject_rule AS rule,
        TO_JSON(OBJECT_CONSTRUCT_KEEP_NULL('artist_id', artist_id)) AS record_key,
        run_id, ingest_date, source_file, loaded_file, loaded_at
    FROM ${DATABASE}.${LANDING_SCHEMA}.DIM_ARTIST_CHECKED WHERE reject_rule IS NOT NULL
    UNION ALL
    SELECT
        'bridge_track_artist' AS table_name,
        reject_rule AS rule,
        TO_JSON(OBJECT_CONSTRUCT_KEEP_NULL('track_id', track_id, 'artist_id', artist_id)) AS record_key,
        run_id, ingest_date, source_file, loaded_file, loaded_at
    FROM ${DATABASE}.${LANDING_SCHEMA}.BRIDGE_TRACK_ARTIST_CHECKED WHERE reject_rule IS NOT NULL
    UNION ALL
    SELECT
        'bridge_album_artist' AS table_name,
        reject_rule AS rule,
        TO_JSON(OBJECT_CONSTRUCT_KEEP_NULL('album_id', album_id, 'artist_id', artist_id)) AS record_key,
        run_id, ingest_date, source_file, loaded_file, loaded_at
    FROM ${DATABASE}.${LANDING_SCHEMA}.BRIDGE_ALBUM_ARTIST_CHECKED WHERE reject_rule IS NOT NULL
    UNION ALL
    SELECT
        'dim_playlist' AS table_name,
        reject_rule AS rule,
        TO_JSON(OBJECT_CONSTRUCT_KEEP_NULL('playlist_id', playlist_id)) AS record_key,
        run_id, ingest_date, source_file, loaded_file, loaded_at
    FROM ${DATABASE}.${LANDING_SCHEMA}.DIM_PLAYLIST_CHECKED WHERE reject_rule IS NOT NULL
    UNION ALL
    SELECT
        'fact_playlist_item' AS table_name,
        reject_rule AS rule,
        TO_JSON(OBJECT_CONSTRUCT_KEEP_NULL(
            'snapshot_date', snapshot_date, 'playlist_id', playlist_id, 'position', position
        )) AS record_key,
        run_id, ingest_date, source_file, loaded_file, loaded_at
    FROM ${DATABASE}.${LANDING_SCHEMA}.FACT_PLAYLIST_ITEM_CHECKED WHERE reject_rule IS NOT NULL
    UNION ALL
    SELECT
        'fact_play' AS table_name,
        reject_rule AS rule,
        TO_JSON(OBJECT_CONSTRUCT_KEEP_NULL('played_at', played_at, 'track_id', track_id)) AS record_key,
        run_id, ingest_date, source_file, loaded_file, loaded_at
    FROM ${DATABASE}.${LANDING_SCHEMA}.FACT_PLAY_CHECKED WHERE reject_rule IS NOT NULL
    UNION ALL
    SELECT
        'fact_top_item' AS table_name,
        reject_rule AS rule,
        TO_JSON(OBJECT_CONSTRUCT_KEEP_NULL(
            'snapshot_date', snapshot_date, 'time_range', time_range, 'item_type', item_type, 'rank', rank
        )) AS record_key,
        run_id, ingest_date, source_file, loaded_file, loaded_at
    FROM ${DATABASE}.${LANDING_SCHEMA}.FACT_TOP_ITEM_CHECKED WHERE reject_rule IS NOT NULL
    UNION ALL
    SELECT
        'fact_saved_track' AS table_name,
        reject_rule AS rule,
        TO_JSON(OBJECT_CONSTRUCT_KEEP_NULL('track_id', track_id, 'saved_at', saved_at)) AS record_key,
        run_id, ingest_date, source_file, loaded_file, loaded_at
    FROM ${DATABASE}.${LANDING_SCHEMA}.FACT_SAVED_TRACK_CHECKED WHERE reject_rule IS NOT NULL;
