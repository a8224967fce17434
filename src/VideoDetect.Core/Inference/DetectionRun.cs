using VideoDetect.Batching;

namespace VideoDetect.Inference;

/// <summary>Every parameter of a run that changes its detections (result files record them, and a resume must match them).</summary>
public sealed record DetectionParameters
{
    public float Confidence { get; init; }
    public float IouThreshold { get; init; }
    public bool ClassAgnostic { get; init; }
    /// <summary>Class ids kept (null: all), ascending.</summary>
    public IReadOnlyList<int>? Classes { get; init; }
    public int MaxDetections { get; init; }
    /// <summary>Every k-th frame was detected on (ConvertTo-FrameBatch -FrameStride).</summary>
    public int FrameStride { get; init; } = 1;
    /// <summary>The motion gate the frames went through (ConvertTo-FrameBatch -SkipStatic), as <see cref="MotionGateOptions.Describe"/> writes it; null: every frame was detected on.</summary>
    public string? SkipStatic { get; init; }
    public PreprocessOptions? Preprocess { get; init; }
}

/// <summary>
/// What produced a stream of <see cref="FrameDetections"/>: the model and every parameter that
/// changes the result. One shared, immutable instance per run (Invoke-FrameDetection sets it on each
/// frame it emits; Import-FrameDetection rebuilds it from a file's header), so result files can
/// record it and a resumed run can be checked against it.
/// </summary>
public sealed record DetectionRun
{
    /// <summary>The model file (a full path; only the file name when read back from a result file); null when unknown.</summary>
    public string? ModelPath { get; init; }
    /// <summary>The model file's size and SHA-256 when already known (read back from a result file); null: computed from <see cref="ModelPath"/>.</summary>
    public long? ModelSize { get; init; }
    public string? ModelSha256 { get; init; }
    public string? Family { get; init; }
    public IReadOnlyList<string> Labels { get; init; } = Array.Empty<string>();
    public DetectionParameters Parameters { get; init; } = new();

    /// <summary>The run of <paramref name="model"/> with <paramref name="options"/> over batches prepared with <paramref name="preprocess"/>.</summary>
    public static DetectionRun Of(DetectionModel model, DetectionOptions options, PreprocessOptions preprocess, int frameStride, MotionGateOptions? skipStatic = null) => new()
    {
        ModelPath = model.Path,
        Family = model.Family,
        Labels = model.Labels.ToArray(),
        Parameters = new DetectionParameters
        {
            Confidence = options.Confidence,
            IouThreshold = options.IouThreshold,
            ClassAgnostic = options.ClassAgnostic,
            Classes = options.Classes?.Order().ToArray(),
            MaxDetections = options.MaxDetections,
            FrameStride = frameStride,
            SkipStatic = skipStatic?.Describe(),
            Preprocess = preprocess,
        },
    };

    /// <summary>True when <paramref name="other"/> describes the same model and parameters (lists compared by content).</summary>
    public bool SameAs(DetectionRun other) =>
        this with { Labels = other.Labels, Parameters = Parameters with { Classes = other.Parameters.Classes } } == other
        && Labels.SequenceEqual(other.Labels)
        && (Parameters.Classes ?? Array.Empty<int>()).SequenceEqual(other.Parameters.Classes ?? Array.Empty<int>());

    public override string ToString() =>
        $"{System.IO.Path.GetFileName(ModelPath ?? "?")} ({Family}), confidence {Parameters.Confidence}, IoU {Parameters.IouThreshold}, stride {Parameters.FrameStride}";
}
