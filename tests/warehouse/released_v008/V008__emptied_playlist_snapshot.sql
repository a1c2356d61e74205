-- A playlist emptied during the day: its snapshot of that day becomes empty.
--
-- Why: REPLACE_SNAPSHOT (V005) keeps, per (snapshot_date, playlist_id), the rows of the latest run that has rows
-- for the group. A playlist that a later run of the same day read empty gives no item rows at all, so the earlier
-- run's items stayed, and the day's snapshot showed items the playlist no longer had. The later run does leave
-- its DIM_PLAYLIST row, whose TOTAL_ITEMS says 0: rows of a run are superseded by any later run of the same day
-- that saw the playlist with TOTAL_ITEMS = 0. A run that only listed the playlist, or stopped before reading it,
-- reports the listing's non-zero total (or null) and changes nothing; a run after the emptying run that finds
-- items again is the group's latest and wins as before.

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
    REFRESH_MODE = AUTO
    COMMENT = 'REPLACE_SNAPSHOT per (snapshot_date, playlist_id): rows of the latest run replace the group; a later run that saw the playlist empty empties it'
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
