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
public sealed class SegmentedAnnotatedVideoOutput : SegmentRollingOutput<AnnotatedVideoOutput, AnnotatedVideoResult>
{
    private readonly AnnotatedVideoExport _export;

    internal SegmentedAnnotatedVideoOutput(AnnotatedVideoExport export, SinkTarget target, TimeSpan length) : base(target, length) => _export = export;

    /// <summary>The open segment's writer (for progress); null between segments.</summary>
    public AnnotatedVideoWriter? Writer => Current?.Writer;

    public override bool Completed => Current?.Completed ?? true;

    protected override AnnotatedVideoOutput OpenSegment(FrameDetections first) =>
        _export.OpenAt(Target with { Path = SegmentPath(first, AnnotatedVideoExport.Suffix, _export.Overwrite) }, first, LastFrame >= 0 ? LastFrame + 1 : -1);

    /// <summary>Seals the segment, waits for its encoder and renames its file onto its name.</summary>
    protected override AnnotatedVideoResult CommitSegment(AnnotatedVideoOutput segment)
    {
        segment.Seal();
        return (AnnotatedVideoResult)segment.Commit();
    }

    public override bool Seal() => Current is { } output && output.Seal();

    public override ISourceResult Commit() => CommitCurrent();
}
