using System.Globalization;
using Microsoft.Data.Sqlite;
using VideoDetect.Results;

namespace VideoDetect.Review;

/// <summary>
/// Opening the events database and reading its errors, for the writer and the reader alike: the
/// connection string (no pooling, so the file is let go when a command ends; a busy timeout so two
/// shards can share the file), the check that a file is ours, and the one mapping of SQLite's errors
/// onto the module's ids (not a database → InvalidEventDatabase; busy, read-only, I/O → OutputWriteFailed).
/// </summary>
public static class EventDatabase
{
    /// <summary>How long a writer waits for another process's write lock by default.</summary>
    public static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(30);

    /// <summary>An ISO 8601 time with its offset, fraction only as long as needed (reads back exactly with <see cref="ParseTime"/>).</summary>
    public const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz";

    public static string? FormatTime(DateTimeOffset? time) => time?.ToString(TimeFormat, CultureInfo.InvariantCulture);

    public static DateTimeOffset? ParseTime(string? text) =>
        text is null ? null : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    /// <summary>
    /// An open connection to <paramref name="path"/>: read-write (created when missing) in WAL mode, or
    /// read-only. SQLite's busy handler waits up to <paramref name="busyTimeout"/> for another writer;
    /// Microsoft.Data.Sqlite's own retry is kept to its one-second minimum on top of it.
    /// </summary>
    public static SqliteConnection Open(string path, bool write, TimeSpan busyTimeout)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = write ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadOnly,
            Pooling = false,
            ForeignKeys = true,
            DefaultTimeout = 1,
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA busy_timeout = {(long)busyTimeout.TotalMilliseconds}";
            command.ExecuteNonQuery();
            if (write)
            {
                // Persistent in the file: readers never block the writer, and a second process's writer waits its turn.
                command.CommandText = "PRAGMA journal_mode = WAL";
                command.ExecuteNonQuery();
            }
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Throws <see cref="InvalidEventDatabaseException"/> when the existing file at <paramref name="path"/>
    /// is not a VideoDetect events database (a missing or empty file is fine: the first write makes it).
    /// Other problems (busy, unreadable) are left to the write, which reports them per source.
    /// </summary>
    public static void Check(string path, TimeSpan busyTimeout)
    {
        if (!File.Exists(path) || new FileInfo(path).Length == 0) return;
        try
        {
            using var connection = Open(path, write: false, busyTimeout);
            if (EventDatabaseSchema.Problem(EventDatabaseSchema.Inspect(connection)) is { } problem)
                throw new InvalidEventDatabaseException(path, problem);
        }
        catch (SqliteException e) when (IsNotDatabase(e))
        {
            throw new InvalidEventDatabaseException(path, e.Message, e);
        }
        catch (SqliteException)
        {
            // Locked or unreadable now: the write says so for each source.
        }
    }

    /// <summary>SQLite's "file is not a database" or "database disk image is malformed".</summary>
    public static bool IsNotDatabase(SqliteException e) => e.SqliteErrorCode is 26 /* SQLITE_NOTADB */ or 11 /* SQLITE_CORRUPT */;

    /// <summary>The module's error for a SQLite error while <paramref name="what"/> was written to <paramref name="path"/>.</summary>
    public static Errors.VideoDetectException WriteError(string path, string what, Exception e) => e switch
    {
        SqliteException s when IsNotDatabase(s) => new InvalidEventDatabaseException(path, s.Message, s),
        SqliteException s when s.SqliteErrorCode is 5 or 6 /* SQLITE_BUSY, SQLITE_LOCKED */ =>
            new ResultWriteFailedException(path, $"'{path}' is locked by another writer past the busy timeout; the events of {what} were not written (its earlier rows are kept).", e),
        _ => new ResultWriteFailedException(path, $"Cannot write the events of {what} to '{path}': {e.Message} (its earlier rows are kept).", e),
    };
}
