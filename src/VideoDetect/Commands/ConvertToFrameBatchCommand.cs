using System.Globalization;
using System.Management.Automation;
using VideoDetect.Batching;
using VideoDetect.Video;

namespace VideoDetect.Commands;

/// <summary>
/// <para>ConvertTo-FrameBatch: decodes clips and preprocesses their frames into tensor batches a
/// detector can run on directly.</para>
/// Decoding and preprocessing run on a background worker, a few batches ahead of what downstream
/// consumes (order preserved), so decoding batch k+1 overlaps with whatever downstream does with batch
/// k. Only this cmdlet's pipeline thread writes output, errors, warnings and progress.
/// </summary>
[Cmdlet(VerbsData.ConvertTo, "FrameBatch")]
[OutputType(typeof(FrameBatch))]
public sealed class ConvertToFrameBatchCommand : StoppableCommand
{
    /// <summary>The defaults of every parameter below: they live once, in Core's options types.</summary>
    private static readonly BatchOptions Defaults = new();

    private FrameBatcher? _batcher;
    private Inference.DetectionModel? _model;
    private long _framesOut;
    private string? _progressPath;

    /// <summary>Clips from Split-VideoClip (or clips that went through Export-Clixml / ConvertTo-Json).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [VideoClipTransformation]
    public VideoClip[] InputObject { get; set; } = Array.Empty<VideoClip>();

    /// <summary>
    /// A DetectionModel or an .onnx path: its preprocessing replaces -Size, -Resize, -Mean… and the batches
    /// carry the model. With neither -Model nor any preprocessing parameter, the embedded default model
    /// (BlazeFace, faces) is used.
    /// </summary>
    [Parameter]
    [PortableObjectTransformation(typeof(VideoDetect.Inference.DetectionModel))]
    public object? Model { get; set; }

    /// <summary>Frames per batch (the last batch of a video may be shorter).</summary>
    [Parameter]
    [ValidateRange(1, 4096)]
    public int BatchSize { get; set; } = Defaults.BatchSize;

    /// <summary>Model input size: "416x416" (width x height) or 416 for a square.</summary>
    [Parameter]
    [ValidatePattern(@"^\s*\d+\s*([xX×]\s*\d+\s*)?$")]
    public string Size { get; set; } = FormattableString.Invariant($"{Defaults.Preprocess.Width}x{Defaults.Preprocess.Height}");

    /// <summary>Letterbox (centred, the default), LetterboxTopLeft, or Stretch.</summary>
    [Parameter]
    public ResizeMode Resize { get; set; } = Defaults.Preprocess.Resize;

    /// <summary>Pixel value (0..255) of the letterbox padding, before normalisation. Default 114.</summary>
    [Parameter]
    [ValidateRange(0f, 255f)]
    public float PadValue { get; set; } = Defaults.Preprocess.PadValue;

    /// <summary>Resampling: Linear (default), Area, Nearest, Cubic.</summary>
    [Parameter]
    public ResizeInterpolation Interpolation { get; set; } = Defaults.Preprocess.Interpolation;

    /// <summary>Per-channel mean in pixel units, in tensor channel order (one value for all three, or three).</summary>
    [Parameter]
    [ValidateCount(1, 3)]
    public float[]? Mean { get; set; }

    /// <summary>Per-channel standard deviation in pixel units (one value, or three).</summary>
    [Parameter]
    [ValidateCount(1, 3)]
    public float[]? Std { get; set; }

    /// <summary>Factor applied after mean and std. Default 1/255 (0.00392…).</summary>
    [Parameter]
    public float Scale { get; set; } = Defaults.Preprocess.Scale;

    /// <summary>Tensor channel order: RGB (default) or BGR.</summary>
    [Parameter]
    public ChannelOrder ChannelOrder { get; set; } = Defaults.Preprocess.ChannelOrder;

    /// <summary>Tensor layout: NCHW (default) or NHWC.</summary>
    [Parameter]
    public TensorLayout Layout { get; set; } = Defaults.Preprocess.Layout;

    /// <summary>Take every k-th frame, counted from frame 0 of the video (or Split-VideoClip's -Start), whichever clips a run gets; frame indices stay the source's.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int FrameStride { get; set; } = Defaults.FrameStride;

    /// <summary>Batches decoded ahead of downstream (memory ≈ (QueueDepth + 2) × BatchSize frames). Default 2.</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int QueueDepth { get; set; } = Defaults.QueueDepth;

    /// <summary>
    /// Decode workers, each with its own capture: a number (1 decodes clips in turn) or Auto (the
    /// default: 1 on 2 cores or fewer, else a share of the cores that depends on where inference runs).
    /// Output is the same whatever the value.
    /// </summary>
    [Parameter]
    [ValidatePattern(ThrottleLimitArgument.Pattern)]
    public string ThrottleLimit { get; set; } = "Auto";

    /// <summary>
    /// This machine's root for clips planned with Split-VideoClip -Root: a clip's RelativePath is read
    /// under it. Default: the VIDEODETECT_ROOT environment variable; clips without a RelativePath keep their Path.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Root { get; set; }

    private string? _root;

    /// <summary>
    /// Motion gate for fixed cameras: a frame that changed too little since the last frame sent to
    /// inference is not batched; Invoke-FrameDetection still emits it, holding the last inferred
    /// frame's detections (Extras.HeldFrom). Each clip's first frame is always inferred, so the frames
    /// chosen are the same whatever -ThrottleLimit, resume or shard.
    /// </summary>
    [Parameter]
    public SwitchParameter SkipStatic { get; set; }

    /// <summary>-SkipStatic: the share (0..1) of a small grey copy of the frame that must have changed (by more than 20 grey levels) for the frame to be inferred. Default 0.004.</summary>
    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double MotionThreshold { get; set; } = new MotionGateOptions().Threshold;

    /// <summary>-SkipStatic: the longest stretch held before a frame is inferred anyway — frames (an integer) or a time ('2s', 500ms, a TimeSpan). Default 10s (MotionGateOptions.DefaultMaxSkip).</summary>
    [Parameter]
    [VideoPositionTransformation]
    [ValidatePositive]
    public VideoPosition? MaxSkip { get; set; }

    private static readonly string[] PreprocessingParameters =
        { nameof(Size), nameof(Resize), nameof(PadValue), nameof(Interpolation), nameof(Mean), nameof(Std), nameof(Scale), nameof(ChannelOrder), nameof(Layout) };

    protected override void BeginProcessing()
    {
        string? root = Root ?? Environment.GetEnvironmentVariable(ClipRoot.Variable);
        _root = string.IsNullOrEmpty(root) ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(root);
        BatchOptions options;
        // No -Model and no preprocessing of one's own: the embedded default model (BlazeFace) and its preprocessing.
        if (Model is not null && PreprocessingParameters.Where(MyInvocation.BoundParameters.ContainsKey).ToList() is { Count: > 0 } ignored)
            WriteWarning($"-Model supplies the preprocessing; {string.Join(", ", ignored.Select(p => "-" + p))} {(ignored.Count == 1 ? "is" : "are")} ignored.");
        var model = Model is not null ? ModelArguments.Resolve(this, Model)
            : PreprocessingParameters.Any(MyInvocation.BoundParameters.ContainsKey) ? null
            : ModelArguments.LoadDefault(this);
        try
        {
            var (width, height) = ParseSize(Size);
            options = new BatchOptions
            {
                BatchSize = BatchSize,
                FrameStride = FrameStride,
                QueueDepth = QueueDepth,
                ThrottleLimit = ResolveThrottleLimit(ThrottleLimit, model, SkipStatic && FfmpegDecoding.InProcess),
                SkipStatic = SkipStatic ? new MotionGateOptions { Threshold = MotionThreshold, MaxSkip = MaxSkip ?? new MotionGateOptions().MaxSkip } : null,
                Preprocess = new PreprocessOptions
                {
                    Width = width,
                    Height = height,
                    Resize = Resize,
                    PadValue = PadValue,
                    Interpolation = Interpolation,
                    Mean = Expand(Mean, 0f, nameof(Mean)),
                    Std = Expand(Std, 1f, nameof(Std)),
                    Scale = Scale,
                    ChannelOrder = ChannelOrder,
                    Layout = Layout,
                },
            };
            if (!SkipStatic && (MyInvocation.BoundParameters.ContainsKey(nameof(MotionThreshold)) || MaxSkip is not null))
                WriteWarning("-MotionThreshold and -MaxSkip apply only with -SkipStatic; they are ignored.");
            _model = model;
            if (model is not null) options = options with { Preprocess = model.Preprocessing };
            options.Validate();
        }
        catch (InvalidPreprocessingException e)
        {
            ThrowTerminatingError(ErrorMapping.Record(e, null));
            return;
        }
        // Live clips decode from their running stream (LiveStreams); file clips from their files.
        _batchOptions = options with { Sources = LiveStreams.Sources() };
    }

    private BatchOptions? _batchOptions;

    /// <summary>
    /// The batcher, made at the first clip: a live first clip with -ThrottleLimit Auto gets one decode
    /// worker (a forward-only stream is read in order by one worker; an explicit -ThrottleLimit above 1
    /// rejects its clips with SourceNotSeekable).
    /// </summary>
    private FrameBatcher Batcher(VideoClip first)
    {
        if (_batcher is not null) return _batcher;
        var options = _batchOptions!;
        if (first.SourceKind == FrameSourceKind.Live && !MyInvocation.BoundParameters.ContainsKey(nameof(ThrottleLimit)))
            options = options with { ThrottleLimit = 1 };
        return _batcher = new FrameBatcher(options, StopToken);
    }

    protected override void ProcessRecord()
    {
        foreach (var clip in InputObject)
        {
            Batcher(clip).Add(ClipRoot.Resolve(clip, _root));
        }
        // Write what is ready, and keep at most a couple of clips waiting, so output streams while
        // input is still coming.
        while (_batcher is not null && ReadOne(b => b.ReadWhilePending(b.PendingLimit, StopToken))) { }
    }

    protected override void EndProcessing()
    {
        if (_batcher is null) return;
        _batcher.Complete();
        while (ReadOne(b => b.Read(StopToken))) { }
        CompleteProgress();
    }

    private bool ReadOne(Func<FrameBatcher, BatchEvent?> read)
    {
        BatchEvent? item;
        try
        {
            item = UntilStopped(() => read(_batcher!));
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            ThrowTerminatingError(ErrorMapping.Record(e, ErrorIds.BatchWorkerFailed, null));
            return false;
        }
        if (item is null) return false;
        Emit(item);
        return true;
    }

    private void Emit(BatchEvent item)
    {
        switch (item)
        {
            case BatchReady ready:
                _framesOut += ready.Batch.Count;
                ReportProgress(ready);
                WriteObject(BatchModels.Pair(ready.Batch, _model));
                break;
            case BatchWarning warning:
                WriteWarning(warning.Message);
                break;
            case ClipFailed failed:
                WriteError(ErrorFor(failed));
                break;
        }
    }

    private static ErrorRecord ErrorFor(ClipFailed failed) => failed.Error switch
    {
        VideoDetectException known => ErrorMapping.Record(known, failed.Clip),
        _ => ErrorMapping.Record(failed.Error, ErrorIds.FrameDecodeFailed, failed.Clip),
    };

    private void ReportProgress(BatchReady ready)
    {
        if (!ProgressDue()) return;
        var now = Elapsed;
        _progressPath = ready.Batch.Path;
        double fps = _framesOut / Math.Max(now.TotalSeconds, 1e-3);
        var record = new ProgressRecord(2, "Decoding and preprocessing frames",
            $"{System.IO.Path.GetFileName(ready.Batch.Path)}: frame {ready.FramesDone} of {ready.FramesTotal}, {fps:F0} frames/s")
        {
            PercentComplete = ready.FramesTotal > 0 ? (int)Math.Clamp(ready.FramesDone * 100 / ready.FramesTotal, 0, 100) : -1,
        };
        WriteProgress(record);
    }

    private void CompleteProgress()
    {
        if (_progressPath is null) return;
        WriteProgress(new ProgressRecord(2, "Decoding and preprocessing frames", "done") { RecordType = ProgressRecordType.Completed });
    }

    private static IReadOnlyList<float> Expand(float[]? values, float fallback, string name) => values switch
    {
        null or { Length: 0 } => new[] { fallback, fallback, fallback },
        { Length: 1 } => new[] { values[0], values[0], values[0] },
        { Length: 3 } => values,
        _ => throw new InvalidPreprocessingException($"-{name} takes one value for all channels, or three (got {values.Length})."),
    };

    /// <summary>A number, or Auto: <see cref="DecodeParallelism.Auto"/> for this machine and where the model runs.</summary>
    internal static int ResolveThrottleLimit(string value, VideoDetect.Inference.DetectionModel? model, bool gated) =>
        ThrottleLimitArgument.Resolve(value, () => DecodeParallelism.Auto(Environment.ProcessorCount, model?.Provider == VideoDetect.Inference.ExecutionProvider.Cuda, gated));

    /// <summary>"W x H" or "N" (a square); <see cref="InvalidPreprocessingException"/> for a number that does not fit an int.</summary>
    internal static (int Width, int Height) ParseSize(string size)
    {
        var parts = size.Split(new[] { 'x', 'X', '×' }, StringSplitOptions.TrimEntries);
        try
        {
            int w = int.Parse(parts[0], CultureInfo.InvariantCulture);
            int h = parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : w;
            return (w, h);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new InvalidPreprocessingException($"-Size '{size}' is not a size: write 'WxH' or one number for a square, each 1..16384.", e);
        }
    }

    protected override void DisposeCore() => _batcher?.Dispose();
}
