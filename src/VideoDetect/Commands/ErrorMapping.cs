using System.Management.Automation;

namespace VideoDetect.Commands;

/// <summary>
/// Turns Core's typed errors into error records: the id is the exception's own
/// (<see cref="VideoDetectException.ErrorId"/>, from <see cref="ErrorIds"/>); this layer only picks the category.
/// </summary>
internal static class ErrorMapping
{
    /// <summary>The error record for <paramref name="e"/>, about <paramref name="target"/>.</summary>
    public static ErrorRecord Record(VideoDetectException e, object? target) => new(e, e.ErrorId, Category(e.ErrorId), target);

    /// <summary>The error for a bad video, with the video's path as target.</summary>
    public static ErrorRecord Record(VideoDetect.Video.VideoException e) => Record(e, e.Path);

    /// <summary>The category that goes with an id.</summary>
    public static ErrorCategory Category(string errorId) => errorId switch
    {
        ErrorIds.VideoNotFound or ErrorIds.ModelNotFound => ErrorCategory.ObjectNotFound,
        ErrorIds.PathIsDirectory or ErrorIds.NotFileSystemPath or ErrorIds.InvalidClipRange or ErrorIds.InvalidPreprocessing or ErrorIds.InvalidShard or ErrorIds.OutsideRoot
            or ErrorIds.LabelsMismatch or ErrorIds.ModelRequired or ErrorIds.UnknownClass or ErrorIds.BatchDoesNotFitModel
            or ErrorIds.InvalidOutputPath => ErrorCategory.InvalidArgument,
        ErrorIds.VideoAccessDenied => ErrorCategory.PermissionDenied,
        ErrorIds.VideoReadFailed or ErrorIds.FrameDecodeFailed or ErrorIds.SourceUnavailable => ErrorCategory.ReadError,
        ErrorIds.ProviderUnavailable or ErrorIds.EncoderUnavailable => ErrorCategory.ResourceUnavailable,
        ErrorIds.ModelRemoved or ErrorIds.OutputPathConflict => ErrorCategory.InvalidOperation,
        ErrorIds.InferenceFailed => ErrorCategory.InvalidResult,
        ErrorIds.OutputExists => ErrorCategory.ResourceExists,
        ErrorIds.EncoderFailed => ErrorCategory.WriteError,
        ErrorIds.BatchWorkerFailed => ErrorCategory.NotSpecified,
        _ => ErrorCategory.InvalidData, // VideoEmpty, VideoUnreadable, VideoNoDecodableFrames, ClipOutOfRange, FrameOutOfOrder, ModelUnreadable, ModelNotRecognised
    };
}
