using System.Management.Automation;
using VideoDetect.Batching;
using VideoDetect.Inference;

namespace VideoDetect.Commands;

/// <summary>
/// Invoke-FrameDetection: runs a detector over FrameBatch objects and emits one FrameDetections per
/// frame (empty or not), in frame order, with every box in source pixels. Disposes each batch when
/// done with it (its tensor goes back to the pool). Ctrl+C stops between session runs and terminates
/// the run in progress. Frames that ConvertTo-FrameBatch -SkipStatic held come out too, after the
/// frame they follow, with its detections and Extras.HeldFrom = its index.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "FrameDetection")]
[OutputType(typeof(FrameDetections))]
public sealed class InvokeFrameDetectionCommand : StoppableCommand
{
    private DetectionModel? _model;
    private DetectionOptions _options = new();
    private bool _warnedPreprocessing;
    private DetectionRun? _run; // what the last batch was detected with, shared by its frames
    private (DetectionModel, DetectionOptions, PreprocessOptions, int, MotionGateOptions?) _runKey;
    private (DetectionModel Model, DetectionOptions Options)? _classOptions; // -Class resolved for the last model
    private string? _appearancePath; // -AppearanceModel as a full path
    private VideoDetect.Inference.AppearanceModel? _reid; // on the provider and device of the batch's detector (_reidOn)
    private (ExecutionProvider Provider, int DeviceId)? _reidOn;

    /// <summary>Batches from ConvertTo-FrameBatch, in this process (a batch that came back from a job or remoting is refused: send the clips).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [PortableObjectTransformation(typeof(FrameBatch))]
    public FrameBatch[] InputObject { get; set; } = Array.Empty<FrameBatch>();

    /// <summary>A DetectionModel or an .onnx path; defaults to the model the batches were prepared for. A model from another process is refused: send its path.</summary>
    [Parameter]
    [PortableObjectTransformation(typeof(DetectionModel))]
    public object? Model { get; set; }

    [Parameter]
    [ValidateRange(0f, 1f)]
    public float Confidence { get; set; } = new DetectionOptions().Confidence;

    [Parameter]
    [ValidateRange(0f, 1f)]
    public float IouThreshold { get; set; } = new DetectionOptions().IouThreshold;

    /// <summary>NMS across classes instead of per class.</summary>
    [Parameter]
    public SwitchParameter ClassAgnostic { get; set; }

    /// <summary>Keep only these class names.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ClassCompleter))]
    public string[]? Class { get; set; }

    [Parameter]
    [ValidateRange(1, 100000)]
    public int MaxDetections { get; set; } = new DetectionOptions().MaxDetections;

    /// <summary>Do not compute the appearance descriptor of each detection (Detection.Appearance stays null).</summary>
    [Parameter]
    public SwitchParameter NoAppearance { get; set; }

    /// <summary>A ReID network (.onnx, input [N,3,H,W], output [N,D]) whose embedding of each box is the appearance descriptor instead of the colour histogram.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? AppearanceModel { get; set; }

    /// <summary>Keep the batches (do not dispose them), e.g. to reuse their tensors.</summary>
    [Parameter]
    public SwitchParameter KeepBatch { get; set; }

    protected override void BeginProcessing()
    {
        if (Model is not null) _model = ModelArguments.Resolve(this, Model);
        _options = new DetectionOptions { Confidence = Confidence, IouThreshold = IouThreshold, ClassAgnostic = ClassAgnostic, MaxDetections = MaxDetections };
        if (AppearanceModel is not null) _appearancePath = SessionState.Path.GetUnresolvedProviderPathFromPSPath(AppearanceModel);
    }

    protected override void ProcessRecord()
    {
        foreach (var batch in InputObject)
        {
            try
            {
                var model = _model ?? BatchModels.ModelOf(batch)
                    ?? throw Terminating(new ModelException(ErrorIds.ModelRequired, "No model: give -Model, or build the batches with ConvertTo-FrameBatch -Model."), batch);
                var options = OptionsFor(model);
                FrameDetections[] results;
                try
                {
                    if (!_warnedPreprocessing && BatchFit.Check(model, batch) is { } warning)
                    {
                        _warnedPreprocessing = true;
                        WriteWarning(warning);
                    }
                    var reid = ReidFor(model);
                    results = UntilStopped(() =>
                    {
                        var found = Detector.Run(model, batch, options, cancel: StopToken);
                        if (!NoAppearance) Appearance.Describe(batch, found, reid, StopToken);
                        return found;
                    });
                }
                catch (ModelException e) when (e.ErrorId == ErrorIds.InferenceFailed)
                {
                    WriteError(ErrorMapping.Record(e, batch));
                    continue;
                }
                catch (VideoDetectException e)
                {
                    throw Terminating(e, e.ErrorId == ErrorIds.ModelRemoved ? model : batch);
                }
                var run = RunFor(model, options, batch);
                foreach (var r in results) r.Run = run;
                // Frames held by -SkipStatic follow the frame whose detections they repeat.
                foreach (var r in HeldFrames.Expand(batch, results)) WriteObject(r);
            }
            finally
            {
                if (!KeepBatch) batch.Dispose();
            }
        }
    }

    /// <summary>
    /// The -AppearanceModel network on <paramref name="model"/>'s provider and device (null without one
    /// or with -NoAppearance): it follows the detector, so batches of detectors on different devices
    /// (one pipeline fed by two ConvertTo-FrameBatch -Model) each run it where their detector runs;
    /// sessions are cached per file, provider and device for the process. A load failure ends the command.
    /// </summary>
    private VideoDetect.Inference.AppearanceModel? ReidFor(DetectionModel model)
    {
        if (_appearancePath is null || NoAppearance) return null;
        var on = (model.Provider, model.DeviceId);
        if (_reid is not null && _reidOn == on) return _reid;
        try
        {
            _reid = VideoDetect.Inference.AppearanceModel.Load(_appearancePath, model.Provider, model.DeviceId);
            _reidOn = on;
            return _reid;
        }
        catch (ModelException e)
        {
            throw Terminating(e, AppearanceModel);
        }
    }

    /// <summary>Stops the command with <paramref name="e"/>'s error; returns only to satisfy `throw`.</summary>
    private Exception Terminating(VideoDetectException e, object? target)
    {
        ThrowTerminatingError(ErrorMapping.Record(e, target));
        return e; // unreachable: ThrowTerminatingError throws
    }

    /// <summary>
    /// One <see cref="DetectionRun"/> shared by all frames detected alike (result files record it).
    /// Batches of one ConvertTo-FrameBatch share their settings' instances, so the run is made again
    /// only when the model, options or batch settings change — not once per batch.
    /// </summary>
    private DetectionRun RunFor(DetectionModel model, DetectionOptions options, FrameBatch batch)
    {
        var key = (model, options, batch.Preprocess, batch.FrameStride, batch.SkipStatic);
        if (_run is not null && _runKey.Equals(key)) return _run;
        var run = DetectionRun.Of(model, options, batch.Preprocess, batch.FrameStride, batch.SkipStatic);
        if (_run is null || !_run.SameAs(run)) _run = run;
        _runKey = key;
        return _run;
    }

    /// <summary>The detection options for <paramref name="model"/>: -Class resolved to its ids once per model, not per batch.</summary>
    private DetectionOptions OptionsFor(DetectionModel model)
    {
        if (Class is null) return _options;
        if (_classOptions is { } cached && ReferenceEquals(cached.Model, model)) return cached.Options;
        var options = _options with { Classes = ClassIds(model) };
        _classOptions = (model, options);
        return options;
    }

    private IReadOnlySet<int> ClassIds(DetectionModel model)
    {
        var ids = new HashSet<int>();
        foreach (string name in Class!)
        {
            int id = model.Labels.ToList().FindIndex(l => string.Equals(l, name, StringComparison.OrdinalIgnoreCase));
            if (id < 0)
            {
                string classes = string.Join(", ", model.Labels);
                throw Terminating(new ModelException(ErrorIds.UnknownClass, $"'{name}' is not a class of {System.IO.Path.GetFileName(model.Path)}; its {model.Labels.Count} classes are: {classes}."), name);
            }
            ids.Add(id);
        }
        return ids;
    }
}

/// <summary>Completes -Class with COCO names (the fixture models' classes) — or a cached model's labels.</summary>
public sealed class ClassCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        System.Management.Automation.Language.CommandAst commandAst, System.Collections.IDictionary fakeBoundParameters)
    {
        var names = ModelCache.Loaded.SelectMany(m => m.Labels).Concat(CocoLabels.Names).Distinct(StringComparer.OrdinalIgnoreCase);
        return names.Where(n => n.StartsWith(wordToComplete ?? "", StringComparison.OrdinalIgnoreCase))
            .Select(n => new CompletionResult(n.Contains(' ') ? $"'{n}'" : n, n, CompletionResultType.ParameterValue, n));
    }
}
