using VideoDetect.Batching;

namespace VideoDetect.Inference.Families;

/// <summary>
/// YOLOX (Megvii): one output [1, N, 5 + classes] over strides 8, 16, 32 (row-major grids), rows
/// <c>[tx, ty, tw, th, obj, cls…]</c> with obj and cls already sigmoid; box centre (t + grid) × stride,
/// size exp(t) × stride; score obj × cls. Input BGR, 0..255 unnormalised, letterboxed top-left with
/// pad 114, bilinear; the exports have a fixed batch of 1 (e.g. yolox_nano: input [1, 3, 416, 416],
/// output [1, 3549, 85] for COCO-80).
/// </summary>
public sealed class YoloxFamily : IModelFamily
{
    public string Family => "YOLOX";

    public bool Recognises(ModelSignature s)
    {
        if (s.Outputs.Count != 1 || s.InputShape.Count != 4) return false;
        var o = s.Outputs[0].Shape;
        return o.Count == 3 && o[2] > 5 && o[1] == Grids.Cells(s.InputShape[3], s.InputShape[2], Grids.P3ToP5);
    }

    public PreprocessOptions Preprocessing(ModelSignature s) => new()
    {
        Width = s.InputShape[3], Height = s.InputShape[2], Resize = ResizeMode.LetterboxTopLeft, PadValue = 114,
        Interpolation = ResizeInterpolation.Linear, Scale = 1, ChannelOrder = ChannelOrder.BGR, Layout = TensorLayout.NCHW,
    };

    public int ClassCount(ModelSignature s) => s.Outputs[0].Shape[2] - 5;

    public void Parse(FrameOutputs outputs, ModelSignature s, float minScore, List<RawDetection> into)
    {
        var data = outputs[0];
        int width = s.InputShape[3], height = s.InputShape[2], rowLength = s.Outputs[0].Shape[2], classes = rowLength - 5;
        int row = 0;
        foreach (int stride in Grids.P3ToP5)
        {
            int gw = (width + stride - 1) / stride, gh = (height + stride - 1) / stride; // as Grids.Cells
            for (int gy = 0; gy < gh; gy++)
            {
                for (int gx = 0; gx < gw; gx++, row++)
                {
                    var r = data.Slice(row * rowLength, rowLength);
                    float obj = r[4];
                    if (obj < minScore) continue; // score = obj × cls ≤ obj
                    var (best, bestCls) = Grids.ArgMax(r.Slice(5, classes));
                    float score = obj * bestCls;
                    if (score < minScore) continue;
                    float cx = (r[0] + gx) * stride, cy = (r[1] + gy) * stride;
                    float w = MathF.Exp(r[2]) * stride, h = MathF.Exp(r[3]) * stride;
                    into.Add(new RawDetection(best, score, cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2));
                }
            }
        }
    }
}
