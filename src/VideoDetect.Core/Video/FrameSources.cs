namespace VideoDetect.Video;

/// <summary>
/// Opens the <see cref="IFrameSource"/> of a clip — the one place that knows the kinds of source:
/// a <see cref="FrameSourceKind.File"/> clip opens its file (<see cref="VideoReader"/>, exact and
/// seekable, as often as asked); a <see cref="FrameSourceKind.Live"/> clip opens through the live
/// opener given to the constructor (the live-stream issue supplies one; tests an in-memory source),
/// at most once per path: a forward-only source cannot be read again, so a second open is
/// <see cref="SourceNotSeekableException"/>. Thread-safe.
/// </summary>
public sealed class FrameSources
{
    private readonly Func<VideoClip, IFrameSource>? _openLive;
    private readonly HashSet<string> _liveOpened = new(StringComparer.Ordinal);

    /// <param name="openLive">Opens the forward-only source of a live clip; null: live clips cannot be opened.</param>
    public FrameSources(Func<VideoClip, IFrameSource>? openLive = null) => _openLive = openLive;

    /// <summary>Files only: what every decode uses unless told otherwise.</summary>
    public static FrameSources Files { get; } = new();

    /// <summary>The exact, seekable source of a video file with its frame index (<paramref name="decodeThreads"/>: FFmpeg threads, 0 for OpenCV's default).</summary>
    public static IFrameSource OpenFile(string path, VideoIndex index, int decodeThreads = 0) =>
        new VideoReader(System.IO.Path.GetFullPath(path), index, decodeThreads);

    /// <summary>
    /// The source of a file decoded for the motion gate: <see cref="FfmpegFileSource"/> (the system's
    /// ffmpeg, grey for the gate, BGR only for the frames inferred) when <see cref="FfmpegDecoding.For"/>
    /// says this file can be decoded so, else <see cref="VideoReader"/>. The choice depends only on the
    /// file, its index and the machine, never on the range, so every range of a run — any
    /// -ThrottleLimit, a resume, a shard — decodes the same way and the gate decides the same.
    /// </summary>
    /// <param name="inProcess">False: decode through the ffmpeg executable even where libavcodec could decode in this process (tests compare the two).</param>
    public static IFrameSource OpenGatedFile(string path, VideoIndex index, int decodeThreads = 0, bool inProcess = true)
    {
        string full = System.IO.Path.GetFullPath(path);
        return FfmpegDecoding.For(full, index) is { } d
            ? new FfmpegFileSource(d.Ffmpeg, full, index, d.Info, decodeThreads, inProcess)
            : new VideoReader(full, index, decodeThreads);
    }

    /// <summary>
    /// Opens the source of <paramref name="clip"/>. A file clip needs its video's <paramref name="index"/>;
    /// a live clip has none. <paramref name="gated"/> (-SkipStatic) asks for a source the motion gate can
    /// read grey from (<see cref="OpenGatedFile"/>). Throws <see cref="VideoException"/> when no live source
    /// can be opened here, <see cref="SourceNotSeekableException"/> when the live source was opened before.
    /// </summary>
    public IFrameSource Open(VideoClip clip, VideoIndex? index, int decodeThreads = 0, bool gated = false)
    {
        ArgumentNullException.ThrowIfNull(clip);
        if (clip.SourceKind != FrameSourceKind.Live)
        {
            var fileIndex = index ?? throw new ArgumentNullException(nameof(index), "A file source needs its video's index.");
            return gated ? OpenGatedFile(clip.Path, fileIndex, decodeThreads) : OpenFile(clip.Path, fileIndex, decodeThreads);
        }
        if (_openLive is null)
            throw new VideoException(VideoErrorKind.Unreadable, clip.Path, $"'{clip.Path}' is a live source, and no live source can be opened here.");
        lock (_liveOpened)
        {
            if (!_liveOpened.Add(clip.Path))
                throw new SourceNotSeekableException(clip.Path, $"'{clip.Path}' is a forward-only source that was already read: its frames cannot be read again.");
        }
        return _openLive(clip);
    }
}
