using VideoDetect.Batching;

namespace VideoDetect.Inference;

/// <summary>
/// What produced a stream of <see cref="FrameDetections"/>: the model and every parameter that
/// changes the result. One shared, immutable instance per run (Invoke-FrameDetection sets it on each
/// frame it emits; Import-FrameDetection rebuilds it from a file's header), so result files can
/// record it and a resumed run can be checked against it.
/// </summary>
public sealed record DetectionRun
{
    /// <summary>The model file (full path); null when unknown.</summary>
    public string? ModelPath { get; init; }
    /// <summary>The model file's size and SHA-256 when already known (read back from a result file); null: computed from <see cref="ModelPath"/>.</summary>
    public long? ModelSize { get; init; }
    public string? ModelSha256 { get; init; }
    public string? Family { get; init; }
    public IReadOnlyList<string> Labels { get; init; } = Array.Empty<string>();
    public float Confidence { get; init; }
    public float IouThreshold { get; init; }
    public bool ClassAgnostic { get; init; }
    /// <summary>Class ids kept (null: all), ascending.</summary>
    public IReadOnlyList<int>? Classes { get; init; }
    public int MaxDetections { get; init; }
    /// <summary>Every k-th frame was detected on (ConvertTo-FrameBatch -FrameStride).</summary>
    public int FrameStride { get; init; } = 1;
    public PreprocessOptions? Preprocess { get; init; }

    /// <summary>The run of <paramref name="model"/> with <paramref name="options"/> over batches prepared with <paramref name="preprocess"/>.</summary>
    public static DetectionRun Of(DetectionModel model, DetectionOptions options, PreprocessOptions preprocess, int frameStride) => new()
    {
        ModelPath = model.Path,
        Family = model.Family,
        Labels = model.Labels.ToArray(),
        Confidence = options.Confidence,
        IouThreshold = options.IouThreshold,
        ClassAgnostic = options.ClassAgnostic,
        Classes = options.Classes?.Order().ToArray(),
        MaxDetections = options.MaxDetections,
        FrameStride = frameStride,
        Preprocess = preprocess,
    };

    public override string ToString() =>
        $"{System.IO.Path.GetFileName(ModelPath ?? "?")} ({Family}), confidence {Confidence}, IoU {IouThreshold}, stride {FrameStride}";
}
