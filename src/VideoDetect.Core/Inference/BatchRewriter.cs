using Google.Protobuf;
using Onnx;

namespace VideoDetect.Inference;

/// <summary>
/// Makes a fixed-batch ONNX graph accept any batch, with the rewrite that holds for many exported
/// detectors (OnnxSharp's SetDim fails on all four fixture models): the leading dimension of the real
/// inputs and of the outputs becomes symbolic, stale value_info shapes are dropped, and every Reshape
/// whose constant target shape starts with 1 gets 0 there ("copy from input"). The result is only a
/// candidate: <see cref="ModelCache"/> verifies it (one batched run against per-frame runs) and keeps
/// frame-by-frame runs when it fails.
/// </summary>
internal static class BatchRewriter
{
    public const string BatchDim = "batch";

    /// <summary>The rewritten model, or null when the graph has no fixed batch of 1 to rewrite.</summary>
    public static byte[]? TryRewrite(string path)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        var graph = model.Graph;
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var realInputs = graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
        if (realInputs.Count == 0 || !realInputs.All(IsBatchOne)) return null;

        foreach (var v in realInputs.Concat(graph.Output))
        {
            var dims = v.Type?.TensorType?.Shape?.Dim;
            if (dims is { Count: > 0 }) dims[0] = new TensorShapeProto.Types.Dimension { DimParam = BatchDim };
        }
        graph.ValueInfo.Clear();

        var consumers = graph.Node.SelectMany(n => n.Input.Select(i => (Input: i, Node: n))).ToLookup(x => x.Input, x => x.Node, StringComparer.Ordinal);
        foreach (var reshape in graph.Node.Where(n => n.OpType == "Reshape" && n.Input.Count > 1))
        {
            string shapeName = reshape.Input[1];
            if (!consumers[shapeName].All(n => n.OpType == "Reshape")) continue; // shared with other ops: leave it
            var tensor = graph.Initializer.FirstOrDefault(t => t.Name == shapeName)
                ?? graph.Node.Where(n => n.OpType == "Constant" && n.Output.Contains(shapeName))
                    .SelectMany(n => n.Attribute).FirstOrDefault(a => a.Name == "value")?.T;
            if (tensor is not null) ZeroLeadingOne(tensor);
        }
        return model.ToByteArray();
    }

    private static bool IsBatchOne(ValueInfoProto v) =>
        v.Type?.TensorType?.Shape?.Dim is { Count: > 0 } dims && dims[0].HasDimValue && dims[0].DimValue == 1;

    private static void ZeroLeadingOne(TensorProto t)
    {
        if (t.DataType != (int)TensorProto.Types.DataType.Int64) return;
        if (t.Int64Data.Count > 0)
        {
            if (t.Int64Data[0] == 1) t.Int64Data[0] = 0;
            return;
        }
        if (t.RawData.Length >= 8)
        {
            var raw = t.RawData.ToByteArray();
            if (BitConverter.ToInt64(raw, 0) != 1) return;
            BitConverter.GetBytes(0L).CopyTo(raw, 0);
            t.RawData = ByteString.CopyFrom(raw);
        }
    }
}
