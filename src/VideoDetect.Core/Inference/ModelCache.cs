using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;

namespace VideoDetect.Inference;

/// <summary>
/// The process-wide session cache: one ONNX Runtime session per model file version (full path, size,
/// last write time), provider, device, family and labels. The first call creates it; later calls — the
/// next command, another runspace — reuse it. Thread-safe: concurrent loads of one key create one
/// session. The cache owns every session: <see cref="Remove"/> is the only way one is released.
/// </summary>
public static class ModelCache
{
    private static readonly ConcurrentDictionary<string, Lazy<DetectionModel>> Models = new(StringComparer.Ordinal);

    /// <summary>Every cached model.</summary>
    public static IReadOnlyList<DetectionModel> Loaded =>
        Models.Values.Where(l => l.IsValueCreated).Select(l => l.Value).ToList();

    public static DetectionModel Load(string path, ModelOptions? options = null)
    {
        options ??= new ModelOptions();
        return OrtSessions.GetOrLoad(Models, path, full => $"Cannot find the model file '{full}'.", options.Provider, options.DeviceId,
            string.Join("|", options.Family ?? "", string.Join("\u001F", options.Labels ?? Array.Empty<string>())),
            full => Create(full, options));
    }

    /// <summary>
    /// Forgets the model. Runs already in progress on it (another runspace) finish; the session is
    /// released when the last of them ends, and new runs fail with ModelRemoved.
    /// </summary>
    public static bool Remove(DetectionModel model)
    {
        foreach (var (key, lazy) in Models)
        {
            if (lazy.IsValueCreated && ReferenceEquals(lazy.Value, model) && Models.TryRemove(key, out _))
            {
                model.MarkRemoved();
                return true;
            }
        }
        return false;
    }

    private static DetectionModel Create(string path, ModelOptions options)
    {
        var (session, sessionOptions, provider, fallback) = OrtSessions.Open(path, options.Provider, options.DeviceId);
        try
        {
            var signature = ModelRecognition.Signature(session);
            var family = ModelRecognition.Family(path, signature, options.Family);
            var labels = ModelRecognition.Labels(path, family, signature, options.Labels);
            string name = System.IO.Path.GetFileName(path);
            var (batched, note) = family.FrameByFrameReason(signature) is { } reason
                ? (null, $"{name} runs frame by frame: {reason}.")
                : BatchVerification.TryBatched(path, session, sessionOptions, signature, provider);
            if (family.AppliesNms)
                note = (note is null ? "" : note + " ") + $"{name} ({family.Family}) does non-maximum suppression itself: the module's NMS is skipped (-IouThreshold and -ClassAgnostic do not apply).";
            if (batched is not null)
            {
                session.Dispose();
                session = batched;
            }
            return new DetectionModel(path, session, family, signature, labels, provider, options.DeviceId, fallback)
            {
                DynamicBatch = family.FrameByFrameReason(signature) is null && (batched is not null || signature.InputShape[0] <= 0),
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
}
