namespace VideoDetect.Inference.Families;

/// <summary>The known model families, in the order they are tried when no -Family is given.</summary>
public static class FamilyRegistry
{
    /// <summary>
    /// Every family. Their layouts do not overlap: YOLOX has one row per grid cell, YOLOv5 three,
    /// YOLOv8 puts the cells last; the end-to-end exports (YOLOv10, RT-DETR) have 300 rows, no grid's
    /// count, and are tried before YOLOv5, whose "names" fallback would take a [1, 300, 6] output;
    /// NanoDet has six outputs, BlazeFace four, SSD two, FastestDet one 4-D map; NMS graphs end in
    /// selected indices [K, 3]; Detectron2 and torchvision take a single image [3, H, W], Detectron2's
    /// last output being the image size [2].
    /// </summary>
    public static IReadOnlyList<IModelFamily> All { get; } = new IModelFamily[]
    {
        new YoloxFamily(), new UltralyticsEndToEndFamily(), new RtDetrFamily(), new YoloV5Family(), new YoloV8Family(),
        new NanoDetFamily(), new FastestDetFamily(), new SsdFamily(), new BlazeFaceFamily(), new NmsGraphFamily(),
        new Detectron2Family(), new TorchvisionFamily(),
    };

    /// <summary>The family for a -Family name or alias (case-insensitive), or null.</summary>
    public static IModelFamily? Find(string family) =>
        All.FirstOrDefault(d => string.Equals(d.Family, family, StringComparison.OrdinalIgnoreCase)
            || d.Aliases.Any(a => string.Equals(a, family, StringComparison.OrdinalIgnoreCase)));

    /// <summary>The family names, as listed in messages: those whose raw heads we decode first, then the exports with NMS inside.</summary>
    public static string Names => string.Join(", ", All.OrderBy(d => d.AppliesNms ? 1 : 0).Select(d => d.Family));
}
