using VideoDetect.Inference;

namespace VideoDetect.Tracking;

/// <summary>The gates the trackers and the linker share.</summary>
internal static class Gates
{
    /// <summary>The 95 % point of the chi-square distribution with 2 degrees of freedom (DeepSORT's gate, for the centre).</summary>
    public const double CentreGate = 5.99;

    /// <summary>The most two boxes of one object may differ in height, as a ratio either way.</summary>
    public const double MaxHeightRatio = 1.33;

    /// <summary>A detection this much covered by a detection in front of it boxes parts of two people: its look mixes two.</summary>
    public const double CrowdedCover = 0.2;

    /// <summary>
    /// Whether over <see cref="CrowdedCover"/> of detection <paramref name="i"/>'s box is covered by another
    /// detection that is not behind it. Depth is read from the bottom edge (people stand on one ground plane
    /// seen from above: the lower the feet on screen, the nearer; SparseTrack's pseudo-depth, Liu et al. 2023):
    /// where two boxes overlap, the pixels show the nearer person, so the nearer box's look is its own
    /// and only the farther one's mixes two people. A box whose bottom edge is higher on screen than
    /// <paramref name="i"/>'s (strictly) is behind it and does not spoil its look.
    /// </summary>
    public static bool Crowded(IReadOnlyList<Detection> dets, int i)
    {
        var box = Box.Of(dets[i]);
        for (int j = 0; j < dets.Count; j++)
        {
            if (j == i) continue;
            var other = Box.Of(dets[j]);
            if (other.Bottom < box.Bottom) continue;   // behind: its pixels are hidden where the boxes overlap
            if (Box.Intersection(box, other) > CrowdedCover * box.Width * box.Height) return true;
        }
        return false;
    }
}
