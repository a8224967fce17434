using VideoDetect.Batching;

namespace VideoDetect.Inference.Families;

/// <summary>
/// SSD-style models that decode their priors in the graph, such as Linzaer's
/// Ultra-Light-Fast-Generic-Face-Detector (version-RFB-320): two outputs over the same N priors,
/// scores [1, N, K] (a softmax, column 0 the background) and boxes [1, N, 4] as x1, y1, x2, y2
/// normalised to 0..1. Picked by shape (the boxes have 4 columns); when the scores have 4 columns too,
/// by name ("box…", "score…"). Input RGB, (pixel − 127) / 128, stretched to the input size
/// (version-RFB-320: input [1, 3, 240, 320], scores [1, 4420, 2], boxes [1, 4420, 4]). Class names:
/// UltraFace's sizes (320×240, 640×480) with K = 2 are "face"; otherwise the model's metadata,
/// -Labels, or class&lt;N&gt;.
/// </summary>
public sealed class SsdFamily : IModelFamily
{
    public string Family => "SSD";

    public IReadOnlyList<string> Aliases => new[] { "UltraFace", "RFB" };

    public bool Recognises(ModelSignature s) => Find(s) is not null;

    public PreprocessOptions Preprocessing(ModelSignature s) => new()
    {
        Width = s.InputShape[3], Height = s.InputShape[2], Resize = ResizeMode.Stretch, Interpolation = ResizeInterpolation.Linear,
        Mean = new[] { 127f, 127f, 127f }, Std = new[] { 128f, 128f, 128f }, Scale = 1, ChannelOrder = ChannelOrder.RGB, Layout = TensorLayout.NCHW,
    };

    public int ClassCount(ModelSignature s) => s.Outputs[Find(s)!.Value.Scores].Shape[2] - 1;

    public IReadOnlyList<string>? DefaultLabels(ModelSignature s)
    {
        var (width, height) = Grids.InputSize(s);
        bool ultraFaceSize = (width, height) is (320, 240) or (640, 480);
        return ultraFaceSize && ClassCount(s) == 1 ? new[] { "face" } : null;
    }

    /// <summary>The indices of the scores and boxes outputs, or null.</summary>
    private static (int Scores, int Boxes)? Find(ModelSignature s)
    {
        if (!Grids.IsNchwImage(s) || s.Outputs.Count != 2) return null;
        var a = s.Outputs[0].Shape;
        var b = s.Outputs[1].Shape;
        if (a.Count != 3 || b.Count != 3 || a[1] <= 0 || a[1] != b[1]) return null;
        if (a[2] == 4 && b[2] == 4)
        {
            bool firstIsBoxes = Named(s, 0, "box") && Named(s, 1, "score");
            bool secondIsBoxes = Named(s, 1, "box") && Named(s, 0, "score");
            return firstIsBoxes ? (1, 0) : secondIsBoxes ? (0, 1) : null;
        }
        if (b[2] == 4 && a[2] >= 2) return (0, 1);
        if (a[2] == 4 && b[2] >= 2) return (1, 0);
        return null;
    }

    private static bool Named(ModelSignature s, int output, string part) => s.Outputs[output].Name.Contains(part, StringComparison.OrdinalIgnoreCase);

    public void Parse(FrameOutputs outputs, ModelSignature s, float minScore, List<RawDetection> into)
    {
        var (scoresAt, boxesAt) = Find(s)!.Value;
        var scores = outputs[scoresAt];
        var boxes = outputs[boxesAt];
        int columns = s.Outputs[scoresAt].Shape[2], priors = scores.Length / columns;
        var (width, height) = Grids.InputSize(s);
        for (int p = 0; p < priors; p++)
        {
            var row = scores.Slice(p * columns, columns);
            for (int c = 1; c < columns; c++)
            {
                float score = row[c];
                if (score < minScore) continue;
                var b = boxes.Slice(p * 4, 4);
                into.Add(new RawDetection(c - 1, score, b[0] * width, b[1] * height, b[2] * width, b[3] * height));
            }
        }
    }
}
