using System.Management.Automation;
using VideoDetect.Export;
using VideoDetect.Results;

namespace VideoDetect.Commands;

/// <summary>
/// Turns errors into error records, the one way every cmdlet does it: the id is the exception's own
/// (<see cref="VideoDetectException.ErrorId"/>, from <see cref="ErrorIds"/>) or the one given, and the
/// category is the id's in Core's <see cref="ErrorTable"/>, converted by name (the names of
/// <see cref="ErrorKind"/> are those of <see cref="ErrorCategory"/>). The exception reaches
/// <c>$_.Exception</c> as it was thrown, so one id always comes as one type.
/// </summary>
internal static class ErrorMapping
{
    /// <summary>The error record for <paramref name="e"/>, about <paramref name="target"/>.</summary>
    public static ErrorRecord Record(VideoDetectException e, object? target) => Record(e, e.ErrorId, target);

    /// <summary>The error record for an exception that is not the module's (an I/O error, a .NET argument check), with its id.</summary>
    public static ErrorRecord Record(Exception e, string errorId, object? target) => new(e, errorId, Category(errorId), target);

    /// <summary>The error for a bad video, with the video's path as target.</summary>
    public static ErrorRecord Record(VideoDetect.Video.VideoException e) => Record(e, e.Path);

    /// <summary>
    /// The error record for a writer's error (Export-FrameDetection, Export-AnnotatedVideo): about the
    /// file or source the exception names, else <paramref name="about"/> (the frame refused, the source).
    /// </summary>
    public static ErrorRecord WriterRecord(VideoDetectException e, object? about) => Record(e, e switch
    {
        OutputPathConflictException c => c.SourcePath,
        OutputExistsException x => x.Target,
        OutputInUseException u => u.Target,
        ResumeMismatchException m => m.Target,
        InvalidOutputPathException p => p.Target,
        ResultWriteFailedException w => w.Target,
        SourceUnavailableException s => s.Path,
        EncoderFailedException f => f.Target ?? about,
        _ => about,
    });

    /// <summary>The category of an id: its <see cref="ErrorKind"/> in <see cref="ErrorTable"/>, by name.</summary>
    public static ErrorCategory Category(string errorId) => Enum.Parse<ErrorCategory>(ErrorTable.KindOf(errorId).ToString());
}
