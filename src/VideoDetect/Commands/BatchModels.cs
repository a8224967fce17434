using System.Management.Automation;
using System.Runtime.CompilerServices;
using VideoDetect.Batching;
using VideoDetect.Inference;

namespace VideoDetect.Commands;

/// <summary>
/// Pairs a batch with the model its preprocessing came from, so <c>ConvertTo-FrameBatch -Model m |
/// Invoke-FrameDetection</c> needs no second -Model. Core keeps them apart (Batching does not know
/// Inference); the pairing lives here, weakly: it goes when the batch goes.
/// </summary>
internal static class BatchModels
{
    private static readonly ConditionalWeakTable<FrameBatch, DetectionModel> Models = new();

    /// <summary>The batch as it is emitted: paired with <paramref name="model"/>, shown as its Model property.</summary>
    public static PSObject Pair(FrameBatch batch, DetectionModel? model)
    {
        var pso = PSObject.AsPSObject(batch);
        if (model is not null) Models.AddOrUpdate(batch, model);
        pso.Properties.Add(new PSNoteProperty("Model", model));
        return pso;
    }

    /// <summary>The model the batch was prepared for, or null.</summary>
    public static DetectionModel? ModelOf(FrameBatch batch) => Models.TryGetValue(batch, out var model) ? model : null;
}
