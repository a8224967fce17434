using VideoDetect.Batching;

namespace VideoDetect.Inference.Families;

/// <summary>
/// What YOLOv5 and YOLOv8/YOLO11 exports share: boxes already decoded to centre x, y, width, height
/// in input pixels; Ultralytics' letterbox (centred, pad 114, bilinear), RGB, /255; class names in the
/// "names" metadata (a Python dict) and the input size in "imgsz" when the export has dynamic axes.
/// </summary>
public abstract class UltralyticsFamily : IModelFamily
{
    public abstract string Family { get; }

    public virtual IReadOnlyList<string> Aliases => Array.Empty<string>();

    public abstract bool Recognises(ModelSignature signature);

    public abstract int ClassCount(ModelSignature signature);

    public abstract void Parse(FrameOutputs outputs, ModelSignature signature, float minScore, List<RawDetection> into);

    /// <summary>True for the end-to-end exports (NMS inside the graph).</summary>
    public virtual bool AppliesNms => false;

    public virtual PreprocessOptions Preprocessing(ModelSignature s)
    {
        var (width, height) = InputSize(s);
        return Letterbox(width, height);
    }

    /// <summary>Ultralytics' letterbox at <paramref name="width"/> × <paramref name="height"/>: centred, pad 114, bilinear, RGB, /255, NCHW.</summary>
    internal static PreprocessOptions Letterbox(int width, int height) => new()
    {
        Width = width, Height = height, Resize = ResizeMode.Letterbox, PadValue = 114, Interpolation = ResizeInterpolation.Linear,
        Scale = 1f / 255, ChannelOrder = ChannelOrder.RGB, Layout = TensorLayout.NCHW,
    };

    /// <summary>The input size: the model's, else the "imgsz" metadata ([h, w] or one number), else 640.</summary>
    internal static (int Width, int Height) InputSize(ModelSignature s)
    {
        var (width, height) = Grids.InputSize(s);
        if (width > 0 && height > 0) return (width, height);
        var size = ModelMetadata.ImageSize(s.Metadata);
        return size is { } hw ? (hw.Width, hw.Height) : (640, 640);
    }

    /// <summary>[N, 3, H, W] input (H and W may be dynamic) and one 3-D output.</summary>
    internal static bool HasShape(ModelSignature s) =>
        s.InputShape.Count == 4 && s.InputShape[1] == 3 && s.Outputs.Count == 1 && s.Outputs[0].Shape.Count == 3;

    /// <summary>True when the metadata carries "names" with exactly <paramref name="classes"/> entries (an Ultralytics export).</summary>
    internal static bool NamesCount(ModelSignature s, int classes) => ModelMetadata.Names(s.Metadata)?.Count == classes;

    /// <summary>Anchor-free cells over the P3–P5 or P3–P6 strides equal <paramref name="n"/>; 0 when none does.</summary>
    internal static int CellMultiple(ModelSignature s, int n)
    {
        var (width, height) = InputSize(s);
        foreach (var strides in new[] { Grids.P3ToP5, Grids.P3ToP6 })
        {
            int cells = Grids.Cells(width, height, strides);
            if (n == cells) return 1;
            if (n == 3 * cells) return 3;
        }
        return 0;
    }
}

/// <summary>
/// YOLOv5 (ultralytics/yolov5 export.py): one output [1, N, 5 + C], rows cx, cy, w, h, obj, cls…, with
/// N = 3 anchors × the cells of strides 8, 16, 32 (or to 64); score = obj × cls. Recognised by N, or by
/// the "names" metadata when the export has dynamic axes.
/// </summary>
public sealed class YoloV5Family : UltralyticsFamily
{
    public override string Family => "YOLOv5";

    public override bool Recognises(ModelSignature s)
    {
        if (!HasShape(s)) return false;
        var o = s.Outputs[0].Shape;
        if (o[2] <= 5) return false;
        int multiple = o[1] > 0 ? CellMultiple(s, o[1]) : 0;
        return multiple == 3 || (multiple == 0 && NamesCount(s, o[2] - 5));
    }

    public override int ClassCount(ModelSignature s) => s.Outputs[0].Shape[2] - 5;

    public override void Parse(FrameOutputs outputs, ModelSignature s, float minScore, List<RawDetection> into)
    {
        var data = outputs[0];
        int length = s.Outputs[0].Shape[2], classes = length - 5;
        for (int start = 0; start + length <= data.Length; start += length)
        {
            var r = data.Slice(start, length);
            float obj = r[4];
            if (obj < minScore) continue;
            var (best, cls) = Grids.ArgMax(r.Slice(5, classes));
            float score = obj * cls;
            if (score < minScore) continue;
            into.Add(new RawDetection(best, score, r[0] - r[2] / 2, r[1] - r[3] / 2, r[0] + r[2] / 2, r[1] + r[3] / 2));
        }
    }
}

/// <summary>
/// YOLOv8 and YOLO11 (Ultralytics, task detect): one output [1, 4 + C, N], channels first — rows of
/// cx, cy, w, h, then C class scores (sigmoid applied), over N = the cells of strides 8, 16, 32 (or to
/// 64), no objectness. Recognised by N, or by the "names" metadata when the export has dynamic axes.
/// </summary>
public sealed class YoloV8Family : UltralyticsFamily
{
    public override string Family => "YOLOv8";

    public override IReadOnlyList<string> Aliases => new[] { "YOLO11", "YOLOv11", "YOLO" };

    public override bool Recognises(ModelSignature s)
    {
        if (!HasShape(s)) return false;
        var o = s.Outputs[0].Shape;
        if (o[1] <= 4) return false;
        int multiple = o[2] > 0 ? CellMultiple(s, o[2]) : 0;
        return multiple == 1 || (multiple == 0 && NamesCount(s, o[1] - 4));
    }

    public override int ClassCount(ModelSignature s) => s.Outputs[0].Shape[1] - 4;

    public override void Parse(FrameOutputs outputs, ModelSignature s, float minScore, List<RawDetection> into)
    {
        var data = outputs[0];
        int channels = s.Outputs[0].Shape[1], classes = channels - 4, n = data.Length / channels;
        var cx = data.Slice(0, n);
        var cy = data.Slice(n, n);
        var w = data.Slice(2 * n, n);
        var h = data.Slice(3 * n, n);
        for (int i = 0; i < n; i++)
        {
            // Channels first: the best class of candidate i is a strided walk down the class planes.
            var (best, score) = Grids.ArgMax(data, 4 * n + i, n, classes);
            if (score < minScore) continue;
            into.Add(new RawDetection(best, score, cx[i] - w[i] / 2, cy[i] - h[i] / 2, cx[i] + w[i] / 2, cy[i] + h[i] / 2));
        }
    }
}
