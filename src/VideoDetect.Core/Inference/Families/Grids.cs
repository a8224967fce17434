namespace VideoDetect.Inference.Families;

/// <summary>Shape arithmetic shared by the grid-based families.</summary>
internal static class Grids
{
    /// <summary>Strides of the three-level heads (YOLOX, YOLOv5/v8, NanoDet).</summary>
    public static readonly int[] P3ToP5 = { 8, 16, 32 };

    /// <summary>Strides of the four-level heads (YOLOv5/v8 P6 models).</summary>
    public static readonly int[] P3ToP6 = { 8, 16, 32, 64 };

    /// <summary>Cells of a stride's grid, rounding up as the convolutions do for sizes that are not multiples.</summary>
    public static int Cells(int width, int height, int stride) => ((width + stride - 1) / stride) * ((height + stride - 1) / stride);

    /// <summary>Cells over all <paramref name="strides"/>.</summary>
    public static int Cells(int width, int height, IEnumerable<int> strides) => strides.Sum(s => Cells(width, height, s));

    /// <summary>Model input width and height from an NCHW (or, with <paramref name="nhwc"/>, NHWC) shape; 0 when unknown.</summary>
    public static (int Width, int Height) InputSize(ModelSignature s, bool nhwc = false)
    {
        if (s.InputShape.Count != 4) return (0, 0);
        int w = nhwc ? s.InputShape[2] : s.InputShape[3], h = nhwc ? s.InputShape[1] : s.InputShape[2];
        return (Math.Max(w, 0), Math.Max(h, 0));
    }

    /// <summary>True when the input is [N, 3, H, W] with a known H and W.</summary>
    public static bool IsNchwImage(ModelSignature s) =>
        s.InputShape.Count == 4 && s.InputShape[1] == 3 && s.InputShape[2] > 0 && s.InputShape[3] > 0;

    public static float Sigmoid(float x) => 1 / (1 + MathF.Exp(-x));

    /// <summary>
    /// The arg-max over <paramref name="count"/> values <paramref name="stride"/> apart from
    /// <paramref name="start"/> (a channels-first map: one candidate's class scores down the planes).
    /// </summary>
    public static (int Index, float Value) ArgMax(ReadOnlySpan<float> values, int start, int stride, int count)
    {
        int best = 0;
        float max = values[start];
        for (int i = 1; i < count; i++)
        {
            float v = values[start + i * stride];
            if (v > max) { max = v; best = i; }
        }
        return (best, max);
    }

    /// <summary>The arg-max of <paramref name="values"/> and its value.</summary>
    public static (int Index, float Value) ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        float max = values[0];
        for (int i = 1; i < values.Length; i++) if (values[i] > max) { max = values[i]; best = i; }
        return (best, max);
    }
}
