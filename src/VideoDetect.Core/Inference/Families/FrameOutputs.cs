using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace VideoDetect.Inference.Families;

/// <summary>
/// One frame's slice of each model output, read in place. Ownership: the values belong to whoever
/// owns the outputs (ONNX Runtime's OrtValues inside <see cref="Detector.Run"/>, or a test's arrays);
/// this is a ref struct and its indexer gives spans, so nothing read through it can outlive the call
/// it was passed to. Float outputs are read with the indexer; integer outputs (class ids, selected
/// indices) with <see cref="Integers"/>. Outputs whose length depends on the frame (N detections)
/// only occur in models that run frame by frame, where the slice is the whole output.
/// </summary>
public readonly ref struct FrameOutputs
{
    private readonly IReadOnlyList<OrtValue>? _values;
    private readonly IReadOnlyList<Array>? _arrays;
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

    /// <summary>One frame's outputs held in managed arrays (float[], or long[]/int[] for integer outputs), in signature order.</summary>
    public FrameOutputs(IReadOnlyList<Array> outputs)
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
            ReadOnlySpan<float> all = _values is not null ? _values[output].GetTensorDataAsSpan<float>() : (float[])_arrays![output];
            return Slice(all);
        }
    }

    /// <summary>
    /// This frame's values of integer output <paramref name="output"/> (int64 or int32, or floats holding
    /// whole numbers), widened to long. A copy: meant for the few rows of a detections output.
    /// </summary>
    public long[] Integers(int output)
    {
        if (_arrays is not null)
        {
            return _arrays[output] switch
            {
                long[] l => Slice<long>(l).ToArray(),
                int[] i => Array.ConvertAll(Slice<int>(i).ToArray(), v => (long)v),
                float[] f => Array.ConvertAll(Slice<float>(f).ToArray(), v => (long)v),
                var other => throw new NotSupportedException($"Output {output} holds {other.GetType().Name}."),
            };
        }
        var value = _values![output];
        var type = value.GetTensorTypeAndShape().ElementDataType;
        return type switch
        {
            TensorElementType.Int64 => Slice(value.GetTensorDataAsSpan<long>()).ToArray(),
            TensorElementType.Int32 => Array.ConvertAll(Slice(value.GetTensorDataAsSpan<int>()).ToArray(), v => (long)v),
            TensorElementType.Float => Array.ConvertAll(Slice(value.GetTensorDataAsSpan<float>()).ToArray(), v => (long)v),
            _ => throw new NotSupportedException($"Output {output} holds {type} values."),
        };
    }

    private ReadOnlySpan<T> Slice<T>(ReadOnlySpan<T> all)
    {
        int length = all.Length / _frames;
        return all.Slice(_frame * length, length);
    }
}
