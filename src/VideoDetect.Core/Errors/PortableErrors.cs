namespace VideoDetect.Errors;

/// <summary>
/// An object that cannot cross a process boundary came back from one (a FrameBatch, whose tensor
/// stays in the process that decoded it; a loaded DetectionModel, whose session is native): the
/// message says what to send instead. Ids <see cref="ErrorIds.BatchCannotCrossProcess"/> and
/// <see cref="ErrorIds.ModelCannotCrossProcess"/>.
/// </summary>
public sealed class CannotCrossProcessException(string errorId, string typeName, string message)
    : VideoDetectException(errorId, message)
{
    /// <summary>The full name of the type that cannot cross.</summary>
    public string TypeName { get; } = typeName;
}

/// <summary>
/// A property bag (from CliXml, a job, remoting or JSON) that cannot be read back as the type a
/// parameter takes: a property is missing or holds something else. <see cref="ErrorIds.InputObjectNotRebuilt"/>.
/// </summary>
public sealed class InputObjectNotRebuiltException(string message) : VideoDetectException(ErrorIds.InputObjectNotRebuilt, message);
