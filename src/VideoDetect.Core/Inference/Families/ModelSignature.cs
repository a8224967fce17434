namespace VideoDetect.Inference.Families;

/// <summary>What a family sees of a model: its input and output names and shapes, and its metadata.</summary>
public sealed record ModelSignature(
    string InputName,
    IReadOnlyList<int> InputShape,
    IReadOnlyList<(string Name, IReadOnlyList<int> Shape)> Outputs,
    IReadOnlyDictionary<string, string> Metadata)
{
    public override string ToString() =>
        $"input {InputName} [{string.Join(",", InputShape)}]; outputs " +
        string.Join("; ", Outputs.Select(o => $"{o.Name} [{string.Join(",", o.Shape)}]"));
}
