using System.Globalization;
using Microsoft.Data.Sqlite;
using VideoDetect.Errors;
using VideoDetect.Events;

namespace VideoDetect.Review;

/// <summary>What Export-DetectionEvent -Database passes on: the result store and root the videos rows are described from, and the busy timeout.</summary>
public sealed record EventDatabaseOptions
{
    /// <summary>The root source identities are recorded relative to (-Root, VIDEODETECT_ROOT); null: full paths.</summary>
    public string? Root { get; init; }

    /// <summary>The result store whose state and frame count fill each video's row; null: both stay null.</summary>
    public string? Store { get; init; }

    /// <summary>How long to wait for another process's write lock before the source fails (OutputWriteFailed).</summary>
    public TimeSpan BusyTimeout { get; init; } = EventDatabase.DefaultBusyTimeout;
}

/// <summary>
/// Writes the events of one source at a time into the events database, each source in one write
/// transaction: its earlier rows (a previous run's) are replaced by this run's, so a re-run is
/// idempotent per source. The caller gathers a source's events (they arrive together) and hands them
/// over when the source ends: the write lock is then held for the inserts only, not for the whole
/// detection run of the video, so another shard's writer waits milliseconds, not minutes. A failure
/// (locked past the busy timeout, read-only, disk full, a constraint) rolls the source back, leaving
/// its earlier rows as they were. A source that comes again later in the same run adds its events to
/// the rows this run wrote. Used on one thread.
/// </summary>
public sealed class EventDatabaseWriter : IDisposable
{
    private readonly string _path;
    private readonly EventDatabaseOptions _options;
    private readonly Dictionary<string, long> _written = new(StringComparer.Ordinal);
    private SqliteConnection? _connection;

    /// <summary>Refuses a file that is not a VideoDetect events database (<see cref="InvalidEventDatabaseException"/>); nothing is opened for writing until the first source.</summary>
    public EventDatabaseWriter(string path, EventDatabaseOptions options)
    {
        _path = path;
        _options = options;
        EventDatabase.Check(path, options.BusyTimeout);
    }

    /// <summary>The database file.</summary>
    public string Path => _path;

    /// <summary>
    /// Writes <paramref name="events"/> (all of <paramref name="sourcePath"/>'s, in order) in one
    /// transaction and returns them. Throws <see cref="InvalidEventDatabaseException"/> or
    /// <see cref="Results.ResultWriteFailedException"/> (OutputWriteFailed); nothing of the source is written then.
    /// </summary>
    public IReadOnlyList<DetectionEvent> Write(string sourcePath, IReadOnlyList<DetectionEvent> events)
    {
        var video = EventVideo.Describe(sourcePath, events, _options.Root, _options.Store);
        try
        {
            _connection ??= EventDatabase.Open(_path, write: true, _options.BusyTimeout);
            using var transaction = _connection.BeginTransaction(deferred: false);
            EventDatabaseSchema.Ensure(_connection, transaction, _path);
            if (!_written.TryGetValue(sourcePath, out long videoId))
            {
                Execute(transaction, "DELETE FROM events WHERE video_id IN (SELECT id FROM videos WHERE path = $path); DELETE FROM videos WHERE path = $path;", ("$path", sourcePath));
                videoId = InsertVideo(transaction, video);
            }
            using (var insert = EventInsert(transaction, videoId))
            {
                foreach (var e in events) Bind(insert, e).ExecuteNonQuery();
            }
            transaction.Commit();
            _written[sourcePath] = videoId;
            return events;
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            // The transaction (if begun) rolled back when disposed; the connection may be broken (read-only, gone): open afresh next time.
            _connection?.Dispose();
            _connection = null;
            throw EventDatabase.WriteError(_path, $"'{sourcePath}'", e);
        }
    }

    private long InsertVideo(SqliteTransaction transaction, EventVideo video)
    {
        using var command = _connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO videos (path, source_path, source_size, source_modified, recording_start, frames, state, written_at)
            VALUES ($path, $source, $size, $modified, $start, $frames, $state, $written) RETURNING id
            """;
        Add(command, "$path", video.Path);
        Add(command, "$source", video.Identity?.Path);
        Add(command, "$size", video.Identity?.Size);
        Add(command, "$modified", video.Identity?.LastWriteTimeUtc.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
        Add(command, "$start", EventDatabase.FormatTime(video.RecordingStart));
        Add(command, "$frames", video.Frames);
        Add(command, "$state", video.State);
        Add(command, "$written", EventDatabase.FormatTime(DateTimeOffset.Now));
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static readonly string[] EventColumns =
    {
        "kind", "label", "class_id", "track_id", "region", "line", "direction", "start_frame", "end_frame", "start_seconds", "end_seconds",
        "started_at", "ended_at", "frame_count", "peak_frame", "peak_confidence", "peak_x", "peak_y", "peak_width", "peak_height",
        "stationary", "snapshot_path", "clip_path",
    };

    private SqliteCommand EventInsert(SqliteTransaction transaction, long videoId)
    {
        var command = _connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO events (video_id, {string.Join(", ", EventColumns)}) VALUES ($video_id, {string.Join(", ", EventColumns.Select(c => "$" + c))})";
        Add(command, "$video_id", videoId);
        foreach (string c in EventColumns) command.Parameters.Add(new SqliteParameter("$" + c, null));
        command.Prepare();
        return command;
    }

    private static SqliteCommand Bind(SqliteCommand command, DetectionEvent e)
    {
        object?[] values =
        {
            e.Kind, e.Label, e.ClassId, e.TrackId, e.Region, e.Line, e.Direction, e.StartFrame, e.EndFrame,
            e.StartTime.TotalSeconds, e.EndTime.TotalSeconds, EventDatabase.FormatTime(e.StartedAt), EventDatabase.FormatTime(e.EndedAt),
            e.FrameCount, e.PeakFrame, (double)e.MaxConfidence, e.X, e.Y, e.Width, e.Height, e.Stationary ? 1 : 0, e.SnapshotPath, e.ClipPath,
        };
        for (int i = 0; i < values.Length; i++) command.Parameters["$" + EventColumns[i]].Value = values[i] ?? DBNull.Value;
        return command;
    }

    private void Execute(SqliteTransaction transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = _connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters) Add(command, name, value);
        command.ExecuteNonQuery();
    }

    private static void Add(SqliteCommand command, string name, object? value) => command.Parameters.AddWithValue(name, value ?? DBNull.Value);

    public void Dispose()
    {
        _connection?.Dispose();
        _connection = null;
    }
}
