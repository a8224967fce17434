using VideoDetect.Batching;

namespace VideoDetect.Inference.Families;

/// <summary>
/// FastestDet (dog-qiuqiu): one channels-first map [1, 5 + C, H/16, W/16]. Per cell: channel 0 the
/// objectness (sigmoid applied), 1–2 raw centre offsets, 3–4 raw sizes, then C class probabilities (a
/// softmax). Score = obj^0.6 × max(cls)^0.4; centre ((col, row) + tanh(offset)) / cells, size
/// sigmoid(raw), both relative to the whole input. Input BGR, /255, stretched with INTER_AREA (e.g.
/// FastestDet 352: input [1, 3, 352, 352], output [1, 85, 22, 22] for COCO-80).
/// </summary>
public sealed class FastestDetFamily : IModelFamily
{
    private const int Stride = 16;

    public string Family => "FastestDet";

    public bool Recognises(ModelSignature s)
    {
        if (!Grids.IsNchwImage(s) || s.Outputs.Count != 1) return false;
        var o = s.Outputs[0].Shape;
        var (width, height) = Grids.InputSize(s);
        return o.Count == 4 && o[1] > 5 && o[2] == (height + Stride - 1) / Stride && o[3] == (width + Stride - 1) / Stride;
    }

    public PreprocessOptions Preprocessing(ModelSignature s) => new()
    {
        Width = s.InputShape[3], Height = s.InputShape[2], Resize = ResizeMode.Stretch,
        Interpolation = ResizeInterpolation.Area, Scale = 1f / 255, ChannelOrder = ChannelOrder.BGR, Layout = TensorLayout.NCHW,
    };

    public int ClassCount(ModelSignature s) => s.Outputs[0].Shape[1] - 5;

    public void Parse(FrameOutputs outputs, ModelSignature s, float minScore, List<RawDetection> into)
    {
        var map = outputs[0];
        var shape = s.Outputs[0].Shape;
        int classes = shape[1] - 5, rows = shape[2], columns = shape[3], plane = rows * columns;
        var (width, height) = Grids.InputSize(s);
        // obj^0.6 × cls^0.4 ≤ obj^0.6: a cell whose objectness alone cannot reach the threshold is skipped.
        float minObj = minScore <= 0 ? 0 : MathF.Pow(minScore, 1 / 0.6f);
        for (int cell = 0; cell < plane; cell++)
        {
            float obj = map[cell];
            if (obj < minObj) continue;
            var (best, bestCls) = Grids.ArgMax(map, 5 * plane + cell, plane, classes);
            float score = MathF.Pow(obj, 0.6f) * MathF.Pow(MathF.Max(bestCls, 0), 0.4f);
            if (score < minScore) continue;
            int col = cell % columns, row = cell / columns;
            float cx = (col + MathF.Tanh(map[plane + cell])) / columns * width;
            float cy = (row + MathF.Tanh(map[2 * plane + cell])) / rows * height;
            float w = Grids.Sigmoid(map[3 * plane + cell]) * width, h = Grids.Sigmoid(map[4 * plane + cell]) * height;
            into.Add(new RawDetection(best, score, cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2));
        }
    }
}
