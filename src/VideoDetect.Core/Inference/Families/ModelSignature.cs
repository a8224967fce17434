namespace VideoDetect.Inference.Families;

/// <summary>
/// What a family sees of a model: its input and output names and shapes, its metadata, and the
/// element type of each output (float, long, int…; null when unknown, as in hand-made signatures).
/// Dimensions that are not fixed (a symbolic N, a dynamic image size) are -1.
/// </summary>
public sealed record ModelSignature(
    string InputName,
    IReadOnlyList<int> InputShape,
    IReadOnlyList<(string Name, IReadOnlyList<int> Shape)> Outputs,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyList<Type>? OutputTypes = null)
{
    /// <summary>True when output <paramref name="output"/> holds integers (class ids, indices); null when the type is unknown.</summary>
    public bool? IsInteger(int output) =>
        OutputTypes is { } types && output < types.Count
            ? types[output] == typeof(long) || types[output] == typeof(int) || types[output] == typeof(short) || types[output] == typeof(byte)
            : null;

    /// <summary>True when the input has no batch dimension: a single image [3, H, W] (Detectron2, torchvision exports).</summary>
    public bool IsSingleImage => InputShape.Count == 3;

    public override string ToString() =>
        $"input {InputName} [{string.Join(",", InputShape)}]; outputs " +
        string.Join("; ", Outputs.Select(o => $"{o.Name} [{string.Join(",", o.Shape)}]"));
}
