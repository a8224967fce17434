namespace VideoDetect.Video;

/// <summary>
/// The one rule for "this recording is truncated": the frames that decode fall well short of the
/// container's claim, in count AND in time. Both, because a container's frame count can count
/// something other than pictures: tree.avi (an OpenCV sample, cinepak) claims 444 frames at 15 fps
/// (29.6 s) and decodes 68, yet its last frame is shown at 29.53 s: its index holds ticks of a
/// variable-rate stream, the footage is whole. A cut-off recording (a camera file whose writer
/// died, `head -c 200000 vtest.avi`: 6 of 795 frames, 0.6 s of 79.5 s) falls short in both.
/// <para>
/// "Well short" is max(2 frames, 2 % of the claim) in count and max(2 frame periods, 2 % of the
/// claimed duration) in time: 2 frames absorb a container that counts a trailing empty or
/// duplicated packet (a common muxer off-by-one, and OpenCV's count of B-frame streams), 2 %
/// absorbs the rounding of long recordings' durations; neither figure comes from one file. A
/// verified count (the claimed last frame decodes and nothing follows it) is never truncated; a
/// counted one decoded every frame to the end of the stream or the first packet that would not
/// decode, so a shortfall means the decode stopped before the claimed end.
/// </para>
/// </summary>
public static class Truncation
{
    /// <summary>The word a truncation warning starts with ("VideoTruncated: …"), for logs and filters to match.</summary>
    public const string WarningId = "VideoTruncated";

    /// <summary>Frames a claim may exceed the decoded count by without being called truncated.</summary>
    public static long FrameTolerance(long claimed) => Math.Max(2, (long)Math.Ceiling(claimed * 0.02));

    /// <summary>Time the claimed duration may exceed the decoded one by without being called truncated.</summary>
    public static TimeSpan TimeTolerance(TimeSpan claimedDuration, TimeSpan framePeriod) =>
        TimeSpan.FromTicks(Math.Max(2 * framePeriod.Ticks, (long)Math.Ceiling(claimedDuration.Ticks * 0.02)));

    /// <summary>
    /// Whether a video that claims <paramref name="claimed"/> frames (0: no claim) over
    /// <paramref name="claimedDuration"/> and decodes <paramref name="decoded"/> frames ending at
    /// <paramref name="decodedDuration"/> is truncated (<see cref="Truncation"/>).
    /// </summary>
    public static bool IsTruncated(long claimed, long decoded, TimeSpan claimedDuration, TimeSpan decodedDuration, TimeSpan framePeriod) =>
        claimed > 0 && claimed - decoded > FrameTolerance(claimed)
        && claimedDuration - decodedDuration > TimeTolerance(claimedDuration, framePeriod);

    /// <summary>The claimed duration: the claimed count at the nominal rate (zero without a claim or a rate).</summary>
    public static TimeSpan ClaimedDuration(long claimed, double framesPerSecond) =>
        claimed > 0 && framesPerSecond > 0 ? TimeSpan.FromSeconds(claimed / framesPerSecond) : TimeSpan.Zero;

    /// <summary>The figures in words, e.g. "6 of the 795 frames the container claims decode (0.6 s of 79.5 s)".</summary>
    public static string Describe(long claimed, long decoded, TimeSpan claimedDuration, TimeSpan decodedDuration) =>
        FormattableString.Invariant($"{decoded} of the {claimed} frames the container claims decode ({decodedDuration.TotalSeconds:0.0} s of {claimedDuration.TotalSeconds:0.0} s)");
}
