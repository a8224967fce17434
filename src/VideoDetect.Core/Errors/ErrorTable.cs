namespace VideoDetect.Errors;

/// <summary>
/// The kind of an error, for the error record's category. The names are those of PowerShell's
/// <c>System.Management.Automation.ErrorCategory</c> (Core takes no PowerShell reference): the cmdlet
/// layer converts by name, and a test checks that every name parses.
/// </summary>
public enum ErrorKind
{
    NotSpecified,
    InvalidArgument,
    InvalidData,
    InvalidOperation,
    InvalidResult,
    NotImplemented,
    ObjectNotFound,
    PermissionDenied,
    ReadError,
    ResourceBusy,
    ResourceExists,
    ResourceUnavailable,
    WriteError,
}

/// <summary>One error id: its kind and, in one line, when it happens.</summary>
public sealed record ErrorEntry(string Id, ErrorKind Kind, string When);

/// <summary>
/// Every id of <see cref="ErrorIds"/> with its one category and when it happens: the one place a
/// cmdlet's error record takes its category from, and the source of the about_VideoDetect_Errors
/// help topic (<see cref="ErrorsTopic"/>). A test checks that every id is here.
/// </summary>
public static class ErrorTable
{
    /// <summary>The entries, grouped as <see cref="ErrorIds"/> is.</summary>
    public static IReadOnlyList<ErrorEntry> Entries { get; } = new ErrorEntry[]
    {
        new(ErrorIds.VideoNotFound, ErrorKind.ObjectNotFound, "A video path (or -LiteralPath) names no file, or a -Path wildcard matches none."),
        new(ErrorIds.PathIsDirectory, ErrorKind.InvalidArgument, "A video path names a folder."),
        new(ErrorIds.VideoEmpty, ErrorKind.InvalidData, "A video file is empty."),
        new(ErrorIds.VideoUnreadable, ErrorKind.InvalidData, "A file is not a video FFmpeg can open, or its codec cannot be decoded."),
        new(ErrorIds.VideoNoDecodableFrames, ErrorKind.InvalidData, "A video opens but none of its frames decodes."),
        new(ErrorIds.VideoAccessDenied, ErrorKind.PermissionDenied, "The user may not read a video file."),
        new(ErrorIds.VideoReadFailed, ErrorKind.ReadError, "Reading a video failed (an I/O error)."),
        new(ErrorIds.NotFileSystemPath, ErrorKind.InvalidArgument, "A path of another provider than the file system (Env:, HKLM:)."),
        new(ErrorIds.LiveSourceNotSupported, ErrorKind.NotImplemented, "A live URL (rtsp://, http(s)://, udp://, ...) given to a cmdlet that reads video files only (Split-VideoClip reads live streams)."),
        new(ErrorIds.LiveSourceUnavailable, ErrorKind.ResourceUnavailable, "A live stream gave no frame through its whole reconnect budget (-MaxReconnect): refused, not found, or silent."),
        new(ErrorIds.CaptureDeviceNotFound, ErrorKind.ObjectNotFound, "Split-VideoClip -Device (or a v4l2:// path) names a capture device this machine does not have."),
        new(ErrorIds.InvalidClipRange, ErrorKind.InvalidArgument, "Split-VideoClip: -Start, -End, -Length or -Duration give no frames (terminating)."),
        new(ErrorIds.InvalidPreprocessing, ErrorKind.InvalidArgument, "ConvertTo-FrameBatch: preprocessing parameters that do not fit together (terminating)."),
        new(ErrorIds.InvalidShard, ErrorKind.InvalidArgument, "Split-VideoClip -Shard is not 'index/count' with 0 <= index < count (terminating)."),
        new(ErrorIds.InvalidRecordingStartPattern, ErrorKind.InvalidArgument, "Split-VideoClip -RecordingStartPattern has no year, month, day and hour in it, is not a .NET date format, or -TimeZone names no known zone (terminating)."),
        new(ErrorIds.OutsideRoot, ErrorKind.InvalidArgument, "Split-VideoClip -Root: a video outside the root has no relative path; it is skipped."),
        new(ErrorIds.ClipOutOfRange, ErrorKind.InvalidData, "A clip asks for frames its video does not have (the file changed since it was planned)."),
        new(ErrorIds.FrameDecodeFailed, ErrorKind.ReadError, "A frame of a clip did not decode; the clip's batches stop there."),
        new(ErrorIds.BatchWorkerFailed, ErrorKind.NotSpecified, "A decode worker of ConvertTo-FrameBatch failed unexpectedly (terminating)."),
        new(ErrorIds.SourceNotSeekable, ErrorKind.InvalidOperation, "A forward-only (live) source was asked to seek back, to be read a second time, or to be split between -ThrottleLimit workers; or Export-AnnotatedVideo got a live source whose frames were not kept (its detections did not come from a decode in the same pipeline)."),
        new(ErrorIds.ModelNotFound, ErrorKind.ObjectNotFound, "A model path names no file."),
        new(ErrorIds.ModelUnreadable, ErrorKind.InvalidData, "A model file is not an ONNX model ONNX Runtime can load."),
        new(ErrorIds.ModelNotRecognised, ErrorKind.InvalidData, "A model's inputs and outputs fit no supported family (or not the -Family given)."),
        new(ErrorIds.ProviderUnavailable, ErrorKind.ResourceUnavailable, "-Provider Cuda and the CUDA provider cannot load."),
        new(ErrorIds.LabelsMismatch, ErrorKind.InvalidArgument, "-Labels does not give one label per class of the model."),
        new(ErrorIds.ModelRemoved, ErrorKind.InvalidOperation, "Invoke-FrameDetection: the model was removed (Remove-DetectionModel) while batches still use it (terminating)."),
        new(ErrorIds.ModelRequired, ErrorKind.InvalidArgument, "Invoke-FrameDetection: batches made without a model, and no -Model given (terminating)."),
        new(ErrorIds.UnknownClass, ErrorKind.InvalidArgument, "Invoke-FrameDetection -Class names a label the model does not have (terminating)."),
        new(ErrorIds.BatchDoesNotFitModel, ErrorKind.InvalidArgument, "A batch was preprocessed for another input than the model's."),
        new(ErrorIds.InferenceFailed, ErrorKind.InvalidResult, "ONNX Runtime failed to run a batch."),
        new(ErrorIds.OutputExists, ErrorKind.ResourceExists, "A writer's target exists (for a result file: one of this very video) and -Force is not given; that source is skipped."),
        new(ErrorIds.OutputPathConflict, ErrorKind.InvalidOperation, "A second source with -Path, two sources named alike, or a source whose frames come back after another's; its frames are skipped."),
        new(ErrorIds.InvalidOutputPath, ErrorKind.InvalidArgument, "-Path is a folder, has an extension the writer cannot write, or its folder is missing; -OutputDirectory is a file or cannot be created."),
        new(ErrorIds.EncoderUnavailable, ErrorKind.ResourceUnavailable, "Export-AnnotatedVideo -Codec H264 and no ffmpeg with libx264 (terminating)."),
        new(ErrorIds.EncoderFailed, ErrorKind.WriteError, "The encoder failed (ffmpeg exited with an error, whose message is included); nothing of that video is left."),
        new(ErrorIds.SourceUnavailable, ErrorKind.ReadError, "A writer cannot read the source video again (moved, deleted or changed since it was probed); nothing of it is left."),
        new(ErrorIds.FrameOutOfOrder, ErrorKind.InvalidData, "A frame not after the previous one of its video, or not a frame of it; that frame is skipped."),
        new(ErrorIds.BatchCannotCrossProcess, ErrorKind.InvalidData, "A FrameBatch came back from a job or remoting (its pixels stay in the process that decoded it); send the clips instead."),
        new(ErrorIds.ModelCannotCrossProcess, ErrorKind.InvalidData, "A loaded model came back from a job or remoting; send the model's path instead."),
        new(ErrorIds.InputObjectNotRebuilt, ErrorKind.InvalidData, "An object from CliXml, a job, remoting or JSON cannot be read back as the type a parameter takes."),
        new(ErrorIds.InvalidRegion, ErrorKind.InvalidArgument, "A region or line of ConvertTo-DetectionEvent is not a valid polygon or segment (terminating)."),
        new(ErrorIds.UnknownTracker, ErrorKind.InvalidArgument, "Add-DetectionTrack -Tracker names no registered tracker; the message lists the trackers."),
        new(ErrorIds.InvalidObjectFilter, ErrorKind.InvalidArgument, "An object filter of Add-DetectionTrack (-MinArea, -MaxArea, -MinRatio, -MaxRatio, -ObjectThreshold, -IgnoreRegion, -ClassGroup) cannot be read or is out of range (terminating)."),
        new(ErrorIds.ResumeMismatch, ErrorKind.InvalidData, "A partial result file was begun with another model or other parameters, or would not start at the video's first clip; nothing is overwritten."),
        new(ErrorIds.ResultFileCorrupt, ErrorKind.InvalidData, "A result file is truncated, corrupt, not a result file, or cannot be read; the message names the file and line."),
        new(ErrorIds.OutputInUse, ErrorKind.ResourceBusy, "Another process or command is writing the same result file; its frames are skipped."),
        new(ErrorIds.OutputWriteFailed, ErrorKind.WriteError, "An output cannot be created or written (a folder not writable, a folder in the file's place, disk full); that source is skipped (a result file keeps its whole clips), the next one is written."),
        new(ErrorIds.ResultNotFound, ErrorKind.ObjectNotFound, "Import-FrameDetection: a result file path names no file or folder, or a -Path wildcard matches none; Import-DetectionEvent: the -Database file does not exist."),
        new(ErrorIds.InvalidEventDatabase, ErrorKind.InvalidData, "Export-DetectionEvent or Import-DetectionEvent: the -Database file is not a VideoDetect events database (not SQLite, another application's database, or a newer schema); nothing is written to it (terminating)."),
        new(ErrorIds.NotificationFailed, ErrorKind.ResourceUnavailable, "Send-DetectionEvent: the MQTT broker or webhook cannot be reached or refuses an event (events wait in the queue and are retried with backoff), the queue of -QueueLimit overflowed, or events were still unsent at the end after -FlushTimeout; the message gives the count (non-terminating)."),
    };

    private static readonly Dictionary<string, ErrorEntry> ById = Entries.ToDictionary(e => e.Id, StringComparer.Ordinal);

    /// <summary>The entry of <paramref name="errorId"/>; <see cref="KeyNotFoundException"/> for an id not in <see cref="ErrorIds"/>.</summary>
    public static ErrorEntry Of(string errorId) =>
        ById.TryGetValue(errorId, out var entry) ? entry : throw new KeyNotFoundException($"'{errorId}' is not an error id of ErrorIds.");

    /// <summary>The kind of <paramref name="errorId"/>.</summary>
    public static ErrorKind KindOf(string errorId) => Of(errorId).Kind;
}
