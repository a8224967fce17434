using Microsoft.ML.OnnxRuntime;
using VideoDetect.Errors;
using VideoDetect.Inference.Families;

namespace VideoDetect.Inference;

/// <summary>
/// What a loaded session is: its signature, its family (given or recognised, with the -Family to try
/// when none fits) and its class names. Plain functions; the session cache calls them once per model.
/// </summary>
internal static class ModelRecognition
{
    public static ModelSignature Signature(InferenceSession session)
    {
        var input = session.InputMetadata.First();
        var outputs = session.OutputMetadata.Select(kv => (kv.Key, (IReadOnlyList<int>)kv.Value.Dimensions.ToArray())).ToList();
        var types = session.OutputMetadata.Select(kv => kv.Value.ElementType).ToArray();
        return new ModelSignature(input.Key, input.Value.Dimensions.ToArray(), outputs, session.ModelMetadata.CustomMetadataMap, types);
    }

    /// <summary>The family named by <paramref name="family"/> (-Family), else the first that recognises the signature; throws ModelNotRecognised.</summary>
    public static IModelFamily Family(string path, ModelSignature signature, string? family)
    {
        string families = FamilyRegistry.Names;
        var found = family is not null
            ? FamilyRegistry.Find(family) ?? throw new ModelException(ErrorIds.ModelNotRecognised, $"Unknown family '{family}'. Families: {families}.")
            : FamilyRegistry.All.FirstOrDefault(d => d.Recognises(signature))
              ?? throw new ModelException(ErrorIds.ModelNotRecognised,
                  $"'{path}' has an output layout no model family knows: {signature}. {Suggest(signature)} Families: {families}.");
        if (!found.Recognises(signature))
            throw new ModelException(ErrorIds.ModelNotRecognised,
                $"'{path}' does not have the {found.Family} layout ({signature}). Families: {families}; leave -Family out to let the model's outputs decide.");
        return found;
    }

    /// <summary>
    /// Class names: those given (-Labels, which must match the class count: LabelsMismatch), else the
    /// model's "names" metadata when it has one per class, else the family's (e.g. "face"), else COCO-80
    /// for 80 classes, else class&lt;N&gt;.
    /// </summary>
    public static IReadOnlyList<string> Labels(string path, IModelFamily family, ModelSignature signature, IReadOnlyList<string>? given)
    {
        int classes = family.ClassCount(signature);
        if (given is { Count: > 0 })
        {
            // classes <= 0: the outputs carry class ids, not one score per class, so any list fits.
            if (classes > 0 && given.Count != classes)
                throw new ModelException(ErrorIds.LabelsMismatch, $"'{path}' has {classes} classes but {given.Count} labels were given.");
            return given;
        }
        var metadata = ModelMetadata.Names(signature.Metadata);
        if (metadata?.Count == classes) return metadata;
        var implied = family.DefaultLabels(signature);
        if (implied?.Count == classes) return implied;
        if (classes == CocoLabels.Names.Count) return CocoLabels.Names;
        return Enumerable.Range(0, classes).Select(i => $"class{i}").ToArray();
    }

    /// <summary>Which -Family to try for a layout no family recognised, judged from the output count and ranks.</summary>
    public static string Suggest(ModelSignature s)
    {
        var ranks = s.Outputs.Select(o => o.Shape.Count).ToList();
        if (s.IsSingleImage)
            return "A single-image input [3, H, W] is the Detectron2 or torchvision layout (boxes [N, 4], classes [N], scores [N], masks [N, 1, h, w]; Detectron2 adds the image size [2] last): try -Family Detectron2 or Torchvision.";
        string? hint = (s.Outputs.Count, ranks.FirstOrDefault()) switch
        {
            (1, 3) when s.Outputs[0].Shape[1] == 300 => "A single [1, 300, columns] output is an end-to-end export: try -Family YOLOv10 (rows x1, y1, x2, y2, score, class) or RT-DETR (rows cx, cy, w, h normalised, then class scores).",
            (3, _) when ranks.Contains(2) => "Three outputs with [K, 3] selected indices are a graph ending in NonMaxSuppression: try -Family NMS.",
            (1, 3) => "A single [1, rows, columns] output is the YOLOX, YOLOv5 (rows of 5 + classes) or YOLOv8 (classes + 4 first) layout: try -Family YOLOv5, YOLOv8 or YOLOX.",
            (1, 4) => "A single [1, channels, rows, columns] map is the FastestDet layout: try -Family FastestDet.",
            (2, _) => "Two outputs over the same rows (scores and boxes) are the SSD layout: try -Family SSD.",
            (4, _) => "Four outputs are the BlazeFace layout: try -Family BlazeFace.",
            (6, _) => "Six outputs (class and box tensors per stride) are the NanoDet layout: try -Family NanoDet.",
            _ => null,
        };
        return hint ?? "No family has this many outputs; the model may need a family of its own.";
    }
}
