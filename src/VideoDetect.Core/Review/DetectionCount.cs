namespace VideoDetect.Review;

/// <summary>
/// How many objects of one label one source held during one interval (Measure-DetectionCount): the
/// "people per minute per camera" of a night. Plain data, flat, so Export-Csv and ConvertTo-Json
/// give one row / one object. A record: copies are made with <c>with</c>.
/// </summary>
public sealed record DetectionCount
{
    public string Path { get; set; } = "";
    public string Label { get; set; } = "";
    /// <summary>The interval's length.</summary>
    public TimeSpan Interval { get; set; }
    /// <summary>Where the interval starts in the file (0 for the first, when it began before the recording).</summary>
    public TimeSpan StartTime { get; set; }
    /// <summary>Where the interval ends in the file (it may lie past the file's end).</summary>
    public TimeSpan EndTime { get; set; }
    /// <summary>The interval's start as a time of day (aligned to whole intervals since midnight, in the recording start's offset); null when the source's recording start is unknown.</summary>
    public DateTimeOffset? StartedAt { get; set; }
    /// <summary>The interval's end as a time of day; null when unknown.</summary>
    public DateTimeOffset? EndedAt { get; set; }
    /// <summary>Distinct tracks of the label seen in the interval; null when the frames were not tracked (Add-DetectionTrack).</summary>
    public int? Tracks { get; set; }
    /// <summary>The most objects of the label in one frame of the interval.</summary>
    public int Peak { get; set; }
    /// <summary>Objects × seconds: each frame's objects count for the time until the source's next frame, split at interval boundaries.</summary>
    public double ObjectSeconds { get; set; }

    // Reference equality, as for the other currency records (why: see VideoClip.Equals).
    public bool Equals(DetectionCount? other) => ReferenceEquals(this, other);
    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);

    public override string ToString() => $"{System.IO.Path.GetFileName(Path)} {Label} {(StartedAt is { } at ? at.ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) : StartTime.ToString())}: {Tracks?.ToString() ?? "-"} tracks, peak {Peak}";
}

/// <summary>What <see cref="DetectionCounter"/> counts, and over what intervals.</summary>
public sealed record CountOptions
{
    /// <summary>The interval length; aligned to whole intervals since midnight when the time of day is known, else to the file's start.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Only these labels (case-insensitive), each with a row per interval even when none was seen; null for every label seen.</summary>
    public IReadOnlyCollection<string>? Labels { get; init; }

    /// <summary>Detections below this confidence are ignored (as ConvertTo-DetectionEvent -MinConfidence).</summary>
    public float MinConfidence { get; init; }

    /// <summary>Count stationary tracks too; left out by default, as events leave them out.</summary>
    public bool IncludeStationary { get; init; }

    public void Validate()
    {
        if (Interval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(Interval), "Interval must be positive.");
    }
}
