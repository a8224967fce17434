using System.Globalization;
using VideoDetect.Errors;
using VideoDetect.Inference;

namespace VideoDetect.Results;

/// <summary>
/// Export-FrameDetection -Segment: one source's frames rolled into a result file per segment of
/// <c>length</c>, each a complete result file (header + records, committed atomically by the same
/// <see cref="ResultFileWriter"/> as an unsegmented file) the moment its segment ends, so a live run
/// of hours leaves finished files as it goes. Segment k of a source holds the frames whose offset
/// (Timestamp: from the stream's start, or the file's time 0) lies in [k·length, (k+1)·length); frame
/// indices go on counting across segments. The file of a segment is named after its source's target
/// (<see cref="OutputClaims"/>) with the segment's start stamp before the suffix (<see cref="PathFor"/>).
/// </summary>
public sealed class SegmentedExport(FrameDetectionExport export, FrameDetectionExportOptions options, TimeSpan length) : ISourceSink
{
    private readonly TimeSpan _length = length > TimeSpan.Zero ? length : throw new ArgumentOutOfRangeException(nameof(length));

    public string OutputKind => StoreOutputs.Detections;

    /// <summary>Claims the source's base target (segments are named from it; each segment file is checked when it opens).</summary>
    public string Claim(OutputClaims claims, string sourcePath) => claims.Claim(sourcePath, export.Suffix, mayExist: true);

    public ISourceOutput Open(SinkTarget target, FrameDetections first) =>
        new SegmentedOutput(target, export.HeaderFor(target.SourcePath, first), options, export.Suffix, _length);

    /// <summary>The segment <paramref name="offset"/> falls in (0 from the source's start).</summary>
    public static long IndexOf(TimeSpan offset, TimeSpan length) => offset <= TimeSpan.Zero ? 0 : offset.Ticks / length.Ticks;

    /// <summary>
    /// The file of the segment whose first frame is <paramref name="first"/>: <c>&lt;base&gt;.&lt;stamp&gt;&lt;suffix&gt;</c>,
    /// the stamp being the segment's start as a time of day, <c>yyyyMMddTHHmmss</c> in the recording's own
    /// offset (the source's RecordingStart + k·length); without a time of day, the segment's start offset as
    /// <c>tHHHmmss</c> (t0001500 is 15 min in). A base target not ending in <paramref name="suffix"/> (a -Path
    /// such as results.jsonl) takes the stamp before its own extension.
    /// </summary>
    public static string PathFor(string baseTarget, string suffix, FrameDetections first, TimeSpan length)
    {
        var start = TimeSpan.FromTicks(IndexOf(first.Timestamp, length) * length.Ticks);
        string stamp = first.RecordingStart is { } at
            ? (at + start).ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture)
            : "t" + ((long)start.TotalHours).ToString("000", CultureInfo.InvariantCulture) + start.ToString("mmss", CultureInfo.InvariantCulture);
        // A -Path of another name (results.jsonl) takes the stamp before its own extension: results.<stamp>.jsonl.
        if (!baseTarget.EndsWith(suffix, StringComparison.Ordinal)) suffix = System.IO.Path.GetExtension(baseTarget);
        return $"{baseTarget[..^suffix.Length]}.{stamp}{suffix}";
    }

    /// <summary>
    /// The segment stamp of <paramref name="fileName"/> when it is a segment file of <paramref name="sourcePath"/>
    /// under -OutputDirectory (<see cref="PathFor"/>'s rule read back: <c>&lt;source name&gt;.&lt;stamp&gt;&lt;suffix&gt;</c>,
    /// a <c>.partial</c> ending allowed); null for the source's one unsegmented file or any other name.
    /// Get-DetectionStore shows it per segment.
    /// </summary>
    public static string? StampOf(string fileName, string sourcePath, string suffix)
    {
        if (fileName.EndsWith(PendingFile.PartialSuffix, StringComparison.Ordinal)) fileName = fileName[..^PendingFile.PartialSuffix.Length];
        string stem = OutputLocation.NameFor(sourcePath, suffix)[..^suffix.Length] + ".";
        if (!fileName.StartsWith(stem, StringComparison.Ordinal) || !fileName.EndsWith(suffix, StringComparison.Ordinal) || fileName.Length <= stem.Length + suffix.Length) return null;
        string stamp = fileName[stem.Length..^suffix.Length];
        return System.Text.RegularExpressions.Regex.IsMatch(stamp, @"^(\d{8}T\d{6}|t\d{7})$") ? stamp : null;
    }
}

/// <summary>
/// One source's segmented output: holds the open segment's <see cref="FrameDetectionOutput"/>; a frame
/// of a later segment commits it (the atomic rename) and opens the next. Abandoned (a stop, a failure),
/// the open segment stays a partial file, so only whole segments look finished.
/// </summary>
public sealed class SegmentedOutput : SegmentRollingOutput<FrameDetectionOutput, FileInfo>
{
    private readonly ResultHeader _header;
    private readonly FrameDetectionExportOptions _options;
    private readonly string _suffix;

    internal SegmentedOutput(SinkTarget target, ResultHeader header, FrameDetectionExportOptions options, string suffix, TimeSpan length)
        : base(target, length)
    {
        _header = header;
        _options = options;
        _suffix = suffix;
    }

    /// <summary>Always true: a commit is a rename.</summary>
    public override bool Completed => true;

    protected override FrameDetectionOutput OpenSegment(FrameDetections first)
    {
        string path = SegmentPath(first, _suffix, _options.Force);
        Target.Location.EnsureDirectory();
        return new FrameDetectionOutput(SourcePath, ResultFileWriter.Open(path, _options.Format, _header, _options.Force));
    }

    /// <summary>Appends the segment's last clip and renames its file onto its name: complete, whatever the frame count.</summary>
    protected override FileInfo CommitSegment(FrameDetectionOutput segment)
    {
        var writer = segment.Writer;
        segment.Seal();
        try
        {
            return writer.Commit();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ResultWriteFailedException(writer.TargetPath, $"Committing '{writer.TargetPath}' failed (the partial file is kept): {e.Message}", e);
        }
    }

    public override bool Seal() => Current is not null;

    public override ISourceResult Commit()
    {
        var writer = (Current ?? throw new InvalidOperationException("No segment is open.")).Writer;
        var file = CommitCurrent();
        return new FrameDetectionResult(file, writer.PartialPath, SourcePath, writer.Resumed, writer.ClipsAppended, LastFrame, LastFrame + 1);
    }
}
