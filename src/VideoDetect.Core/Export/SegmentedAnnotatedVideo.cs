using VideoDetect.Errors;
using VideoDetect.Inference;
using VideoDetect.Results;

namespace VideoDetect.Export;

/// <summary>
/// Export-AnnotatedVideo -Segment: one source's annotated video rolled into a file per segment of
/// <c>length</c>, each a complete, playable video (its own <see cref="AnnotatedVideoWriter"/>: hidden
/// temporary file, renamed on commit) the moment its segment ends, so an hours-long camera leaves
/// finished videos as it goes. Segments are cut as <see cref="SegmentedExport"/> cuts result files
/// (frame offset from the source's start, <see cref="SegmentedExport.IndexOf"/>) and named by its rule
/// (<see cref="SegmentedExport.PathFor"/>: <c>&lt;name&gt;.&lt;yyyyMMddTHHmmss&gt;.annotated.mp4</c>), so a
/// segment's video and its result file carry the same stamp. Files and live sources alike: a file's
/// segments each re-decode their range; a live source's draw on the frames kept from the first decode.
/// </summary>
public sealed class SegmentedAnnotatedVideoExport(AnnotatedVideoExport export, TimeSpan length) : ISourceSink
{
    private readonly TimeSpan _length = length > TimeSpan.Zero ? length : throw new ArgumentOutOfRangeException(nameof(length));

    public string OutputKind => export.OutputKind;

    /// <summary>Claims the source's base target (segments are named from it; each segment's file is checked when it opens).</summary>
    public string Claim(OutputClaims claims, string sourcePath) => claims.Claim(sourcePath, AnnotatedVideoExport.Suffix, mayExist: true);

    public ISourceOutput Open(SinkTarget target, FrameDetections first) => new SegmentedAnnotatedVideoOutput(export, target, _length);
}

/// <summary>
/// One source's segmented annotated video: holds the open segment's <see cref="AnnotatedVideoOutput"/>;
/// a frame of a later segment seals and commits it (waits for its encoder's tail, then the rename) and
/// opens the next, which starts at the frame after the last one handed to it (frames between two
/// detected frames, -FrameStride's, belong to the later segment). Abandoned (a stop, a failure,
/// SIGKILL), the open segment's temporary file is deleted or left hidden: only whole segments look
/// finished. What it keeps between segments: the open segment's writer and the files committed but
/// not yet taken (<see cref="TakeCommitted"/>) — nothing per frame, so memory stays flat over hours.
/// </summary>
public sealed class SegmentedAnnotatedVideoOutput : ISourceOutput
{
    private readonly AnnotatedVideoExport _export;
    private readonly SinkTarget _target;
    private readonly TimeSpan _length;
    private readonly List<AnnotatedVideoResult> _committed = new();
    private AnnotatedVideoOutput? _current;
    private long _segment = -1;
    private long _lastFrame = -1;

    internal SegmentedAnnotatedVideoOutput(AnnotatedVideoExport export, SinkTarget target, TimeSpan length)
    {
        _export = export;
        _target = target;
        _length = length;
    }

    public string SourcePath => _target.SourcePath;

    /// <summary>The open segment's writer (for progress); null between segments.</summary>
    public AnnotatedVideoWriter? Writer => _current?.Writer;

    /// <summary>Segments committed so far.</summary>
    public long SegmentsCommitted { get; private set; }

    /// <summary>Segment results committed but not yet taken (the cmdlet takes them after every frame).</summary>
    public int PendingResults => _committed.Count;

    public bool Completed => _current?.Completed ?? true;

    /// <summary>The segments committed since the last call (the cmdlet emits them as they finish).</summary>
    public IReadOnlyList<AnnotatedVideoResult> TakeCommitted()
    {
        var results = _committed.ToArray();
        _committed.Clear();
        return results;
    }

    public bool Add(FrameDetections frame)
    {
        if (frame.FrameIndex <= _lastFrame)
            throw new FrameOutOfOrderException(frame.Path, frame.FrameIndex, $"Frame {frame.FrameIndex} of '{frame.Path}' arrived after frame {_lastFrame}: frames must arrive in increasing order, each once.");
        long segment = SegmentedExport.IndexOf(frame.Timestamp, _length);
        if (_current is not null && segment != _segment) _committed.Add(CommitCurrent());
        if (_current is null) Open(frame, segment);
        _current!.Add(frame);
        _lastFrame = frame.FrameIndex;
        return true;
    }

    private void Open(FrameDetections first, long segment)
    {
        string path = SegmentedExport.PathFor(_target.Path, AnnotatedVideoExport.Suffix, first, _length);
        if (File.Exists(path) && !_export.Overwrite) throw new OutputExistsException(path, $"'{path}' exists; use -Force to replace it.");
        _current = _export.OpenAt(_target with { Path = path }, first, _lastFrame >= 0 ? _lastFrame + 1 : -1);
        _segment = segment;
    }

    /// <summary>Seals the open segment, waits for its encoder and renames its file onto its name.</summary>
    private AnnotatedVideoResult CommitCurrent()
    {
        var output = _current!;
        _current = null;
        try
        {
            output.Seal();
            var result = (AnnotatedVideoResult)output.Commit();
            SegmentsCommitted++;
            return result;
        }
        finally
        {
            output.Dispose();
        }
    }

    public bool Seal() => _current is { } output && output.Seal();

    public ISourceResult Commit()
    {
        if (_current is null) throw new InvalidOperationException("No segment is open.");
        return CommitCurrent();
    }

    /// <summary>Abandons the open segment (its encoder killed, its temporary file deleted).</summary>
    public void Dispose()
    {
        _current?.Dispose();
        _current = null;
    }
}
