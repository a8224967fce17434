using VideoDetect.Video;

namespace VideoDetect.Tracking;

/// <summary>The look-ahead linker's parameters (<see cref="TrackLinker"/>), with its defaults.</summary>
public sealed record TrackLinkOptions
{
    /// <summary>
    /// How far the linker looks ahead, frames or time; zero turns linking off (frames pass straight
    /// through). It bounds three things at once: the frames held (the output lags the input by this
    /// much), the gap a link may bridge (from a lost track's last frame to the new track's first), and
    /// how long a new track is watched before the link is decided. Four seconds: the tracker itself
    /// keeps a lost track two seconds (<see cref="TrackerOptions.LostTrackBuffer"/>), so the linker is
    /// for the occlusions beyond that — a person behind a van or a post for up to 3 s, plus the frames
    /// where they are partly hidden and missed — while 100 frames at 25 fps of pixel-free detections
    /// are a few hundred kilobytes at most. A live source wants a small window (its latency).
    /// </summary>
    public VideoPosition Window { get; init; } = VideoPosition.FromSeconds(4);

    /// <summary>The largest cosine distance between the lost track's smoothed appearance and the new track's for a link, where both have descriptors (as the tracker's ReidDistance: one person's colour histograms lie about 0.01 apart, two differently dressed people about 0.30).</summary>
    public double MaxAppearanceDistance { get; init; } = 0.15;

    /// <summary>
    /// How far from where the lost track was heading the new one may start, in the larger of the two
    /// boxes' heights, for a link with appearance: this much plus <see cref="GateGrowth"/> per second of
    /// gap (the prediction from a velocity measured over the last second drifts with the gap).
    /// </summary>
    public double Gate { get; init; } = 0.5;

    /// <summary>The gate's growth, in box heights per second of gap.</summary>
    public double GateGrowth { get; init; } = 0.25;

    /// <summary>The gate for a link where either track has no descriptor (motion alone must be more certain): this fraction of <see cref="Gate"/> plus growth.</summary>
    public double MotionOnlyGateFactor { get; init; } = 0.5;

    public void Validate()
    {
        if (Window.IsNegative) throw new ArgumentOutOfRangeException(nameof(Window), "Window must not be negative.");
        if (MaxAppearanceDistance is < 0 or > 2 || double.IsNaN(MaxAppearanceDistance)) throw new ArgumentOutOfRangeException(nameof(MaxAppearanceDistance), "MaxAppearanceDistance must be within 0..2.");
        if (Gate is < 0 or > 100 || double.IsNaN(Gate)) throw new ArgumentOutOfRangeException(nameof(Gate), "Gate must be within 0..100.");
        if (GateGrowth is < 0 or > 100 || double.IsNaN(GateGrowth)) throw new ArgumentOutOfRangeException(nameof(GateGrowth), "GateGrowth must be within 0..100.");
        if (MotionOnlyGateFactor is < 0 or > 1 || double.IsNaN(MotionOnlyGateFactor)) throw new ArgumentOutOfRangeException(nameof(MotionOnlyGateFactor), "MotionOnlyGateFactor must be within 0..1.");
    }
}
