using VideoDetect.Batching;

namespace VideoDetect.Inference.Families;

/// <summary>
/// torchvision detection models exported with torch.onnx.export(model, [image], …) —
/// fasterrcnn_*, retinanet_*, fcos_*, ssd300/ssdlite320, maskrcnn_*: a list of one image [3, H, W]
/// (RGB, 0..1; the model's GeneralizedRCNNTransform normalises and resizes inside and maps the boxes
/// back to the image fed), outputs boxes [N, 4] (x1, y1, x2, y2 in input pixels), labels [N] (int64,
/// 1-based over the 91 COCO category ids, with gaps), scores [N], and for Mask R-CNN masks
/// [N, 1, H, W] (probabilities over the whole input). No image-size output, unlike Detectron2. NMS is
/// done in the graph. Class names: COCO-91 by category id ("N/A" at the gaps), or -Labels (index = label).
/// </summary>
public sealed class TorchvisionFamily : IModelFamily
{
    public string Family => "Torchvision";

    public IReadOnlyList<string> Aliases => new[] { "FasterRCNN", "RetinaNet", "SSDlite" };

    public bool Recognises(ModelSignature s) => InstanceOutputs.Find(s) is { ImageSize: < 0 };

    public PreprocessOptions Preprocessing(ModelSignature s)
    {
        var (width, height) = SingleImageInput.Size(s);
        return new PreprocessOptions
        {
            Width = width, Height = height, Resize = ResizeMode.LetterboxTopLeft, PadValue = 114, Interpolation = ResizeInterpolation.Linear,
            Scale = 1f / 255, ChannelOrder = ChannelOrder.RGB, Layout = TensorLayout.NCHW,
        };
    }

    /// <summary>Labels index the 91 COCO category ids (0 the background) unless the metadata names others.</summary>
    public int ClassCount(ModelSignature s) => ModelMetadata.Names(s.Metadata)?.Count ?? CocoLabels.Coco91.Count;

    public IReadOnlyList<string>? DefaultLabels(ModelSignature s) => CocoLabels.Coco91;

    public bool AppliesNms => true;

    public string? FrameByFrameReason(ModelSignature s) => SingleImageInput.FrameByFrame;

    public void Parse(FrameOutputs outputs, ModelSignature s, float minScore, List<RawDetection> into) =>
        InstanceOutputs.Find(s)!.Parse(outputs, s, SingleImageInput.Size(s), minScore, roiMasks: false, into);
}
