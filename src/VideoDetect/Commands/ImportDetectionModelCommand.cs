using System.Management.Automation;
using VideoDetect.Inference;
using VideoDetect.Inference.Families;

namespace VideoDetect.Commands;

/// <summary>Import-DetectionModel: loads an ONNX detector into the process-wide cache (or returns the cached one).</summary>
[Cmdlet(VerbsData.Import, "DetectionModel")]
[OutputType(typeof(DetectionModel))]
public sealed class ImportDetectionModelCommand : PSCmdlet
{
    /// <summary>The .onnx file.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "PSPath")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>The model family; recognised from the model's outputs when omitted.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(FamilyCompleter))]
    public string? Family { get; set; }

    /// <summary>Class names: an array, or a file with one name a line.</summary>
    [Parameter]
    public string[]? Labels { get; set; }

    /// <summary>Auto (CUDA, else CPU with one warning), Cuda (fail without it) or Cpu.</summary>
    [Parameter]
    public ExecutionProvider Provider { get; set; } = ExecutionProvider.Auto;

    /// <summary>CUDA device ordinal.</summary>
    [Parameter]
    [ValidateRange(0, 64)]
    public int DeviceId { get; set; }

    protected override void ProcessRecord()
    {
        string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        var labels = Labels;
        if (labels is { Length: 1 } && File.Exists(SessionState.Path.GetUnresolvedProviderPathFromPSPath(labels[0])))
            labels = File.ReadAllLines(SessionState.Path.GetUnresolvedProviderPathFromPSPath(labels[0])).Where(l => l.Trim().Length > 0).Select(l => l.Trim()).ToArray();
        WriteObject(ModelArguments.Load(this, path, new ModelOptions { Family = Family, Labels = labels, Provider = Provider, DeviceId = DeviceId }));
    }
}

/// <summary>Completes -Family with the known model families.</summary>
public sealed class FamilyCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        System.Management.Automation.Language.CommandAst commandAst, System.Collections.IDictionary fakeBoundParameters) =>
        FamilyRegistry.All.Select(d => d.Family)
            .Where(f => f.StartsWith(wordToComplete ?? "", StringComparison.OrdinalIgnoreCase))
            .Select(f => new CompletionResult(f));
}
