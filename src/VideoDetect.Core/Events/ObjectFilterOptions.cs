using VideoDetect.Video;

namespace VideoDetect.Events;

/// <summary>
/// What <see cref="ObjectFilter"/> keeps and marks (Add-DetectionTrack's filter parameters, with their
/// defaults). Anchor: Frigate's object filters (min/max area, min/max ratio, threshold, object masks)
/// and its stationary objects.
/// </summary>
public sealed record ObjectFilterOptions
{
    /// <summary>Smallest box area per class: pixels², or a fraction of the frame when below 1 (as Frigate). Smaller boxes are dropped.</summary>
    public ClassValues MinArea { get; init; } = ClassValues.None;

    /// <summary>Largest box area per class: pixels², or a fraction of the frame when below 1. Larger boxes are dropped.</summary>
    public ClassValues MaxArea { get; init; } = ClassValues.None;

    /// <summary>Smallest aspect (width / height) per class; narrower boxes are dropped.</summary>
    public ClassValues MinRatio { get; init; } = ClassValues.None;

    /// <summary>Largest aspect (width / height) per class; wider boxes are dropped.</summary>
    public ClassValues MaxRatio { get; init; } = ClassValues.None;

    /// <summary>
    /// Per class, the median score a track's last <see cref="ObjectThresholdFrames"/> detections must
    /// reach before it is an object (Frigate's <c>threshold</c>; once an object, always one). Until
    /// then its detections carry no TrackId, as a tentative track's. Off by default: ByteTrack already
    /// starts tracks only from detections of <see cref="Tracking.TrackerOptions.NewTrackThreshold"/>.
    /// </summary>
    public ClassValues ObjectThreshold { get; init; } = ClassValues.None;

    /// <summary>How many of a track's latest scores the median of <see cref="ObjectThreshold"/> is taken over (Frigate: 10).</summary>
    public int ObjectThresholdFrames { get; init; } = 10;

    /// <summary>Object masks: a box whose bottom-centre is inside one of these is dropped.</summary>
    public IReadOnlyList<Region> IgnoreRegions { get; init; } = Array.Empty<Region>();

    /// <summary>
    /// Labels that name one kind of object seen alike by a detector: within a group, boxes of one frame
    /// that overlap by <see cref="GroupIou"/> or more are one object (the higher score stays), the group
    /// is tracked as one class, and a track carries the label most of its detections had. Default:
    /// car/truck/bus and bicycle/motorcycle (COCO labels a parked van car in one frame and truck in the next).
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>> ClassGroups { get; init; } = DefaultClassGroups;

    /// <summary>The default <see cref="ClassGroups"/>.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> DefaultClassGroups { get; } = new[]
    {
        new[] { "car", "truck", "bus" },
        new[] { "bicycle", "motorcycle" },
    };

    /// <summary>The overlap above which two boxes of one group in one frame are one object (the IoU NMS uses for duplicates).</summary>
    public double GroupIou { get; init; } = 0.7;

    /// <summary>
    /// A track whose box stays put this long (frames or time) is <see cref="Inference.Detection.Stationary"/>.
    /// Ten seconds: Frigate's default (detect fps × 10 frames), longer than a person waits at a door or
    /// a crossing, shorter than a parked car or a sign stays.
    /// </summary>
    public VideoPosition StationaryAfter { get; init; } = VideoPosition.FromSeconds(10);

    public void Validate()
    {
        foreach (var (name, values) in new[] { ("MinArea", MinArea), ("MaxArea", MaxArea), ("MinRatio", MinRatio), ("MaxRatio", MaxRatio) })
            foreach (var (label, v) in values.Values)
                if (v < 0) throw new InvalidObjectFilterException($"-{name}: {v} for '{label}' is negative; areas and ratios are zero or more.");
        foreach (var (label, v) in ObjectThreshold.Values)
            if (v is < 0 or > 1) throw new InvalidObjectFilterException($"-ObjectThreshold: {v} for '{label}' is not within 0..1.");
        if (ObjectThresholdFrames < 1) throw new InvalidObjectFilterException("ObjectThresholdFrames must be at least 1.");
        if (GroupIou is <= 0 or > 1) throw new InvalidObjectFilterException("GroupIou must be within (0, 1].");
        if (StationaryAfter.IsNegative || StationaryAfter.IsZero) throw new InvalidObjectFilterException("-StationaryAfter must be more than zero.");
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var group in ClassGroups)
        {
            if (group.Count < 2) throw new InvalidObjectFilterException($"-ClassGroup: '{string.Join(",", group)}' names fewer than two labels; write 'car,truck,bus'.");
            foreach (string label in group)
                if (!seen.Add(label)) throw new InvalidObjectFilterException($"-ClassGroup: '{label}' is in more than one group.");
        }
    }
}
