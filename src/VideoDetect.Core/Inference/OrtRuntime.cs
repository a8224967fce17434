using Microsoft.ML.OnnxRuntime;

namespace VideoDetect.Inference;

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
