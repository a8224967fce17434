namespace VideoDetect.Inference;

/// <summary>
/// One detected object, in source pixels (clipped to the frame). The one currency from model output to
/// CSV: plain data, no drawing and no file I/O here. A record: a changed copy is made with <c>with</c>
/// (e.g. <c>d with { FrameIndex = n }</c>), so a copy never drops a property.
/// </summary>
public sealed record Detection
{
    public string Path { get; set; } = "";
    public long FrameIndex { get; set; }
    public TimeSpan Timestamp { get; set; }
    public string Label { get; set; } = "";
    public int ClassId { get; set; }
    public float Confidence { get; set; }
    /// <summary>Left edge, source pixels.</summary>
    public double X { get; set; }
    /// <summary>Top edge, source pixels.</summary>
    public double Y { get; set; }
    public double Width { get; set; }
    public double Height { get; set; }
    /// <summary>The object's track within its source (Add-DetectionTrack fills it); null when untracked.</summary>
    public int? TrackId { get; set; }
    /// <summary>
    /// The object's outline, for models that give masks (Mask R-CNN): polygons in source pixels as
    /// "x,y x,y …" (invariant culture, one decimal), several polygons separated by ";"; null when the
    /// model gives no mask. A string, so it survives CliXml, JSON and CSV as it is (<see cref="MaskPolygon"/> reads it).
    /// </summary>
    public string? Mask { get; set; }
    /// <summary>
    /// How the object looks, as Invoke-FrameDetection saw it (a colour histogram of the box's inner
    /// region, or a ReID network's embedding): base64 of quantised bytes, compared with
    /// <see cref="AppearanceDescriptor.Distance(string?, string?)"/>; null with -NoAppearance, for a box
    /// too small, or in a file written before descriptors existed. A string, like <see cref="Mask"/>,
    /// so it survives CliXml, JSON, CSV and the result files as it is.
    /// </summary>
    public string? Appearance { get; set; }
    /// <summary>
    /// The object's box has stayed put for at least Add-DetectionTrack's <c>-StationaryAfter</c>
    /// (a parked car, a sign a detector takes for a person); false when untracked or moving.
    /// </summary>
    public bool Stationary { get; set; }
    /// <summary>With <see cref="Stationary"/>: the first frame of the still stretch (it may precede the track, when the track took over a place that had been still); null otherwise.</summary>
    public long? StationarySince { get; set; }

    // Reference equality, as when this was a class (why: see VideoClip.Equals).
    public bool Equals(Detection? other) => ReferenceEquals(this, other);
    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);

    public override string ToString() => TrackId is { } id
        ? $"{Label} #{id} {Confidence:P0} @ ({X:F0},{Y:F0} {Width:F0}x{Height:F0})"
        : $"{Label} {Confidence:P0} @ ({X:F0},{Y:F0} {Width:F0}x{Height:F0})";
}

/// <summary>
/// All detections of one frame (possibly none), in frame order. A record: a changed copy is made with
/// <c>with</c>; the copy shares <see cref="Detections"/> and <see cref="Extras"/> with the original
/// (a shallow copy), so give it new ones when it changes them.
/// </summary>
public sealed record FrameDetections
{
    public string Path { get; set; } = "";
    public int ClipIndex { get; set; }
    public long FrameIndex { get; set; }
    public TimeSpan Timestamp { get; set; }
    public int SourceWidth { get; set; }
    public int SourceHeight { get; set; }

    /// <summary>The time of day of the source's time 0 (the clip's <c>RecordingStart</c>, or a result file header's); null when unknown.</summary>
    public DateTimeOffset? RecordingStart { get; set; }

    /// <summary>
    /// The time of day of this frame: <see cref="RecordingStart"/> + <see cref="Timestamp"/>, in the
    /// recording start's offset (one instant, whatever the machine); null when the start is unknown.
    /// Computed, so a held or re-dated copy stays right.
    /// </summary>
    public DateTimeOffset? StartedAt => RecordingStart + Timestamp;

    public Detection[] Detections { get; set; } = Array.Empty<Detection>();
    public int Count => Detections.Length;

    /// <summary>
    /// Per-frame facts a later stage adds without a new type (e.g. a motion gate's "held from frame
    /// N", a region's occupancy), keyed by name; null until one is set. Values are plain data
    /// (strings, numbers, booleans) so they survive CliXml, JSON and result files.
    /// </summary>
    public Dictionary<string, object?>? Extras { get; set; }

    /// <summary>
    /// The <see cref="Extras"/> key on the first frame after a live stream's gap: the gap's length in
    /// seconds (frames the camera sent meanwhile were lost). Trackers start afresh there (new ids, no
    /// track carried across), and the track linker does not link across it.
    /// </summary>
    public const string GapBeforeExtra = "GapBefore";

    /// <summary>True when <paramref name="frame"/> follows a live stream's gap (<see cref="GapBeforeExtra"/>).</summary>
    public static bool FollowsGap(FrameDetections frame) => frame.Extras?.ContainsKey(GapBeforeExtra) == true;

    /// <summary>The model and parameters that produced this frame's detections (shared by the frames of a run); null when unknown (made by hand).</summary>
    public DetectionRun? Run { get; set; }

    // Reference equality, as when this was a class (why: see VideoClip.Equals).
    public bool Equals(FrameDetections? other) => ReferenceEquals(this, other);
    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);

    /// <summary>The type's name, as when this was a class (a record would list every property).</summary>
    public override string ToString() => GetType().FullName!;
}

/// <summary>
/// A candidate box in model-input pixels, before NMS and mapping back. <paramref name="Outline"/>: the
/// object's mask outline in model-input pixels, as x, y pairs, polygons separated by a NaN pair; null without a mask.
/// </summary>
public readonly record struct RawDetection(int ClassId, float Score, float X1, float Y1, float X2, float Y2, float[]? Outline = null);
