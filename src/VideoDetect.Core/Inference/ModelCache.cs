using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using VideoDetect.Inference.Decoders;

namespace VideoDetect.Inference;

/// <summary>Why a model cannot be used; the PowerShell layer makes a terminating error of it.</summary>
public sealed class ModelException : Exception
{
    public ModelException(string id, string message, Exception? inner = null) : base(message, inner) => ErrorId = id;

    /// <summary>ModelNotFound, ModelUnreadable, ModelNotRecognised, ProviderUnavailable.</summary>
    public string ErrorId { get; }
}

/// <summary>
/// The process-wide model cache: one ONNX Runtime session per model file version (full path, size,
/// last write time), provider, device and family. The first call creates it; later calls — the next
/// command, another runspace — reuse it. Thread-safe: concurrent loads of one key create one session.
/// </summary>
public static class ModelCache
{
    private static readonly ConcurrentDictionary<string, Lazy<DetectionModel>> Models = new(StringComparer.Ordinal);

    /// <summary>
    /// The decoders tried in order when no family is given. Their layouts do not overlap: YOLOX has one row
    /// per grid cell, YOLOv5 three, YOLOv8 puts the cells last; NanoDet has six outputs, BlazeFace four,
    /// SSD two, FastestDet one 4-D map.
    /// </summary>
    public static IReadOnlyList<IDetectionDecoder> Decoders { get; } = new IDetectionDecoder[]
    {
        new YoloxDecoder(), new YoloV5Decoder(), new YoloV8Decoder(), new NanoDetDecoder(), new FastestDetDecoder(),
        new SsdDecoder(), new BlazeFaceDecoder(),
    };

    /// <summary>The decoder for a -Family name or alias (case-insensitive), or null.</summary>
    public static IDetectionDecoder? FindFamily(string family) =>
        Decoders.FirstOrDefault(d => string.Equals(d.Family, family, StringComparison.OrdinalIgnoreCase)
            || d.Aliases.Any(a => string.Equals(a, family, StringComparison.OrdinalIgnoreCase)));

    /// <summary>Every cached model.</summary>
    public static IReadOnlyList<DetectionModel> Loaded =>
        Models.Values.Where(l => l.IsValueCreated).Select(l => l.Value).ToList();

    public static DetectionModel Load(string path, ModelOptions? options = null)
    {
        options ??= new ModelOptions();
        var file = new FileInfo(System.IO.Path.GetFullPath(path));
        if (!file.Exists) throw new ModelException("ModelNotFound", $"Cannot find the model file '{file.FullName}'.");
        string key = string.Join("|", file.FullName, file.Length, file.LastWriteTimeUtc.Ticks, options.Provider, options.DeviceId,
            options.Family ?? "", string.Join("\u001F", options.Labels ?? Array.Empty<string>()));
        var lazy = Models.GetOrAdd(key, _ => new Lazy<DetectionModel>(() => Create(file.FullName, options), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch
        {
            Models.TryRemove(key, out _); // a failed load is not cached
            throw;
        }
    }

    private static readonly ConcurrentDictionary<DetectionModel, byte> Warned = new();

    /// <summary>True the first time it is asked for a model: the provider fallback is reported once per model.</summary>
    public static bool TryMarkWarned(DetectionModel model) => Warned.TryAdd(model, 0);

    /// <summary>Forgets and disposes the model (its session). Runs in progress on it must have finished.</summary>
    public static bool Remove(DetectionModel model)
    {
        foreach (var (key, lazy) in Models)
        {
            if (lazy.IsValueCreated && ReferenceEquals(lazy.Value, model) && Models.TryRemove(key, out _))
            {
                Warned.TryRemove(model, out _);
                model.Dispose();
                return true;
            }
        }
        return false;
    }

    private static DetectionModel Create(string path, ModelOptions options)
    {
        OrtRuntime.EnsureQuiet();
        var (sessionOptions, provider, fallback) = Providers.Create(options.Provider, options.DeviceId);
        InferenceSession session;
        try
        {
            session = new InferenceSession(path, sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            sessionOptions.Dispose();
            throw new ModelException("ModelUnreadable", $"'{path}' is not a model ONNX Runtime can load: {e.Message}", e);
        }
        try
        {
            var signature = Signature(session);
            string families = string.Join(", ", Decoders.Select(d => d.Family));
            var decoder = options.Family is { } family
                ? FindFamily(family) ?? throw new ModelException("ModelNotRecognised", $"Unknown family '{family}'. Families: {families}.")
                : Decoders.FirstOrDefault(d => d.Recognises(signature))
                  ?? throw new ModelException("ModelNotRecognised",
                      $"'{path}' has an output layout no decoder knows: {signature}. {Suggest(signature)} Families: {families}.");
            if (!decoder.Recognises(signature))
                throw new ModelException("ModelNotRecognised",
                    $"'{path}' does not have the {decoder.Family} layout ({signature}). Families: {families}; leave -Family out to let the model's outputs decide.");
            int classes = decoder.ClassCount(signature);
            if (options.Labels is { Count: > 0 } given && given.Count != classes)
                throw new ModelException("LabelsMismatch", $"'{path}' has {classes} classes but {given.Count} labels were given.");
            var labels = Labels(options.Labels, ModelMetadata.Names(signature.Metadata), decoder.DefaultLabels(signature), classes);
            var (batched, note) = TryBatched(path, session, sessionOptions, signature, provider);
            if (batched is not null)
            {
                session.Dispose();
                session = batched;
            }
            return new DetectionModel(path, session, decoder, signature, labels, provider, options.DeviceId, fallback)
            {
                DynamicBatch = batched is not null || signature.InputShape[0] <= 0,
                BatchNote = note,
                Options = sessionOptions,
            };
        }
        catch
        {
            session.Dispose();
            sessionOptions.Dispose();
            throw;
        }
    }

    /// <summary>
    /// For a model with a fixed batch of 1: rewrites the graph for any batch and verifies it — one run
    /// of a batch of 3 must equal three single-frame runs of the original, each value within
    /// <see cref="BatchTolerance"/> × max(1, |expected|). The check always runs on the CPU, where a
    /// batched and a per-frame run use the same kernels, so it tests the rewrite alone: on CUDA, cuDNN
    /// picks another convolution algorithm for each batch shape and ONNX Runtime computes in TF32 by
    /// default, so even an untouched graph differs between batch shapes (by up to 0.57, relative, for
    /// yolox_nano's exp-decoded box sizes on random input, measured on an H200). The session for
    /// another provider is then made from the verified graph and must run a batch. Returns the session,
    /// or null and why the model will run frame by frame; the note gives the largest difference seen.
    /// </summary>
    internal static (InferenceSession? Session, string? Note) TryBatched(string path, InferenceSession original, SessionOptions options, ModelSignature signature, ExecutionProvider provider)
    {
        if (signature.InputShape.Count == 0 || signature.InputShape[0] != 1) return (null, null);
        string name = System.IO.Path.GetFileName(path);
        InferenceSession? candidate = null;
        try
        {
            var bytes = BatchRewriter.TryRewrite(path);
            if (bytes is null) return (null, $"{name} has a fixed batch that cannot be rewritten; it runs frame by frame.");
            const int n = 3;
            int frame = signature.InputShape.Skip(1).Aggregate(1, (a, b) => a * b);
            var random = new Random(12345);
            var input = new float[n * frame];
            for (int i = 0; i < input.Length; i++) input[i] = (float)random.NextDouble();
            float worst;
            string? wrong;
            if (provider == ExecutionProvider.Cpu)
            {
                candidate = new InferenceSession(bytes, options);
                (worst, wrong) = BatchDifference(candidate, original, signature, input, n);
            }
            else
            {
                using var cpuOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
                using var cpuOriginal = new InferenceSession(path, cpuOptions);
                using var cpuCandidate = new InferenceSession(bytes, cpuOptions);
                (worst, wrong) = BatchDifference(cpuCandidate, cpuOriginal, signature, input, n);
                if (wrong is null && worst <= BatchTolerance)
                {
                    // Output shapes follow from the graph, already checked on the CPU: here the provider
                    // only has to run the rewritten graph (a failure lands in the catch below).
                    candidate = new InferenceSession(bytes, options);
                    RunBatch(candidate, signature, input, n);
                }
            }
            if (wrong is not null) return Reject(candidate, $"{name}: the rewritten graph's output {wrong} has the wrong size; it runs frame by frame.");
            string seen = worst == 0 ? "0" : worst.ToString("0.0e0", System.Globalization.CultureInfo.InvariantCulture);
            if (!(worst <= BatchTolerance))
                return Reject(candidate, $"{name}: batched output differs from per-frame output after the batch rewrite (by {seen}, relative, on the CPU); it runs frame by frame.");
            return (candidate, $"{name}: made batch-dynamic and verified on the CPU against per-frame runs (largest difference {seen}, relative).");
        }
        catch (Exception e) when (e is OnnxRuntimeException or InvalidProtocolBufferException or InvalidOperationException)
        {
            return Reject(candidate, $"{name}: the batch rewrite does not load or run ({e.Message.Trim()}); it runs frame by frame.");
        }
    }

    /// <summary>How far a batched run may stray from per-frame runs on the CPU (relative, floor 1).</summary>
    internal const float BatchTolerance = 1e-4f;

    /// <summary>
    /// The largest relative difference between <paramref name="batched"/> run once on n frames and
    /// <paramref name="single"/> run on each; or the name of an output whose size is wrong.
    /// </summary>
    private static (float Worst, string? WrongOutput) BatchDifference(InferenceSession batched, InferenceSession single, ModelSignature signature, float[] input, int n)
    {
        int frame = input.Length / n;
        var outputNames = signature.Outputs.Select(o => o.Name).ToArray();
        // The run options live in a local until both runs are over: passed inline, nothing would
        // reference them during the native call, and a GC could finalise them while ONNX Runtime
        // still reads them (a use-after-free seen as random SIGSEGV/SIGFPE in libonnxruntime).
        using var runOptions = new RunOptions();
        float[][] batchedOut;
        using (var value = OrtValue.CreateTensorValueFromMemory(input, BatchShape(signature, n)))
        using (var outputs = batched.Run(runOptions, new[] { signature.InputName }, new[] { value }, outputNames))
            batchedOut = outputs.Select(o => o.GetTensorDataAsSpan<float>().ToArray()).ToArray();
        var singleShape = BatchShape(signature, 1);
        float worst = 0;
        for (int k = 0; k < n; k++)
        {
            using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(k * frame, frame), singleShape);
            using var outputs = single.Run(runOptions, new[] { signature.InputName }, new[] { value }, outputNames);
            for (int o = 0; o < outputs.Count; o++)
            {
                var expected = outputs[o].GetTensorDataAsSpan<float>();
                if (batchedOut[o].Length != n * expected.Length) return (float.NaN, outputNames[o]);
                var actual = batchedOut[o].AsSpan(k * expected.Length, expected.Length);
                for (int i = 0; i < expected.Length; i++)
                    worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]) / Math.Max(1f, Math.Abs(expected[i])));
            }
        }
        return (worst, null);
    }

    /// <summary>Runs the n frames of <paramref name="input"/> through <paramref name="session"/> in one batch.</summary>
    private static void RunBatch(InferenceSession session, ModelSignature signature, float[] input, int n)
    {
        using var runOptions = new RunOptions();
        using var value = OrtValue.CreateTensorValueFromMemory(input, BatchShape(signature, n));
        using var outputs = session.Run(runOptions, new[] { signature.InputName }, new[] { value }, signature.Outputs.Select(o => o.Name).ToArray());
    }

    private static long[] BatchShape(ModelSignature signature, int n)
    {
        var shape = signature.InputShape.Select(d => (long)d).ToArray();
        shape[0] = n;
        return shape;
    }

    private static (InferenceSession?, string) Reject(InferenceSession? candidate, string note)
    {
        candidate?.Dispose();
        return (null, note);
    }

    private static ModelSignature Signature(InferenceSession session)
    {
        var input = session.InputMetadata.First();
        var outputs = session.OutputMetadata.Select(kv => (kv.Key, (IReadOnlyList<int>)kv.Value.Dimensions.ToArray())).ToList();
        return new ModelSignature(input.Key, input.Value.Dimensions.ToArray(), outputs, session.ModelMetadata.CustomMetadataMap);
    }

    /// <summary>
    /// Class names: those given (-Labels), else the model's "names" metadata when it has one per class,
    /// else the family's (e.g. "face"), else COCO-80 for 80 classes, else class&lt;N&gt;.
    /// </summary>
    private static IReadOnlyList<string> Labels(IReadOnlyList<string>? given, IReadOnlyList<string>? metadata, IReadOnlyList<string>? family, int classes)
    {
        if (given is { Count: > 0 }) return given;
        if (metadata?.Count == classes) return metadata;
        if (family?.Count == classes) return family;
        if (classes == CocoLabels.Names.Count) return CocoLabels.Names;
        return Enumerable.Range(0, classes).Select(i => $"class{i}").ToArray();
    }

    /// <summary>Which -Family to try for a layout no decoder recognised, judged from the output count and ranks.</summary>
    private static string Suggest(ModelSignature s)
    {
        var ranks = s.Outputs.Select(o => o.Shape.Count).ToList();
        string? hint = (s.Outputs.Count, ranks.FirstOrDefault()) switch
        {
            (1, 3) => "A single [1, rows, columns] output is the YOLOX, YOLOv5 (rows of 5 + classes) or YOLOv8 (classes + 4 first) layout: try -Family YOLOv5, YOLOv8 or YOLOX.",
            (1, 4) => "A single [1, channels, rows, columns] map is the FastestDet layout: try -Family FastestDet.",
            (2, _) => "Two outputs over the same rows (scores and boxes) are the SSD layout: try -Family SSD.",
            (4, _) => "Four outputs are the BlazeFace layout: try -Family BlazeFace.",
            (6, _) => "Six outputs (class and box tensors per stride) are the NanoDet layout: try -Family NanoDet.",
            _ => null,
        };
        return hint ?? "No family has this many outputs; the model may need its own decoder (or end-to-end NMS exports are not supported).";
    }
}

/// <summary>
/// ONNX Runtime's process-wide environment, created with a quiet log so its own messages do not
/// bypass PowerShell's streams. When something else in the process (a script, another module, a test)
/// created the environment first, ONNX Runtime refuses new options: that one is used and quietened.
/// </summary>
internal static class OrtRuntime
{
    private static readonly Lazy<OrtEnv> Env = new(() =>
    {
        var options = new EnvironmentCreationOptions { logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, logId = "VideoDetect" };
        try
        {
            return OrtEnv.CreateInstanceWithOptions(ref options);
        }
        catch (OnnxRuntimeException)
        {
            var existing = OrtEnv.Instance();
            existing.EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
            return existing;
        }
    });

    public static void EnsureQuiet() => _ = Env.Value;
}
