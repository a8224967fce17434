using System.Management.Automation;
using VideoDetect.Inference;

namespace VideoDetect.Commands;

/// <summary>Resolves -Model: a DetectionModel as is, or a path loaded (and cached) with default options.</summary>
internal static class ModelArguments
{
    /// <summary>
    /// The models whose provider fallback and batch note were reported: once per model, process-wide.
    /// A removed and re-imported model is a new object, so it is reported again.
    /// </summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<DetectionModel, object?> Warned = new();

    public static DetectionModel Resolve(PSCmdlet cmdlet, object model)
    {
        object value = model is PSObject pso ? pso.BaseObject : model;
        if (value is DetectionModel loaded) return loaded;
        string path = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(value.ToString() ?? "");
        return Load(cmdlet, path, new ModelOptions());
    }

    /// <summary>The embedded default model (BlazeFace, faces), shipped in the module folder by build.ps1.</summary>
    public static string DefaultModelPath { get; } =
        System.IO.Path.Combine(NativeLibraries.ModuleDirectory, "models", "blazeface", "face_detection_front_128x128.onnx");

    public static DetectionModel LoadDefault(PSCmdlet cmdlet) => Load(cmdlet, DefaultModelPath, new ModelOptions());

    /// <summary>Loads through the cache; a bad model is a terminating error; an Auto fallback warns once per model.</summary>
    public static DetectionModel Load(PSCmdlet cmdlet, string path, ModelOptions options)
    {
        DetectionModel model;
        try
        {
            model = ModelCache.Load(path, options);
        }
        catch (ModelException e)
        {
            cmdlet.ThrowTerminatingError(ErrorMapping.Record(e, path));
            throw; // unreachable
        }
        if (Warned.TryAdd(model, null))
        {
            if (model.FallbackReason is { } reason)
            {
                string message = $"{System.IO.Path.GetFileName(model.Path)} runs on the CPU: {reason}.";
                if (model.FallbackWarns) cmdlet.WriteWarning(message);
                else cmdlet.WriteVerbose(message);
            }
            if (model.BatchNote is { } note) cmdlet.WriteVerbose(note);
        }
        return model;
    }
}
