using VideoDetect.Batching;
using VideoDetect.Errors;

namespace VideoDetect.Inference;

/// <summary>The one compatibility check between a batch and a model.</summary>
public static class BatchFit
{
    /// <summary>
    /// Throws <see cref="BatchDoesNotFitModelException"/> when the batch's tensor cannot feed the model
    /// (another input size or layout). Returns a warning when it fits but was prepared otherwise than
    /// the model expects (letterbox, normalisation, channel order: detections may be wrong), else null.
    /// </summary>
    public static string? Check(DetectionModel model, FrameBatch batch)
    {
        var pre = model.Preprocessing;
        var given = batch.Preprocess;
        string name = System.IO.Path.GetFileName(model.Path);
        if (given.Width != pre.Width || given.Height != pre.Height || given.Layout != pre.Layout)
            throw new BatchDoesNotFitModelException(
                $"The batch was prepared at {given.Width}x{given.Height} {given.Layout}, but {name} takes {pre.Width}x{pre.Height} {pre.Layout}. " +
                "Build the batches with ConvertTo-FrameBatch -Model <the same model> so they get its preprocessing.");
        return given.Equals(pre) ? null
            : $"The batches were prepared with {given}, but {name} expects {pre}: detections may be wrong. Use ConvertTo-FrameBatch -Model.";
    }
}
