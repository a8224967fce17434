using System.Management.Automation;
using Microsoft.PowerShell.Commands;
using VideoDetect.Errors;
using VideoDetect.Inference;
using VideoDetect.Results;

namespace VideoDetect.Commands;

/// <summary>
/// What the writers of one file per source share (Export-AnnotatedVideo, Export-FrameDetection): the
/// FrameDetections input (live, or as it came back from another process), -Path (one source) or
/// -OutputDirectory (one file per source), -Force, -PassThru, and turning the given path into the
/// full file-system path Core's output component takes. The per-source lifecycle is Core's.
/// </summary>
public abstract class SourceWriterCommand : StoppableCommand
{
    protected const string PathSet = "Path", DirectorySet = "OutputDirectory";

    /// <summary>Frames from Invoke-FrameDetection (or Import-FrameDetection), in frame order per source; also as they come back from a job, remoting, Import-Clixml or ConvertFrom-Json.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [PortableObjectTransformation(typeof(FrameDetections))]
    public FrameDetections[] InputObject { get; set; } = Array.Empty<FrameDetections>();

    /// <summary>The one output file (one source).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>A folder for one file per source, named after the source; created when missing.</summary>
    [Parameter(Mandatory = true, ParameterSetName = DirectorySet)]
    [ValidateNotNullOrEmpty]
    public string OutputDirectory { get; set; } = "";

    /// <summary>Replace an existing file of the same source.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Emit the input objects (Export-FrameDetection) or the written files (Export-AnnotatedVideo).</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>True with -OutputDirectory.</summary>
    protected bool ToDirectory => ParameterSetName == DirectorySet;

    /// <summary>
    /// The Core output for -Path or -OutputDirectory, made by <paramref name="create"/> from the full
    /// file-system path. A path of another provider, or one Core refuses, ends the command
    /// (InvalidOutputPath, the path as given for target).
    /// </summary>
    protected T OpenOutput<T>(Func<string, T> create)
    {
        string given = ToDirectory ? OutputDirectory : Path;
        string full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(given, out var provider, out _);
        try
        {
            if (provider.ImplementingType != typeof(FileSystemProvider)) throw new InvalidOutputPathException(given, $"'{given}' is not a file-system path.");
            return create(full);
        }
        catch (InvalidOutputPathException e)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException(e.Message, e), e.ErrorId, ErrorCategory.InvalidArgument, given));
            throw; // unreachable: ThrowTerminatingError throws
        }
    }

    /// <summary>Emits a written file as Get-Item gives it (the provider's PSPath notes, so the file views apply).</summary>
    protected void WriteFile(string fullName) => WriteObject(InvokeProvider.Item.Get(new[] { fullName }, false, true), enumerateCollection: true);
}
