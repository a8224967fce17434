using VideoDetect.Events;

namespace VideoDetect.Review;

/// <summary>What Export-DetectionReport draws besides the events: its defaults are the cmdlet's.</summary>
public sealed record ReviewOptions
{
    /// <summary>The page's title.</summary>
    public string Title { get; init; } = "Detection review";
    /// <summary>The result store the summary was read from (named on the page); null when none was given.</summary>
    public string? Store { get; init; }
    /// <summary>The width of the count-per-interval chart's intervals.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(1);
    /// <summary>Regions drawn on each video's representative frame (as ConvertTo-DetectionEvent -Region).</summary>
    public IReadOnlyList<Region> Regions { get; init; } = Array.Empty<Region>();
    /// <summary>Lines drawn on each video's representative frame (as ConvertTo-DetectionEvent -Line).</summary>
    public IReadOnlyList<CrossingLine> Lines { get; init; } = Array.Empty<CrossingLine>();
    /// <summary>Snapshot thumbnails are scaled down to at most this width (pixels).</summary>
    public int ThumbnailWidth { get; init; } = 240;
    /// <summary>Representative frames are scaled down to at most this width (pixels); regions are drawn in source pixels over it.</summary>
    public int FrameWidth { get; init; } = 640;
    /// <summary>The greatest number of images made at once (thumbnails, frames).</summary>
    public int Parallelism { get; init; } = Math.Max(1, Environment.ProcessorCount);
}
