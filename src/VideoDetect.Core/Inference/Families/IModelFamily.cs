using VideoDetect.Batching;

namespace VideoDetect.Inference.Families;

/// <summary>
/// One model family (YOLOX, YOLOv8, BlazeFace…): recognises the family from the model's signature,
/// says how frames must be prepared, and parses one frame's raw outputs into candidate boxes in
/// model-input pixels.
/// </summary>
public interface IModelFamily
{
    /// <summary>The family name users pass to -Family.</summary>
    string Family { get; }

    /// <summary>True when the signature has this family's layout.</summary>
    bool Recognises(ModelSignature signature);

    /// <summary>The preprocessing the model was trained with (size from the model input).</summary>
    PreprocessOptions Preprocessing(ModelSignature signature);

    /// <summary>Number of classes the outputs carry.</summary>
    int ClassCount(ModelSignature signature);

    /// <summary>Other names -Family accepts for this family (e.g. YOLO11 for YOLOv8).</summary>
    IReadOnlyList<string> Aliases => Array.Empty<string>();

    /// <summary>Class names the family implies for this model (e.g. "face"), or null.</summary>
    IReadOnlyList<string>? DefaultLabels(ModelSignature signature) => null;

    /// <summary>
    /// True when the model's graph already did non-maximum suppression (end-to-end exports, Detectron2,
    /// torchvision): the detector keeps its candidates as they are and skips its own NMS.
    /// </summary>
    bool AppliesNms => false;

    /// <summary>
    /// Why the model must run one frame per session run (outputs whose length depends on the frame,
    /// selected indices over the whole batch, no batch dimension), or null when batches may go whole.
    /// </summary>
    string? FrameByFrameReason(ModelSignature signature) => null;

    /// <summary>
    /// Appends candidates above <paramref name="minScore"/> for one frame. <paramref name="outputs"/> holds,
    /// per model output (in signature order), that frame's floats; they are valid during the call only.
    /// </summary>
    void Parse(FrameOutputs outputs, ModelSignature signature, float minScore, List<RawDetection> into);
}
