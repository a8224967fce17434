using Microsoft.Data.Sqlite;
using VideoDetect.Errors;
using VideoDetect.Events;
using VideoDetect.Results;
using VideoDetect.Review;
using Xunit;

namespace VideoDetect.Core.Tests.Review;

/// <summary>The events database: round trip, per-source replacement, rollback, locks, files that are not ours, filters.</summary>
public sealed class EventDatabaseTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vd-eventdb-").FullName;
    private string Db => Path.Combine(_dir, "events.db");
    private static readonly TimeSpan Busy = TimeSpan.FromMilliseconds(300);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static DetectionEvent Event(string path, string label, int? track, double start, DateTimeOffset? recording = null) => new()
    {
        Path = path, Label = label, ClassId = label == "car" ? 2 : 0, TrackId = track, Region = track is null ? null : "Dock",
        StartFrame = (long)(start * 25), EndFrame = (long)(start * 25) + 30, StartTime = TimeSpan.FromSeconds(start), EndTime = TimeSpan.FromSeconds(start + 1.2),
        StartedAt = recording + TimeSpan.FromSeconds(start), EndedAt = recording + TimeSpan.FromSeconds(start + 1.2),
        FrameCount = 28, MaxConfidence = 0.8731f, PeakFrame = (long)(start * 25) + 7, X = 10.25, Y = 20.5, Width = 33.125, Height = 64.0625,
    };

    private IReadOnlyList<DetectionEvent> Write(string source, params DetectionEvent[] events)
    {
        using var writer = new EventDatabaseWriter(Db, new EventDatabaseOptions { BusyTimeout = Busy });
        return writer.Write(source, events);
    }

    private IReadOnlyList<DetectionEvent> Read(EventQuery? query = null) => EventDatabaseReader.Read(Db, query ?? new EventQuery(), Busy);

    private static void AssertSame(DetectionEvent expected, DetectionEvent actual)
    {
        foreach (var p in typeof(DetectionEvent).GetProperties())
            Assert.True(Equals(p.GetValue(expected), p.GetValue(actual)), $"{p.Name}: {p.GetValue(expected)} != {p.GetValue(actual)}");
    }

    [Fact]
    public void Events_read_back_equal_to_what_was_written()
    {
        var zone = new DateTimeOffset(2026, 12, 4, 22, 15, 0, 123, TimeSpan.FromHours(2));
        var events = new[]
        {
            Event("/v/cam1.mp4", "person", 3, 50.4, zone) with { SnapshotPath = "/snaps/a.jpg", ClipPath = "/clips/a.mp4" },
            Event("/v/cam1.mp4", "car", null, 1.0 / 3),
            Event("/v/cam1.mp4", "person", 4, 7.04, zone) with { Kind = DetectionEvent.Crossing, Line = "Gate", Direction = "In", Region = null, Stationary = true },
        };
        Write("/v/cam1.mp4", events);
        var back = Read();
        Assert.Equal(events.Length, back.Count);
        for (int i = 0; i < events.Length; i++) AssertSame(events[i], back[i]);
    }

    [Fact]
    public void File_is_stamped_as_ours_in_wal_mode_with_the_recording_start_derived()
    {
        var start = new DateTimeOffset(2026, 12, 4, 22, 0, 0, TimeSpan.FromHours(-5));
        Write("/v/cam1.mp4", Event("/v/cam1.mp4", "person", 1, 12.5, start));
        using var c = new SqliteConnection($"Data Source={Db};Pooling=False");
        c.Open();
        Assert.Equal(EventDatabaseSchema.ApplicationId, Scalar<long>(c, "PRAGMA application_id"));
        Assert.Equal(EventDatabaseSchema.Version, Scalar<long>(c, "PRAGMA user_version"));
        Assert.Equal("wal", Scalar<string>(c, "PRAGMA journal_mode"));
        Assert.Equal("2026-12-04T22:00:00-05:00", Scalar<string>(c, "SELECT recording_start FROM videos"));
        Assert.Equal("2026-12-04T22:00:12.5-05:00", Scalar<string>(c, "SELECT started_at FROM events"));
        Assert.Null(Scalar<object>(c, "SELECT state FROM videos"));
    }

    [Fact]
    public void A_rerun_replaces_only_that_sources_rows()
    {
        Write("/v/a.mp4", Event("/v/a.mp4", "person", 1, 1), Event("/v/a.mp4", "person", 2, 2), Event("/v/a.mp4", "car", 3, 3));
        Write("/v/b.mp4", Event("/v/b.mp4", "person", 1, 1), Event("/v/b.mp4", "person", 2, 2));
        Write("/v/a.mp4", Event("/v/a.mp4", "dog", 9, 4));
        var back = Read();
        Assert.Equal(new[] { "person", "person", "dog" }, back.Select(e => e.Label));
        Assert.Equal(new[] { "/v/b.mp4", "/v/b.mp4", "/v/a.mp4" }, back.Select(e => e.Path));
    }

    [Fact]
    public void A_source_that_comes_again_in_one_run_adds_to_its_rows()
    {
        using var writer = new EventDatabaseWriter(Db, new EventDatabaseOptions { BusyTimeout = Busy });
        writer.Write("/v/a.mp4", new[] { Event("/v/a.mp4", "person", 1, 1) });
        writer.Write("/v/b.mp4", new[] { Event("/v/b.mp4", "person", 1, 1) });
        writer.Write("/v/a.mp4", new[] { Event("/v/a.mp4", "car", 2, 5) });
        Assert.Equal(2, Read().Count(e => e.Path == "/v/a.mp4"));
    }

    [Fact]
    public void A_failure_mid_source_rolls_back_and_keeps_the_earlier_rows()
    {
        Write("/v/a.mp4", Event("/v/a.mp4", "person", 1, 1), Event("/v/a.mp4", "person", 2, 2));
        using (var c = new SqliteConnection($"Data Source={Db};Pooling=False"))
        {
            c.Open();
            Execute(c, "CREATE TRIGGER boom BEFORE INSERT ON events WHEN NEW.label = 'boom' BEGIN SELECT RAISE(ABORT, 'boom refused'); END");
        }
        var e = Assert.Throws<ResultWriteFailedException>(() => Write("/v/a.mp4", Event("/v/a.mp4", "car", 5, 1), Event("/v/a.mp4", "boom", 6, 2)));
        Assert.Equal(ErrorIds.OutputWriteFailed, e.ErrorId);
        Assert.Contains("boom refused", e.Message);
        Assert.Equal(new[] { 1, 2 }, Read().Select(x => x.TrackId!.Value));
    }

    [Fact]
    public void A_database_locked_past_the_busy_timeout_is_OutputWriteFailed_and_nothing_is_half_written()
    {
        Write("/v/a.mp4", Event("/v/a.mp4", "person", 1, 1));
        using (var holder = new SqliteConnection($"Data Source={Db};Pooling=False"))
        {
            holder.Open();
            using var hold = holder.BeginTransaction(deferred: false);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var e = Assert.Throws<ResultWriteFailedException>(() => Write("/v/a.mp4", Event("/v/a.mp4", "car", 7, 3)));
            Assert.Equal(ErrorIds.OutputWriteFailed, e.ErrorId);
            Assert.Contains("locked", e.Message);
            Assert.True(watch.Elapsed >= Busy, $"gave up after {watch.Elapsed}, before the busy timeout");
            Assert.Equal("person", Assert.Single(Read()).Label); // readers are not blocked (WAL), and see the earlier rows
        }
        Write("/v/a.mp4", Event("/v/a.mp4", "car", 7, 3));
        Assert.Equal("car", Assert.Single(Read()).Label);
    }

    [Fact]
    public void A_file_that_is_not_a_VideoDetect_database_is_refused_and_left_alone()
    {
        File.WriteAllText(Db, "just some text, long enough to be read as a header by SQLite, surely more than 100 bytes of it ............................................");
        string before = File.ReadAllText(Db);
        var e = Assert.Throws<InvalidEventDatabaseException>(() => new EventDatabaseWriter(Db, new EventDatabaseOptions()));
        Assert.Equal(ErrorIds.InvalidEventDatabase, e.ErrorId);
        Assert.Throws<InvalidEventDatabaseException>(() => Read());
        Assert.Equal(before, File.ReadAllText(Db));

        File.Delete(Db);
        using (var c = new SqliteConnection($"Data Source={Db};Pooling=False"))
        {
            c.Open();
            Execute(c, "CREATE TABLE photos (id INTEGER)");
        }
        Assert.Contains("another SQLite database", Assert.Throws<InvalidEventDatabaseException>(() => new EventDatabaseWriter(Db, new EventDatabaseOptions())).Message);
    }

    [Fact]
    public void A_database_of_a_newer_schema_is_refused()
    {
        Write("/v/a.mp4", Event("/v/a.mp4", "person", 1, 1));
        using (var c = new SqliteConnection($"Data Source={Db};Pooling=False"))
        {
            c.Open();
            Execute(c, $"PRAGMA user_version = {EventDatabaseSchema.Version + 1}");
        }
        Assert.Contains("newer", Assert.Throws<InvalidEventDatabaseException>(() => Read()).Message);
        Assert.Throws<InvalidEventDatabaseException>(() => new EventDatabaseWriter(Db, new EventDatabaseOptions()));
    }

    [Fact]
    public void An_empty_file_becomes_the_database_and_a_missing_one_is_not_found_on_read()
    {
        Assert.Throws<FileNotFoundException>(() => Read());
        File.WriteAllBytes(Db, Array.Empty<byte>());
        Assert.Empty(Read());
        Write("/v/a.mp4", Event("/v/a.mp4", "person", 1, 1));
        Assert.Single(Read());
    }

    [Fact]
    public void Filters_select_by_video_label_track_and_time()
    {
        var night = new DateTimeOffset(2026, 12, 4, 23, 0, 0, TimeSpan.FromHours(1));
        Write("/v/cam1.mp4", Event("/v/cam1.mp4", "person", 1, 10, night), Event("/v/cam1.mp4", "car", 2, 20, night), Event("/v/cam1.mp4", "person", 3, 30, night));
        Write("/v/cam2.mp4", Event("/v/cam2.mp4", "person", 1, 15));
        Assert.Equal(3, Read(new EventQuery { Label = l => l == "person" }).Count);
        Assert.Single(Read(new EventQuery { Video = p => p.EndsWith("cam2.mp4", StringComparison.Ordinal) }));
        Assert.Equal(2, Read(new EventQuery { TrackIds = new[] { 1 } }).Count);
        Assert.Equal(new[] { 20.0, 30.0 }, Read(new EventQuery { After = EventTimeBound.OfOffset(TimeSpan.FromSeconds(16)) }).Select(e => e.StartTime.TotalSeconds));
        Assert.Equal(new[] { 10.0, 15.0 }, Read(new EventQuery { Before = EventTimeBound.OfOffset(TimeSpan.FromSeconds(20)) }).Select(e => e.StartTime.TotalSeconds));
        // Time of day, given in another zone (UTC): 22:00:20Z is 23:00:20+01:00; cam2's events have no time of day.
        var at = new DateTimeOffset(2026, 12, 4, 22, 0, 20, TimeSpan.Zero);
        Assert.Equal(new[] { 2, 3 }, Read(new EventQuery { After = EventTimeBound.OfTime(at) }).Select(e => e.TrackId!.Value));
        Assert.Equal(new[] { 1 }, Read(new EventQuery { Before = EventTimeBound.OfTime(at) }).Select(e => e.TrackId!.Value));
        Assert.Empty(Read(new EventQuery { Label = _ => false }));
    }

    private static T Scalar<T>(SqliteConnection c, string sql)
    {
        using var command = c.CreateCommand();
        command.CommandText = sql;
        object? value = command.ExecuteScalar();
        return value is DBNull or null ? default! : (T)value;
    }

    private static void Execute(SqliteConnection c, string sql)
    {
        using var command = c.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
