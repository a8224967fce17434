using VideoDetect.Video;

namespace VideoDetect.Tracking;

/// <summary>How OcSortTracker combines appearance with motion in its first association (where both a track and a detection have a descriptor).</summary>
public enum AppearanceFusion
{
    /// <summary>BoT-SORT's gated minimum: cost = min(IoU distance, cosine distance / 2), the appearance term used only when it is at most 0.25 and the IoU distance at most 0.5.</summary>
    GatedMinimum,
    /// <summary>Deep OC-SORT's weighted sum: the cosine distance times <see cref="TrackerOptions.AppearanceWeight"/> added to the IoU and direction cost.</summary>
    WeightedSum,
}

/// <summary>The trackers' parameters, with ByteTrack's and OC-SORT's defaults.</summary>
public sealed record TrackerOptions
{
    /// <summary>Detections at or above this score take part in the first association and may start tracks (ByteTrack's track_thresh).</summary>
    public float TrackThreshold { get; init; } = 0.5f;

    /// <summary>Detections between this and <see cref="TrackThreshold"/> take part only in the second association (ByteTrack: 0.1).</summary>
    public float LowThreshold { get; init; } = 0.1f;

    /// <summary>The highest cost (1 − IoU × score) of a first-association match (ByteTrack's match_thresh); the second association uses 0.5, unconfirmed tracks 0.7, as ByteTrack.</summary>
    public float MatchThreshold { get; init; } = 0.8f;

    /// <summary>How long a lost track waits to be found again before it is dropped: frames, or time. Two seconds (ByteTrack: 30 frames at 30 fps, one second): a person behind an occluder for about a second is also missed by the detector for the frames where they are partly hidden.</summary>
    public VideoPosition LostTrackBuffer { get; init; } = VideoPosition.FromSeconds(2);

    /// <summary>Matches a new track needs before it is confirmed and gets an id (ByteTrack: 2; tracks of a source's first frame are confirmed at once).</summary>
    public int MinHits { get; init; } = 2;

    /// <summary>OC-SORT's delta_t: a track's direction is taken from its observations this many frames apart (the oldest observation within this many frames before the current one; the latest one when none is). OC-SORT: 3.</summary>
    public int DirectionFrames { get; init; } = 3;

    /// <summary>OC-SORT's inertia: the weight of the direction-consistency term (observation-centric momentum) added to the IoU in the first association; 0 turns it off. OC-SORT: 0.2.</summary>
    public double Inertia { get; init; } = 0.2;

    /// <summary>OC-SORT's iou_threshold: the least IoU of a match in each of its associations. OC-SORT: 0.3.</summary>
    public double MinIou { get; init; } = 0.3;

    /// <summary>
    /// OcSortTracker: how appearance joins motion in the first association (ByteTracker ignores
    /// appearance). The weighted sum by default: measured on the synthetic suite and the detector scenes
    /// (OcSortAppearanceTests, AppearanceSceneTests), both fusions remove the switches where people look
    /// different, but where they look alike (a similarly dressed pair, colour histograms of a crowd)
    /// the gated minimum lets a near-zero appearance distance override the IoU and swaps identities
    /// (an X crossing: IDF1 0.96 → 0.48), while the weighted sum stays as good as motion alone.
    /// </summary>
    public AppearanceFusion Fusion { get; init; } = AppearanceFusion.WeightedSum;

    /// <summary>OcSortTracker: the weight of a track's previous smoothed appearance when a new descriptor is folded in (BoT-SORT's EMA: 0.9).</summary>
    public double AppearanceMomentum { get; init; } = 0.9;

    /// <summary>OcSortTracker with <see cref="AppearanceFusion.WeightedSum"/>: the weight of the cosine distance (Deep OC-SORT's w_association_emb: 0.75).</summary>
    public double AppearanceWeight { get; init; } = 0.75;

    /// <summary>
    /// OcSortTracker: the largest cosine distance between a lost track's smoothed appearance and a
    /// detection for the track to take it when found again (recovery, the uncertainty gate); beyond
    /// it the detection is someone else. Half of it is the limit of the re-identification pass, which
    /// matches by appearance within a wide motion gate. 0.15: measured on the colour histograms of
    /// people cut from vtest.avi (AppearanceSceneTests), one person's detections lie about 0.01 apart
    /// (median) and two differently dressed people about 0.30.
    /// </summary>
    public double ReidDistance { get; init; } = 0.15;

    /// <summary>The score a detection needs to start a track (ByteTrack's det_thresh = track_thresh + 0.1).</summary>
    public float NewTrackThreshold => Math.Min(1f, TrackThreshold + 0.1f);

    public void Validate()
    {
        if (TrackThreshold is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(TrackThreshold), "TrackThreshold must be within 0..1.");
        if (MatchThreshold is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(MatchThreshold), "MatchThreshold must be within (0, 1].");
        if (MinHits < 1) throw new ArgumentOutOfRangeException(nameof(MinHits), "MinHits must be at least 1.");
        if (DirectionFrames < 1) throw new ArgumentOutOfRangeException(nameof(DirectionFrames), "DirectionFrames must be at least 1.");
        if (Inertia is < 0 or > 1 || double.IsNaN(Inertia)) throw new ArgumentOutOfRangeException(nameof(Inertia), "Inertia must be within 0..1.");
        if (MinIou is <= 0 or > 1 || double.IsNaN(MinIou)) throw new ArgumentOutOfRangeException(nameof(MinIou), "MinIou must be within (0, 1].");
        if (AppearanceMomentum is < 0 or >= 1 || double.IsNaN(AppearanceMomentum)) throw new ArgumentOutOfRangeException(nameof(AppearanceMomentum), "AppearanceMomentum must be within [0, 1).");
        if (AppearanceWeight is < 0 or > 10 || double.IsNaN(AppearanceWeight)) throw new ArgumentOutOfRangeException(nameof(AppearanceWeight), "AppearanceWeight must be within 0..10.");
        if (ReidDistance is < 0 or > 2 || double.IsNaN(ReidDistance)) throw new ArgumentOutOfRangeException(nameof(ReidDistance), "ReidDistance must be within 0..2.");
        if (LostTrackBuffer.IsNegative) throw new ArgumentOutOfRangeException(nameof(LostTrackBuffer), "LostTrackBuffer must not be negative.");
    }
}
