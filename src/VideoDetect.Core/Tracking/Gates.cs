using VideoDetect.Inference;

namespace VideoDetect.Tracking;

/// <summary>The gates the trackers and the linker share.</summary>
internal static class Gates
{
    /// <summary>The 95 % point of the chi-square distribution with 2 degrees of freedom (DeepSORT's gate, for the centre).</summary>
    public const double CentreGate = 5.99;

    /// <summary>The most two boxes of one object may differ in height, as a ratio either way.</summary>
    public const double MaxHeightRatio = 1.33;

    /// <summary>A detection this much covered by another boxes parts of two people: its look mixes two.</summary>
    public const double CrowdedCover = 0.2;

    /// <summary>Whether over <see cref="CrowdedCover"/> of detection <paramref name="i"/>'s box is covered by another detection.</summary>
    public static bool Crowded(IReadOnlyList<Detection> dets, int i)
    {
        var box = Box.Of(dets[i]);
        for (int j = 0; j < dets.Count; j++)
        {
            if (j != i && Box.Intersection(box, Box.Of(dets[j])) > CrowdedCover * box.Width * box.Height) return true;
        }
        return false;
    }
}
