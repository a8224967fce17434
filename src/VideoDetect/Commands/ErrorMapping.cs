using System.Management.Automation;
using VideoDetect.Video;

namespace VideoDetect.Commands;

/// <summary>
/// Error ids are API: scripts and Pester checks assert <c>FullyQualifiedErrorId</c>
/// ("&lt;id&gt;,VideoDetect.Commands.&lt;Cmdlet&gt;Command"). Ids are never renamed.
/// </summary>
internal static class ErrorIds
{
    public const string VideoNotFound = "VideoNotFound";
    public const string PathIsDirectory = "PathIsDirectory";
    public const string VideoEmpty = "VideoEmpty";
    public const string VideoUnreadable = "VideoUnreadable";
    public const string VideoNoDecodableFrames = "VideoNoDecodableFrames";
    public const string VideoAccessDenied = "VideoAccessDenied";
    public const string VideoReadFailed = "VideoReadFailed";
    public const string NotFileSystemPath = "NotFileSystemPath";
    public const string InvalidClipRange = "InvalidClipRange";
    public const string InvalidPreprocessing = "InvalidPreprocessing";
    public const string ClipOutOfRange = "ClipOutOfRange";
    public const string FrameDecodeFailed = "FrameDecodeFailed";
    public const string BatchWorkerFailed = "BatchWorkerFailed";
    // Export-AnnotatedVideo
    public const string OutputExists = "OutputExists";
    public const string OutputPathConflict = "OutputPathConflict";
    public const string InvalidOutputPath = "InvalidOutputPath";
    public const string EncoderUnavailable = "EncoderUnavailable";
    public const string EncoderFailed = "EncoderFailed";
    public const string SourceUnavailable = "SourceUnavailable";
    public const string FrameOutOfOrder = "FrameOutOfOrder";

    /// <summary>The error for a bad video, with the video's path as target.</summary>
    public static ErrorRecord FromVideoException(VideoException e) => FromVideoException(e, e.Path);

    /// <summary>The error for a bad video, with <paramref name="target"/> (e.g. the clip) as target.</summary>
    public static ErrorRecord FromVideoException(VideoException e, object target)
    {
        var (id, category) = e.Kind switch
        {
            VideoErrorKind.NotFound => (VideoNotFound, ErrorCategory.ObjectNotFound),
            VideoErrorKind.IsDirectory => (PathIsDirectory, ErrorCategory.InvalidArgument),
            VideoErrorKind.Empty => (VideoEmpty, ErrorCategory.InvalidData),
            VideoErrorKind.Unreadable => (VideoUnreadable, ErrorCategory.InvalidData),
            VideoErrorKind.NoDecodableFrames => (VideoNoDecodableFrames, ErrorCategory.InvalidData),
            VideoErrorKind.AccessDenied => (VideoAccessDenied, ErrorCategory.PermissionDenied),
            _ => (VideoUnreadable, ErrorCategory.InvalidData),
        };
        return new ErrorRecord(e, id, category, target);
    }
}
