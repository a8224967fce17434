using Google.Protobuf;
using Onnx;

namespace VideoDetect.Inference;

/// <summary>
/// Makes a fixed-batch ONNX graph accept any batch, with the rewrite that holds for many exported
/// detectors (OnnxSharp's SetDim fails on all four fixture models): the leading dimension of the real
/// inputs and of the outputs becomes symbolic, stale value_info shapes are dropped, and every Reshape
/// whose constant target shape starts with 1 gets 0 there ("copy from input"), or -1 for a larger
/// leading dimension that folds the batch in. The result is only a
/// candidate: <see cref="BatchVerification"/> verifies it (one batched run against per-frame runs) and keeps
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
            if (tensor is not null) BatchLeadingDim(tensor);
        }
        if (model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max() >= 11)
            BatchResizeSizes(graph);
        return model.ToByteArray();
    }

    private static bool IsBatchOne(ValueInfoProto v) =>
        v.Type?.TensorType?.Shape?.Dim is { Count: > 0 } dims && dims[0].HasDimValue && dims[0].DimValue == 1;

    /// <summary>
    /// A Resize with constant output sizes [1, C, H, W] (NanoDet's upsampling) would force the batch
    /// back to 1: its sizes become Concat(Shape(X)[0:1], [C, H, W]), computed per run. Opset 11+ (Resize
    /// with sizes, Slice with tensor inputs).
    /// </summary>
    private static void BatchResizeSizes(GraphProto graph)
    {
        for (int at = 0; at < graph.Node.Count; at++)
        {
            var resize = graph.Node[at];
            if (resize.OpType != "Resize" || resize.Input.Count < 4 || resize.Input[3].Length == 0) continue;
            var sizes = graph.Initializer.FirstOrDefault(t => t.Name == resize.Input[3]);
            if (sizes is null || Int64Values(sizes) is not { Length: 4 } values || values[0] != 1) continue;
            string p = resize.Name + "_batch_";
            graph.Initializer.Add(Int64s(p + "rest", values.Skip(1).ToArray()));
            graph.Initializer.Add(Int64s(p + "start", 0));
            graph.Initializer.Add(Int64s(p + "end", 1));
            var added = new[]
            {
                Node("Shape", p + "shape", resize.Input[0]),
                Node("Slice", p + "n", p + "shape", p + "start", p + "end"),
                Node("Concat", p + "sizes", p + "n", p + "rest"),
            };
            added[2].Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 0 });
            resize.Input[3] = p + "sizes";
            for (int i = 0; i < added.Length; i++) graph.Node.Insert(at + i, added[i]);
            at += added.Length;
        }
    }

    private static TensorProto Int64s(string name, params long[] values)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.Add(values.Length);
        t.Int64Data.AddRange(values);
        return t;
    }

    private static NodeProto Node(string op, string output, params string[] inputs)
    {
        var node = new NodeProto { OpType = op, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        return node;
    }

    /// <summary>
    /// The target's leading 1 becomes 0 (copy the batch from the input); a leading k &gt; 1 with no -1
    /// elsewhere becomes -1 (batch × k, inferred: the reshapes that fold the batch into the first
    /// dimension, as ShuffleNet's channel split does). Anything else is left alone.
    /// </summary>
    private static void BatchLeadingDim(TensorProto t)
    {
        if (Int64Values(t) is not { Length: > 0 } target) return;
        long first = target[0];
        if (first == 1) target[0] = 0;
        else if (first > 1 && !target.Contains(-1)) target[0] = -1;
        else return;
        if (t.Int64Data.Count > 0) t.Int64Data[0] = target[0];
        else t.RawData = ByteString.CopyFrom(target.SelectMany(BitConverter.GetBytes).ToArray());
    }

    /// <summary>The values of an int64 tensor (from int64_data or raw little-endian data); null for another type.</summary>
    private static long[]? Int64Values(TensorProto t) =>
        t.DataType != (int)TensorProto.Types.DataType.Int64 ? null
        : t.Int64Data.Count > 0 ? t.Int64Data.ToArray()
        : Enumerable.Range(0, t.RawData.Length / 8).Select(i => BitConverter.ToInt64(t.RawData.Span.Slice(i * 8, 8))).ToArray();
}
