using System.Management.Automation;
using VideoDetect.Errors;
using VideoDetect.Inference;
using VideoDetect.Results;

namespace VideoDetect.Commands;

/// <summary>
/// What the writers of one output per source share (Export-AnnotatedVideo, Export-FrameDetection,
/// and any writer that comes: it makes its Core <see cref="ISourceSink"/> in BeginProcessing with
/// <see cref="OpenWriter"/> and overrides the hooks it needs): the FrameDetections input (live, or as
/// it came back from another process), -Path (one source) or -OutputDirectory (one file per source),
/// -Force, -PassThru (the input objects, so the writer can sit mid-pipeline), -PassThruFile (each
/// file written), turning the given path into the full file-system path Core takes, and the
/// per-source lifecycle, run by Core's <see cref="SourceSinkDriver"/> with this command as its host:
/// ShouldProcess per output, the committed files, typed errors as error records (<see cref="ErrorMapping"/>).
/// Only the pipeline thread writes to PowerShell's streams.
/// </summary>
public abstract class SourceWriterCommand : StoppableCommand, ISinkHost
{
    private SourceSinkDriver? _driver;

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

    /// <summary>Emit every input object, unchanged, as it passes (the writer can sit mid-pipeline).</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Emit each file written, as Get-Item gives it, once it is complete (in input order).</summary>
    [Parameter]
    public SwitchParameter PassThruFile { get; set; }

    /// <summary>
    /// The result store (Export-FrameDetection's -OutputDirectory) whose outputs record notes each
    /// source's output (begun, done, failed), so Get-DetectionStore shows it and -MissingOutput finds
    /// the videos without it. A result file is its store's own record: Export-FrameDetection records
    /// only a -Format Mot export, and with a result format takes -Store only as its -OutputDirectory.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Store { get; set; }

    /// <summary>Whether the command emits the files it writes when neither -PassThru nor -PassThruFile is given.</summary>
    protected virtual bool EmitsFilesByDefault => false;

    /// <summary>What ShouldProcess says is done with <paramref name="sourcePath"/>'s output.</summary>
    protected abstract string ActionFor(string sourcePath);

    /// <summary>True with -OutputDirectory.</summary>
    protected bool ToDirectory => ParameterSetName == DirectorySet;

    /// <summary>
    /// The Core output for -Path or -OutputDirectory, made by <paramref name="create"/> from the full
    /// file-system path. A path of another provider, or one Core refuses, ends the command
    /// (InvalidOutputPath, the path as given for target).
    /// </summary>
    private T OpenOutput<T>(Func<string, T> create)
    {
        string given = ToDirectory ? OutputDirectory : Path;
        try
        {
            return create(FileSystemParameter.Output(this, given, ToDirectory ? "-OutputDirectory" : "-Path"));
        }
        catch (InvalidOutputPathException e)
        {
            ThrowTerminatingError(ErrorMapping.Record(e, given));
            throw; // unreachable: ThrowTerminatingError throws
        }
    }

    /// <summary>The full path of -Store (null without it); InvalidOutputPath ends the command when it is not a file-system path.</summary>
    protected string? StorePath()
    {
        if (Store is null) return null;
        try
        {
            return FileSystemParameter.Output(this, Store, "-Store");
        }
        catch (InvalidOutputPathException e)
        {
            ThrowTerminatingError(ErrorMapping.Record(e, Store));
            throw; // unreachable: ThrowTerminatingError throws
        }
    }

    /// <summary>
    /// Starts the writer (BeginProcessing): <paramref name="locate"/> checks -Path or -OutputDirectory
    /// (given the full path), <paramref name="sink"/> makes the Core sink; up to <paramref name="throttleLimit"/>
    /// sealed sources complete in the background at once. With <paramref name="recordOutputs"/> false,
    /// -Store records nothing (a writer whose file is the store's own record).
    /// </summary>
    protected void OpenWriter(Func<string, OutputLocation> locate, Func<string, ISourceSink> sink, int throttleLimit = 1, bool recordOutputs = true)
    {
        var (location, made) = OpenOutput(full => (locate(full), sink(full)));
        string? store = recordOutputs ? StorePath() : null;
        _driver = new SourceSinkDriver(made, new OutputClaims(location, Force), this, throttleLimit, store);
    }

    protected override void ProcessRecord()
    {
        var driver = _driver!;
        foreach (var frame in InputObject)
        {
            if (frame is null) continue;
            UntilStopped(() => { driver.Push(frame); return true; });
            if (PassThru) WriteObject(frame);
        }
    }

    protected override void EndProcessing() => UntilStopped(() => { _driver!.Complete(); return true; });

    bool ISinkHost.Confirm(string sourcePath, string target) => ShouldProcess(target, ActionFor(sourcePath));

    void ISinkHost.Opened(ISourceOutput output) => OnOpened(output);

    void ISinkHost.Added(FrameDetections frame, ISourceOutput output) => OnAdded(frame, output);

    void ISinkHost.SourceEnded() => OnSourceEnded();

    void ISinkHost.Committed(ISourceResult result)
    {
        if (result.File is null)
        {
            WriteWarning(result.ToString());
            return;
        }
        WriteVerbose(result.ToString());
        EmitFile(result.File.FullName);
    }

    /// <summary>Emits a finished file when -PassThruFile (or the command's default) asks for files.</summary>
    protected void EmitFile(string fullName)
    {
        if (PassThruFile || (EmitsFilesByDefault && !PassThru)) WriteFile(fullName);
    }

    void ISinkHost.Failed(VideoDetectException error, object? about) => WriteError(ErrorMapping.WriterRecord(error, about));

    void ISinkHost.Removed(string orphanPath) => WriteVerbose($"Removed '{orphanPath}', a temporary file its writer left when it was killed.");

    /// <summary>A source's output was opened (e.g. say that it resumes).</summary>
    protected virtual void OnOpened(ISourceOutput output) { }

    /// <summary>A frame was taken (e.g. progress).</summary>
    protected virtual void OnAdded(FrameDetections frame, ISourceOutput output) { }

    /// <summary>The current source's frames ended.</summary>
    protected virtual void OnSourceEnded() { }

    /// <summary>Emits a written file as Get-Item gives it (the provider's PSPath notes, so the file views apply).</summary>
    private void WriteFile(string fullName) => WriteObject(InvokeProvider.Item.Get(new[] { fullName }, false, true), enumerateCollection: true);

    /// <summary>Abandons what is still open (a stopped pipeline, an error that ended the command).</summary>
    protected override void DisposeCore()
    {
        _driver?.Dispose();
        _driver = null;
    }
}
