using VideoDetect.Errors;
using VideoDetect.Inference;

namespace VideoDetect.Results;

/// <summary>
/// The rolling rule every segmented output shares (Export-FrameDetection -Segment's result files,
/// Export-AnnotatedVideo -Segment's videos): frames arrive in increasing order, each once; a frame of a
/// later segment (<see cref="SegmentedExport.IndexOf"/> of its offset) commits the open segment and opens
/// the next, named by <see cref="SegmentedExport.PathFor"/>; committed segments wait in
/// <see cref="TakeCommitted"/> until the cmdlet emits them. Abandoned (a stop, a failure), the open
/// segment is disposed, so only whole segments look finished. It keeps the open segment and the
/// committed-but-untaken ones — nothing per frame, so memory stays flat over hours.
/// A kind of segment supplies how one opens (<see cref="OpenSegment"/>) and commits (<see cref="CommitSegment"/>).
/// </summary>
public abstract class SegmentRollingOutput<TSegment, TCommitted> : ISourceOutput where TSegment : class, ISourceOutput
{
    private readonly List<TCommitted> _committed = new();
    private long _segment = -1;

    protected SegmentRollingOutput(SinkTarget target, TimeSpan length)
    {
        Target = target;
        Length = length;
    }

    protected SinkTarget Target { get; }

    protected TimeSpan Length { get; }

    /// <summary>The open segment; null between segments.</summary>
    protected TSegment? Current { get; private set; }

    /// <summary>The last frame added (to any segment); -1 before the first.</summary>
    protected long LastFrame { get; private set; } = -1;

    public string SourcePath => Target.SourcePath;

    /// <summary>The segments committed since the last call (the cmdlet emits them as they finish).</summary>
    public IReadOnlyList<TCommitted> TakeCommitted()
    {
        var committed = _committed.ToArray();
        _committed.Clear();
        return committed;
    }

    public bool Add(FrameDetections frame)
    {
        if (frame.FrameIndex <= LastFrame)
            throw new FrameOutOfOrderException(frame.Path, frame.FrameIndex, $"Frame {frame.FrameIndex} of '{frame.Path}' arrived after frame {LastFrame}: frames must arrive in increasing order, each once.");
        long segment = SegmentedExport.IndexOf(frame.Timestamp, Length);
        if (Current is not null && segment != _segment) _committed.Add(CommitCurrent());
        if (Current is null)
        {
            Current = OpenSegment(frame);
            _segment = segment;
        }
        bool taken = Current.Add(frame);
        LastFrame = frame.FrameIndex;
        return taken;
    }

    /// <summary>The file of the segment <paramref name="first"/> opens; an existing one without -Force is <see cref="OutputExistsException"/>.</summary>
    protected string SegmentPath(FrameDetections first, string suffix, bool overwrite)
    {
        string path = SegmentedExport.PathFor(Target.Path, suffix, first, Length);
        if (File.Exists(path) && !overwrite) throw new OutputExistsException(path, $"'{path}' exists; use -Force to replace it.");
        return path;
    }

    /// <summary>Opens the segment whose first frame is <paramref name="first"/> (<see cref="LastFrame"/> is still the previous segment's last).</summary>
    protected abstract TSegment OpenSegment(FrameDetections first);

    /// <summary>Seals and commits <paramref name="segment"/>; the caller disposes it afterwards, whatever happens.</summary>
    protected abstract TCommitted CommitSegment(TSegment segment);

    /// <summary>Commits the open segment (which must exist) and disposes it.</summary>
    protected TCommitted CommitCurrent()
    {
        var segment = Current ?? throw new InvalidOperationException("No segment is open.");
        Current = null;
        try
        {
            return CommitSegment(segment);
        }
        finally
        {
            segment.Dispose();
        }
    }

    public abstract bool Completed { get; }

    public abstract bool Seal();

    public abstract ISourceResult Commit();

    /// <summary>Abandons the open segment (see the segment kind's Dispose).</summary>
    public void Dispose()
    {
        Current?.Dispose();
        Current = null;
        GC.SuppressFinalize(this);
    }
}
