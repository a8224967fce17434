using System.Management.Automation;
using VideoDetect.Inference;
using VideoDetect.Results;

namespace VideoDetect.Commands;

/// <summary>
/// Import-FrameDetection: reads result files (or every *.detections.jsonl / *.detections.csv of a
/// folder) back as FrameDetections, streaming, with the same values Export-FrameDetection wrote. A
/// truncated or corrupt file is a non-terminating ResultFileCorrupt error naming the file and line,
/// after the frames before it; a path that names nothing (or a wildcard that matches nothing) is
/// ResultNotFound; a folder without result files is a warning; the other files go on.
/// </summary>
[Cmdlet(VerbsData.Import, "FrameDetection", DefaultParameterSetName = PathSet)]
[OutputType(typeof(FrameDetections))]
public sealed class ImportFrameDetectionCommand : VideoCommandBase
{
    private const string PathSet = "Path", LiteralSet = "LiteralPath";

    /// <summary>Result files or folders; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Result files or folders, taken literally. Bound from Get-ChildItem output.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
        bool literal = ParameterSetName == LiteralSet;
        foreach (string path in ResolveFilePaths(literal ? LiteralPath : Path, literal, ErrorIds.ResultNotFound, "result file", videos: false))
        {
            if (Directory.Exists(path))
            {
                bool any = false;
                foreach (string file in ResultFileReader.FilesIn(path))
                {
                    any = true;
                    ReadFile(file);
                }
                // A folder with nothing to read is said, not passed over (an unmounted share, a wrong folder).
                if (!any) WriteWarning($"'{path}' holds no result files (*{ResultFiles.JsonLinesSuffix}, *{ResultFiles.CsvSuffix}).");
            }
            else if (!File.Exists(path))
            {
                WriteError(ErrorMapping.Record(new FileNotFoundException($"Cannot find the result file '{path}'.", path), ErrorIds.ResultNotFound, path));
            }
            else
            {
                ReadFile(path);
            }
        }
    }

    private void ReadFile(string file)
    {
        try
        {
            foreach (var frame in ResultFileReader.Read(file, StopToken)) WriteObject(frame);
        }
        catch (ResultFileCorruptException e)
        {
            WriteError(ErrorMapping.Record(e, file));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError(ErrorMapping.Record(e, ErrorIds.ResultFileCorrupt, file));
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }
}
