using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;
using VideoDetect.Batching;
using VideoDetect.Errors;

namespace VideoDetect.Inference;

/// <summary>
/// A ReID network used as the appearance descriptor (Invoke-FrameDetection -AppearanceModel): input
/// <c>[N, 3, H, W]</c>, output <c>[N, D]</c> (e.g. OSNet x0_25 at 256×128). Each detection's whole
/// box is cut from the batch (<see cref="AppearanceCrop"/>), resized to H×W (when H or W is not
/// fixed: 256×128), given as RGB normalised as torchvision's ImageNet models expect
/// (<c>(x / 255 − mean) / std</c>, mean 0.485, 0.456, 0.406, std 0.229, 0.224, 0.225); the output
/// row is L2-normalised and stored as an <see cref="AppearanceKind.Embedding"/>.
/// <para>
/// Sessions are cached per process like the detectors' (<see cref="ModelCache"/>): one per file
/// version (full path, size, last write time), provider and device; the first load creates it, later
/// commands reuse it. They live as long as the process. Thread-safe (ONNX Runtime runs concurrently).
/// </para>
/// </summary>
public sealed class AppearanceModel
{
    /// <summary>The crop size used when the model's H or W is not fixed.</summary>
    public const int DefaultHeight = 256, DefaultWidth = 128;

    private static readonly ConcurrentDictionary<string, Lazy<AppearanceModel>> Cache = new(StringComparer.Ordinal);

    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly FramePreprocessor _preprocessor;

    private AppearanceModel(string path, InferenceSession session, SessionOptions options, string input, int batch, int height, int width)
    {
        Path = path;
        _session = session;
        Options = options;
        _inputNames = new[] { input };
        _outputNames = new[] { session.OutputNames[0] };
        FixedBatch = batch;
        Height = height;
        Width = width;
        // ImageNet's (x / 255 − mean) / std in pixel units: (x − 255·mean) / (255·std).
        _preprocessor = new FramePreprocessor(new PreprocessOptions
        {
            Width = width, Height = height, Resize = ResizeMode.Stretch, Interpolation = ResizeInterpolation.Linear,
            ChannelOrder = ChannelOrder.RGB, Layout = TensorLayout.NCHW,
            Mean = new[] { 123.675f, 116.28f, 103.53f }, Std = new[] { 58.395f, 57.12f, 57.375f }, Scale = 1f,
        });
    }

    public string Path { get; }

    /// <summary>The session's options, kept with it for the process's lifetime.</summary>
    internal SessionOptions Options { get; }

    /// <summary>The crop size given to the network.</summary>
    public int Height { get; }
    public int Width { get; }

    /// <summary>The model's fixed batch size (crops are run that many at a time, the last run padded); 0 when dynamic.</summary>
    public int FixedBatch { get; }

    /// <summary>Crops per run when the batch is dynamic.</summary>
    internal const int RunChunk = 64;

    /// <summary>
    /// The cached model of <paramref name="path"/> on <paramref name="provider"/> (the detector's, so both
    /// run on one device). Throws <see cref="ModelException"/>: ModelNotFound, ModelUnreadable, or
    /// ModelNotRecognised when its input is not [N, 3, H, W] or its output not [N, D].
    /// </summary>
    public static AppearanceModel Load(string path, ExecutionProvider provider = ExecutionProvider.Cpu, int deviceId = 0)
    {
        return OrtSessions.GetOrLoad(Cache, path, full => $"Cannot find the appearance model file '{full}'.", provider, deviceId, null,
            full => Create(full, provider, deviceId));
    }

    private static AppearanceModel Create(string path, ExecutionProvider provider, int deviceId)
    {
        var (session, options, _, _) = OrtSessions.Open(path, provider, deviceId);
        try
        {
            string name = System.IO.Path.GetFileName(path);
            var (inputName, input) = session.InputMetadata.First();
            var output = session.OutputMetadata.First().Value;
            if (session.InputMetadata.Count != 1 || input.Dimensions.Length != 4 || input.Dimensions[1] != 3 || output.Dimensions.Length < 2)
            {
                string shapes = $"input [{string.Join(",", input.Dimensions)}], output [{string.Join(",", output.Dimensions)}]";
                throw new ModelException(ErrorIds.ModelNotRecognised,
                    $"{name} is not a ReID model the module can use ({shapes}): -AppearanceModel takes one input [N, 3, H, W] and gives [N, D].");
            }
            int h = input.Dimensions[2] > 0 ? input.Dimensions[2] : DefaultHeight;
            int w = input.Dimensions[3] > 0 ? input.Dimensions[3] : DefaultWidth;
            return new AppearanceModel(path, session, options, inputName, Math.Max(0, input.Dimensions[0]), h, w);
        }
        catch
        {
            session.Dispose();
            options.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The descriptors of <paramref name="crops"/> (8-bit BGR Mats, any size; not disposed here), in
    /// order. Throws <see cref="ModelException"/> (InferenceFailed) when ONNX Runtime fails.
    /// </summary>
    public string?[] Describe(IReadOnlyList<Mat> crops, CancellationToken cancel = default)
    {
        var result = new string?[crops.Count];
        int chunk = FixedBatch > 0 ? FixedBatch : RunChunk;
        int length = 3 * Height * Width;
        using var runOptions = new RunOptions();
        using var terminate = cancel.Register(() => runOptions.Terminate = true);
        for (int first = 0; first < crops.Count; first += chunk)
        {
            cancel.ThrowIfCancellationRequested();
            int n = Math.Min(chunk, crops.Count - first);
            int rows = FixedBatch > 0 ? FixedBatch : n; // a fixed batch is padded with zero crops
            var tensor = TensorPool.Shared.Rent(rows * length); // contents undefined: padding rows are zeroed
            try
            {
                for (int i = 0; i < n; i++) _preprocessor.Process(crops[first + i], tensor.AsSpan(i * length, length));
                tensor.AsSpan(n * length).Clear();
                using var value = OrtValue.CreateTensorValueFromMemory(tensor, new long[] { rows, 3, Height, Width });
                using var outputs = OrtSessions.Run(_session, runOptions, _inputNames, new[] { value }, _outputNames, cancel,
                    message => $"The appearance model {System.IO.Path.GetFileName(Path)} failed: {message}");
                var data = outputs[0].GetTensorDataAsSpan<float>();
                int d = data.Length / rows;
                for (int i = 0; i < n; i++) result[first + i] = AppearanceDescriptor.Encode(AppearanceKind.Embedding, data.Slice(i * d, d));
            }
            finally
            {
                TensorPool.Shared.Return(tensor);
            }
        }
        return result;
    }

    public override string ToString() => $"{System.IO.Path.GetFileName(Path)} (ReID, {Height}x{Width})";
}
