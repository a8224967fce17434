using VideoDetect.Batching;

namespace VideoDetect.Inference.Families;

/// <summary>
/// NanoDet (RangiLyu), the split-head export: per stride 8, 16, 32 a class tensor [1, cells, C]
/// (already sigmoid) and a box tensor [1, cells, 4 × (regMax + 1)] of Distribution Focal Loss bins
/// (left, top, right, bottom). Tensors are picked by shape, never by name or order (ONNX Runtime
/// lists all class tensors first). Distance of a side = stride × Σ softmax(bins)ᵢ × i; the point of
/// cell (col, row) is (col × s + (s − 1) / 2, row × s + (s − 1) / 2). Input BGR, (pixel − mean) / std
/// with mean 103.53, 116.28, 123.675 and std 57.375, 57.12, 58.395, letterboxed centred with pad 0,
/// INTER_AREA (e.g. nanodet-m 416: input [1, 3, 416, 416], 80 classes, 8 bins a side, so box tensors
/// [1, cells, 32]).
/// </summary>
public sealed class NanoDetFamily : IModelFamily
{
    public string Family => "NanoDet";

    public bool Recognises(ModelSignature s) => Layout(s) is not null;

    public PreprocessOptions Preprocessing(ModelSignature s) => new()
    {
        Width = s.InputShape[3], Height = s.InputShape[2], Resize = ResizeMode.Letterbox, PadValue = 0,
        Interpolation = ResizeInterpolation.Area, Mean = new[] { 103.53f, 116.28f, 123.675f }, Std = new[] { 57.375f, 57.12f, 58.395f },
        Scale = 1, ChannelOrder = ChannelOrder.BGR, Layout = TensorLayout.NCHW,
    };

    public int ClassCount(ModelSignature s) => Layout(s)!.Classes;

    private sealed record Level(int Stride, int Cls, int Reg);

    private sealed record HeadLayout(int Classes, int Bins, Level[] Levels);

    /// <summary>
    /// The class and box tensor of every stride, or null. Box tensors are the ones whose last dimension
    /// is a multiple of 4 with 5..33 bins a side, class tensors the others; each stride needs one of each.
    /// </summary>
    private static HeadLayout? Layout(ModelSignature s)
    {
        if (!Grids.IsNchwImage(s) || s.Outputs.Count != 2 * Grids.P3ToP5.Length) return null;
        if (s.Outputs.Any(o => o.Shape.Count != 3 || o.Shape[2] <= 0)) return null;
        var (width, height) = Grids.InputSize(s);
        var levels = new List<Level>();
        int classes = -1, bins = -1;
        foreach (int stride in Grids.P3ToP5)
        {
            int cells = Grids.Cells(width, height, stride);
            var rows = Enumerable.Range(0, s.Outputs.Count).Where(i => s.Outputs[i].Shape[1] == cells).ToList();
            if (rows.Count != 2) return null;
            int a = rows[0], b = rows[1];
            int la = s.Outputs[a].Shape[2], lb = s.Outputs[b].Shape[2];
            if (!TryPickBox(la, lb, out bool bIsBox)) return null;
            var (cls, reg) = bIsBox ? (a, b) : (b, a);
            int c = s.Outputs[cls].Shape[2], n = s.Outputs[reg].Shape[2] / 4;
            if ((classes >= 0 && c != classes) || (bins >= 0 && n != bins)) return null;
            classes = c;
            bins = n;
            levels.Add(new Level(stride, cls, reg));
        }
        return new HeadLayout(classes, bins, levels.ToArray());
    }

    private static bool IsBoxWidth(int last) => last % 4 == 0 && last / 4 is >= 5 and <= 33;

    // NanoDet's exports use 8 bins (reg_max 7) or 11 (reg_max 10) a side.
    private static bool IsKnownBoxWidth(int last) => last is 32 or 44;

    /// <summary>
    /// Which of two tensors of one stride holds the boxes: the one with a known bin count, else the
    /// narrower of two plausible box widths (the class count, e.g. 80, may be a multiple of 4 as well).
    /// </summary>
    private static bool TryPickBox(int la, int lb, out bool bIsBox)
    {
        bIsBox = false;
        if (IsKnownBoxWidth(la) != IsKnownBoxWidth(lb)) { bIsBox = IsKnownBoxWidth(lb); return true; }
        if (IsBoxWidth(la) && IsBoxWidth(lb) && la != lb) { bIsBox = lb < la; return true; }
        if (IsBoxWidth(la) != IsBoxWidth(lb)) { bIsBox = IsBoxWidth(lb); return true; }
        return false;
    }

    public void Parse(FrameOutputs outputs, ModelSignature s, float minScore, List<RawDetection> into)
    {
        var layout = Layout(s)!;
        var (width, _) = Grids.InputSize(s);
        int classes = layout.Classes, bins = layout.Bins;
        Span<float> distances = stackalloc float[4];
        foreach (var level in layout.Levels)
        {
            var cls = outputs[level.Cls];
            var reg = outputs[level.Reg];
            int stride = level.Stride, columns = (width + stride - 1) / stride;
            int cells = cls.Length / classes;
            for (int cell = 0; cell < cells; cell++)
            {
                var (best, score) = Grids.ArgMax(cls.Slice(cell * classes, classes));
                if (score < minScore) continue;
                var sides = reg.Slice(cell * 4 * bins, 4 * bins);
                for (int side = 0; side < 4; side++) distances[side] = Expectation(sides.Slice(side * bins, bins)) * stride;
                float cx = cell % columns * stride + (stride - 1) * 0.5f, cy = cell / columns * stride + (stride - 1) * 0.5f;
                into.Add(new RawDetection(best, score, cx - distances[0], cy - distances[1], cx + distances[2], cy + distances[3]));
            }
        }
    }

    /// <summary>Σ softmax(bins)ᵢ × i: the expected distance in strides.</summary>
    private static float Expectation(ReadOnlySpan<float> bins)
    {
        float max = bins[0];
        for (int i = 1; i < bins.Length; i++) max = MathF.Max(max, bins[i]);
        float sum = 0, weighted = 0;
        for (int i = 0; i < bins.Length; i++)
        {
            float e = MathF.Exp(bins[i] - max);
            sum += e;
            weighted += e * i;
        }
        return weighted / sum;
    }
}
