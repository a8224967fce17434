using System.Globalization;
using VideoDetect.Events;
using VideoDetect.Results;
using VideoDetect.Video;

namespace VideoDetect.Review;

/// <summary>
/// The source video events came from, read again for their clips or snapshots: probed (the exact
/// index, from the cache when the file is unchanged), and checked to still be the video the events
/// describe. Gone, unreadable or changed is <see cref="SourceUnavailableException"/> naming the file,
/// for that source's events only. "Changed" is known two ways: the identity a result file recorded
/// for it (<see cref="SourceIdentity"/>: size and last-write time) differs from the file's now, or an
/// event does not fit the file (a frame past its end, or a start time that is not its frame's time in
/// the index: another video under the same name).
/// </summary>
public static class EventSource
{
    /// <summary>
    /// Probes <paramref name="path"/> and checks <paramref name="events"/> against it, and against
    /// <paramref name="recorded"/> (the identity a result file holds for it; null when none was given).
    /// </summary>
    public static ProbedVideo Open(string path, IReadOnlyList<DetectionEvent> events, SourceIdentity? recorded, VideoIndexCache? cache = null, CancellationToken ct = default)
    {
        ProbedVideo video;
        try
        {
            video = VideoProbe.Probe(path, new ProbeOptions { Cache = cache }, ct);
        }
        catch (VideoException e)
        {
            throw new SourceUnavailableException(path, $"The source '{path}' of {Count(events)} cannot be read again: {e.Message}", e);
        }
        if (recorded is not null)
        {
            var now = SourceIdentity.Of(video.Info);
            if (!now.IsSameVersionAs(recorded))
                throw new SourceUnavailableException(path, $"The source '{path}' of {Count(events)} has changed since it was detected on ({string.Join(", ", now.DifferencesFrom(recorded with { Path = now.Path }))}).");
        }
        foreach (var e in events)
        {
            // A clip also needs its last frame (a snapshot only its start and peak).
            if (e.EndFrame < e.StartFrame || e.EndFrame >= video.Index.FrameCount)
                throw new SourceUnavailableException(path, $"The source '{path}' has {video.Index.FrameCount} frames, but the event {e.Describe()} spans frames {e.StartFrame}..{e.EndFrame}: the file has changed since it was detected on.");
            Fit(video.Index, path, e);
        }
        return video;
    }

    /// <summary>
    /// Whether <paramref name="e"/> still fits the file as its exact index describes it now (the one
    /// rule of Export-EventClip and Export-EventSnapshot): its start and peak frames exist, and its
    /// start time is its start frame's time within half a frame (times that travelled as text keep that
    /// much). A hand-made event without a time (StartTime 0 past frame 0) is checked by its frames only.
    /// </summary>
    public static void Fit(VideoIndex index, string path, DetectionEvent e)
    {
        foreach (long frame in new[] { e.StartFrame, e.PeakFrame })
            if (frame < 0 || frame >= index.FrameCount)
                throw new SourceUnavailableException(path, $"The source '{path}' has {index.FrameCount} frames, but the event {e.Describe()} starts at frame {e.StartFrame} and peaks at frame {e.PeakFrame}: the file has changed since it was detected on.");
        if (e.StartTime == TimeSpan.Zero && e.StartFrame > 0) return;
        double drift = Math.Abs(index.TimeOfMs(e.StartFrame) - e.StartTime.TotalMilliseconds);
        if (drift > Math.Max(1, index.PeriodMs / 2))
            throw new SourceUnavailableException(path, string.Format(CultureInfo.InvariantCulture,
                "Frame {0} of '{1}' is at {2:0.###} s, but the event {3} says {4:0.###} s: the file has changed since it was detected on.",
                e.StartFrame, path, index.TimeOfMs(e.StartFrame) / 1000, e.Describe(), e.StartTime.TotalSeconds));
    }

    private static string Count(IReadOnlyList<DetectionEvent> events) => events.Count == 1 ? "1 event" : $"{events.Count} events";
}
