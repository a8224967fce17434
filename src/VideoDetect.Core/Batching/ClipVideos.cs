using VideoDetect.Video;

namespace VideoDetect.Batching;

/// <summary>Finds the frame index of a clip's video for the worker, probing only when it must.</summary>
internal static class ClipVideos
{
    /// <summary>
    /// The index from the cache; else, when the clip carries its <see cref="VideoClip.Video"/> and that
    /// still describes the file (same full path, size and last write time) as a verified constant-rate
    /// video starting at 0, the index rebuilt from it (exactly what probing would give: frame i at
    /// i × 1000 / rate ms) — no decode; else a probe. Throws <see cref="VideoException"/> for a file
    /// that is gone or unreadable, as a probe does.
    /// </summary>
    public static VideoIndex IndexOf(VideoClip clip, VideoIndexCache cache)
    {
        var file = VideoProbe.CheckFile(clip.Path);
        if (cache.TryGet(file) is { } cached) return cached.Index;
        if (clip.Video is { } info && Describes(info, file)) return VideoIndex.ConstantRate(info.FrameCount, 0, 1000.0 / info.FrameRate.Value);
        return VideoProbe.Probe(file.FullName, new ProbeOptions { Cache = cache }).Index;
    }

    internal static bool Describes(VideoInfo info, FileInfo file) =>
        SourceIdentity.Of(info) == SourceIdentity.Of(file) // same full path (ordinal), size and last write time
        && info.FrameCountMethod == FrameCountMethod.Verified && info.IsConstantFrameRate
        && info.StartTime == TimeSpan.Zero && info.FrameRate.IsPositive && info.FrameCount > 0;
}
