using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace VideoDetect.Inference;

/// <summary>
/// A <see cref="Memory{T}"/> over the floats of an ONNX Runtime output tensor, without copying them.
/// Ownership: the OrtValue owns the memory; the Memory is valid only while that OrtValue lives, so it
/// must not escape the scope that disposes the outputs (<see cref="Detector.Run"/>).
/// </summary>
internal sealed unsafe class NativeFloats : MemoryManager<float>
{
    private readonly float* _pointer;
    private readonly int _length;

    private NativeFloats(float* pointer, int length)
    {
        _pointer = pointer;
        _length = length;
    }

    public int Length => _length;

    public static NativeFloats Of(OrtValue value)
    {
        var span = value.GetTensorDataAsSpan<float>();
        return new NativeFloats((float*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(span)), span.Length);
    }

    public override Span<float> GetSpan() => new(_pointer, _length);

    public override MemoryHandle Pin(int elementIndex = 0) => new(_pointer + elementIndex);

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }
}
