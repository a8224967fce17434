namespace VideoDetect.Inference.Families;

/// <summary>
/// The input size of a single-image export [3, H, W] (Detectron2, torchvision), which resize inside
/// their graph or take any size: the export's fixed size when it has one, else 1333 × 800 letterboxed
/// to the top left — for landscape frames exactly Detectron2's and torchvision's default resize rule
/// (shortest edge 800, longest at most 1333): a 640 × 480 frame becomes 1067 × 800, a 1920 × 1080 one
/// 1333 × 750, and the boxes map back through the letterbox.
/// </summary>
internal static class SingleImageInput
{
    public const int DefaultWidth = 1333, DefaultHeight = 800;

    public static (int Width, int Height) Size(ModelSignature s) =>
        s.InputShape.Count == 3 && s.InputShape[1] > 0 && s.InputShape[2] > 0
            ? (s.InputShape[2], s.InputShape[1])
            : (DefaultWidth, DefaultHeight);

    public const string FrameByFrame = "the model takes a single image [3, H, W] (no batch dimension) and gives a variable number of objects";
}
