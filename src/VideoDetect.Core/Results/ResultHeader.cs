using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using VideoDetect.Inference;
using VideoDetect.Video;

namespace VideoDetect.Results;

/// <summary>The source part of a <see cref="ResultHeader"/>: its identity and what the probe found.</summary>
public sealed record SourceHeader
{
    public string Path { get; init; } = "";
    public long Size { get; init; }
    public DateTime LastWriteTimeUtc { get; init; }
    /// <summary>The exact rational rate, e.g. "2997/125".</summary>
    public string FrameRate { get; init; } = "";
    public double FramesPerSecond { get; init; }
    public long FrameCount { get; init; }
    public int Width { get; init; }
    public int Height { get; init; }
    /// <summary>The frame count the container claims (0: none, or a header written before it was recorded).</summary>
    public long ReportedFrameCount { get; init; }
    /// <summary>From the start to the end of the last frame that decodes.</summary>
    public TimeSpan Duration { get; init; }
    /// <summary>The duration the container's count claims.</summary>
    public TimeSpan ReportedDuration { get; init; }
    /// <summary>The source is truncated (<see cref="Video.Truncation"/>): its detections are complete for what decodes, and the store says Truncated, not Done.</summary>
    public bool Truncated { get; init; }
    /// <summary>The time of day of the source's time 0 (ISO 8601 with its offset), as the frames carried it; null when unknown or in a header written before it was recorded.</summary>
    public DateTimeOffset? RecordingStart { get; init; }

    /// <summary>The truncation's figures in words, or null when the source is not truncated.</summary>
    [JsonIgnore]
    public string? TruncationText => Truncated ? Truncation.Describe(ReportedFrameCount, FrameCount, ReportedDuration, Duration) : null;

    [JsonIgnore]
    public SourceIdentity Identity => new(Path, Size, DateTime.SpecifyKind(LastWriteTimeUtc, DateTimeKind.Utc));
}

/// <summary>The model part of a <see cref="ResultHeader"/>: which file exactly (name, size, SHA-256), its family and labels.</summary>
public sealed record ModelHeader
{
    public string File { get; init; } = "";
    public long Size { get; init; }
    public string Sha256 { get; init; } = "";
    public string? Family { get; init; }
    public IReadOnlyList<string> Labels { get; init; } = Array.Empty<string>();
}

/// <summary>
/// The header record of a result file (the first line of a <c>.jsonl</c>, the sidecar of a
/// <c>.csv</c>): the source's identity, frame rate and count; the model; the parameters; the module
/// version and the run's start time. <see cref="Model"/> and <see cref="Parameters"/> are null for
/// frames made by hand (no <see cref="DetectionRun"/>).
/// </summary>
public sealed record ResultHeader
{
    public const string FormatName = "VideoDetect.FrameDetections";
    public const int CurrentVersion = 1;

    public string Format { get; init; } = FormatName;
    public int Version { get; init; } = CurrentVersion;
    public SourceHeader Source { get; init; } = new();
    public ModelHeader? Model { get; init; }
    public DetectionParameters? Parameters { get; init; }
    public string? ModuleVersion { get; init; }
    public DateTimeOffset StartTime { get; init; }

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // paths and labels as they are
    };

    /// <summary>The header for <paramref name="source"/> (identity and probe) and <paramref name="run"/> (null: unknown).</summary>
    public static ResultHeader For(SourceIdentity identity, VideoInfo info, long frameCount, DetectionRun? run, string? moduleVersion, DateTimeOffset startTime, DateTimeOffset? recordingStart = null) => new()
    {
        Source = new SourceHeader
        {
            Path = identity.Path,
            Size = identity.Size,
            LastWriteTimeUtc = identity.LastWriteTimeUtc,
            FrameRate = info.FrameRate.ToString(),
            FramesPerSecond = info.FramesPerSecond,
            FrameCount = frameCount,
            Width = info.Width,
            Height = info.Height,
            ReportedFrameCount = info.ReportedFrameCount,
            Duration = info.Duration,
            ReportedDuration = info.ReportedDuration,
            Truncated = info.IsTruncated,
            RecordingStart = recordingStart,
        },
        Model = run?.ModelPath is not { } model ? null
            : (run.ModelSha256 is { } sha ? new ModelHeader { File = System.IO.Path.GetFileName(model), Size = run.ModelSize ?? 0, Sha256 = sha } : ModelIdentity.Of(model))
                with { Family = run.Family, Labels = run.Labels },
        Parameters = run?.Parameters,
        ModuleVersion = moduleVersion,
        StartTime = startTime,
    };

    /// <summary>The run this header describes (for frames read back), or null.</summary>
    public DetectionRun? ToRun() => Parameters is not { } p ? null : new DetectionRun
    {
        ModelPath = Model?.File,
        ModelSize = Model?.Size,
        ModelSha256 = Model?.Sha256,
        Family = Model?.Family,
        Labels = Model?.Labels ?? Array.Empty<string>(),
        Parameters = p,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Parses a header; <see cref="JsonException"/> or <see cref="InvalidDataException"/> when it is none.</summary>
    public static ResultHeader Parse(string json)
    {
        var header = JsonSerializer.Deserialize<ResultHeader>(json, Json) ?? throw new InvalidDataException("The header is empty.");
        if (header.Format != FormatName) throw new InvalidDataException($"Not a {FormatName} header (format '{header.Format}').");
        if (header.Version > CurrentVersion) throw new InvalidDataException($"Header version {header.Version} is newer than this module reads ({CurrentVersion}).");
        return header;
    }

    /// <summary>
    /// What differs between the model and parameters of this header (the file) and
    /// <paramref name="now"/> (the frames arriving), each as "name: file value ≠ new value"; empty
    /// when a resume may append. The model compares by content (SHA-256), family and labels.
    /// </summary>
    public IReadOnlyList<string> RunDifferences(ResultHeader now)
    {
        var diffs = new List<string>();
        Compare("model", Model is null ? null : Model with { File = "" }, now.Model is null ? null : now.Model with { File = "" }, diffs,
            Model is null ? "none" : Model.File, now.Model is null ? "none" : now.Model.File);
        if (Parameters is null || now.Parameters is null)
        {
            if ((Parameters is null) != (now.Parameters is null)) diffs.Add($"parameters: {(Parameters is null ? "none" : "set")} ≠ {(now.Parameters is null ? "none" : "set")}");
            return diffs;
        }
        var a = JsonSerializer.SerializeToNode(Parameters, Json)!.AsObject();
        var b = JsonSerializer.SerializeToNode(now.Parameters, Json)!.AsObject();
        foreach (var (name, value) in a)
        {
            string x = value?.ToJsonString() ?? "null", y = b[name]?.ToJsonString() ?? "null";
            if (x != y) diffs.Add($"{name}: {x} in the file ≠ {y} now");
        }
        return diffs;
    }

    private static void Compare(string what, object? a, object? b, List<string> diffs, string aText, string bText)
    {
        string x = JsonSerializer.Serialize(a, Json), y = JsonSerializer.Serialize(b, Json);
        if (x != y) diffs.Add($"{what}: {aText} in the file ≠ {bText} now");
    }
}
