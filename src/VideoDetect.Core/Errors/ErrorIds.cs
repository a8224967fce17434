namespace VideoDetect.Errors;

/// <summary>
/// Every error id the module reports, in one table. Ids are API: scripts and Pester checks assert
/// <c>FullyQualifiedErrorId</c> ("&lt;id&gt;,VideoDetect.Commands.&lt;Cmdlet&gt;Command"), so an id
/// is never renamed. Core raises them through <see cref="VideoDetectException"/> subclasses; the
/// cmdlet layer reads <see cref="VideoDetectException.ErrorId"/> and takes the category from
/// <see cref="ErrorTable"/>, which says when each id happens (and renders about_VideoDetect_Errors).
/// </summary>
public static class ErrorIds
{
    // Inputs: one bad video is a non-terminating error, the other inputs go on.
    public const string VideoNotFound = "VideoNotFound";
    public const string PathIsDirectory = "PathIsDirectory";
    public const string VideoEmpty = "VideoEmpty";
    public const string VideoUnreadable = "VideoUnreadable";
    public const string VideoNoDecodableFrames = "VideoNoDecodableFrames";
    public const string VideoAccessDenied = "VideoAccessDenied";
    public const string VideoReadFailed = "VideoReadFailed";
    public const string NotFileSystemPath = "NotFileSystemPath";
    public const string LiveSourceNotSupported = "LiveSourceNotSupported";
    public const string LiveSourceUnavailable = "LiveSourceUnavailable";
    public const string CaptureDeviceNotFound = "CaptureDeviceNotFound";

    // Parameters (terminating).
    public const string InvalidClipRange = "InvalidClipRange";
    public const string InvalidPreprocessing = "InvalidPreprocessing";
    public const string InvalidShard = "InvalidShard";
    public const string InvalidRecordingStartPattern = "InvalidRecordingStartPattern";

    // Planning across machines (Split-VideoClip -Root): a file outside the root has no relative path.
    public const string OutsideRoot = "OutsideRoot";

    // Decoding and batching.
    public const string ClipOutOfRange = "ClipOutOfRange";
    public const string FrameDecodeFailed = "FrameDecodeFailed";
    public const string BatchWorkerFailed = "BatchWorkerFailed";
    public const string SourceNotSeekable = "SourceNotSeekable";

    // Models and inference.
    public const string ModelNotFound = "ModelNotFound";
    public const string ModelUnreadable = "ModelUnreadable";
    public const string ModelNotRecognised = "ModelNotRecognised";
    public const string ProviderUnavailable = "ProviderUnavailable";
    public const string LabelsMismatch = "LabelsMismatch";
    public const string ModelRemoved = "ModelRemoved";
    public const string ModelRequired = "ModelRequired";
    public const string UnknownClass = "UnknownClass";
    public const string BatchDoesNotFitModel = "BatchDoesNotFitModel";
    public const string InferenceFailed = "InferenceFailed";

    // Writers (Export-AnnotatedVideo, and the result files that come).
    public const string OutputExists = "OutputExists";
    public const string OutputPathConflict = "OutputPathConflict";
    public const string InvalidOutputPath = "InvalidOutputPath";
    public const string EncoderUnavailable = "EncoderUnavailable";
    public const string EncoderFailed = "EncoderFailed";
    public const string SourceUnavailable = "SourceUnavailable";
    public const string FrameOutOfOrder = "FrameOutOfOrder";

    // Objects that came back from a job, remoting, CliXml or JSON (raised while binding parameters:
    // the record's id is PowerShell's ParameterArgumentTransformationError, this one is the inner
    // exception's ErrorId).
    public const string BatchCannotCrossProcess = "BatchCannotCrossProcess";
    public const string ModelCannotCrossProcess = "ModelCannotCrossProcess";
    public const string InputObjectNotRebuilt = "InputObjectNotRebuilt";

    // Tracks and events (Add-DetectionTrack, ConvertTo-DetectionEvent).
    public const string InvalidRegion = "InvalidRegion";
    public const string UnknownTracker = "UnknownTracker";
    public const string InvalidObjectFilter = "InvalidObjectFilter";

    // Result files (Export-FrameDetection, Import-FrameDetection, Split-VideoClip -ResumeFrom).
    public const string ResumeMismatch = "ResumeMismatch";
    public const string ResultFileCorrupt = "ResultFileCorrupt";
    public const string OutputInUse = "OutputInUse";
    public const string OutputWriteFailed = "OutputWriteFailed";
    public const string ResultNotFound = "ResultNotFound";

    // The events database (Export-DetectionEvent -Database, Import-DetectionEvent).
    public const string InvalidEventDatabase = "InvalidEventDatabase";

    // Events sent as they happen (Send-DetectionEvent).
    public const string NotificationFailed = "NotificationFailed";
}
