using VideoDetect.Batching;

namespace VideoDetect.Inference.Families;

/// <summary>
/// Detectron2 ONNX exports (tools/deploy/export_model.py --format onnx --export-method tracing;
/// Faster R-CNN, RetinaNet, Mask R-CNN). TracingAdapter flattens the output Instances by sorted field
/// name and appends the image size, so the outputs are: pred_boxes [N, 4] (x1, y1, x2, y2 in input
/// pixels), pred_classes [N] (int64, 0-based), pred_masks [N, 1, 28, 28] (Mask R-CNN only: ROI mask
/// probabilities over the box), scores [N], then the image size [2] (int64) — N = 0 when nothing is
/// found. Input: one image [3, H, W], no batch dimension, BGR 0..255 (cfg.INPUT.FORMAT), the pixel
/// mean and std applied inside the graph; the size is the sample image's after ResizeShortestEdge
/// (MIN_SIZE_TEST 800, MAX_SIZE_TEST 1333), outside the graph (<see cref="SingleImageInput"/>). NMS is
/// done in the graph. Class names: COCO-80 (the model zoo's), or -Labels.
/// </summary>
public sealed class Detectron2Family : IModelFamily
{
    public string Family => "Detectron2";

    public IReadOnlyList<string> Aliases => new[] { "D2", "MaskRCNN", "Mask R-CNN" };

    public bool Recognises(ModelSignature s) => InstanceOutputs.Find(s) is { ImageSize: >= 0 };

    public PreprocessOptions Preprocessing(ModelSignature s)
    {
        var (width, height) = SingleImageInput.Size(s);
        return new PreprocessOptions
        {
            Width = width, Height = height, Resize = ResizeMode.LetterboxTopLeft, PadValue = 114, Interpolation = ResizeInterpolation.Linear,
            Scale = 1, ChannelOrder = ChannelOrder.BGR, Layout = TensorLayout.NCHW,
        };
    }

    /// <summary>The outputs carry class ids, not a score per class: the model zoo's 80 COCO classes unless the metadata names others.</summary>
    public int ClassCount(ModelSignature s) => ModelMetadata.Names(s.Metadata)?.Count ?? CocoLabels.Names.Count;

    public bool AppliesNms => true;

    public string? FrameByFrameReason(ModelSignature s) => SingleImageInput.FrameByFrame;

    public void Parse(FrameOutputs outputs, ModelSignature s, float minScore, List<RawDetection> into) =>
        InstanceOutputs.Find(s)!.Parse(outputs, s, SingleImageInput.Size(s), minScore, roiMasks: true, into);
}
