using VideoDetect.Errors;
using VideoDetect.Events;
using VideoDetect.Video;

namespace VideoDetect.Review;

/// <summary>How <see cref="EventSnapshotWriter"/> draws and writes an event's snapshot.</summary>
public sealed record SnapshotOptions
{
    /// <summary>Write the box region (with <see cref="Margin"/>) instead of the whole frame.</summary>
    public bool Crop { get; init; }

    /// <summary>
    /// With <see cref="Crop"/>: added around the box on each side, as a fraction of the box's width
    /// (left and right) and height (top and bottom); 0.25 shows a quarter of the box's size around it.
    /// The crop is cut to the frame.
    /// </summary>
    public double Margin { get; init; } = 0.25;

    /// <summary>JPEG quality, 1..100.</summary>
    public int Quality { get; init; } = 90;

    /// <summary>Replace an existing snapshot (-Force); else an existing one is <see cref="ErrorIds.OutputExists"/>.</summary>
    public bool Overwrite { get; init; }

    /// <summary>The regions and lines the events were made with (ConvertTo-DetectionEvent's -Region/-Line): an event's own region or line is drawn on its snapshot. Null: none drawn.</summary>
    public EventOptions? Shapes { get; init; }

    /// <summary>How sources are probed (the exact index the frames are read by); null: the shared index cache.</summary>
    public ProbeOptions? Probe { get; init; }

    public void Validate()
    {
        if (Quality is < 1 or > 100) throw new ArgumentOutOfRangeException(nameof(Quality), Quality, "JPEG quality must be 1..100.");
        if (!(Margin >= 0) || Margin > 100) throw new ArgumentOutOfRangeException(nameof(Margin), Margin, "The crop margin must be 0..100 (a fraction of the box's size).");
    }
}

/// <summary>
/// What became of one event's snapshot: written (<see cref="Written"/>), failed (<see cref="Error"/>:
/// the event's source gone or changed, the target existing, the file not writable), or skipped (the
/// caller's confirmation said no: both null).
/// </summary>
public sealed record SnapshotResult(DetectionEvent Event, string Target)
{
    /// <summary>The snapshot's full path once written.</summary>
    public string? Written { get; init; }

    public VideoDetectException? Error { get; init; }

    /// <summary>The event with <see cref="DetectionEvent.SnapshotPath"/> set (a copy), or the event as it came when nothing was written.</summary>
    public DetectionEvent Output => Written is null ? Event : Event with { SnapshotPath = Written };
}
