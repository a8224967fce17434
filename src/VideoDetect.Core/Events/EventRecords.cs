using VideoDetect.Portable;

namespace VideoDetect.Events;

/// <summary>
/// Rebuilds a <see cref="DetectionEvent"/> from the property bag it becomes after a job, remoting,
/// CliXml or JSON, exactly (frames as 64-bit, times to the tick, the time of day with its offset), so
/// events saved with Export-Clixml or returned by Start-Job feed Export-EventSnapshot, Export-EventClip,
/// Export-DetectionEvent and Export-DetectionReport as the live ones do. A property every event has
/// that the bag lacks is an error, never a zero; the ones added later (time of day, snapshot and clip
/// paths, Stationary) may be missing, as in events saved by an earlier version.
/// </summary>
public static class EventRecords
{
    public static DetectionEvent ToEvent(PropertyBag bag)
    {
        bag.Target = nameof(DetectionEvent);
        return new DetectionEvent
        {
            Kind = bag.String(nameof(DetectionEvent.Kind), DetectionEvent.Presence),
            Path = bag.String(nameof(DetectionEvent.Path)),
            Label = bag.String(nameof(DetectionEvent.Label)),
            ClassId = bag.Int32(nameof(DetectionEvent.ClassId), 0),
            TrackId = bag.NullableInt32(nameof(DetectionEvent.TrackId)),
            Region = bag.NullableString(nameof(DetectionEvent.Region)),
            Line = bag.NullableString(nameof(DetectionEvent.Line)),
            Direction = bag.NullableString(nameof(DetectionEvent.Direction)),
            StartFrame = bag.Int64(nameof(DetectionEvent.StartFrame)),
            EndFrame = bag.Int64(nameof(DetectionEvent.EndFrame)),
            StartTime = bag.TimeSpan(nameof(DetectionEvent.StartTime)),
            EndTime = bag.TimeSpan(nameof(DetectionEvent.EndTime)),
            StartedAt = bag.NullableDateTimeOffset(nameof(DetectionEvent.StartedAt)),
            EndedAt = bag.NullableDateTimeOffset(nameof(DetectionEvent.EndedAt)),
            FrameCount = bag.Int32(nameof(DetectionEvent.FrameCount), 0),
            MaxConfidence = bag.Single(nameof(DetectionEvent.MaxConfidence)),
            PeakFrame = bag.Int64(nameof(DetectionEvent.PeakFrame)),
            X = bag.Double(nameof(DetectionEvent.X)),
            Y = bag.Double(nameof(DetectionEvent.Y)),
            Width = bag.Double(nameof(DetectionEvent.Width)),
            Height = bag.Double(nameof(DetectionEvent.Height)),
            Stationary = bag.Boolean(nameof(DetectionEvent.Stationary), false),
            SnapshotPath = bag.NullableString(nameof(DetectionEvent.SnapshotPath)),
            ClipPath = bag.NullableString(nameof(DetectionEvent.ClipPath)),
            IsOpen = bag.Boolean(nameof(DetectionEvent.IsOpen), false),
        };
    }
}
