using System.Management.Automation;
using Microsoft.PowerShell.Commands;
using VideoDetect.Export;
using VideoDetect.Inference;
using VideoDetect.Video;

namespace VideoDetect.Commands;

/// <summary>
/// Export-AnnotatedVideo: the last stage of the pipeline. Takes FrameDetections (in frame order, one
/// source after another), re-decodes each source in lockstep, draws the boxes (or blurs them) and
/// writes one playable video per source, atomically (<see cref="AnnotatedVideoWriter"/>): a temporary
/// file beside the target, renamed on success, deleted on an error or Ctrl+C.
/// <para>
/// Rules: a frame not after the previous one of its source is a FrameOutOfOrder error and is skipped
/// (the video goes on); a target this command already wrote (a second source with -Path, two sources
/// with the same name, a source that comes back after another) is an OutputPathConflict and that
/// source's frames are skipped. Only this thread writes to PowerShell's streams.
/// </para>
/// </summary>
[Cmdlet(VerbsData.Export, "AnnotatedVideo", DefaultParameterSetName = PathSet, SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportAnnotatedVideoCommand : StoppableCommand
{
    private const string PathSet = "Path", DirectorySet = "OutputDirectory";
    private readonly HashSet<string> _targetsUsed = new(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
    private EncoderChoice? _encoder;
    private string? _output;          // the -Path file or the -OutputDirectory folder, resolved
    private string? _source;          // the source whose frames are arriving
    private AnnotatedVideoWriter? _writer; // null while the current source is skipped
    private ProgressRecord? _progress;

    /// <summary>Detections from Invoke-FrameDetection, in frame order per source; also as they come back from a job, remoting, Import-Clixml or ConvertFrom-Json.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [PortableObjectTransformation(typeof(FrameDetections))]
    public FrameDetections[] InputObject { get; set; } = Array.Empty<FrameDetections>();

    /// <summary>The one output file (.mp4, .m4v, .mov, .mkv or .avi).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>A folder for one file per source, named &lt;source name&gt;.annotated.mp4; created when missing.</summary>
    [Parameter(Mandatory = true, ParameterSetName = DirectorySet)]
    [ValidateNotNullOrEmpty]
    public string OutputDirectory { get; set; } = "";

    /// <summary>H264 (default; needs ffmpeg with libx264, else mp4v with a warning), Mp4v or Mjpg.</summary>
    [Parameter]
    public VideoCodec Codec { get; set; } = VideoCodec.H264;

    /// <summary>libx264's preset for H.264 (ignored by Mp4v and Mjpg): ultrafast (default) to veryslow.</summary>
    [Parameter]
    [ValidateSet("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow")]
    public string Preset { get; set; } = EncoderChoice.DefaultPreset;

    /// <summary>Draw the last n centre points of each track (Add-DetectionTrack).</summary>
    [Parameter]
    [ValidateRange(0, 10000)]
    public int Trail { get; set; }

    /// <summary>Blur inside the boxes instead of drawing them.</summary>
    [Parameter]
    public SwitchParameter Blur { get; set; }

    /// <summary>Frames that were not detected on are written without boxes (by default they carry the most recent detections).</summary>
    [Parameter]
    public SwitchParameter NoHold { get; set; }

    /// <summary>Replace an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Emit the written file (FileInfo).</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        try
        {
            _encoder = Encoders.Choose(MyInvocation.BoundParameters.ContainsKey(nameof(Codec)) ? Codec : null) with { Preset = Preset.ToLowerInvariant() };
        }
        catch (EncoderUnavailableException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, ErrorIds.EncoderUnavailable, ErrorCategory.ResourceUnavailable, Codec));
        }
        if (_encoder!.Warning is { } warning) WriteWarning(warning);
        bool toDirectory = ParameterSetName == DirectorySet;
        string given = toDirectory ? OutputDirectory : Path;
        string full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(given, out var provider, out _);
        string? problem = provider.ImplementingType != typeof(FileSystemProvider) ? $"'{given}' is not a file-system path."
            : toDirectory ? (File.Exists(full) ? $"-OutputDirectory '{full}' is a file." : null)
            : Directory.Exists(full) ? $"-Path '{full}' is a directory; give a file name, or use -OutputDirectory."
            : Encoders.ContainerFor(full) is null ? $"-Path '{full}': use one of the extensions {string.Join(", ", Encoders.SupportedExtensions)}."
            : !Directory.Exists(System.IO.Path.GetDirectoryName(full)) ? $"The folder of -Path '{full}' does not exist."
            : null;
        if (problem is not null)
            ThrowTerminatingError(new ErrorRecord(new ArgumentException(problem), ErrorIds.InvalidOutputPath, ErrorCategory.InvalidArgument, given));
        _output = full;
    }

    protected override void ProcessRecord()
    {
        foreach (var frame in InputObject)
        {
            if (frame is null) continue;
            if (!string.Equals(frame.Path, _source, StringComparison.Ordinal))
            {
                Finish();
                _source = frame.Path;
                _writer = Start(frame.Path);
            }
            if (_writer is null) continue;
            try
            {
                _writer.Add(frame);
            }
            catch (ArgumentOutOfRangeException e)
            {
                WriteError(new ErrorRecord(new ArgumentException(e.Message, e), ErrorIds.FrameOutOfOrder, ErrorCategory.InvalidData, frame));
                continue;
            }
            catch (Exception e) when (!IsStop(e) && e is not PipelineStoppedException)
            {
                Fail(e);
                continue;
            }
            catch (OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }
            ReportProgress(frame);
        }
    }

    protected override void EndProcessing() => Finish();

    /// <summary>Opens the writer for a new source, or writes why its frames are skipped and returns null.</summary>
    private AnnotatedVideoWriter? Start(string source)
    {
        string target = ParameterSetName == DirectorySet
            ? System.IO.Path.Combine(_output!, System.IO.Path.GetFileNameWithoutExtension(source) + ".annotated.mp4")
            : _output!;
        if (!_targetsUsed.Add(target))
        {
            string why = ParameterSetName == DirectorySet
                ? $"'{target}' was already written by this command (two sources named alike, or frames of '{source}' that came back after another video's)."
                : $"-Path names one output, already taken by the frames of another video; frames of '{source}' are skipped. Use -OutputDirectory for one file per source.";
            WriteError(new ErrorRecord(new InvalidOperationException(why), ErrorIds.OutputPathConflict, ErrorCategory.InvalidOperation, source));
            return null;
        }
        if (File.Exists(target) && !Force)
        {
            WriteError(new ErrorRecord(new IOException($"'{target}' exists; use -Force to replace it."), ErrorIds.OutputExists, ErrorCategory.ResourceExists, target));
            return null;
        }
        if (!ShouldProcess(target, $"Write the annotated video of {System.IO.Path.GetFileName(source)} ({_encoder})")) return null;
        ProbedVideo probed;
        try
        {
            probed = VideoProbe.Probe(source, cancellationToken: StopToken);
            if (ParameterSetName == DirectorySet) Directory.CreateDirectory(_output!);
        }
        catch (VideoException e)
        {
            WriteError(new ErrorRecord(e, ErrorIds.SourceUnavailable, ErrorCategory.ReadError, source));
            return null;
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError(new ErrorRecord(e, ErrorIds.InvalidOutputPath, ErrorCategory.WriteError, _output));
            return null;
        }
        var options = new AnnotationOptions { Blur = Blur, HoldDetections = !NoHold, Overwrite = Force, Trail = Trail };
        _progress = new ProgressRecord(3, "Writing annotated video", System.IO.Path.GetFileName(target));
        return new AnnotatedVideoWriter(probed, target, _encoder!, options, StopToken);
    }

    /// <summary>Commits the current source's video (and emits it with -PassThru).</summary>
    private void Finish()
    {
        var writer = _writer;
        _writer = null;
        if (writer is null) return;
        if (writer.FirstFrame < 0)
        {
            // Every frame of this source was refused (FrameOutOfOrder, already reported): nothing to write.
            writer.Dispose();
            CompleteProgress();
            return;
        }
        try
        {
            var file = writer.Commit();
            WriteVerbose($"Wrote {file.FullName}: frames {writer.FirstFrame}..{writer.LastFrame} of {System.IO.Path.GetFileName(writer.SourcePath)}, {writer.FramesWritten} frames ({_encoder}).");
            // As Get-Item gives it: the provider's PSPath/PSParentPath notes, so the file views apply.
            if (PassThru) WriteObject(InvokeProvider.Item.Get(new[] { file.FullName }, false, true), enumerateCollection: true);
        }
        catch (IOException e) when (File.Exists(writer.TargetPath) && !Force)
        {
            WriteError(new ErrorRecord(new IOException($"'{writer.TargetPath}' appeared while it was being written; use -Force to replace it.", e), ErrorIds.OutputExists, ErrorCategory.ResourceExists, writer.TargetPath));
        }
        catch (Exception e) when (IsStop(e))
        {
            throw new PipelineStoppedException();
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            WriteError(ErrorFor(e, writer));
        }
        finally
        {
            writer.Dispose();
            CompleteProgress();
        }
    }

    private void Fail(Exception e)
    {
        var writer = _writer!;
        _writer = null;
        WriteError(ErrorFor(e, writer));
        writer.Dispose(); // kills the encoder, deletes the temporary file
        CompleteProgress();
    }

    private static ErrorRecord ErrorFor(Exception e, AnnotatedVideoWriter writer) => e switch
    {
        SourceUnavailableException s => new ErrorRecord(s, ErrorIds.SourceUnavailable, ErrorCategory.ReadError, s.Path),
        _ => new ErrorRecord(new IOException($"Writing '{writer.TargetPath}' failed; nothing was left behind: {e.Message}", e), ErrorIds.EncoderFailed, ErrorCategory.WriteError, writer.TargetPath),
    };

    private bool IsStop(Exception e) => e is OperationCanceledException && StopToken.IsCancellationRequested;

    private void ReportProgress(FrameDetections frame)
    {
        if (_progress is null || !ProgressDue()) return;
        long total = _writer!.SourceFrameCount;
        _progress.StatusDescription = $"{System.IO.Path.GetFileName(frame.Path)}: frame {frame.FrameIndex} of {total}, {_writer.FramesWritten} frames encoded";
        _progress.PercentComplete = total > 0 ? (int)Math.Clamp(frame.FrameIndex * 100 / total, 0, 100) : -1;
        WriteProgress(_progress);
    }

    private void CompleteProgress()
    {
        if (_progress is null) return;
        _progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(_progress);
        _progress = null;
    }

    protected override void DisposeCore()
    {
        _writer?.Dispose();
        _writer = null;
    }
}
