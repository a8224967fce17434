using System.Management.Automation;
using VideoDetect.Inference;

namespace VideoDetect.Commands;

/// <summary>Remove-DetectionModel: forgets a cached model and frees its ONNX Runtime session.</summary>
[Cmdlet(VerbsCommon.Remove, "DetectionModel", SupportsShouldProcess = true)]
public sealed class RemoveDetectionModelCommand : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public DetectionModel[] InputObject { get; set; } = Array.Empty<DetectionModel>();

    protected override void ProcessRecord()
    {
        foreach (var m in InputObject)
        {
            if (ShouldProcess(m.Path, "Dispose the cached ONNX Runtime session")) ModelCache.Remove(m);
        }
    }
}
