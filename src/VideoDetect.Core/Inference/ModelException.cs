using VideoDetect.Errors;

namespace VideoDetect.Inference;

/// <summary>
/// Why a model cannot be loaded or run (<see cref="ErrorIds.ModelNotFound"/>, <see cref="ErrorIds.ModelUnreadable"/>,
/// <see cref="ErrorIds.ModelNotRecognised"/>, <see cref="ErrorIds.ProviderUnavailable"/>, <see cref="ErrorIds.LabelsMismatch"/>,
/// <see cref="ErrorIds.ModelRemoved"/>, <see cref="ErrorIds.ModelRequired"/>, <see cref="ErrorIds.UnknownClass"/>,
/// <see cref="ErrorIds.InferenceFailed"/>); the PowerShell layer makes an error record of it.
/// </summary>
public sealed class ModelException : VideoDetectException
{
    public ModelException(string errorId, string message, Exception? inner = null) : base(errorId, message, inner)
    {
    }
}
