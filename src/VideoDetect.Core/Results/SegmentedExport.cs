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
public sealed class SegmentedOutput : ISourceOutput
{
    private readonly SinkTarget _target;
    private readonly ResultHeader _header;
    private readonly FrameDetectionExportOptions _options;
    private readonly string _suffix;
    private readonly TimeSpan _length;
    private readonly List<FileInfo> _committed = new();
    private FrameDetectionOutput? _current;
    private long _segment = -1;
    private long _lastFrame = -1;

    internal SegmentedOutput(SinkTarget target, ResultHeader header, FrameDetectionExportOptions options, string suffix, TimeSpan length)
    {
        _target = target;
        _header = header;
        _options = options;
        _suffix = suffix;
        _length = length;
    }

    public string SourcePath => _target.SourcePath;

    /// <summary>Always true: a commit is a rename.</summary>
    public bool Completed => true;

    /// <summary>The segment files committed since the last call (the cmdlet emits them as they finish).</summary>
    public IReadOnlyList<FileInfo> TakeCommitted()
    {
        var files = _committed.ToArray();
        _committed.Clear();
        return files;
    }

    public bool Add(FrameDetections frame)
    {
        if (frame.FrameIndex <= _lastFrame)
            throw new FrameOutOfOrderException(frame.Path, frame.FrameIndex, $"Frame {frame.FrameIndex} of '{frame.Path}' arrived after frame {_lastFrame}: frames must arrive in increasing order, each once.");
        long segment = SegmentedExport.IndexOf(frame.Timestamp, _length);
        if (_current is not null && segment != _segment) _committed.Add(CommitCurrent());
        if (_current is null) Open(frame, segment);
        bool taken = _current!.Add(frame);
        _lastFrame = frame.FrameIndex;
        return taken;
    }

    private void Open(FrameDetections first, long segment)
    {
        string path = SegmentedExport.PathFor(_target.Path, _suffix, first, _length);
        if (File.Exists(path) && !_options.Force) throw new OutputExistsException(path, $"'{path}' exists; use -Force to replace it.");
        _target.Location.EnsureDirectory();
        _current = new FrameDetectionOutput(SourcePath, ResultFileWriter.Open(path, _options.Format, _header, _options.Force));
        _segment = segment;
    }

    /// <summary>Appends the open segment's last clip and renames its file onto its name: complete, whatever the frame count.</summary>
    private FileInfo CommitCurrent()
    {
        var output = _current!;
        _current = null;
        try
        {
            var writer = output.Writer;
            output.Seal();
            try
            {
                return writer.Commit();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ResultWriteFailedException(writer.TargetPath, $"Committing '{writer.TargetPath}' failed (the partial file is kept): {e.Message}", e);
            }
        }
        finally
        {
            output.Dispose();
        }
    }

    public bool Seal() => _current is not null;

    public ISourceResult Commit()
    {
        var writer = (_current ?? throw new InvalidOperationException("No segment is open.")).Writer;
        var file = CommitCurrent();
        return new FrameDetectionResult(file, writer.PartialPath, SourcePath, writer.Resumed, writer.ClipsAppended, _lastFrame, _lastFrame + 1);
    }

    public void Dispose()
    {
        _current?.Dispose();
        _current = null;
    }
}
