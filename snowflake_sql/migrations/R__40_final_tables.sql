-- Generated from contracts/model.py by `make warehouse-sql` (snowflake_sql/model_sql); do not edit.
-- The final tables (core): one dynamic table per model table with exactly the model's columns, the
-- landing rows that break no rule folded per the table's merge policy (contracts/model.py):
--   UPSERT            one row per key; each column keeps the latest run's non-null value
--   REPLACE_SNAPSHOT  per snapshot group, the rows of the latest run that read the group, one per key
--   INSERT_NEW        one row per key, as the earliest run had it
--   MATCH_PLAYS       one row per play: an export play and an API play of the same track close in time
--                     are one row (contracts.model.PLAY_MATCH_TOLERANCE_MS)
-- Landing keeps every loaded row, so a file loaded twice or a Glue re-run never adds a final row.
-- REFRESH_MODE = FULL: each merge is a window over every landing row of a key, small enough to recompute,
-- and a refresh with no upstream change is skipped. Snowflake refreshes within TARGET_LAG; locally the
-- runtime runs each body after its loads. Then the rejects view: every landing row that broke a rule, and
-- the loads view: every file each pipe loaded.

CREATE OR REPLACE DYNAMIC TABLE ${DATABASE}.${CORE_SCHEMA}.DIM_TRACK (
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
    REFRESH_MODE = FULL
    COMMENT = 'UPSERT per (track_id): one row per key, each column its latest non-null value; lineage names the latest run'
AS SELECT
        track_id,
        FIRST_VALUE(track_name) IGNORE NULLS OVER (
            PARTITION BY track_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS track_name,
        FIRST_VALUE(duration_ms) IGNORE NULLS OVER (
            PARTITION BY track_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS duration_ms,
        FIRST_VALUE(explicit) IGNORE NULLS OVER (
            PARTITION BY track_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS explicit,
        FIRST_VALUE(isrc) IGNORE NULLS OVER (
            PARTITION BY track_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS isrc,
        FIRST_VALUE(album_id) IGNORE NULLS OVER (
            PARTITION BY track_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS album_id,
        FIRST_VALUE(disc_number) IGNORE NULLS OVER (
            PARTITION BY track_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS disc_number,
        FIRST_VALUE(track_number) IGNORE NULLS OVER (
            PARTITION BY track_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS track_number,
        FIRST_VALUE(popularity) IGNORE NULLS OVER (
            PARTITION BY track_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS popularity,
        run_id,
        ingest_date,
        source_file
    FROM ${DATABASE}.${LANDING_SCHEMA}.DIM_TRACK_CHECKED
    WHERE reject_rule IS NULL
    QUALIFY ROW_NUMBER() OVER (
        PARTITION BY track_id
        ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
    ) = 1;

CREATE OR REPLACE DYNAMIC TABLE ${DATABASE}.${CORE_SCHEMA}.DIM_ALBUM (
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
    REFRESH_MODE = FULL
    COMMENT = 'UPSERT per (album_id): one row per key, each column its latest non-null value; lineage names the latest run'
AS SELECT
        album_id,
        FIRST_VALUE(album_name) IGNORE NULLS OVER (
            PARTITION BY album_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS album_name,
        FIRST_VALUE(album_type) IGNORE NULLS OVER (
            PARTITION BY album_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS album_type,
        FIRST_VALUE(release_date) IGNORE NULLS OVER (
            PARTITION BY album_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS release_date,
        FIRST_VALUE(release_date_precision) IGNORE NULLS OVER (
            PARTITION BY album_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS release_date_precision,
        FIRST_VALUE(release_year) IGNORE NULLS OVER (
            PARTITION BY album_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS release_year,
        FIRST_VALUE(total_tracks) IGNORE NULLS OVER (
            PARTITION BY album_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS total_tracks,
        FIRST_VALUE(label) IGNORE NULLS OVER (
            PARTITION BY album_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS label,
        FIRST_VALUE(image_url) IGNORE NULLS OVER (
            PARTITION BY album_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS image_url,
        run_id,
        ingest_date,
        source_file
    FROM ${DATABASE}.${LANDING_SCHEMA}.DIM_ALBUM_CHECKED
    WHERE reject_rule IS NULL
    QUALIFY ROW_NUMBER() OVER (
        PARTITION BY album_id
        ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
    ) = 1;

CREATE OR REPLACE DYNAMIC TABLE ${DATABASE}.${CORE_SCHEMA}.DIM_ARTIST (
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
    REFRESH_MODE = FULL
    COMMENT = 'UPSERT per (artist_id): one row per key, each column its latest non-null value; lineage names the latest run'
AS SELECT
        artist_id,
        FIRST_VALUE(artist_name) IGNORE NULLS OVER (
            PARTITION BY artist_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS artist_name,
        FIRST_VALUE(genres) IGNORE NULLS OVER (
            PARTITION BY artist_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS genres,
        FIRST_VALUE(followers) IGNORE NULLS OVER (
            PARTITION BY artist_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS followers,
        FIRST_VALUE(popularity) IGNORE NULLS OVER (
            PARTITION BY artist_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS popularity,
        FIRST_VALUE(image_url) IGNORE NULLS OVER (
            PARTITION BY artist_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS image_url,
        run_id,
        ingest_date,
        source_file
    FROM ${DATABASE}.${LANDING_SCHEMA}.DIM_ARTIST_CHECKED
    WHERE reject_rule IS NULL
    QUALIFY ROW_NUMBER() OVER (
        PARTITION BY artist_id
        ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
    ) = 1;

CREATE OR REPLACE DYNAMIC TABLE ${DATABASE}.${CORE_SCHEMA}.BRIDGE_TRACK_ARTIST (
    track_id        VARCHAR,
    artist_id       VARCHAR,
    artist_position NUMBER(10,0),
    run_id          VARCHAR,
    ingest_date     DATE,
    source_file     VARCHAR
)
    TARGET_LAG = '${TARGET_LAG}'
    WAREHOUSE = ${WAREHOUSE}
    REFRESH_MODE = FULL
    COMMENT = 'REPLACE_SNAPSHOT per (track_id): rows of the latest run that read the group replace it'
AS SELECT
        i.track_id,
        i.artist_id,
        i.artist_position,
        i.run_id,
        i.ingest_date,
        i.source_file
    FROM ${DATABASE}.${LANDING_SCHEMA}.BRIDGE_TRACK_ARTIST_CHECKED i
    WHERE i.reject_rule IS NULL
    QUALIFY DENSE_RANK() OVER (
            PARTITION BY i.track_id ORDER BY i.ingest_date DESC, i.run_id DESC
        ) = 1
        AND ROW_NUMBER() OVER (
            PARTITION BY i.track_id, i.artist_id
            ORDER BY i.ingest_date DESC, i.run_id DESC, i.loaded_at DESC, i.loaded_file DESC
        ) = 1;

CREATE OR REPLACE DYNAMIC TABLE ${DATABASE}.${CORE_SCHEMA}.BRIDGE_ALBUM_ARTIST (
    album_id        VARCHAR,
    artist_id       VARCHAR,
    artist_position NUMBER(10,0),
    run_id          VARCHAR,
    ingest_date     DATE,
    source_file     VARCHAR
)
    TARGET_LAG = '${TARGET_LAG}'
    WAREHOUSE = ${WAREHOUSE}
    REFRESH_MODE = FULL
    COMMENT = 'REPLACE_SNAPSHOT per (album_id): rows of the latest run that read the group replace it'
AS SELECT
        i.album_id,
        i.artist_id,
        i.artist_position,
        i.run_id,
        i.ingest_date,
        i.source_file
    FROM ${DATABASE}.${LANDING_SCHEMA}.BRIDGE_ALBUM_ARTIST_CHECKED i
    WHERE i.reject_rule IS NULL
    QUALIFY DENSE_RANK() OVER (
            PARTITION BY i.album_id ORDER BY i.ingest_date DESC, i.run_id DESC
        ) = 1
        AND ROW_NUMBER() OVER (
            PARTITION BY i.album_id, i.artist_id
            ORDER BY i.ingest_date DESC, i.run_id DESC, i.loaded_at DESC, i.loaded_file DESC
        ) = 1;

CREATE OR REPLACE DYNAMIC TABLE ${DATABASE}.${CORE_SCHEMA}.DIM_PLAYLIST (
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
    REFRESH_MODE = FULL
    COMMENT = 'UPSERT per (playlist_id): one row per key, each column its latest non-null value; lineage names the latest run'
AS SELECT
        playlist_id,
        FIRST_VALUE(playlist_name) IGNORE NULLS OVER (
            PARTITION BY playlist_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS playlist_name,
        FIRST_VALUE(owner_id) IGNORE NULLS OVER (
            PARTITION BY playlist_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS owner_id,
        FIRST_VALUE(owner_name) IGNORE NULLS OVER (
            PARTITION BY playlist_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS owner_name,
        FIRST_VALUE(description) IGNORE NULLS OVER (
            PARTITION BY playlist_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS description,
        FIRST_VALUE(is_public) IGNORE NULLS OVER (
            PARTITION BY playlist_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS is_public,
        FIRST_VALUE(is_collaborative) IGNORE NULLS OVER (
            PARTITION BY playlist_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS is_collaborative,
        FIRST_VALUE(snapshot_id) IGNORE NULLS OVER (
            PARTITION BY playlist_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS snapshot_id,
        FIRST_VALUE(total_items) IGNORE NULLS OVER (
            PARTITION BY playlist_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS total_items,
        run_id,
        ingest_date,
        source_file
    FROM ${DATABASE}.${LANDING_SCHEMA}.DIM_PLAYLIST_CHECKED
    WHERE reject_rule IS NULL
    QUALIFY ROW_NUMBER() OVER (
        PARTITION BY playlist_id
        ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
    ) = 1;

CREATE OR REPLACE DYNAMIC TABLE ${DATABASE}.${CORE_SCHEMA}.FACT_PLAYLIST_ITEM (
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
    REFRESH_MODE = FULL
    COMMENT = 'REPLACE_SNAPSHOT per (snapshot_date, playlist_id): rows of the latest run that read the group replace it; a later run whose dim_playlist row has total_items = 0 empties it'
AS SELECT
        i.snapshot_date,
        i.playlist_id,
        i.position,
        i.item_type,
        i.track_id,
        i.episode_id,
        i.added_at,
        i.added_by,
        i.run_id,
        i.ingest_date,
        i.source_file
    FROM ${DATABASE}.${LANDING_SCHEMA}.FACT_PLAYLIST_ITEM_CHECKED i
    LEFT JOIN (
        SELECT playlist_id, ingest_date, MAX(run_id) AS emptied_by_run
        FROM ${DATABASE}.${LANDING_SCHEMA}.DIM_PLAYLIST_CHECKED
        WHERE reject_rule IS NULL AND total_items = 0
        GROUP BY playlist_id, ingest_date
    ) emptied ON emptied.playlist_id = i.playlist_id AND emptied.ingest_date = i.snapshot_date
    WHERE i.reject_rule IS NULL AND (emptied.emptied_by_run IS NULL OR i.run_id > emptied.emptied_by_run)
    QUALIFY DENSE_RANK() OVER (
            PARTITION BY i.snapshot_date, i.playlist_id ORDER BY i.ingest_date DESC, i.run_id DESC
        ) = 1
        AND ROW_NUMBER() OVER (
            PARTITION BY i.snapshot_date, i.playlist_id, i.position
            ORDER BY i.ingest_date DESC, i.run_id DESC, i.loaded_at DESC, i.loaded_file DESC
        ) = 1;

CREATE OR REPLACE DYNAMIC TABLE ${DATABASE}.${CORE_SCHEMA}.FACT_PLAY (
    played_at    TIMESTAMP_NTZ,
    track_id     VARCHAR,
    context_type VARCHAR,
    context_uri  VARCHAR,
    run_id       VARCHAR,
    ingest_date  DATE,
    source_file  VARCHAR,
    ms_played    NUMBER(19,0),
    skipped      BOOLEAN,
    reason_start VARCHAR,
    reason_end   VARCHAR,
    shuffle      BOOLEAN,
    offline      BOOLEAN,
    play_source  VARCHAR
)
    TARGET_LAG = '${TARGET_LAG}'
    WAREHOUSE = ${WAREHOUSE}
    REFRESH_MODE = FULL
    COMMENT = 'MATCH_PLAYS per (played_at, track_id): one row per play; an export and an API play of a track 5000 ms apart are one'
AS WITH plays AS (
    SELECT *, COALESCE(play_source, 'api') AS from_source
    FROM ${DATABASE}.${LANDING_SCHEMA}.FACT_PLAY_CHECKED
    WHERE reject_rule IS NULL
    QUALIFY ROW_NUMBER() OVER (
        PARTITION BY played_at, track_id, COALESCE(play_source, 'api')
        ORDER BY ingest_date, run_id, loaded_at, loaded_file
    ) = 1
),
api_plays AS (SELECT * FROM plays WHERE from_source = 'api'),
export_plays AS (SELECT * FROM plays WHERE from_source = 'export'),
nearest_1 AS (
    SELECT a.played_at AS api_played_at, e.played_at AS export_played_at, a.track_id, ABS(DATEDIFF(millisecond, a.played_at, e.played_at)) AS gap_ms
    FROM api_plays a JOIN export_plays e
        ON e.track_id = a.track_id AND ABS(DATEDIFF(millisecond, a.played_at, e.played_at)) <= 5000
    QUALIFY ROW_NUMBER() OVER (
        PARTITION BY a.played_at, a.track_id ORDER BY ABS(DATEDIFF(millisecond, a.played_at, e.played_at)), e.played_at
    ) = 1
),
pairs_1 AS (
    SELECT * FROM nearest_1
    QUALIFY ROW_NUMBER() OVER (
        PARTITION BY export_played_at, track_id ORDER BY gap_ms, api_played_at
    ) = 1
),
nearest_2 AS (
    SELECT a.played_at AS api_played_at, e.played_at AS export_played_at, a.track_id, ABS(DATEDIFF(millisecond, a.played_at, e.played_at)) AS gap_ms
    FROM api_plays a JOIN export_plays e
        ON e.track_id = a.track_id AND ABS(DATEDIFF(millisecond, a.played_at, e.played_at)) <= 5000
    WHERE
        NOT EXISTS (SELECT 1 FROM pairs_1 p WHERE p.api_played_at = a.played_at AND p.track_id = a.track_id)
        AND NOT EXISTS (SELECT 1 FROM pairs_1 p WHERE p.export_played_at = e.played_at AND p.track_id = e.track_id)
    QUALIFY ROW_NUMBER() OVER (
        PARTITION BY a.played_at, a.track_id ORDER BY ABS(DATEDIFF(millisecond, a.played_at, e.played_at)), e.played_at
    ) = 1
),
pairs_2 AS (
    SELECT * FROM nearest_2
    QUALIFY ROW_NUMBER() OVER (
        PARTITION BY export_played_at, track_id ORDER BY gap_ms, api_played_at
    ) = 1
),
pairs AS (
    SELECT * FROM pairs_1
    UNION ALL
    SELECT * FROM pairs_2
)
SELECT
        a.played_at,
        a.track_id,
        COALESCE(a.context_type, e.context_type) AS context_type,
        COALESCE(a.context_uri, e.context_uri) AS context_uri,
        a.run_id,
        a.ingest_date,
        a.source_file,
        COALESCE(a.ms_played, e.ms_played) AS ms_played,
        COALESCE(a.skipped, e.skipped) AS skipped,
        COALESCE(a.reason_start, e.reason_start) AS reason_start,
        COALESCE(a.reason_end, e.reason_end) AS reason_end,
        COALESCE(a.shuffle, e.shuffle) AS shuffle,
        COALESCE(a.offline, e.offline) AS offline,
        CASE WHEN e.played_at IS NULL THEN 'api' ELSE 'api+export' END AS play_source
    FROM api_plays a
    LEFT JOIN pairs p ON p.api_played_at = a.played_at AND p.track_id = a.track_id
    LEFT JOIN export_plays e ON e.played_at = p.export_played_at AND e.track_id = p.track_id
UNION ALL
SELECT
        e.played_at,
        e.track_id,
        e.context_type,
        e.context_uri,
        e.run_id,
        e.ingest_date,
        e.source_file,
        e.ms_played,
        e.skipped,
        e.reason_start,
        e.reason_end,
        e.shuffle,
        e.offline,
        'export' AS play_source
    FROM export_plays e
    WHERE NOT EXISTS (
        SELECT 1 FROM pairs p
        WHERE p.export_played_at = e.played_at AND p.track_id = e.track_id
    );

CREATE OR REPLACE DYNAMIC TABLE ${DATABASE}.${CORE_SCHEMA}.FACT_TOP_ITEM (
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
    REFRESH_MODE = FULL
    COMMENT = 'REPLACE_SNAPSHOT per (snapshot_date, time_range, item_type): rows of the latest run that read the group replace it'
AS SELECT
        i.snapshot_date,
        i.time_range,
        i.item_type,
        i.rank,
        i.item_id,
        i.run_id,
        i.ingest_date,
        i.source_file
    FROM ${DATABASE}.${LANDING_SCHEMA}.FACT_TOP_ITEM_CHECKED i
    WHERE i.reject_rule IS NULL
    QUALIFY DENSE_RANK() OVER (
            PARTITION BY i.snapshot_date, i.time_range, i.item_type ORDER BY i.ingest_date DESC, i.run_id DESC
        ) = 1
        AND ROW_NUMBER() OVER (
            PARTITION BY i.snapshot_date, i.time_range, i.item_type, i.rank
            ORDER BY i.ingest_date DESC, i.run_id DESC, i.loaded_at DESC, i.loaded_file DESC
        ) = 1;

CREATE OR REPLACE DYNAMIC TABLE ${DATABASE}.${CORE_SCHEMA}.FACT_SAVED_TRACK (
    track_id    VARCHAR,
    saved_at    TIMESTAMP_NTZ,
    run_id      VARCHAR,
    ingest_date DATE,
    source_file VARCHAR
)
    TARGET_LAG = '${TARGET_LAG}'
    WAREHOUSE = ${WAREHOUSE}
    REFRESH_MODE = FULL
    COMMENT = 'UPSERT per (track_id, saved_at): one row per key, each column its latest non-null value; lineage names the latest run'
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

CREATE OR REPLACE DYNAMIC TABLE ${DATABASE}.${CORE_SCHEMA}.MUSICBRAINZ_RECORDING (
    isrc                     VARCHAR,
    musicbrainz_recording_id VARCHAR,
    recording_title          VARCHAR,
    recordings_found         NUMBER(10,0),
    genres                   ARRAY,
    run_id                   VARCHAR,
    ingest_date              DATE,
    source_file              VARCHAR
)
    TARGET_LAG = '${TARGET_LAG}'
    WAREHOUSE = ${WAREHOUSE}
    REFRESH_MODE = FULL
    COMMENT = 'UPSERT per (isrc): one row per key, each column its latest non-null value; lineage names the latest run'
AS SELECT
        isrc,
        FIRST_VALUE(musicbrainz_recording_id) IGNORE NULLS OVER (
            PARTITION BY isrc ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS musicbrainz_recording_id,
        FIRST_VALUE(recording_title) IGNORE NULLS OVER (
            PARTITION BY isrc ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS recording_title,
        FIRST_VALUE(recordings_found) IGNORE NULLS OVER (
            PARTITION BY isrc ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS recordings_found,
        FIRST_VALUE(genres) IGNORE NULLS OVER (
            PARTITION BY isrc ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS genres,
        run_id,
        ingest_date,
        source_file
    FROM ${DATABASE}.${LANDING_SCHEMA}.MUSICBRAINZ_RECORDING_CHECKED
    WHERE reject_rule IS NULL
    QUALIFY ROW_NUMBER() OVER (
        PARTITION BY isrc
        ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
    ) = 1;

CREATE OR REPLACE DYNAMIC TABLE ${DATABASE}.${CORE_SCHEMA}.MUSICBRAINZ_RELEASE (
    isrc                   VARCHAR,
    musicbrainz_release_id VARCHAR,
    release_title          VARCHAR,
    release_date           VARCHAR,
    release_country        VARCHAR,
    label_name             VARCHAR,
    musicbrainz_label_id   VARCHAR,
    run_id                 VARCHAR,
    ingest_date            DATE,
    source_file            VARCHAR
)
    TARGET_LAG = '${TARGET_LAG}'
    WAREHOUSE = ${WAREHOUSE}
    REFRESH_MODE = FULL
    COMMENT = 'UPSERT per (isrc, musicbrainz_release_id): one row per key, each column its latest non-null value; lineage names the latest run'
AS SELECT
        isrc,
        musicbrainz_release_id,
        FIRST_VALUE(release_title) IGNORE NULLS OVER (
            PARTITION BY isrc, musicbrainz_release_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS release_title,
        FIRST_VALUE(release_date) IGNORE NULLS OVER (
            PARTITION BY isrc, musicbrainz_release_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS release_date,
        FIRST_VALUE(release_country) IGNORE NULLS OVER (
            PARTITION BY isrc, musicbrainz_release_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS release_country,
        FIRST_VALUE(label_name) IGNORE NULLS OVER (
            PARTITION BY isrc, musicbrainz_release_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS label_name,
        FIRST_VALUE(musicbrainz_label_id) IGNORE NULLS OVER (
            PARTITION BY isrc, musicbrainz_release_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS musicbrainz_label_id,
        run_id,
        ingest_date,
        source_file
    FROM ${DATABASE}.${LANDING_SCHEMA}.MUSICBRAINZ_RELEASE_CHECKED
    WHERE reject_rule IS NULL
    QUALIFY ROW_NUMBER() OVER (
        PARTITION BY isrc, musicbrainz_release_id
        ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
    ) = 1;

CREATE OR REPLACE DYNAMIC TABLE ${DATABASE}.${CORE_SCHEMA}.MUSICBRAINZ_ARTIST_CREDIT (
    isrc                  VARCHAR,
    artist_position       NUMBER(10,0),
    musicbrainz_artist_id VARCHAR,
    artist_name           VARCHAR,
    genres                ARRAY,
    run_id                VARCHAR,
    ingest_date           DATE,
    source_file           VARCHAR
)
    TARGET_LAG = '${TARGET_LAG}'
    WAREHOUSE = ${WAREHOUSE}
    REFRESH_MODE = FULL
    COMMENT = 'UPSERT per (isrc, artist_position): one row per key, each column its latest non-null value; lineage names the latest run'
AS SELECT
        isrc,
        artist_position,
        FIRST_VALUE(musicbrainz_artist_id) IGNORE NULLS OVER (
            PARTITION BY isrc, artist_position ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS musicbrainz_artist_id,
        FIRST_VALUE(artist_name) IGNORE NULLS OVER (
            PARTITION BY isrc, artist_position ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS artist_name,
        FIRST_VALUE(genres) IGNORE NULLS OVER (
            PARTITION BY isrc, artist_position ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS genres,
        run_id,
        ingest_date,
        source_file
    FROM ${DATABASE}.${LANDING_SCHEMA}.MUSICBRAINZ_ARTIST_CREDIT_CHECKED
    WHERE reject_rule IS NULL
    QUALIFY ROW_NUMBER() OVER (
        PARTITION BY isrc, artist_position
        ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
    ) = 1;

CREATE OR REPLACE DYNAMIC TABLE ${DATABASE}.${CORE_SCHEMA}.RUN_TABLE_OUTCOME (
    table_name     VARCHAR,
    outcome        VARCHAR,
    reason         VARCHAR,
    row_count      NUMBER(19,0),
    transformed_at TIMESTAMP_NTZ,
    run_id         VARCHAR,
    ingest_date    DATE,
    source_file    VARCHAR
)
    TARGET_LAG = '${TARGET_LAG}'
    WAREHOUSE = ${WAREHOUSE}
    REFRESH_MODE = FULL
    COMMENT = 'REPLACE_RUN per (run_id, table_name, outcome, reason): the rows of the latest transform of a run replace all rows of that run'
AS SELECT
        table_name,
        outcome,
        reason,
        row_count,
        transformed_at,
        run_id,
        ingest_date,
        source_file
    FROM ${DATABASE}.${LANDING_SCHEMA}.RUN_TABLE_OUTCOME_CHECKED
    WHERE reject_rule IS NULL
    QUALIFY DENSE_RANK() OVER (PARTITION BY run_id ORDER BY transformed_at DESC) = 1
        AND ROW_NUMBER() OVER (
            PARTITION BY run_id, table_name, outcome, reason
            ORDER BY loaded_at DESC, loaded_file DESC
        ) = 1;

CREATE OR REPLACE DYNAMIC TABLE ${DATABASE}.${CORE_SCHEMA}.RUN_EXTRACTION (
    extraction_status VARCHAR,
    api_mode          VARCHAR,
    started_at        TIMESTAMP_NTZ,
    finished_at       TIMESTAMP_NTZ,
    raw_files         NUMBER(10,0),
    api_calls         NUMBER(19,0),
    min_api_calls     NUMBER(19,0),
    captures          NUMBER(10,0),
    entity_errors     NUMBER(10,0),
    fallbacks         NUMBER(10,0),
    pending_items     NUMBER(10,0),
    play_gaps         NUMBER(10,0),
    not_found         NUMBER(10,0),
    transformed_at    TIMESTAMP_NTZ,
    run_id            VARCHAR,
    ingest_date       DATE,
    source_file       VARCHAR
)
    TARGET_LAG = '${TARGET_LAG}'
    WAREHOUSE = ${WAREHOUSE}
    REFRESH_MODE = FULL
    COMMENT = 'REPLACE_RUN per (run_id): the rows of the latest transform of a run replace all rows of that run'
AS SELECT
        extraction_status,
        api_mode,
        started_at,
        finished_at,
        raw_files,
        api_calls,
        min_api_calls,
        captures,
        entity_errors,
        fallbacks,
        pending_items,
        play_gaps,
        not_found,
        transformed_at,
        run_id,
        ingest_date,
        source_file
    FROM ${DATABASE}.${LANDING_SCHEMA}.RUN_EXTRACTION_CHECKED
    WHERE reject_rule IS NULL
    QUALIFY DENSE_RANK() OVER (PARTITION BY run_id ORDER BY transformed_at DESC) = 1
        AND ROW_NUMBER() OVER (
            PARTITION BY run_id
            ORDER BY loaded_at DESC, loaded_file DESC
        ) = 1;

CREATE OR REPLACE DYNAMIC TABLE ${DATABASE}.${CORE_SCHEMA}.RUN_EXTRACTION_ISSUE (
    issue_type     VARCHAR,
    issue_number   NUMBER(10,0),
    source         VARCHAR,
    entity_id      VARCHAR,
    http_status    NUMBER(10,0),
    detail         VARCHAR,
    gap_from       TIMESTAMP_NTZ,
    gap_to         TIMESTAMP_NTZ,
    transformed_at TIMESTAMP_NTZ,
    run_id         VARCHAR,
    ingest_date    DATE,
    source_file    VARCHAR
)
    TARGET_LAG = '${TARGET_LAG}'
    WAREHOUSE = ${WAREHOUSE}
    REFRESH_MODE = FULL
    COMMENT = 'REPLACE_RUN per (run_id, issue_type, issue_number): the rows of the latest transform of a run replace all rows of that run'
AS SELECT
        issue_type,
        issue_number,
        source,
        entity_id,
        http_status,
        detail,
        gap_from,
        gap_to,
        transformed_at,
        run_id,
        ingest_date,
        source_file
    FROM ${DATABASE}.${LANDING_SCHEMA}.RUN_EXTRACTION_ISSUE_CHECKED
    WHERE reject_rule IS NULL
    QUALIFY DENSE_RANK() OVER (PARTITION BY run_id ORDER BY transformed_at DESC) = 1
        AND ROW_NUMBER() OVER (
            PARTITION BY run_id, issue_type, issue_number
            ORDER BY loaded_at DESC, loaded_file DESC
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
        TO_JSON(OBJECT_CONSTRUCT_KEEP_NULL('snapshot_date', snapshot_date, 'playlist_id', playlist_id, 'position', position)) AS record_key,
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
        TO_JSON(OBJECT_CONSTRUCT_KEEP_NULL('snapshot_date', snapshot_date, 'time_range', time_range, 'item_type', item_type, 'rank', rank)) AS record_key,
        run_id, ingest_date, source_file, loaded_file, loaded_at
    FROM ${DATABASE}.${LANDING_SCHEMA}.FACT_TOP_ITEM_CHECKED WHERE reject_rule IS NOT NULL
    UNION ALL
    SELECT
        'fact_saved_track' AS table_name,
        reject_rule AS rule,
        TO_JSON(OBJECT_CONSTRUCT_KEEP_NULL('track_id', track_id, 'saved_at', saved_at)) AS record_key,
        run_id, ingest_date, source_file, loaded_file, loaded_at
    FROM ${DATABASE}.${LANDING_SCHEMA}.FACT_SAVED_TRACK_CHECKED WHERE reject_rule IS NOT NULL
    UNION ALL
    SELECT
        'musicbrainz_recording' AS table_name,
        reject_rule AS rule,
        TO_JSON(OBJECT_CONSTRUCT_KEEP_NULL('isrc', isrc)) AS record_key,
        run_id, ingest_date, source_file, loaded_file, loaded_at
    FROM ${DATABASE}.${LANDING_SCHEMA}.MUSICBRAINZ_RECORDING_CHECKED WHERE reject_rule IS NOT NULL
    UNION ALL
    SELECT
        'musicbrainz_release' AS table_name,
        reject_rule AS rule,
        TO_JSON(OBJECT_CONSTRUCT_KEEP_NULL('isrc', isrc, 'musicbrainz_release_id', musicbrainz_release_id)) AS record_key,
        run_id, ingest_date, source_file, loaded_file, loaded_at
    FROM ${DATABASE}.${LANDING_SCHEMA}.MUSICBRAINZ_RELEASE_CHECKED WHERE reject_rule IS NOT NULL
    UNION ALL
    SELECT
        'musicbrainz_artist_credit' AS table_name,
        reject_rule AS rule,
        TO_JSON(OBJECT_CONSTRUCT_KEEP_NULL('isrc', isrc, 'artist_position', artist_position)) AS record_key,
        run_id, ingest_date, source_file, loaded_file, loaded_at
    FROM ${DATABASE}.${LANDING_SCHEMA}.MUSICBRAINZ_ARTIST_CREDIT_CHECKED WHERE reject_rule IS NOT NULL
    UNION ALL
    SELECT
        'run_table_outcome' AS table_name,
        reject_rule AS rule,
        TO_JSON(OBJECT_CONSTRUCT_KEEP_NULL('run_id', run_id, 'table_name', table_name, 'outcome', outcome, 'reason', reason)) AS record_key,
        run_id, ingest_date, source_file, loaded_file, loaded_at
    FROM ${DATABASE}.${LANDING_SCHEMA}.RUN_TABLE_OUTCOME_CHECKED WHERE reject_rule IS NOT NULL
    UNION ALL
    SELECT
        'run_extraction' AS table_name,
        reject_rule AS rule,
        TO_JSON(OBJECT_CONSTRUCT_KEEP_NULL('run_id', run_id)) AS record_key,
        run_id, ingest_date, source_file, loaded_file, loaded_at
    FROM ${DATABASE}.${LANDING_SCHEMA}.RUN_EXTRACTION_CHECKED WHERE reject_rule IS NOT NULL
    UNION ALL
    SELECT
        'run_extraction_issue' AS table_name,
        reject_rule AS rule,
        TO_JSON(OBJECT_CONSTRUCT_KEEP_NULL('run_id', run_id, 'issue_type', issue_type, 'issue_number', issue_number)) AS record_key,
        run_id, ingest_date, source_file, loaded_file, loaded_at
    FROM ${DATABASE}.${LANDING_SCHEMA}.RUN_EXTRACTION_ISSUE_CHECKED WHERE reject_rule IS NOT NULL;

CREATE OR REPLACE VIEW ${DATABASE}.${CORE_SCHEMA}.LANDING_LOADS
    COMMENT = 'Every file each pipe loaded into its landing table, with its run and rows: the freshness of each table'
AS
    SELECT
        'dim_track' AS table_name,
        loaded_file,
        MAX(run_id) AS run_id,
        MAX(ingest_date) AS ingest_date,
        MAX(loaded_at) AS loaded_at,
        COUNT(*) AS loaded_rows
    FROM ${DATABASE}.${LANDING_SCHEMA}.DIM_TRACK
    GROUP BY loaded_file
    UNION ALL
    SELECT
        'dim_album' AS table_name,
        loaded_file,
        MAX(run_id) AS run_id,
        MAX(ingest_date) AS ingest_date,
        MAX(loaded_at) AS loaded_at,
        COUNT(*) AS loaded_rows
    FROM ${DATABASE}.${LANDING_SCHEMA}.DIM_ALBUM
    GROUP BY loaded_file
    UNION ALL
    SELECT
        'dim_artist' AS table_name,
        loaded_file,
        MAX(run_id) AS run_id,
        MAX(ingest_date) AS ingest_date,
        MAX(loaded_at) AS loaded_at,
        COUNT(*) AS loaded_rows
    FROM ${DATABASE}.${LANDING_SCHEMA}.DIM_ARTIST
    GROUP BY loaded_file
    UNION ALL
    SELECT
        'bridge_track_artist' AS table_name,
        loaded_file,
        MAX(run_id) AS run_id,
        MAX(ingest_date) AS ingest_date,
        MAX(loaded_at) AS loaded_at,
        COUNT(*) AS loaded_rows
    FROM ${DATABASE}.${LANDING_SCHEMA}.BRIDGE_TRACK_ARTIST
    GROUP BY loaded_file
    UNION ALL
    SELECT
        'bridge_album_artist' AS table_name,
        loaded_file,
        MAX(run_id) AS run_id,
        MAX(ingest_date) AS ingest_date,
        MAX(loaded_at) AS loaded_at,
        COUNT(*) AS loaded_rows
    FROM ${DATABASE}.${LANDING_SCHEMA}.BRIDGE_ALBUM_ARTIST
    GROUP BY loaded_file
    UNION ALL
    SELECT
        'dim_playlist' AS table_name,
        loaded_file,
        MAX(run_id) AS run_id,
        MAX(ingest_date) AS ingest_date,
        MAX(loaded_at) AS loaded_at,
        COUNT(*) AS loaded_rows
    FROM ${DATABASE}.${LANDING_SCHEMA}.DIM_PLAYLIST
    GROUP BY loaded_file
    UNION ALL
    SELECT
        'fact_playlist_item' AS table_name,
        loaded_file,
        MAX(run_id) AS run_id,
        MAX(ingest_date) AS ingest_date,
        MAX(loaded_at) AS loaded_at,
        COUNT(*) AS loaded_rows
    FROM ${DATABASE}.${LANDING_SCHEMA}.FACT_PLAYLIST_ITEM
    GROUP BY loaded_file
    UNION ALL
    SELECT
        'fact_play' AS table_name,
        loaded_file,
        MAX(run_id) AS run_id,
        MAX(ingest_date) AS ingest_date,
        MAX(loaded_at) AS loaded_at,
        COUNT(*) AS loaded_rows
    FROM ${DATABASE}.${LANDING_SCHEMA}.FACT_PLAY
    GROUP BY loaded_file
    UNION ALL
    SELECT
        'fact_top_item' AS table_name,
        loaded_file,
        MAX(run_id) AS run_id,
        MAX(ingest_date) AS ingest_date,
        MAX(loaded_at) AS loaded_at,
        COUNT(*) AS loaded_rows
    FROM ${DATABASE}.${LANDING_SCHEMA}.FACT_TOP_ITEM
    GROUP BY loaded_file
    UNION ALL
    SELECT
        'fact_saved_track' AS table_name,
        loaded_file,
        MAX(run_id) AS run_id,
        MAX(ingest_date) AS ingest_date,
        MAX(loaded_at) AS loaded_at,
        COUNT(*) AS loaded_rows
    FROM ${DATABASE}.${LANDING_SCHEMA}.FACT_SAVED_TRACK
    GROUP BY loaded_file
    UNION ALL
    SELECT
        'musicbrainz_recording' AS table_name,
        loaded_file,
        MAX(run_id) AS run_id,
        MAX(ingest_date) AS ingest_date,
        MAX(loaded_at) AS loaded_at,
        COUNT(*) AS loaded_rows
    FROM ${DATABASE}.${LANDING_SCHEMA}.MUSICBRAINZ_RECORDING
    GROUP BY loaded_file
    UNION ALL
    SELECT
        'musicbrainz_release' AS table_name,
        loaded_file,
        MAX(run_id) AS run_id,
        MAX(ingest_date) AS ingest_date,
        MAX(loaded_at) AS loaded_at,
        COUNT(*) AS loaded_rows
    FROM ${DATABASE}.${LANDING_SCHEMA}.MUSICBRAINZ_RELEASE
    GROUP BY loaded_file
    UNION ALL
    SELECT
        'musicbrainz_artist_credit' AS table_name,
        loaded_file,
        MAX(run_id) AS run_id,
        MAX(ingest_date) AS ingest_date,
        MAX(loaded_at) AS loaded_at,
        COUNT(*) AS loaded_rows
    FROM ${DATABASE}.${LANDING_SCHEMA}.MUSICBRAINZ_ARTIST_CREDIT
    GROUP BY loaded_file
    UNION ALL
    SELECT
        'run_table_outcome' AS table_name,
        loaded_file,
        MAX(run_id) AS run_id,
        MAX(ingest_date) AS ingest_date,
        MAX(loaded_at) AS loaded_at,
        COUNT(*) AS loaded_rows
    FROM ${DATABASE}.${LANDING_SCHEMA}.RUN_TABLE_OUTCOME
    GROUP BY loaded_file
    UNION ALL
    SELECT
        'run_extraction' AS table_name,
        loaded_file,
        MAX(run_id) AS run_id,
        MAX(ingest_date) AS ingest_date,
        MAX(loaded_at) AS loaded_at,
        COUNT(*) AS loaded_rows
    FROM ${DATABASE}.${LANDING_SCHEMA}.RUN_EXTRACTION
    GROUP BY loaded_file
    UNION ALL
    SELECT
        'run_extraction_issue' AS table_name,
        loaded_file,
        MAX(run_id) AS run_id,
        MAX(ingest_date) AS ingest_date,
        MAX(loaded_at) AS loaded_at,
        COUNT(*) AS loaded_rows
    FROM ${DATABASE}.${LANDING_SCHEMA}.RUN_EXTRACTION_ISSUE
    GROUP BY loaded_file;
