using VideoDetect.Errors;

namespace VideoDetect.Video;

/// <summary>What went wrong with one input video; each kind has its error id (<see cref="VideoException.ErrorId"/>).</summary>
public enum VideoErrorKind
{
    /// <summary>No file at the path.</summary>
    NotFound,
    /// <summary>The path is a directory.</summary>
    IsDirectory,
    /// <summary>The file has no bytes.</summary>
    Empty,
    /// <summary>No demuxer/decoder could open the file: not a video, random bytes, a damaged header, an unsupported container or codec.</summary>
    Unreadable,
    /// <summary>The file opens, but not a single frame decodes (unsupported codec, or truncated before the first frame).</summary>
    NoDecodableFrames,
    /// <summary>The file could not be read (permissions, I/O).</summary>
    AccessDenied,
}

/// <summary>A problem with one input video; other inputs are unaffected. Its id follows from <see cref="Kind"/>.</summary>
public sealed class VideoException : VideoDetectException
{
    public VideoException(VideoErrorKind kind, string path, string message, Exception? inner = null)
        : base(IdOf(kind), message, inner)
    {
        Kind = kind;
        Path = path;
    }

    public VideoErrorKind Kind { get; }

    /// <summary>The video the error is about.</summary>
    public string Path { get; }

    private static string IdOf(VideoErrorKind kind) => kind switch
    {
        VideoErrorKind.NotFound => ErrorIds.VideoNotFound,
        VideoErrorKind.IsDirectory => ErrorIds.PathIsDirectory,
        VideoErrorKind.Empty => ErrorIds.VideoEmpty,
        VideoErrorKind.NoDecodableFrames => ErrorIds.VideoNoDecodableFrames,
        VideoErrorKind.AccessDenied => ErrorIds.VideoAccessDenied,
        _ => ErrorIds.VideoUnreadable,
    };
}
