using VideoDetect.Events;

namespace VideoDetect.Review;

/// <summary>
/// A bound of Import-DetectionEvent -After/-Before: a time of day (<see cref="At"/>, compared with an
/// event's StartedAt; events of a video whose recording start is unknown never match it) or an
/// offset into the video (<see cref="Offset"/>, compared with StartTime).
/// </summary>
public sealed record EventTimeBound(DateTimeOffset? At, TimeSpan? Offset)
{
    public static EventTimeBound OfTime(DateTimeOffset at) => new(at, null);
    public static EventTimeBound OfOffset(TimeSpan offset) => new(null, offset);

    /// <summary>Whether <paramref name="e"/> starts at or after this bound.</summary>
    public bool StartsAtOrAfter(DetectionEvent e) => At is { } at ? e.StartedAt >= at : e.StartTime >= Offset!.Value;

    /// <summary>Whether <paramref name="e"/> starts before this bound.</summary>
    public bool StartsBefore(DetectionEvent e) => At is { } at ? e.StartedAt < at : e.StartTime < Offset!.Value;

    public override string ToString() => At is { } at ? EventDatabase.FormatTime(at)! : Offset!.Value.ToString();
}

/// <summary>Which events Import-DetectionEvent reads: each filter null = all.</summary>
public sealed record EventQuery
{
    /// <summary>Which videos (by the path the events name): the cmdlet's wildcard match.</summary>
    public Func<string, bool>? Video { get; init; }

    /// <summary>Which labels: the cmdlet's wildcard match.</summary>
    public Func<string, bool>? Label { get; init; }

    public IReadOnlyCollection<int>? TrackIds { get; init; }

    /// <summary>Events that start at or after this.</summary>
    public EventTimeBound? After { get; init; }

    /// <summary>Events that start before this.</summary>
    public EventTimeBound? Before { get; init; }

    /// <summary>Whether <paramref name="e"/> passes the time bounds (the other filters are applied in SQL).</summary>
    public bool InTime(DetectionEvent e) => (After is null || After.StartsAtOrAfter(e)) && (Before is null || Before.StartsBefore(e));
}
