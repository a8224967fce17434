using System.Globalization;
using Microsoft.Data.Sqlite;
using VideoDetect.Events;

namespace VideoDetect.Review;

/// <summary>
/// Reads the events database back as DetectionEvent objects (Import-DetectionEvent), equal property
/// by property to what was written, in the order written. Videos and labels are matched in C# (the
/// cmdlet's wildcards) over the few distinct values, then filtered in SQL with the track ids; the
/// time bounds compare DateTimeOffset values exactly, on the rows read.
/// </summary>
public static class EventDatabaseReader
{
    /// <summary>
    /// The events of <paramref name="path"/> that <paramref name="query"/> selects. Throws
    /// <see cref="FileNotFoundException"/> for a missing file, <see cref="InvalidEventDatabaseException"/>
    /// for one that is not a VideoDetect events database, <see cref="Results.ResultFileCorruptException"/> for one that cannot be read now.
    /// </summary>
    public static IReadOnlyList<DetectionEvent> Read(string path, EventQuery query, TimeSpan busyTimeout)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Cannot find the events database '{path}'.", path);
        try
        {
            using var connection = EventDatabase.Open(path, write: false, busyTimeout);
            var stamp = EventDatabaseSchema.Inspect(connection);
            if (EventDatabaseSchema.Problem(stamp) is { } problem) throw new InvalidEventDatabaseException(path, problem);
            if (stamp.IsEmpty) return Array.Empty<DetectionEvent>();
            return Select(connection, query).Where(query.InTime).ToList();
        }
        catch (SqliteException e) when (EventDatabase.IsNotDatabase(e))
        {
            throw new InvalidEventDatabaseException(path, e.Message, e);
        }
        catch (SqliteException e)
        {
            throw new Results.ResultFileCorruptException(path, 0, $"cannot be read: {e.Message}", e);
        }
    }

    private static IEnumerable<DetectionEvent> Select(SqliteConnection connection, EventQuery query)
    {
        using var command = connection.CreateCommand();
        var where = new List<string>();
        if (query.Video is { } video) where.Add(InList(command, "e.video_id", "v", Distinct(connection, "SELECT id, path FROM videos").Where(r => video((string)r.Value)).Select(r => r.Key)));
        if (query.Label is { } label) where.Add(InList(command, "e.label", "l", Distinct(connection, "SELECT DISTINCT 0, label FROM events").Select(r => (string)r.Value).Where(label).Cast<object>()));
        if (query.TrackIds is { } tracks) where.Add(InList(command, "e.track_id", "t", tracks.Cast<object>()));
        command.CommandText = """
            SELECT v.path, e.kind, e.label, e.class_id, e.track_id, e.region, e.line, e.direction, e.start_frame, e.end_frame,
                   e.start_seconds, e.end_seconds, e.started_at, e.ended_at, e.frame_count, e.peak_frame, e.peak_confidence,
                   e.peak_x, e.peak_y, e.peak_width, e.peak_height, e.stationary, e.snapshot_path, e.clip_path
            FROM events e JOIN videos v ON v.id = e.video_id
            """ + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY e.id";
        using var reader = command.ExecuteReader();
        while (reader.Read()) yield return Row(reader);
    }

    private static DetectionEvent Row(SqliteDataReader r)
    {
        string? Text(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        return new DetectionEvent
        {
            Path = r.GetString(0), Kind = r.GetString(1), Label = r.GetString(2), ClassId = r.GetInt32(3),
            TrackId = r.IsDBNull(4) ? null : r.GetInt32(4), Region = Text(5), Line = Text(6), Direction = Text(7),
            StartFrame = r.GetInt64(8), EndFrame = r.GetInt64(9), StartTime = Seconds(r.GetDouble(10)), EndTime = Seconds(r.GetDouble(11)),
            StartedAt = EventDatabase.ParseTime(Text(12)), EndedAt = EventDatabase.ParseTime(Text(13)),
            FrameCount = r.GetInt32(14), PeakFrame = r.GetInt64(15), MaxConfidence = (float)r.GetDouble(16),
            X = r.GetDouble(17), Y = r.GetDouble(18), Width = r.GetDouble(19), Height = r.GetDouble(20),
            Stationary = r.GetInt64(21) != 0, SnapshotPath = Text(22), ClipPath = Text(23),
        };
    }

    /// <summary>Seconds as written (TimeSpan.TotalSeconds) back to the exact ticks.</summary>
    private static TimeSpan Seconds(double seconds) => TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));

    private static List<KeyValuePair<object, object>> Distinct(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<KeyValuePair<object, object>>();
        while (reader.Read()) rows.Add(new(reader.GetValue(0), reader.GetValue(1)));
        return rows;
    }

    // "column IN ($p0, $p1, …)", or a false condition for an empty list.
    private static string InList(SqliteCommand command, string column, string prefix, IEnumerable<object> values)
    {
        var names = new List<string>();
        foreach (var value in values)
        {
            string name = $"${prefix}{names.Count}";
            command.Parameters.AddWithValue(name, value);
            names.Add(name);
        }
        return names.Count == 0 ? "0" : $"{column} IN ({string.Join(", ", names)})";
    }
}
