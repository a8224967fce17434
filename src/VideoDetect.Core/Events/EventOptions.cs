using VideoDetect.Video;

namespace VideoDetect.Events;

/// <summary>How <see cref="EventFolder"/> folds frames into events.</summary>
public sealed record EventOptions
{
    /// <summary>A miss of at most this long (frames or time) is bridged: the event goes on.</summary>
    public VideoPosition MaxGap { get; init; } = VideoPosition.FromSeconds(0.5);

    /// <summary>Shorter presence events are dropped (flicker); frames count the span StartFrame..EndFrame.</summary>
    public VideoPosition MinDuration { get; init; } = VideoPosition.FromFrames(0);

    /// <summary>Only these labels (case-insensitive); null for all.</summary>
    public IReadOnlyCollection<string>? Classes { get; init; }

    /// <summary>Detections below this confidence are ignored.</summary>
    public float MinConfidence { get; init; }

    /// <summary>Regions: presence events per region (and none for the whole frame).</summary>
    public IReadOnlyList<Region> Regions { get; init; } = Array.Empty<Region>();

    /// <summary>Lines: crossing events for tracked objects (and, without regions, no presence events).</summary>
    public IReadOnlyList<CrossingLine> Lines { get; init; } = Array.Empty<CrossingLine>();

    /// <summary>Observations on the new side a crossing needs before it counts (hysteresis against flicker).</summary>
    public int CrossingFrames { get; init; } = 3;

    /// <summary>Make events (marked <see cref="DetectionEvent.Stationary"/>) and count crossings for stationary tracks too; by default they are left out.</summary>
    public bool IncludeStationary { get; init; }

    /// <summary>Also return a copy of a presence event marked <see cref="DetectionEvent.IsOpen"/> at the frame it opens, once it has lasted <see cref="MinDuration"/> (so a too-short event never opens); its closing comes later as usual.</summary>
    public bool EmitOpen { get; init; }

    /// <summary>Whether presence events are made: always, except with lines and no regions.</summary>
    public bool MakesPresence => Regions.Count > 0 || Lines.Count == 0;

    public void Validate()
    {
        if (MaxGap.IsNegative) throw new ArgumentOutOfRangeException(nameof(MaxGap), "MaxGap must not be negative.");
        if (MinDuration.IsNegative) throw new ArgumentOutOfRangeException(nameof(MinDuration), "MinDuration must not be negative.");
        if (CrossingFrames < 1) throw new ArgumentOutOfRangeException(nameof(CrossingFrames), "CrossingFrames must be at least 1.");
    }
}
