namespace VideoDetect.Inference.Families;

/// <summary>
/// Where the per-object outputs of a two-stage detector's export lie — boxes [N, 4], class ids [N],
/// scores [N], masks [N, 1, h, w] — and, for Detectron2, the trailing image size [2]. Found by rank,
/// element type and order (names are often numbers: torch.onnx.export without output_names).
/// </summary>
internal sealed record InstanceOutputs(int Boxes, int Classes, int Scores, int Masks, int ImageSize)
{
    /// <summary>
    /// The layout of an export whose input is a single image [3, H, W]: exactly one [N, 4] output, two
    /// [N] outputs (the integer one is the classes; when types are unknown, the first — Detectron2's
    /// sorted field names and torchvision's boxes, labels, scores agree on that), at most one
    /// [N, 1, h, w] mask output and at most one integer [2] output (the image size); nothing else.
    /// </summary>
    public static InstanceOutputs? Find(ModelSignature s)
    {
        if (!s.IsSingleImage || s.InputShape[0] != 3) return null;
        int boxes = -1, masks = -1, size = -1;
        var vectors = new List<int>();
        for (int i = 0; i < s.Outputs.Count; i++)
        {
            var shape = s.Outputs[i].Shape;
            if (shape.Count == 2 && shape[1] == 4 && boxes < 0 && s.IsInteger(i) != true) boxes = i;
            else if (shape.Count == 4 && shape[1] == 1 && masks < 0 && s.IsInteger(i) != true) masks = i;
            else if (shape.Count == 1 && shape[0] == 2 && size < 0 && i == s.Outputs.Count - 1 && s.IsInteger(i) != false) size = i;
            else if (shape.Count == 1) vectors.Add(i);
            else return null;
        }
        if (boxes < 0 || vectors.Count != 2) return null;
        int classes, scores;
        bool? firstInt = s.IsInteger(vectors[0]), secondInt = s.IsInteger(vectors[1]);
        if (firstInt is null || secondInt is null) (classes, scores) = (vectors[0], vectors[1]);
        else if (firstInt == true && secondInt == false) (classes, scores) = (vectors[0], vectors[1]);
        else if (firstInt == false && secondInt == true) (classes, scores) = (vectors[1], vectors[0]);
        else return null;
        return new InstanceOutputs(boxes, classes, scores, masks, size);
    }

    /// <summary>
    /// Appends the frame's objects above <paramref name="minScore"/>: boxes x1, y1, x2, y2 in input
    /// pixels (<paramref name="input"/>: the size fed), class id = the label as exported, and each object's
    /// mask outline when the model gives masks — ROI masks over the box (<paramref name="roiMasks"/>,
    /// Detectron2) or masks over the whole input (torchvision). N = 0 gives nothing.
    /// </summary>
    public void Parse(FrameOutputs outputs, ModelSignature s, (int Width, int Height) input, float minScore, bool roiMasks, List<RawDetection> into)
    {
        var boxes = outputs[Boxes];
        var scores = outputs[Scores];
        var classes = outputs.Integers(Classes);
        int n = Math.Min(scores.Length, Math.Min(classes.Length, boxes.Length / 4));
        var masks = Masks >= 0 && n > 0 ? outputs[Masks] : default;
        int maskLength = n > 0 ? masks.Length / n : 0;
        var (width, height) = MaskGrid(s, input, maskLength, roiMasks);
        for (int i = 0; i < n; i++)
        {
            float score = scores[i];
            if (score < minScore) continue;
            var b = boxes.Slice(i * 4, 4);
            float[]? outline = null;
            if (maskLength > 0 && width * height == maskLength)
            {
                var mask = masks.Slice(i * maskLength, maskLength);
                outline = roiMasks ? MaskOutlines.InBox(mask, width, b[0], b[1], b[2], b[3]) : MaskOutlines.WholeInput(mask, width, height);
            }
            into.Add(new RawDetection((int)classes[i], score, b[0], b[1], b[2], b[3], outline));
        }
    }

    /// <summary>The mask grid's width and height: square ROI masks (28 × 28), or the input's size for whole-input masks.</summary>
    private (int Width, int Height) MaskGrid(ModelSignature s, (int Width, int Height) input, int length, bool roi)
    {
        if (length == 0) return (0, 0);
        if (Masks >= 0 && s.Outputs[Masks].Shape is { Count: 4 } shape && shape[2] > 0 && shape[3] > 0) return (shape[3], shape[2]);
        if (roi)
        {
            int side = (int)Math.Round(Math.Sqrt(length));
            return (side, side);
        }
        return input;
    }
}
