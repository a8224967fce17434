using VideoDetect.Batching;

namespace VideoDetect.Inference.Families;

/// <summary>
/// Ultralytics exports with the post-processing inside: YOLOv10 (NMS-free by design) and any model
/// exported with nms=True (yolo export format=onnx nms=True). One output [1, K, 6] — K = max_det,
/// 300 by default — rows x1, y1, x2, y2 (input pixels), score, class; unused rows have score 0.
/// Preprocessing as YOLOv5/YOLOv8 (centred letterbox, RGB, /255); class names from "names". Told
/// apart from YOLOv5 by K, which is no grid's cell count, and from a two-class RT-DETR by the
/// metadata's description. No NMS here: the model did it.
/// </summary>
public sealed class UltralyticsEndToEndFamily : UltralyticsFamily
{
    public override string Family => "YOLOv10";

    public override IReadOnlyList<string> Aliases => new[] { "EndToEnd", "UltralyticsNMS" };

    public override bool Recognises(ModelSignature s) =>
        HasShape(s) && s.Outputs[0].Shape is var o && o[2] == 6 && o[1] > 0 && CellMultiple(s, o[1]) == 0 && !RtDetrFamily.Described(s);

    public override int ClassCount(ModelSignature s) => ModelMetadata.Names(s.Metadata)?.Count ?? CocoLabels.Names.Count;

    public override bool AppliesNms => true;

    public override void Parse(FrameOutputs outputs, ModelSignature s, float minScore, List<RawDetection> into)
    {
        var data = outputs[0];
        for (int start = 0; start + 6 <= data.Length; start += 6)
        {
            var r = data.Slice(start, 6);
            if (r[4] < minScore) continue;
            into.Add(new RawDetection((int)r[5], r[4], r[0], r[1], r[2], r[3]));
        }
    }
}

/// <summary>
/// RT-DETR as Ultralytics exports it (yolo export model=rtdetr-l.pt format=onnx): one output
/// [1, Q, 4 + C] — Q = 300 queries, rows cx, cy, w, h normalised to 0..1, then C class scores
/// (sigmoid applied); score = the best class. A transformer decoder gives one box per object: no NMS.
/// Input stretched to the model size (Ultralytics' RT-DETR predictor: scale_fill), RGB, /255.
/// Recognised by the metadata's description ("rtdetr"), else by Q = 300 with "names" of C entries (or
/// C = 80 without names) when 4 + C is not 6.
/// </summary>
public sealed class RtDetrFamily : UltralyticsFamily
{
    public override string Family => "RT-DETR";

    public override IReadOnlyList<string> Aliases => new[] { "RTDETR" };

    /// <summary>True when the Ultralytics description names an RT-DETR model.</summary>
    internal static bool Described(ModelSignature s) =>
        s.Metadata.TryGetValue("description", out var d) && (d.Contains("rtdetr", StringComparison.OrdinalIgnoreCase) || d.Contains("rt-detr", StringComparison.OrdinalIgnoreCase));

    public override bool Recognises(ModelSignature s)
    {
        if (!HasShape(s)) return false;
        var o = s.Outputs[0].Shape;
        if (o[2] <= 4 || o[1] <= 0 || CellMultiple(s, o[1]) != 0) return false;
        if (Described(s)) return true;
        int classes = o[2] - 4;
        bool named = ModelMetadata.Names(s.Metadata) is { } names ? names.Count == classes : classes == CocoLabels.Names.Count;
        return o[1] == 300 && o[2] != 6 && named;
    }

    public override int ClassCount(ModelSignature s) => s.Outputs[0].Shape[2] - 4;

    public override bool AppliesNms => true;

    public override PreprocessOptions Preprocessing(ModelSignature s)
    {
        var (width, height) = InputSize(s);
        return Letterbox(width, height) with { Resize = ResizeMode.Stretch };
    }

    public override void Parse(FrameOutputs outputs, ModelSignature s, float minScore, List<RawDetection> into)
    {
        var data = outputs[0];
        int length = s.Outputs[0].Shape[2], classes = length - 4;
        var (width, height) = InputSize(s);
        for (int start = 0; start + length <= data.Length; start += length)
        {
            var r = data.Slice(start, length);
            var (best, score) = Grids.ArgMax(r.Slice(4, classes));
            if (score < minScore) continue;
            float cx = r[0] * width, cy = r[1] * height, w = r[2] * width, h = r[3] * height;
            into.Add(new RawDetection(best, score, cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2));
        }
    }
}
