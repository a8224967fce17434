using OpenCvSharp;

namespace VideoDetect.Video;

/// <summary>What kind of source a clip's frames come from, and so what its readers may do.</summary>
public enum FrameSourceKind
{
    /// <summary>A video file with an exact frame index: seekable to any frame, and re-readable (for a second decode by a writer).</summary>
    File = 0,

    /// <summary>A forward-only source (a live stream): frames come once, in order; it cannot seek back or be read again.</summary>
    Live = 1,
}

/// <summary>
/// The one contract every decoder of frames goes through (Batching's decode workers, Export's
/// second decode): frames come in increasing frame order, each as (frame index, timestamp, pixels).
/// <list type="bullet">
/// <item><see cref="FrameSourceKind.File"/> (<see cref="VideoReader"/>): indices and timestamps from the
/// video's exact <see cref="VideoIndex"/>; <see cref="Seek"/> goes exactly to any frame. A gated decode
/// (-SkipStatic) may get <see cref="FfmpegFileSource"/> instead (the system's ffmpeg, same index, same
/// exactness; <see cref="FrameSources.OpenGatedFile"/> says when), which also offers the luma plane
/// (<see cref="ILumaFrameSource"/>).</item>
/// <item><see cref="FrameSourceKind.Live"/> (<see cref="ForwardOnlyFrameSource"/>): indices count the
/// frames since the source was opened, timestamps are the source's own; <see cref="Seek"/> only skips
/// forward, and a source is opened once (<see cref="FrameSources"/>): a seek back or a second read
/// raises <see cref="SourceNotSeekableException"/>.</item>
/// </list>
/// Reading: <see cref="Grab"/> decodes the next frame without converting it (cheap for frames that
/// are skipped); <see cref="Retrieve"/> converts the frame last grabbed to BGR.
/// <para>Ownership: the source owns its native handles and frees them on <see cref="IDisposable.Dispose"/>;
/// <see cref="Retrieve"/> writes into a <see cref="Mat"/> the caller owns (and may reuse or pool); the
/// source keeps no reference to it. Not thread-safe: one thread reads one source.</para>
/// </summary>
public interface IFrameSource : IDisposable
{
    /// <summary>The source's path (a file's full path, a stream's address).</summary>
    string Path { get; }

    FrameSourceKind Kind { get; }

    /// <summary>The index of the frame the next <see cref="Grab"/> yields.</summary>
    long Position { get; }

    /// <summary>Index of the frame last grabbed, or -1.</summary>
    long Current { get; }

    /// <summary>The timestamp of the frame last grabbed (a file's: its time in the exact index).</summary>
    TimeSpan CurrentTime { get; }

    /// <summary>Frames lost just before <see cref="Current"/> (corrupt data, a dropped packet): <c>Current - SkippedBeforeCurrent</c> .. <c>Current - 1</c>. Indices are never shifted.</summary>
    long SkippedBeforeCurrent { get; }

    /// <summary>How many real seeks (not forward decodes) this source has made.</summary>
    int SeekCount { get; }

    /// <summary>How many frames were decoded, also those decoded only to reach a seek target.</summary>
    long FramesGrabbed { get; }

    /// <summary>Decodes the next frame without converting it. False at the end.</summary>
    bool Grab();

    /// <summary>Converts the frame last grabbed to BGR into <paramref name="destination"/> (owned by the caller).</summary>
    bool Retrieve(Mat destination);

    /// <summary>
    /// Positions the source so that the next <see cref="Grab"/> yields frame <paramref name="frame"/>.
    /// A forward-only source only skips forward (or gives back the frame in hand, <see cref="Current"/>);
    /// anything else is <see cref="SourceNotSeekableException"/>.
    /// </summary>
    void Seek(long frame);
}

/// <summary>
/// An optional capability of an <see cref="IFrameSource"/>: the luma plane of the frame last grabbed,
/// without a BGR conversion (the motion gate of -SkipStatic reads only grey, and most frames of a
/// still camera are held, never converted). <see cref="FfmpegFileSource"/> has it; a source without it
/// (<see cref="VideoReader"/>: OpenCV's FFmpeg cannot switch between grey and BGR output per frame)
/// does not implement this, and the gate reads the BGR frame.
/// </summary>
public interface ILumaFrameSource
{
    /// <summary>
    /// The luma (Y) plane of the frame last grabbed, 8-bit, limited range (16..235, as most video
    /// stores it) unless <see cref="LumaIsFullRange"/>. The Mat is the source's, lent until its next
    /// Grab, Seek or Dispose: read it, do not keep or dispose it. False when this frame has none.
    /// </summary>
    bool TryGetLuma(out Mat luma);

    /// <summary>
    /// True when the plane <see cref="TryGetLuma"/> lends is full range (0..255: a yuvj420p stream,
    /// lent as decoded rather than mapped, so the gate maps only its small copy).
    /// </summary>
    bool LumaIsFullRange => false;
}

/// <summary>
/// A forward-only source was asked to go back or to be read a second time: <see cref="Errors.ErrorIds.SourceNotSeekable"/>.
/// </summary>
public sealed class SourceNotSeekableException(string path, string message) : Errors.VideoDetectException(Errors.ErrorIds.SourceNotSeekable, message)
{
    public string Path { get; } = path;
}
