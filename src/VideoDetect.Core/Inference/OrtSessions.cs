using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;
using VideoDetect.Errors;

namespace VideoDetect.Inference;

/// <summary>
/// What the process-wide session caches (<see cref="ModelCache"/>, <see cref="AppearanceModel"/>) share:
/// the file lookup, the cache key, one load per key, and opening the session.
/// </summary>
internal static class OrtSessions
{
    /// <summary>
    /// The cached value for <paramref name="path"/>: keyed by full path, size, last write time, provider,
    /// device and <paramref name="keySuffix"/>; built by <paramref name="create"/> (given the full path)
    /// on the first call. A failed load is not cached. Throws ModelNotFound with
    /// <paramref name="notFound"/>'s text (given the full path) when the file does not exist.
    /// </summary>
    public static T GetOrLoad<T>(ConcurrentDictionary<string, Lazy<T>> cache, string path, Func<string, string> notFound,
        ExecutionProvider provider, int deviceId, string? keySuffix, Func<string, T> create)
    {
        var file = new FileInfo(System.IO.Path.GetFullPath(path));
        if (!file.Exists) throw new ModelException(ErrorIds.ModelNotFound, notFound(file.FullName));
        string key = string.Join("|", file.FullName, file.Length, file.LastWriteTimeUtc.Ticks, provider, deviceId);
        if (keySuffix is not null) key += "|" + keySuffix;
        var lazy = cache.GetOrAdd(key, _ => new Lazy<T>(() => create(file.FullName), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch
        {
            cache.TryRemove(key, out _); // a failed load is not cached
            throw;
        }
    }

    /// <summary>
    /// Opens <paramref name="path"/> on the provider (ModelUnreadable when ONNX Runtime cannot load it).
    /// On success the caller owns the session and options.
    /// </summary>
    public static (InferenceSession Session, SessionOptions Options, ExecutionProvider Provider, string? FallbackReason) Open(
        string path, ExecutionProvider provider, int deviceId)
    {
        OrtRuntime.EnsureQuiet();
        var (options, actual, fallback) = Providers.Create(provider, deviceId);
        try
        {
            return (new InferenceSession(path, options), options, actual, fallback);
        }
        catch (OnnxRuntimeException e)
        {
            options.Dispose();
            throw new ModelException(ErrorIds.ModelUnreadable, $"'{path}' is not a model ONNX Runtime can load: {e.Message}", e);
        }
    }

    /// <summary>
    /// One guarded session run: throws <see cref="OperationCanceledException"/> when
    /// <paramref name="cancel"/> terminated it, else <see cref="ModelException"/> (InferenceFailed) with
    /// <paramref name="failure"/>'s text (given ONNX Runtime's message).
    /// </summary>
    public static IDisposableReadOnlyCollection<OrtValue> Run(InferenceSession session, RunOptions runOptions,
        IReadOnlyCollection<string> inputNames, IReadOnlyCollection<OrtValue> inputs, IReadOnlyCollection<string> outputNames,
        CancellationToken cancel, Func<string, string> failure)
    {
        try
        {
            return session.Run(runOptions, inputNames, inputs, outputNames);
        }
        catch (OnnxRuntimeException) when (cancel.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancel);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelException(ErrorIds.InferenceFailed, failure(e.Message), e);
        }
    }
}
