namespace VideoDetect.Inference;

/// <summary>The 80 COCO class names in the standard order (used for 80-class models without names).</summary>
public static class CocoLabels
{
    public static IReadOnlyList<string> Names { get; } = new[]
    {
        "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck",
        "boat", "traffic light", "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat",
        "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe",
        "backpack", "umbrella", "handbag", "tie", "suitcase", "frisbee", "skis", "snowboard",
        "sports ball", "kite", "baseball bat", "baseball glove", "skateboard", "surfboard", "tennis racket", "bottle",
        "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple",
        "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza", "donut", "cake",
        "chair", "couch", "potted plant", "bed", "dining table", "toilet", "tv", "laptop",
        "mouse", "remote", "keyboard", "cell phone", "microwave", "oven", "toaster", "sink",
        "refrigerator", "book", "clock", "vase", "scissors", "teddy bear", "hair drier", "toothbrush",
    };

    /// <summary>The COCO category ids that torchvision's 91-entry label set leaves empty ("N/A").</summary>
    public static IReadOnlyList<int> Coco91Gaps { get; } = new[] { 12, 26, 29, 30, 45, 66, 68, 69, 71, 83 };

    /// <summary>
    /// torchvision's detection labels, indexed by COCO category id: 0 "__background__", 1 "person" …
    /// 90 "toothbrush", "N/A" at the ten ids COCO skips; the 80 names in order fill the other ids.
    /// </summary>
    public static IReadOnlyList<string> Coco91 { get; } = BuildCoco91();

    private static string[] BuildCoco91()
    {
        var labels = new string[91];
        labels[0] = "__background__";
        int next = 0;
        for (int id = 1; id < labels.Length; id++) labels[id] = Coco91Gaps.Contains(id) ? "N/A" : Names[next++];
        return labels;
    }
}
