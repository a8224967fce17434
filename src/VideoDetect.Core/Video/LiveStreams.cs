namespace VideoDetect.Video;

/// <summary>
/// The live streams being received in this process, by URL: the meeting point of the producer
/// (Split-VideoClip starts a stream and cuts clips as its frames arrive) and the decoder
/// (ConvertTo-FrameBatch decodes a live clip's frames from the one running stream, through
/// <see cref="Sources"/>). One stream per URL; starting a URL again replaces (stops) the old one.
/// <para>Ownership: the starter owns the stream: it stops it (<see cref="LiveStream.Stop"/>) when it has
/// cut its last clip and releases it (<see cref="Release"/>) when its pipeline is done — after the
/// decoder has taken the frames (PowerShell disposes a pipeline's commands after they all end).
/// The decoder's source only borrows it. Thread-safe.</para>
/// </summary>
public static class LiveStreams
{
    private static readonly Dictionary<string, LiveStream> Open = new(StringComparer.Ordinal);

    /// <summary>Starts receiving <paramref name="options"/>' URL (replacing a stream of that URL left running).</summary>
    public static LiveStream Start(LiveStreamOptions options)
    {
        var stream = new LiveStream(options);
        LiveStream? old;
        lock (Open)
        {
            Open.TryGetValue(options.Url, out old);
            Open[options.Url] = stream;
        }
        old?.Dispose();
        stream.Start();
        return stream;
    }

    /// <summary>Stops <paramref name="stream"/>, frees its frames and forgets it.</summary>
    public static void Release(LiveStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        lock (Open)
        {
            if (Open.TryGetValue(stream.Url, out var s) && ReferenceEquals(s, stream)) Open.Remove(stream.Url);
        }
        stream.Dispose();
    }

    /// <summary>The frame rate the stream of <paramref name="url"/> being received here declares; null when none is received here or it declares none.</summary>
    public static Rational? NominalFrameRate(string url)
    {
        lock (Open) return Open.TryGetValue(url, out var stream) ? stream.NominalFrameRate : null;
    }

    /// <summary>A frame-source opener for one batch run: live clips decode from their running stream, file clips from their files.</summary>
    public static FrameSources Sources() => new(OpenClipSource);

    /// <summary>The forward-only source of a live clip: the frames of its running stream. A stream not being received here is <see cref="VideoException"/>.</summary>
    public static IFrameSource OpenClipSource(VideoClip clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        LiveStream? stream;
        lock (Open) Open.TryGetValue(clip.Path, out stream);
        if (stream is null)
            throw new VideoException(VideoErrorKind.Unreadable, clip.Path,
                $"'{clip.Path}' is not being received in this process: a live clip's frames come from the Split-VideoClip reading the stream, in the same pipeline (Split-VideoClip -Path {clip.Path} ... | ConvertTo-FrameBatch ...).");
        return new LiveClipSource(stream);
    }
}
