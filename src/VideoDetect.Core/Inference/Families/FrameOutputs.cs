using Microsoft.ML.OnnxRuntime;

namespace VideoDetect.Inference.Families;

/// <summary>
/// One frame's slice of each model output, read in place. Ownership: the floats belong to whoever
/// owns the outputs (ONNX Runtime's OrtValues inside <see cref="Detector.Run"/>, or a test's arrays);
/// this is a ref struct and its indexer gives spans, so nothing read through it can outlive the call
/// it was passed to.
/// </summary>
public readonly ref struct FrameOutputs
{
    private readonly IReadOnlyList<OrtValue>? _values;
    private readonly IReadOnlyList<float[]>? _arrays;
    private readonly int _frame;
    private readonly int _frames;

    /// <summary>Frame <paramref name="frame"/> of <paramref name="frames"/> in ONNX Runtime's outputs.</summary>
    internal FrameOutputs(IReadOnlyList<OrtValue> values, int frame, int frames)
    {
        _values = values;
        _arrays = null;
        _frame = frame;
        _frames = frames;
    }

    /// <summary>One frame's outputs held in managed arrays, one per model output in signature order.</summary>
    public FrameOutputs(IReadOnlyList<float[]> outputs)
    {
        _values = null;
        _arrays = outputs;
        _frame = 0;
        _frames = 1;
    }

    /// <summary>How many outputs.</summary>
    public int Count => _values?.Count ?? _arrays!.Count;

    /// <summary>This frame's floats of output <paramref name="output"/>.</summary>
    public ReadOnlySpan<float> this[int output]
    {
        get
        {
            ReadOnlySpan<float> all = _values is not null ? _values[output].GetTensorDataAsSpan<float>() : _arrays![output];
            int length = all.Length / _frames;
            return all.Slice(_frame * length, length);
        }
    }
}
