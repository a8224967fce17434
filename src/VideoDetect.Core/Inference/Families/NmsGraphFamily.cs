using VideoDetect.Batching;

namespace VideoDetect.Inference.Families;

/// <summary>
/// Graphs that end in ONNX NonMaxSuppression and expose its inputs beside it (for example YOLO
/// exports with an NMS node appended by onnx-graphsurgeon or mmdeploy-style end2end graphs): three
/// outputs — the selected indices [K, 3] (int64 rows batch, class, box; K varies per run), the boxes
/// [B, N, 4] (x1, y1, x2, y2 in input pixels: NonMaxSuppression with center_point_box = 0 takes either
/// corner order, and exporters pass x1, y1, x2, y2) and the scores [B, C, N]. Each selected row is one
/// detection, score = scores[b, class, box]. Preprocessing as Ultralytics' (centred letterbox, RGB, /255:
/// the usual source of such graphs; other preprocessing can be given to ConvertTo-FrameBatch). The
/// selected indices span the whole batch, so the model runs frame by frame.
/// </summary>
public sealed class NmsGraphFamily : IModelFamily
{
    public string Family => "NMS";

    public IReadOnlyList<string> Aliases => new[] { "NonMaxSuppression" };

    public bool Recognises(ModelSignature s) => Find(s) is not null;

    public PreprocessOptions Preprocessing(ModelSignature s)
    {
        var (width, height) = UltralyticsFamily.InputSize(s);
        return UltralyticsFamily.Letterbox(width, height);
    }

    public int ClassCount(ModelSignature s)
    {
        int classes = s.Outputs[Find(s)!.Value.Scores].Shape[1];
        return classes > 0 ? classes : ModelMetadata.Names(s.Metadata)?.Count ?? CocoLabels.Names.Count;
    }

    public bool AppliesNms => true;

    public string? FrameByFrameReason(ModelSignature s) => "the model ends in NonMaxSuppression, whose selected indices span the whole batch";

    /// <summary>The indices of the selected-indices, boxes and scores outputs, or null.</summary>
    private static (int Selected, int Boxes, int Scores)? Find(ModelSignature s)
    {
        if (s.InputShape.Count != 4 || s.InputShape[1] != 3 || s.Outputs.Count != 3) return null;
        int selected = -1, boxes = -1, scores = -1;
        for (int i = 0; i < 3; i++)
        {
            var shape = s.Outputs[i].Shape;
            if (shape.Count == 2 && shape[1] == 3 && s.IsInteger(i) != false && selected < 0) selected = i;
            else if (shape.Count == 3 && shape[2] == 4 && boxes < 0 && s.IsInteger(i) != true) boxes = i;
            else if (shape.Count == 3 && scores < 0 && s.IsInteger(i) != true) scores = i;
            else return null;
        }
        if (selected < 0 || boxes < 0 || scores < 0) return null;
        int n = s.Outputs[boxes].Shape[1], m = s.Outputs[scores].Shape[2];
        return n > 0 && m > 0 && n != m ? null : (selected, boxes, scores);
    }

    public void Parse(FrameOutputs outputs, ModelSignature s, float minScore, List<RawDetection> into)
    {
        var (selectedAt, boxesAt, scoresAt) = Find(s)!.Value;
        var selected = outputs.Integers(selectedAt);
        var boxes = outputs[boxesAt];
        var scores = outputs[scoresAt];
        int n = boxes.Length / 4;
        if (n == 0) return;
        int classes = scores.Length / n;
        for (int k = 0; k + 3 <= selected.Length; k += 3)
        {
            long b = selected[k], c = selected[k + 1], i = selected[k + 2];
            if (b != 0 || c < 0 || c >= classes || i < 0 || i >= n) continue; // one frame per run: batch 0 only
            float score = scores[(int)(c * n + i)];
            if (score < minScore) continue;
            var box = boxes.Slice((int)i * 4, 4);
            into.Add(new RawDetection((int)c, score, box[0], box[1], box[2], box[3]));
        }
    }
}
