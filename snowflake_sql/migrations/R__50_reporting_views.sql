-- Reporting views: the only objects the Power BI model (and the local dashboard) reads. The BI role can
-- select from these and nothing else (V009). They join the final tables (R__40) into the shapes a report needs;
-- they hold no data, so this script is re-applied whole whenever it changes.
--
-- Conventions: a track's "main artist" is the artist at position 0 (credits are snapshots: one per track);
-- TRACK_MINUTES is the track's length, the best estimate of listening time the API gives (recently-played does
-- not say how long a play lasted); RELEASE_DECADE is the album's release year rounded down to the decade (1987 -> 1980).
-- Time: the final tables hold UTC instants; every date, hour and year a report groups by is local to the reporting
-- time zone ([reporting] time_zone, REPORTING_TIME_ZONE), daylight saving included (CONVERT_TIMEZONE from UTC): a
-- play at 23:30 UTC is on the next day in Berlin. Snapshot and ingest dates are the run's day, not instants.
--
-- MusicBrainz (the CORE.MUSICBRAINZ_* tables, keyed by ISRC) fills what the 2026 Spotify API withholds. Which source
-- wins: Spotify, wherever it gives a value (a label, a non-empty genre list); MusicBrainz fills only what Spotify
-- leaves empty, and every such column says where its value came from (*_SOURCE: 'spotify' or 'musicbrainz').
-- Spotify's ids are the model's keys; MusicBrainz is matched to them through the track's ISRC:
--   a track   -> the recording of its ISRC (MUSICBRAINZ_RECORDING);
--   an album  -> among the releases of its tracks' recordings, the one titled as the album (case aside), then the
--                one carrying most of its tracks, then one with a label, then the earliest, then by id;
--   an artist -> the artist credited under the same name (case aside) on a recording of one of its tracks; among
--                several, the one with most genres, then by id.

CREATE OR REPLACE VIEW ${DATABASE}.${REPORTING_SCHEMA}.ALBUM_MUSICBRAINZ
    COMMENT = 'One row per album matched to a MusicBrainz release through the ISRCs of its tracks'
AS WITH candidates AS (
        SELECT
            t.album_id,
            rel.musicbrainz_release_id,
            rel.release_title,
            rel.release_date,
            rel.release_country,
            rel.label_name,
            COUNT(DISTINCT t.track_id) AS album_tracks
        FROM ${DATABASE}.${CORE_SCHEMA}.DIM_TRACK t
        JOIN ${DATABASE}.${CORE_SCHEMA}.MUSICBRAINZ_RELEASE rel ON rel.isrc = UPPER(t.isrc)
        GROUP BY t.album_id, rel.musicbrainz_release_id, rel.release_title, rel.release_date, rel.release_country,
            rel.label_name
    )
    SELECT c.album_id, c.musicbrainz_release_id, c.release_title, c.release_date, c.release_country, c.label_name
    FROM candidates c
    LEFT JOIN ${DATABASE}.${CORE_SCHEMA}.DIM_ALBUM al ON al.album_id = c.album_id
    QUALIFY ROW_NUMBER() OVER (
        PARTITION BY c.album_id
        ORDER BY CASE WHEN LOWER(c.release_title) = LOWER(al.album_name) THEN 0 ELSE 1 END,
            c.album_tracks DESC,
            CASE WHEN c.label_name IS NULL THEN 1 ELSE 0 END,
            c.release_date NULLS LAST,
            c.musicbrainz_release_id
    ) = 1;

CREATE OR REPLACE VIEW ${DATABASE}.${REPORTING_SCHEMA}.ARTIST_MUSICBRAINZ
    COMMENT = 'One row per artist matched to a MusicBrainz artist credited under its name on one of its tracks'
AS SELECT
        ta.artist_id,
        c.musicbrainz_artist_id,
        c.genres
    FROM ${DATABASE}.${CORE_SCHEMA}.BRIDGE_TRACK_ARTIST ta
    JOIN ${DATABASE}.${CORE_SCHEMA}.DIM_TRACK t ON t.track_id = ta.track_id
    JOIN ${DATABASE}.${CORE_SCHEMA}.DIM_ARTIST a ON a.artist_id = ta.artist_id
    JOIN ${DATABASE}.${CORE_SCHEMA}.MUSICBRAINZ_ARTIST_CREDIT c
        ON c.isrc = UPPER(t.isrc) AND LOWER(c.artist_name) = LOWER(a.artist_name)
    QUALIFY ROW_NUMBER() OVER (
        PARTITION BY ta.artist_id ORDER BY COALESCE(ARRAY_SIZE(c.genres), 0) DESC, c.musicbrainz_artist_id
    ) = 1;

CREATE OR REPLACE VIEW ${DATABASE}.${REPORTING_SCHEMA}.TRACKS
    COMMENT = 'One row per track, with its album, main artist and the names of all its artists'
AS SELECT
        -- Every column of the track but its lineage: a column the model gains reaches the report (the R__ scripts
        -- after R__40 are applied again whenever it is).
        t.* EXCLUDE (run_id, ingest_date, source_file),
        t.duration_ms / 60000.0 AS track_minutes,
        al.album_name,
        al.album_type,
        al.release_date,
        al.release_year,
        al.release_year - MOD(al.release_year, 10) AS release_decade,
        main.artist_id AS main_artist_id,
        ar.artist_name AS main_artist_name,
        credits.artist_names,
        credits.artist_count,
        mb.musicbrainz_recording_id
    FROM ${DATABASE}.${CORE_SCHEMA}.DIM_TRACK t
    LEFT JOIN ${DATABASE}.${CORE_SCHEMA}.DIM_ALBUM al ON al.album_id = t.album_id
    LEFT JOIN ${DATABASE}.${CORE_SCHEMA}.BRIDGE_TRACK_ARTIST main
        ON main.track_id = t.track_id AND main.artist_position = 0
    LEFT JOIN ${DATABASE}.${CORE_SCHEMA}.DIM_ARTIST ar ON ar.artist_id = main.artist_id
    LEFT JOIN (
        SELECT
            ta.track_id,
            LISTAGG(COALESCE(a.artist_name, ta.artist_id), ', ') WITHIN GROUP (ORDER BY ta.artist_position)
                AS artist_names,
            COUNT(*) AS artist_count
        FROM ${DATABASE}.${CORE_SCHEMA}.BRIDGE_TRACK_ARTIST ta
        LEFT JOIN ${DATABASE}.${CORE_SCHEMA}.DIM_ARTIST a ON a.artist_id = ta.artist_id
        GROUP BY ta.track_id
    ) credits ON credits.track_id = t.track_id
    LEFT JOIN ${DATABASE}.${CORE_SCHEMA}.MUSICBRAINZ_RECORDING mb ON mb.isrc = UPPER(t.isrc);

CREATE OR REPLACE VIEW ${DATABASE}.${REPORTING_SCHEMA}.ALBUMS
    COMMENT = 'One row per album, with its release decade and main artist'
AS SELECT
        al.album_id,
        al.album_name,
        al.album_type,
        al.release_date,
        al.release_date_precision,
        al.release_year,
        al.release_year - MOD(al.release_year, 10) AS release_decade,
        al.total_tracks,
        COALESCE(al.label, mb.label_name) AS label,
        al.image_url,
        main.artist_id AS main_artist_id,
        ar.artist_name AS main_artist_name,
        CASE WHEN al.label IS NOT NULL THEN 'spotify' WHEN mb.label_name IS NOT NULL THEN 'musicbrainz' END
            AS label_source,
        mb.release_country,
        mb.musicbrainz_release_id
    FROM ${DATABASE}.${CORE_SCHEMA}.DIM_ALBUM al
    LEFT JOIN ${DATABASE}.${CORE_SCHEMA}.BRIDGE_ALBUM_ARTIST main
        ON main.album_id = al.album_id AND main.artist_position = 0
    LEFT JOIN ${DATABASE}.${CORE_SCHEMA}.DIM_ARTIST ar ON ar.artist_id = main.artist_id
    LEFT JOIN ${DATABASE}.${REPORTING_SCHEMA}.ALBUM_MUSICBRAINZ mb ON mb.album_id = al.album_id;

CREATE OR REPLACE VIEW ${DATABASE}.${REPORTING_SCHEMA}.ARTIST_GENRE_LISTS
    COMMENT = 'One row per artist with genres: the list of Spotify where it gives one, else of MusicBrainz, and which'
AS SELECT
        a.artist_id,
        CASE WHEN COALESCE(ARRAY_SIZE(a.genres), 0) > 0 THEN a.genres ELSE mb.genres END AS genres,
        CASE WHEN COALESCE(ARRAY_SIZE(a.genres), 0) > 0 THEN 'spotify' ELSE 'musicbrainz' END AS genres_source
    FROM ${DATABASE}.${CORE_SCHEMA}.DIM_ARTIST a
    LEFT JOIN ${DATABASE}.${REPORTING_SCHEMA}.ARTIST_MUSICBRAINZ mb ON mb.artist_id = a.artist_id
    WHERE COALESCE(ARRAY_SIZE(a.genres), 0) > 0 OR COALESCE(ARRAY_SIZE(mb.genres), 0) > 0;

CREATE OR REPLACE VIEW ${DATABASE}.${REPORTING_SCHEMA}.ARTISTS
    COMMENT = 'One row per artist, with genre count and the first time the listener played them'
AS SELECT
        a.artist_id,
        a.artist_name,
        a.followers,
        a.popularity,
        a.image_url,
        COALESCE(ARRAY_SIZE(g.genres), ARRAY_SIZE(a.genres)) AS genre_count,
        g.genres[0]::VARCHAR AS first_genre,
        heard.first_played_at,
        TO_DATE(CONVERT_TIMEZONE('UTC', '${REPORTING_TIME_ZONE}', heard.first_played_at)) AS first_played_date,
        heard.plays,
        g.genres_source,
        mb.musicbrainz_artist_id
    FROM ${DATABASE}.${CORE_SCHEMA}.DIM_ARTIST a
    LEFT JOIN ${DATABASE}.${REPORTING_SCHEMA}.ARTIST_MUSICBRAINZ mb ON mb.artist_id = a.artist_id
    LEFT JOIN ${DATABASE}.${REPORTING_SCHEMA}.ARTIST_GENRE_LISTS g ON g.artist_id = a.artist_id
    LEFT JOIN (
        SELECT ta.artist_id, MIN(p.played_at) AS first_played_at, COUNT(*) AS plays
        FROM ${DATABASE}.${CORE_SCHEMA}.FACT_PLAY p
        JOIN ${DATABASE}.${CORE_SCHEMA}.BRIDGE_TRACK_ARTIST ta ON ta.track_id = p.track_id
        GROUP BY ta.artist_id
    ) heard ON heard.artist_id = a.artist_id;

CREATE OR REPLACE VIEW ${DATABASE}.${REPORTING_SCHEMA}.ARTIST_GENRES
    COMMENT = 'One row per artist and genre, from Spotify or else MusicBrainz (artists without genres have no row)'
AS SELECT
        a.artist_id,
        a.artist_name,
        g.value::VARCHAR AS genre,
        g.index AS genre_position,
        l.genres_source AS genre_source
    FROM ${DATABASE}.${CORE_SCHEMA}.DIM_ARTIST a
    JOIN ${DATABASE}.${REPORTING_SCHEMA}.ARTIST_GENRE_LISTS l ON l.artist_id = a.artist_id,
        LATERAL FLATTEN(input => l.genres) g;

CREATE OR REPLACE VIEW ${DATABASE}.${REPORTING_SCHEMA}.ALBUM_GENRES
    COMMENT = 'One row per album and genre: the MusicBrainz genres of the recordings of its tracks'
AS SELECT
        t.album_id,
        al.album_name,
        g.value::VARCHAR AS genre,
        COUNT(DISTINCT t.track_id) AS album_tracks,
        'musicbrainz' AS genre_source
    FROM ${DATABASE}.${CORE_SCHEMA}.DIM_TRACK t
    JOIN ${DATABASE}.${CORE_SCHEMA}.MUSICBRAINZ_RECORDING r ON r.isrc = UPPER(t.isrc)
    LEFT JOIN ${DATABASE}.${CORE_SCHEMA}.DIM_ALBUM al ON al.album_id = t.album_id,
        LATERAL FLATTEN(input => r.genres) g
    GROUP BY t.album_id, al.album_name, g.value::VARCHAR;

CREATE OR REPLACE VIEW ${DATABASE}.${REPORTING_SCHEMA}.PLAYS
    COMMENT = 'One row per play, with track, album and main artist'
AS SELECT
        p.played_at,
        CONVERT_TIMEZONE('UTC', '${REPORTING_TIME_ZONE}', p.played_at) AS played_at_local,
        TO_DATE(CONVERT_TIMEZONE('UTC', '${REPORTING_TIME_ZONE}', p.played_at)) AS played_date,
        HOUR(CONVERT_TIMEZONE('UTC', '${REPORTING_TIME_ZONE}', p.played_at)) AS played_hour,
        p.track_id,
        t.track_name,
        t.duration_ms / 60000.0 AS track_minutes,
        t.explicit,
        t.album_id,
        al.album_name,
        al.release_year,
        al.release_year - MOD(al.release_year, 10) AS release_decade,
        main.artist_id AS main_artist_id,
        ar.artist_name AS main_artist_name,
        p.context_type,
        p.context_uri,
        p.run_id,
        -- What the history export knows more (null for a play only the API reported).
        p.ms_played / 60000.0 AS played_minutes,
        p.skipped,
        p.ms_played < 30000 AS partial_play,
        p.reason_end,
        COALESCE(p.play_source, 'api') AS play_source,
        YEAR(CONVERT_TIMEZONE('UTC', '${REPORTING_TIME_ZONE}', p.played_at)) AS played_year
    FROM ${DATABASE}.${CORE_SCHEMA}.FACT_PLAY p
    LEFT JOIN ${DATABASE}.${CORE_SCHEMA}.DIM_TRACK t ON t.track_id = p.track_id
    LEFT JOIN ${DATABASE}.${CORE_SCHEMA}.DIM_ALBUM al ON al.album_id = t.album_id
    LEFT JOIN ${DATABASE}.${CORE_SCHEMA}.BRIDGE_TRACK_ARTIST main
        ON main.track_id = p.track_id AND main.artist_position = 0
    LEFT JOIN ${DATABASE}.${CORE_SCHEMA}.DIM_ARTIST ar ON ar.artist_id = main.artist_id;

-- NEW_ARTISTS: main artists played that day for the first time in the listening history the warehouse holds.
CREATE OR REPLACE VIEW ${DATABASE}.${REPORTING_SCHEMA}.DAILY_LISTENING
    COMMENT = 'One row per day with plays: plays, distinct tracks and artists, new artists, minutes, explicit plays'
AS WITH plays AS (
        SELECT
            TO_DATE(CONVERT_TIMEZONE('UTC', '${REPORTING_TIME_ZONE}', p.played_at)) AS played_date,
            p.track_id,
            t.duration_ms,
            t.explicit,
            main.artist_id
        FROM ${DATABASE}.${CORE_SCHEMA}.FACT_PLAY p
        LEFT JOIN ${DATABASE}.${CORE_SCHEMA}.DIM_TRACK t ON t.track_id = p.track_id
        LEFT JOIN ${DATABASE}.${CORE_SCHEMA}.BRIDGE_TRACK_ARTIST main
            ON main.track_id = p.track_id AND main.artist_position = 0
    ),
    first_plays AS (
        SELECT artist_id, MIN(played_date) AS first_played_date
        FROM plays
        WHERE artist_id IS NOT NULL
        GROUP BY artist_id
    )
    SELECT
        plays.played_date,
        COUNT(*) AS plays,
        COUNT(DISTINCT plays.track_id) AS distinct_tracks,
        COUNT(DISTINCT plays.artist_id) AS distinct_artists,
        COUNT(DISTINCT IFF(first_plays.first_played_date = plays.played_date, plays.artist_id, NULL))
            AS new_artists,
        COALESCE(SUM(plays.duration_ms), 0) / 60000.0 AS track_minutes,
        COUNT_IF(plays.explicit) AS explicit_plays
    FROM plays
    LEFT JOIN first_plays ON first_plays.artist_id = plays.artist_id
    GROUP BY plays.played_date;

CREATE OR REPLACE VIEW ${DATABASE}.${REPORTING_SCHEMA}.RELEASE_DECADE_MIX
    COMMENT = 'Plays per release decade of the album played, with the share of all plays'
AS SELECT
        al.release_year - MOD(al.release_year, 10) AS release_decade,
        COALESCE(TO_VARCHAR(al.release_year - MOD(al.release_year, 10)) || 's', 'Unknown') AS decade_label,
        COUNT(*) AS plays,
        COUNT(DISTINCT p.track_id) AS distinct_tracks,
        COALESCE(SUM(t.duration_ms), 0) / 60000.0 AS track_minutes,
        COUNT(*) / SUM(COUNT(*)) OVER () AS share_of_plays
    FROM ${DATABASE}.${CORE_SCHEMA}.FACT_PLAY p
    LEFT JOIN ${DATABASE}.${CORE_SCHEMA}.DIM_TRACK t ON t.track_id = p.track_id
    LEFT JOIN ${DATABASE}.${CORE_SCHEMA}.DIM_ALBUM al ON al.album_id = t.album_id
    GROUP BY al.release_year - MOD(al.release_year, 10);

CREATE OR REPLACE VIEW ${DATABASE}.${REPORTING_SCHEMA}.SAVED_TRACKS
    COMMENT = 'One row per saved track, with track, album and main artist'
AS SELECT
        s.saved_at,
        TO_DATE(CONVERT_TIMEZONE('UTC', '${REPORTING_TIME_ZONE}', s.saved_at)) AS saved_date,
        s.track_id,
        t.track_name,
        t.explicit,
        t.album_id,
        al.album_name,
        al.release_year,
        al.release_year - MOD(al.release_year, 10) AS release_decade,
        main.artist_id AS main_artist_id,
        ar.artist_name AS main_artist_name
    FROM ${DATABASE}.${CORE_SCHEMA}.FACT_SAVED_TRACK s
    LEFT JOIN ${DATABASE}.${CORE_SCHEMA}.DIM_TRACK t ON t.track_id = s.track_id
    LEFT JOIN ${DATABASE}.${CORE_SCHEMA}.DIM_ALBUM al ON al.album_id = t.album_id
    LEFT JOIN ${DATABASE}.${CORE_SCHEMA}.BRIDGE_TRACK_ARTIST main
        ON main.track_id = s.track_id AND main.artist_position = 0
    LEFT JOIN ${DATABASE}.${CORE_SCHEMA}.DIM_ARTIST ar ON ar.artist_id = main.artist_id;

-- Movement compares each list with the previous snapshot of the same list (time range and item type), so
-- a day without a snapshot does not make every entry look new. RANK_CHANGE > 0 means the item moved up.
CREATE OR REPLACE VIEW ${DATABASE}.${REPORTING_SCHEMA}.TOP_ITEMS
    COMMENT = 'Top tracks and artists per snapshot, with the rank in the previous snapshot and the movement'
AS WITH snapshots AS (
        SELECT DISTINCT snapshot_date, time_range, item_type
        FROM ${DATABASE}.${CORE_SCHEMA}.FACT_TOP_ITEM
    ),
    previous AS (
        SELECT
            snapshot_date,
            time_range,
            item_type,
            LAG(snapshot_date) OVER (PARTITION BY time_range, item_type ORDER BY snapshot_date)
                AS previous_snapshot_date
        FROM snapshots
    )
    SELECT
        ti.snapshot_date,
        ti.time_range,
        ti.item_type,
        ti.rank,
        ti.item_id,
        COALESCE(tr.track_name, ar.artist_name) AS item_name,
        pv.previous_snapshot_date,
        earlier.rank AS previous_rank,
        earlier.rank - ti.rank AS rank_change,
        pv.previous_snapshot_date IS NOT NULL AND earlier.rank IS NULL AS is_new_entry
    FROM ${DATABASE}.${CORE_SCHEMA}.FACT_TOP_ITEM ti
    JOIN previous pv
        ON pv.snapshot_date = ti.snapshot_date AND pv.time_range = ti.time_range AND pv.item_type = ti.item_type
    LEFT JOIN ${DATABASE}.${CORE_SCHEMA}.FACT_TOP_ITEM earlier
        ON earlier.snapshot_date = pv.previous_snapshot_date
        AND earlier.time_range = ti.time_range
        AND earlier.item_type = ti.item_type
        AND earlier.item_id = ti.item_id
    LEFT JOIN ${DATABASE}.${CORE_SCHEMA}.DIM_TRACK tr ON ti.item_type = 'track' AND tr.track_id = ti.item_id
    LEFT JOIN ${DATABASE}.${CORE_SCHEMA}.DIM_ARTIST ar ON ti.item_type = 'artist' AND ar.artist_id = ti.item_id;

CREATE OR REPLACE VIEW ${DATABASE}.${REPORTING_SCHEMA}.PLAYLISTS
    COMMENT = 'One row per playlist, with the date and size of its latest snapshot'
AS SELECT
        pl.playlist_id,
        pl.playlist_name,
        pl.owner_id,
        pl.owner_name,
        pl.description,
        pl.is_public,
        pl.is_collaborative,
        pl.snapshot_id,
        pl.total_items,
        latest.latest_snapshot_date,
        latest.latest_item_count
    FROM ${DATABASE}.${CORE_SCHEMA}.DIM_PLAYLIST pl
    LEFT JOIN (
        SELECT playlist_id, snapshot_date AS latest_snapshot_date, COUNT(*) AS latest_item_count
        FROM ${DATABASE}.${CORE_SCHEMA}.FACT_PLAYLIST_ITEM
        GROUP BY playlist_id, snapshot_date
        QUALIFY ROW_NUMBER() OVER (PARTITION BY playlist_id ORDER BY snapshot_date DESC) = 1
    ) latest ON latest.playlist_id = pl.playlist_id;

CREATE OR REPLACE VIEW ${DATABASE}.${REPORTING_SCHEMA}.PLAYLIST_ITEMS
    COMMENT = 'The items of each playlist on each snapshot date, with track and main artist names'
AS SELECT
        i.snapshot_date,
        i.playlist_id,
        pl.playlist_name,
        i.position,
        i.item_type,
        COALESCE(i.track_id, i.episode_id) AS item_id,
        i.track_id,
        i.episode_id,
        t.track_name,
        main.artist_id AS main_artist_id,
        ar.artist_name AS main_artist_name,
        i.added_at,
        i.added_by
    FROM ${DATABASE}.${CORE_SCHEMA}.FACT_PLAYLIST_ITEM i
    LEFT JOIN ${DATABASE}.${CORE_SCHEMA}.DIM_PLAYLIST pl ON pl.playlist_id = i.playlist_id
    LEFT JOIN ${DATABASE}.${CORE_SCHEMA}.DIM_TRACK t ON t.track_id = i.track_id
    LEFT JOIN ${DATABASE}.${CORE_SCHEMA}.BRIDGE_TRACK_ARTIST main
        ON main.track_id = i.track_id AND main.artist_position = 0
    LEFT JOIN ${DATABASE}.${CORE_SCHEMA}.DIM_ARTIST ar ON ar.artist_id = main.artist_id;

-- Adds and removals between consecutive snapshots of a playlist, by item (a move within the playlist is
-- neither). A playlist's first snapshot has no previous one, so it lists no changes.
CREATE OR REPLACE VIEW ${DATABASE}.${REPORTING_SCHEMA}.PLAYLIST_CHANGES
    COMMENT = 'Items added to or removed from each playlist since its previous snapshot'
AS WITH items AS (
        SELECT DISTINCT snapshot_date, playlist_id, item_type, COALESCE(track_id, episode_id) AS item_id
        FROM ${DATABASE}.${CORE_SCHEMA}.FACT_PLAYLIST_ITEM
        WHERE COALESCE(track_id, episode_id) IS NOT NULL
    ),
    pairs AS (
        SELECT
            playlist_id,
            snapshot_date,
            LAG(snapshot_date) OVER (PARTITION BY playlist_id ORDER BY snapshot_date) AS previous_snapshot_date
        FROM (SELECT DISTINCT playlist_id, snapshot_date FROM ${DATABASE}.${CORE_SCHEMA}.FACT_PLAYLIST_ITEM)
    ),
    changes AS (
        SELECT pairs.snapshot_date, pairs.previous_snapshot_date, pairs.playlist_id, 'added' AS change_type,
            now_items.item_type, now_items.item_id
        FROM pairs
        JOIN items now_items
            ON now_items.playlist_id = pairs.playlist_id AND now_items.snapshot_date = pairs.snapshot_date
        LEFT JOIN items before_items
            ON before_items.playlist_id = pairs.playlist_id
            AND before_items.snapshot_date = pairs.previous_snapshot_date
            AND before_items.item_id = now_items.item_id
        WHERE pairs.previous_snapshot_date IS NOT NULL AND before_items.item_id IS NULL
        UNION ALL
        SELECT pairs.snapshot_date, pairs.previous_snapshot_date, pairs.playlist_id, 'removed' AS change_type,
            before_items.item_type, before_items.item_id
        FROM pairs
        JOIN items before_items
            ON before_items.playlist_id = pairs.playlist_id
            AND before_items.snapshot_date = pairs.previous_snapshot_date
        LEFT JOIN items now_items
            ON now_items.playlist_id = pairs.playlist_id
            AND now_items.snapshot_date = pairs.snapshot_date
            AND now_items.item_id = before_items.item_id
        WHERE now_items.item_id IS NULL
    )
    SELECT
        changes.snapshot_date,
        changes.previous_snapshot_date,
        changes.playlist_id,
        pl.playlist_name,
        changes.change_type,
        changes.item_type,
        changes.item_id,
        t.track_name,
        ar.artist_name AS main_artist_name
    FROM changes
    LEFT JOIN ${DATABASE}.${CORE_SCHEMA}.DIM_PLAYLIST pl ON pl.playlist_id = changes.playlist_id
    LEFT JOIN ${DATABASE}.${CORE_SCHEMA}.DIM_TRACK t ON changes.item_type = 'track' AND t.track_id = changes.item_id
    LEFT JOIN ${DATABASE}.${CORE_SCHEMA}.BRIDGE_TRACK_ARTIST main
        ON changes.item_type = 'track' AND main.track_id = changes.item_id AND main.artist_position = 0
    LEFT JOIN ${DATABASE}.${CORE_SCHEMA}.DIM_ARTIST ar ON ar.artist_id = main.artist_id;

-- Data quality for the report: how many landing rows broke which rule, per run. The rows themselves stay in
-- the rejects view (core), which BI cannot read.
CREATE OR REPLACE VIEW ${DATABASE}.${REPORTING_SCHEMA}.LOAD_REJECTS
    COMMENT = 'Landing rows that broke a rule, counted per table, rule and run'
AS SELECT
        table_name,
        rule,
        ingest_date,
        run_id,
        COUNT(*) AS rejected_rows
    FROM ${REJECTS_VIEW}
    GROUP BY table_name, rule, ingest_date, run_id;

-- Data quality and freshness per run: what the transform's run report and the extraction's manifest say of each
-- run (the CORE.RUN_* tables, loaded from the run-quality datasets the transform writes), and when each table's
-- pipe last loaded a file (CORE.LANDING_LOADS). A run's day is its INGEST_DATE. The final tables keep each run's
-- latest transform only, so a re-run replaces its figures here.
--
-- Each outcome's rows in a column of its own, 0 in the others, so that a day's sum is 0 where nothing was
-- quarantined: a figure, not a blank. RAW_PAGES (contracts.processed_zone.PAGES_QUARANTINE) counts pages, not
-- rows: its pages are apart from the tables' rows, as in the run report.
CREATE OR REPLACE VIEW ${DATABASE}.${REPORTING_SCHEMA}.TRANSFORM_OUTCOMES
    COMMENT = 'Per run and model table (and raw_pages, the pages read): rows per outcome and reason, from the run report'
AS SELECT
        o.ingest_date,
        o.run_id,
        o.table_name,
        o.outcome,
        o.reason,
        o.row_count,
        IFF(o.table_name <> 'raw_pages', o.row_count, 0) AS rows_read,
        IFF(o.table_name <> 'raw_pages' AND o.outcome = 'output', o.row_count, 0) AS rows_written,
        IFF(o.table_name <> 'raw_pages' AND o.outcome = 'quarantined', o.row_count, 0) AS rows_quarantined,
        IFF(o.table_name <> 'raw_pages' AND o.outcome = 'dropped', o.row_count, 0) AS rows_dropped,
        IFF(o.table_name = 'raw_pages' AND o.outcome = 'quarantined', o.row_count, 0) AS pages_quarantined
    FROM ${DATABASE}.${CORE_SCHEMA}.RUN_TABLE_OUTCOME o;

CREATE OR REPLACE VIEW ${DATABASE}.${REPORTING_SCHEMA}.EXTRACTION_RUNS
    COMMENT = 'One row per run: its extraction status and how many entity errors, fallbacks, gaps ... its manifest holds'
AS SELECT
        r.ingest_date,
        r.run_id,
        r.extraction_status,
        r.extraction_status = 'partial' AS is_partial,
        IFF(r.extraction_status = 'partial', 1, 0) AS partial_runs,
        r.api_mode,
        r.started_at,
        r.finished_at,
        r.raw_files,
        r.api_calls,
        r.min_api_calls,
        r.captures,
        r.entity_errors,
        r.fallbacks,
        r.pending_items,
        r.play_gaps,
        r.not_found,
        r.transformed_at
    FROM ${DATABASE}.${CORE_SCHEMA}.RUN_EXTRACTION r;

-- GAP_MINUTES: how long a gap in the play history lasts (null for the very first read, which has no start).
CREATE OR REPLACE VIEW ${DATABASE}.${REPORTING_SCHEMA}.EXTRACTION_ISSUES
    COMMENT = 'Every entity error, fallback, pending item, play gap and not-found lookup in the manifests'
AS SELECT
        i.ingest_date,
        i.run_id,
        i.issue_type,
        i.issue_number,
        i.source,
        i.entity_id,
        i.http_status,
        i.detail,
        i.gap_from,
        i.gap_to,
        DATEDIFF(minute, i.gap_from, i.gap_to) AS gap_minutes
    FROM ${DATABASE}.${CORE_SCHEMA}.RUN_EXTRACTION_ISSUE i;

-- Freshness: a table's latest LAST_LOADED_AT is its last successful load (a file a pipe could not load adds no
-- landing row). A table a run had no rows for gets no file that day, so compare it with the run's other tables.
CREATE OR REPLACE VIEW ${DATABASE}.${REPORTING_SCHEMA}.TABLE_LOADS
    COMMENT = 'Per loaded table and run: the files its pipe loaded, their rows and the time of the latest load'
AS SELECT
        l.table_name,
        l.ingest_date,
        l.run_id,
        COUNT(*) AS loaded_files,
        SUM(l.loaded_rows)::NUMBER(19, 0) AS loaded_rows,
        CONVERT_TIMEZONE('UTC', MAX(l.loaded_at))::TIMESTAMP_NTZ AS last_loaded_at
    FROM ${DATABASE}.${CORE_SCHEMA}.LANDING_LOADS l
    GROUP BY l.table_name, l.ingest_date, l.run_id;
