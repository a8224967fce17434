namespace VideoDetect.Inference.Families;

/// <summary>The known model families, in the order they are tried when no -Family is given.</summary>
public static class FamilyRegistry
{
    /// <summary>
    /// Every family. Their layouts do not overlap: YOLOX has one row per grid cell, YOLOv5 three,
    /// YOLOv8 puts the cells last; NanoDet has six outputs, BlazeFace four, SSD two, FastestDet one 4-D map.
    /// </summary>
    public static IReadOnlyList<IModelFamily> All { get; } = new IModelFamily[]
    {
        new YoloxFamily(), new YoloV5Family(), new YoloV8Family(), new NanoDetFamily(), new FastestDetFamily(),
        new SsdFamily(), new BlazeFaceFamily(),
    };

    /// <summary>The family for a -Family name or alias (case-insensitive), or null.</summary>
    public static IModelFamily? Find(string family) =>
        All.FirstOrDefault(d => string.Equals(d.Family, family, StringComparison.OrdinalIgnoreCase)
            || d.Aliases.Any(a => string.Equals(a, family, StringComparison.OrdinalIgnoreCase)));

    /// <summary>The family names, as listed in messages.</summary>
    public static string Names => string.Join(", ", All.Select(d => d.Family));
}
