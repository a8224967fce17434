using System.Text.Json;
using VideoDetect.Video;

namespace VideoDetect.Results;

/// <summary>What a run recorded about one output of one source (<see cref="SourceOutputs"/>).</summary>
public enum RecordedOutput
{
    /// <summary>The writer opened it; no commit followed (yet): interrupted, or being written now.</summary>
    Started,
    /// <summary>Committed: the file is final.</summary>
    Done,
    /// <summary>The writer failed; nothing was left that looks finished.</summary>
    Failed,
}

/// <summary>One output of a source as recorded: its kind, the file, the version of the source it was made from, when.</summary>
public sealed record OutputRecord
{
    /// <summary>The sink's kind (<see cref="ISourceSink.OutputKind"/>): Detections, AnnotatedVideo, …</summary>
    public string Kind { get; init; } = "";
    public RecordedOutput State { get; init; }
    /// <summary>The output file (its target).</summary>
    public string? File { get; init; }
    /// <summary>The source's size and last-write time when the output was begun: a record of another version is stale.</summary>
    public long SourceSize { get; init; }
    public DateTime SourceLastWriteTimeUtc { get; init; }
    public DateTimeOffset Time { get; init; }
    /// <summary>Why it failed.</summary>
    public string? Reason { get; init; }
}

/// <summary>The outputs record of one source: <c>.outputs/&lt;source name&gt;.json</c> in the result store.</summary>
public sealed record SourceOutputsRecord
{
    public const string FormatName = "VideoDetect.Outputs";
    public string Format { get; init; } = FormatName;
    public int Version { get; init; } = 1;
    /// <summary>The source's path as the last writer saw it.</summary>
    public string Source { get; init; } = "";
    /// <summary>By kind, one each.</summary>
    public Dictionary<string, OutputRecord> Outputs { get; init; } = new(StringComparer.Ordinal);
}

/// <summary>
/// The store's record of which outputs each source has (issue: the store covers every output). One
/// small JSON file per source in the store's hidden <c>.outputs</c> folder, named by the store's naming
/// rule (<c>.outputs/cam1.json</c> for <c>cam1.detections.jsonl</c>), holding per output kind whether it
/// was begun, committed or failed, its file and the source version it was made from. A folder of its
/// own, hidden, so a listing of the store is still its result files. The result file is its own
/// record of the Detections kind: only the other outputs (-Store on their writers) are recorded. Written only by
/// <see cref="SourceSinkDriver"/> (every sink gets it), replaced atomically (a hidden temporary file
/// renamed onto it), read-modify-write under a process-wide lock: the outputs of one source are made
/// by the run that claimed it, so two processes do not update one record at once. Read by
/// <see cref="StoreSummary"/> (Get-DetectionStore: each output's state; -MissingOutput).
/// </summary>
public static class SourceOutputs
{
    /// <summary>The store's folder of records.</summary>
    public const string Folder = ".outputs";

    /// <summary>A record's suffix: <c>cam1.json</c>.</summary>
    public const string Suffix = ".json";

    private static readonly object Gate = new();

    /// <summary>The records folder of <paramref name="store"/>.</summary>
    public static string FolderOf(string store) => System.IO.Path.Combine(store, Folder);

    /// <summary>The record of <paramref name="sourcePath"/> in <paramref name="store"/>.</summary>
    public static string PathFor(string store, string sourcePath) => System.IO.Path.Combine(FolderOf(store), OutputLocation.NameFor(sourcePath, Suffix));

    /// <summary>The record at <paramref name="path"/>, or null when there is none or it cannot be read (an unreadable record counts as no record).</summary>
    public static SourceOutputsRecord? Read(string path)
    {
        try
        {
            var record = JsonSerializer.Deserialize<SourceOutputsRecord>(File.ReadAllBytes(path), ResultHeader.Json);
            return record?.Format == SourceOutputsRecord.FormatName ? record : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>
    /// Records <paramref name="output"/> for <paramref name="sourcePath"/> in <paramref name="store"/>
    /// (replacing the record of its kind). Throws <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/> when it cannot be written.
    /// </summary>
    public static void Record(string store, string sourcePath, OutputRecord output)
    {
        string path = PathFor(store, sourcePath);
        lock (Gate)
        {
            var record = Read(path) ?? new SourceOutputsRecord();
            var outputs = new Dictionary<string, OutputRecord>(record.Outputs, StringComparer.Ordinal) { [output.Kind] = output };
            record = record with { Source = sourcePath, Outputs = outputs };
            var folder = Directory.CreateDirectory(FolderOf(store));
            if (OperatingSystem.IsWindows() && !folder.Attributes.HasFlag(FileAttributes.Hidden)) folder.Attributes |= FileAttributes.Hidden; // a dot name hides it elsewhere
            using var pending = PendingFile.Hidden(path);
            File.WriteAllBytes(pending.TempPath, JsonSerializer.SerializeToUtf8Bytes(record, ResultHeader.Json));
            pending.Commit(overwrite: true);
        }
    }

    /// <summary>A record of <paramref name="kind"/> for the source version at <paramref name="sourcePath"/> now (a stat), or null when the source is gone.</summary>
    public static OutputRecord? For(string kind, string sourcePath, RecordedOutput state, string? file, string? reason = null) =>
        IdentityOf(sourcePath) is { } identity ? For(kind, identity, state, file, reason) : null;

    /// <summary>
    /// A record of <paramref name="kind"/> for the source version <paramref name="identity"/>: the
    /// version the output was begun from (<see cref="IdentityOf"/> when it started), so a source that
    /// changes while its output is written is not recorded as its new version.
    /// </summary>
    public static OutputRecord For(string kind, SourceIdentity identity, RecordedOutput state, string? file, string? reason = null) => new()
    {
        Kind = kind, State = state, File = file, SourceSize = identity.Size, SourceLastWriteTimeUtc = identity.LastWriteTimeUtc,
        Time = DateTimeOffset.Now, Reason = reason,
    };

    /// <summary>The source's version now (a stat), or null when it is gone or cannot be read.</summary>
    public static SourceIdentity? IdentityOf(string sourcePath)
    {
        try
        {
            return SourceIdentity.Of(sourcePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
