using System.Management.Automation;
using VideoDetect.Inference;

namespace VideoDetect.Commands;

/// <summary>Get-DetectionModel: the models cached in this process (shared by every runspace).</summary>
[Cmdlet(VerbsCommon.Get, "DetectionModel")]
[OutputType(typeof(DetectionModel))]
public sealed class GetDetectionModelCommand : PSCmdlet
{
    protected override void EndProcessing()
    {
        foreach (var m in ModelCache.Loaded) WriteObject(m);
    }
}
