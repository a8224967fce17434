using Microsoft.Data.Sqlite;

namespace VideoDetect.Review;

/// <summary>
/// The events database's schema (documented in about_VideoDetect / about_VideoDetect): a
/// <c>videos</c> table (one row per source) and an <c>events</c> table (one row per DetectionEvent).
/// The file says it is ours with <c>PRAGMA application_id</c> and its schema version with
/// <c>PRAGMA user_version</c>. Migration rule: a database of an older version is brought forward,
/// step by step, inside the first write transaction (the steps are <see cref="Migrations"/>; version
/// 1 is the first, so there are none yet); one of a newer version is refused, never rewritten.
/// Columns are only ever added (readers name the columns they read), so a reader of version N reads N+k.
/// </summary>
public static class EventDatabaseSchema
{
    /// <summary>"VDEV": marks a SQLite file as a VideoDetect events database.</summary>
    public const int ApplicationId = 0x56444556;

    /// <summary>The schema version this module writes.</summary>
    public const int Version = 1;

    private const string Create = """
        CREATE TABLE IF NOT EXISTS videos (
            id              INTEGER PRIMARY KEY,
            path            TEXT NOT NULL UNIQUE,
            source_path     TEXT,
            source_size     INTEGER,
            source_modified TEXT,
            recording_start TEXT,
            frames          INTEGER,
            state           TEXT,
            written_at      TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS events (
            id              INTEGER PRIMARY KEY,
            video_id        INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
            kind            TEXT NOT NULL,
            label           TEXT NOT NULL,
            class_id        INTEGER NOT NULL,
            track_id        INTEGER,
            region          TEXT,
            line            TEXT,
            direction       TEXT,
            start_frame     INTEGER NOT NULL,
            end_frame       INTEGER NOT NULL,
            start_seconds   REAL NOT NULL,
            end_seconds     REAL NOT NULL,
            started_at      TEXT,
            ended_at        TEXT,
            frame_count     INTEGER NOT NULL,
            peak_frame      INTEGER NOT NULL,
            peak_confidence REAL NOT NULL,
            peak_x          REAL NOT NULL,
            peak_y          REAL NOT NULL,
            peak_width      REAL NOT NULL,
            peak_height     REAL NOT NULL,
            stationary      INTEGER NOT NULL,
            snapshot_path   TEXT,
            clip_path       TEXT
        );
        CREATE INDEX IF NOT EXISTS events_video ON events(video_id, start_frame);
        CREATE INDEX IF NOT EXISTS events_label ON events(label);
        """;

    /// <summary>Migrations[v - 1] takes a database of version v to v + 1 (none yet).</summary>
    private static readonly string[] Migrations = Array.Empty<string>();

    /// <summary>What the file holds now, as read by <see cref="Inspect"/>.</summary>
    public readonly record struct Stamp(int ApplicationId, int Version, long Tables)
    {
        /// <summary>A new file, or an empty SQLite database: the schema is made at the first write.</summary>
        public bool IsEmpty => ApplicationId == 0 && Version == 0 && Tables == 0;
    }

    /// <summary>Reads the file's application id, version and table count (any SQLite error propagates: a file that is not SQLite fails here).</summary>
    public static Stamp Inspect(SqliteConnection connection, SqliteTransaction? transaction = null)
    {
        long Scalar(string sql)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            return Convert.ToInt64(command.ExecuteScalar() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
        }
        return new Stamp((int)Scalar("PRAGMA application_id"), (int)Scalar("PRAGMA user_version"),
            Scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table'"));
    }

    /// <summary>Why <paramref name="stamp"/> cannot be used by this module; null when it can (ours, this version or older, or empty).</summary>
    public static string? Problem(Stamp stamp)
    {
        if (stamp.IsEmpty) return null;
        if (stamp.ApplicationId != ApplicationId)
            return stamp.Tables > 0 ? "it is another SQLite database (its tables are not VideoDetect's)" : $"its application id is 0x{stamp.ApplicationId:X8}, not VideoDetect's";
        if (stamp.Version > Version)
            return $"its schema version is {stamp.Version}, newer than this module's ({Version}); update VideoDetect to write it";
        return null;
    }

    /// <summary>
    /// Makes or migrates the schema inside <paramref name="transaction"/> (a write transaction, so two
    /// writers of a new file do it once). Throws <see cref="InvalidEventDatabaseException"/> when the file is not ours.
    /// </summary>
    public static void Ensure(SqliteConnection connection, SqliteTransaction transaction, string path)
    {
        var stamp = Inspect(connection, transaction);
        if (Problem(stamp) is { } problem) throw new InvalidEventDatabaseException(path, problem);
        if (stamp.Version == Version) return;
        if (stamp.Version == 0) Execute(connection, transaction, Create); // a new file (the tables are made IF NOT EXISTS)
        else for (int v = stamp.Version; v < Version; v++) Execute(connection, transaction, Migrations[v - 1]);
        Execute(connection, transaction, $"PRAGMA application_id = {ApplicationId}; PRAGMA user_version = {Version};");
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
