// Builds small ONNX detectors whose outputs are known, for the layouts no permissively licensed
// weights exist for here (YOLOv5, YOLOv8/YOLO11). Shared by the xunit tests (compiled in) and the
// Pester tests (Add-Type against the module's OnnxSharp and Google.Protobuf assemblies), so it keeps
// to plain C#.
#nullable disable
using System.Collections.Generic;
using System.IO;
using Google.Protobuf;
using Onnx;

namespace VideoDetect.Tests
{
    public static class SyntheticModels
    {
        /// <summary>
        /// Writes a model with input "images" [1, 3, size, size] whose one output "output0" (shape
        /// <paramref name="outputShape"/>, batch first) is <paramref name="values"/> for every frame:
        /// output = values + 0 × mean(images), so the graph depends on its input and batches like a real one.
        /// </summary>
        public static void WriteConstantDetector(string path, int size, long[] outputShape, float[] values, IDictionary<string, string> metadata) =>
            Write(path, size, outputShape, values, metadata, batchOne: true, meanShape: new long[] { -1, 1, 1 });

        /// <summary>
        /// A YOLOv8-layout model like <see cref="WriteYoloV8"/> whose input batch is symbolic (so it is run
        /// on whole batches as it is, with no rewrite and no load-time check) but whose inner Reshape
        /// only holds for one frame: any batch of two or more fails inside ONNX Runtime at run time.
        /// </summary>
        public static void WriteYoloV8BatchOfOneOnly(string path, int size, int classes, IDictionary<string, string> metadata)
        {
            int n = Cells(size), channels = 4 + classes;
            var values = new float[channels * n];
            Column(values, n, 7, size / 2f, size / 2f, size / 4f, size / 4f, 0, 0.8f);
            Write(path, size, new long[] { 1, channels, n }, values, metadata, batchOne: false, meanShape: new long[] { 1, 1, 1 });
        }

        /// <summary>
        /// A YOLOv8-layout model with the given candidates, each (cx, cy, w, h, classId, score) in input
        /// pixels, at candidates 0, 1, 2…
        /// </summary>
        public static void WriteYoloV8Boxes(string path, int size, int classes, float[][] boxes, IDictionary<string, string> metadata)
        {
            int n = Cells(size), channels = 4 + classes;
            var values = new float[channels * n];
            for (int i = 0; i < boxes.Length; i++)
            {
                var b = boxes[i];
                Column(values, n, i, b[0], b[1], b[2], b[3], (int)b[4], b[5]);
            }
            WriteConstantDetector(path, size, new long[] { 1, channels, n }, values, metadata);
        }

        private static void Write(string path, int size, long[] outputShape, float[] values, IDictionary<string, string> metadata, bool batchOne, long[] meanShape)
        {
            var graph = new GraphProto { Name = "synthetic" };
            graph.Input.Add(batchOne ? Value("images", new long[] { 1, 3, size, size }) : SymbolicBatch("images", new long[] { 3, size, size }));
            graph.Output.Add(Value("output0", outputShape));

            var constant = new TensorProto { Name = "known", DataType = (int)TensorProto.Types.DataType.Float };
            constant.Dims.AddRange(outputShape);
            constant.FloatData.AddRange(values);
            var zero = new TensorProto { Name = "zero", DataType = (int)TensorProto.Types.DataType.Float };
            zero.FloatData.Add(0f);
            var target = new TensorProto { Name = "rank3", DataType = (int)TensorProto.Types.DataType.Int64 };
            target.Dims.Add(3);
            target.Int64Data.AddRange(meanShape);
            graph.Initializer.Add(constant);
            graph.Initializer.Add(zero);
            graph.Initializer.Add(target);

            var mean = Node("ReduceMean", new[] { "images" }, "mean");
            var axes = new AttributeProto { Name = "axes", Type = AttributeProto.Types.AttributeType.Ints };
            axes.Ints.AddRange(new long[] { 1, 2, 3 });
            mean.Attribute.Add(axes);
            graph.Node.Add(mean);
            graph.Node.Add(Node("Reshape", new[] { "mean", "rank3" }, "mean3"));
            graph.Node.Add(Node("Mul", new[] { "mean3", "zero" }, "nothing"));
            graph.Node.Add(Node("Add", new[] { "nothing", "known" }, "output0"));

            var model = new ModelProto { IrVersion = 7, ProducerName = "VideoDetect tests", Graph = graph };
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
            foreach (var pair in metadata) model.MetadataProps.Add(new StringStringEntryProto { Key = pair.Key, Value = pair.Value });
            File.WriteAllBytes(path, model.ToByteArray());
        }

        /// <summary>
        /// A YOLOv5-layout model ([1, 3 × cells, 5 + classes], cells over strides 8, 16, 32) with one box
        /// centred at (cx, cy), w × h input pixels, objectness 0.9 and class <paramref name="classId"/> 0.8
        /// in row 7, and a weak row (objectness 0.1) elsewhere.
        /// </summary>
        public static void WriteYoloV5(string path, int size, int classes, int classId, float cx, float cy, float w, float h, IDictionary<string, string> metadata)
        {
            int rows = 3 * Cells(size), length = 5 + classes;
            var values = new float[rows * length];
            Row(values, 7 * length, cx, cy, w, h, 0.9f, classId, 0.8f);
            Row(values, 40 * length, 10, 10, 8, 8, 0.1f, 0, 0.9f);
            WriteConstantDetector(path, size, new long[] { 1, rows, length }, values, metadata);
        }

        /// <summary>
        /// A YOLOv8-layout model ([1, 4 + classes, cells], channels first) with one box centred at (cx, cy),
        /// w × h input pixels, class <paramref name="classId"/> 0.8 at candidate 7, and a weak one (0.05).
        /// </summary>
        public static void WriteYoloV8(string path, int size, int classes, int classId, float cx, float cy, float w, float h, IDictionary<string, string> metadata)
        {
            int n = Cells(size), channels = 4 + classes;
            var values = new float[channels * n];
            Column(values, n, 7, cx, cy, w, h, classId, 0.8f);
            Column(values, n, 40, 10, 10, 8, 8, 0, 0.05f);
            WriteConstantDetector(path, size, new long[] { 1, channels, n }, values, metadata);
        }

        /// <summary>
        /// Writes a model with input "image" (shape <paramref name="inputShape"/>: [3, H, W] for a
        /// single-image export, [1, 3, H, W] otherwise) whose outputs are <paramref name="outputs"/> in
        /// order. Rows of the gated outputs (their first dimension, symbolic "N" in the signature) are
        /// kept where max(image) &gt; <paramref name="gates"/>[row] — Compress(values, gates &lt; ReduceMax(image)) —
        /// so a dark frame gives fewer rows than a bright one, down to N = 0; the other outputs are constant.
        /// </summary>
        public static void WriteGatedDetector(string path, long[] inputShape, float[] gates, IList<SyntheticOutput> outputs, IDictionary<string, string> metadata = null)
        {
            var graph = new GraphProto { Name = "synthetic-gated" };
            graph.Input.Add(Value("image", inputShape));
            var gate = new TensorProto { Name = "gates", DataType = (int)TensorProto.Types.DataType.Float };
            gate.Dims.Add(gates.Length);
            gate.FloatData.AddRange(gates);
            graph.Initializer.Add(gate);
            var max = Node("ReduceMax", new[] { "image" }, "brightest");
            max.Attribute.Add(new AttributeProto { Name = "keepdims", Type = AttributeProto.Types.AttributeType.Int, I = 0 });
            graph.Node.Add(max);
            graph.Node.Add(Node("Less", new[] { "gates", "brightest" }, "keep"));
            foreach (var o in outputs)
            {
                var type = o.Int64 ? TensorProto.Types.DataType.Int64 : TensorProto.Types.DataType.Float;
                var values = new TensorProto { Name = o.Name + "_values", DataType = (int)type };
                values.Dims.AddRange(o.Shape);
                foreach (float v in o.Values)
                {
                    if (o.Int64) values.Int64Data.Add((long)v); else values.FloatData.Add(v);
                }
                graph.Initializer.Add(values);
                if (o.Gated)
                {
                    var compress = Node("Compress", new[] { values.Name, "keep" }, o.Name);
                    compress.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 0 });
                    graph.Node.Add(compress);
                }
                else graph.Node.Add(Node("Identity", new[] { values.Name }, o.Name));
                var output = Value(o.Name, o.Shape, type);
                if (o.Gated) output.Type.TensorType.Shape.Dim[0] = new TensorShapeProto.Types.Dimension { DimParam = "N" };
                graph.Output.Add(output);
            }
            var model = new ModelProto { IrVersion = 7, ProducerName = "VideoDetect tests", Graph = graph };
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
            if (metadata != null)
                foreach (var pair in metadata) model.MetadataProps.Add(new StringStringEntryProto { Key = pair.Key, Value = pair.Value });
            File.WriteAllBytes(path, model.ToByteArray());
        }

        /// <summary>
        /// A Detectron2 Mask R-CNN tracing export: input [3, height, width]; outputs (sorted field names,
        /// then the image size) boxes [N, 4], classes [N] int64, masks [N, 1, 28, 28], scores [N], size [2].
        /// Rows, kept when max(image) &gt; <paramref name="gate"/>: (10, 5)–(30, 25) class 0 score 0.9 with
        /// a full mask; (12, 6)–(30, 25) class 0 score 0.6 (IoU 0.9 with the first: only a model-side NMS
        /// keeps both) with a mask over its left half (columns 0..13); (40, 30)–(60, 45) class 2 score 0.2.
        /// </summary>
        public static void WriteDetectron2MaskRcnn(string path, int width, int height, float gate)
        {
            var full = new float[28 * 28];
            var left = new float[28 * 28];
            for (int i = 0; i < full.Length; i++) { full[i] = 1; left[i] = i % 28 < 14 ? 1 : 0; }
            var masks = new float[3 * full.Length];
            full.CopyTo(masks, 0);
            left.CopyTo(masks, full.Length);
            full.CopyTo(masks, 2 * full.Length);
            WriteGatedDetector(path, new long[] { 3, height, width }, new[] { gate, gate, gate }, new[]
            {
                new SyntheticOutput("boxes", new long[] { 3, 4 }, new float[] { 10, 5, 30, 25, 12, 6, 30, 25, 40, 30, 60, 45 }),
                new SyntheticOutput("classes", new long[] { 3 }, new float[] { 0, 0, 2 }, int64: true),
                new SyntheticOutput("masks", new long[] { 3, 1, 28, 28 }, masks),
                new SyntheticOutput("scores", new long[] { 3 }, new float[] { 0.9f, 0.6f, 0.2f }),
                new SyntheticOutput("image_size", new long[] { 2 }, new float[] { height, width }, gated: false, int64: true),
            }, null);
        }

        /// <summary>
        /// A torchvision maskrcnn export: input [3, height, width]; outputs boxes [N, 4], labels [N] int64
        /// (COCO category ids), scores [N], masks [N, 1, height, width] over the whole input. Rows, kept
        /// when max(image) &gt; <paramref name="gate"/>: label 1 (person) (10, 5)–(30, 25) score 0.9, label 3
        /// (car) (40, 30)–(60, 45) score 0.8, label 90 (toothbrush) (0, 0)–(8, 8) score 0.7; each mask is 1
        /// on the box's pixels.
        /// </summary>
        public static void WriteTorchvisionMaskRcnn(string path, int width, int height, float gate)
        {
            var boxes = new float[] { 10, 5, 30, 25, 40, 30, 60, 45, 0, 0, 8, 8 };
            var masks = new float[3 * width * height];
            for (int r = 0; r < 3; r++)
                for (int y = (int)boxes[r * 4 + 1]; y < (int)boxes[r * 4 + 3]; y++)
                    for (int x = (int)boxes[r * 4]; x < (int)boxes[r * 4 + 2]; x++)
                        masks[r * width * height + y * width + x] = 1;
            WriteGatedDetector(path, new long[] { 3, height, width }, new[] { gate, gate, gate }, new[]
            {
                new SyntheticOutput("boxes", new long[] { 3, 4 }, boxes),
                new SyntheticOutput("labels", new long[] { 3 }, new float[] { 1, 3, 90 }, int64: true),
                new SyntheticOutput("scores", new long[] { 3 }, new float[] { 0.9f, 0.8f, 0.7f }),
                new SyntheticOutput("masks", new long[] { 3, 1, height, width }, masks),
            }, null);
        }

        /// <summary>
        /// A graph ending in NonMaxSuppression: input [1, 3, size, size]; outputs selected [K, 3] int64
        /// (kept when max(image) &gt; <paramref name="gate"/>), boxes [1, 5, 4] and scores [1, 3, 5]. Selected:
        /// (0, 1, 2) — box 2 = (22, 27)–(42, 37), class 1 score 0.85 — and (0, 0, 4), whose score is 0.1.
        /// </summary>
        public static void WriteNmsGraph(string path, int size, float gate)
        {
            var boxes = new float[20];
            float[] box = { 22, 27, 42, 37 };
            for (int i = 0; i < 5; i++) for (int k = 0; k < 4; k++) boxes[i * 4 + k] = box[k] + i - 2;
            var scores = new float[15];
            scores[1 * 5 + 2] = 0.85f;
            scores[0 * 5 + 4] = 0.1f;
            WriteGatedDetector(path, new long[] { 1, 3, size, size }, new[] { gate, gate }, new[]
            {
                new SyntheticOutput("selected_indices", new long[] { 2, 3 }, new float[] { 0, 1, 2, 0, 0, 4 }, int64: true),
                new SyntheticOutput("boxes", new long[] { 1, 5, 4 }, boxes, gated: false),
                new SyntheticOutput("scores", new long[] { 1, 3, 5 }, scores, gated: false),
            }, null);
        }

        /// <summary>
        /// A YOLOv10 / Ultralytics nms=True export: [1, 300, 6] rows x1, y1, x2, y2, score, class; row 0 is
        /// (22, 27)–(42, 37) class 1 score 0.9, row 1 (23, 27)–(42, 37) class 1 score 0.8 (IoU 0.95: both
        /// stay, the model did the NMS), row 2 class 0 score 0.1; the rest are zero.
        /// </summary>
        public static void WriteYoloV10(string path, int size, IDictionary<string, string> metadata)
        {
            var values = new float[300 * 6];
            float[] rows = { 22, 27, 42, 37, 0.9f, 1, 23, 27, 42, 37, 0.8f, 1, 2, 2, 10, 10, 0.1f, 0 };
            rows.CopyTo(values, 0);
            WriteConstantDetector(path, size, new long[] { 1, 300, 6 }, values, metadata);
        }

        /// <summary>
        /// An Ultralytics RT-DETR export: [1, 300, 4 + classes], rows cx, cy, w, h normalised, then class
        /// scores; query 5 is (0.5, 0.5, 0.25, 0.125) with class 2 at 0.75, query 9 has 0.05 everywhere.
        /// </summary>
        public static void WriteRtDetr(string path, int size, int classes, IDictionary<string, string> metadata)
        {
            int length = 4 + classes;
            var values = new float[300 * length];
            values[5 * length] = 0.5f; values[5 * length + 1] = 0.5f; values[5 * length + 2] = 0.25f; values[5 * length + 3] = 0.125f;
            values[5 * length + 4 + 2] = 0.75f;
            for (int c = 0; c < classes; c++) values[9 * length + 4 + c] = 0.05f;
            WriteConstantDetector(path, size, new long[] { 1, 300, length }, values, metadata);
        }

        /// <summary>
        /// A stand-in ReID network: input "crops" [batch, 3, <paramref name="height"/>, <paramref name="width"/>]
        /// (a symbolic batch), output "embedding" [batch, 3] = each crop's mean per channel
        /// (GlobalAveragePool, Flatten), so a test can predict it from the crop's colour.
        /// </summary>
        public static void WriteMeanColourReid(string path, int height, int width)
        {
            var graph = new GraphProto { Name = "synthetic-reid" };
            graph.Input.Add(SymbolicBatch("crops", new long[] { 3, height, width }));
            var output = Value("embedding", new long[] { 3 });
            output.Type.TensorType.Shape.Dim.Insert(0, new TensorShapeProto.Types.Dimension { DimParam = "batch" });
            graph.Output.Add(output);
            graph.Node.Add(Node("GlobalAveragePool", new[] { "crops" }, "pooled"));
            var flatten = Node("Flatten", new[] { "pooled" }, "embedding");
            flatten.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
            graph.Node.Add(flatten);
            var model = new ModelProto { IrVersion = 7, ProducerName = "VideoDetect tests", Graph = graph };
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
            File.WriteAllBytes(path, model.ToByteArray());
        }

        private static int Cells(int size) => (size / 8) * (size / 8) + (size / 16) * (size / 16) + (size / 32) * (size / 32);

        private static void Row(float[] v, int at, float cx, float cy, float w, float h, float obj, int classId, float score)
        {
            v[at] = cx; v[at + 1] = cy; v[at + 2] = w; v[at + 3] = h; v[at + 4] = obj; v[at + 5 + classId] = score;
        }

        private static void Column(float[] v, int n, int i, float cx, float cy, float w, float h, int classId, float score)
        {
            v[i] = cx; v[n + i] = cy; v[2 * n + i] = w; v[3 * n + i] = h; v[(4 + classId) * n + i] = score;
        }

        private static NodeProto Node(string op, string[] inputs, string output)
        {
            var node = new NodeProto { OpType = op, Name = op + "_" + output };
            node.Input.AddRange(inputs);
            node.Output.Add(output);
            return node;
        }

        private static ValueInfoProto SymbolicBatch(string name, long[] rest)
        {
            var v = Value(name, rest);
            v.Type.TensorType.Shape.Dim.Insert(0, new TensorShapeProto.Types.Dimension { DimParam = "batch" });
            return v;
        }

        private static ValueInfoProto Value(string name, long[] shape, TensorProto.Types.DataType type = TensorProto.Types.DataType.Float)
        {
            var tensor = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = new TensorShapeProto() };
            foreach (long d in shape) tensor.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
            return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
        }
    }

    /// <summary>One output of <see cref="SyntheticModels.WriteGatedDetector"/>: its values (row-major, int64 outputs as whole floats).</summary>
    public sealed class SyntheticOutput
    {
        public SyntheticOutput(string name, long[] shape, float[] values, bool gated = true, bool int64 = false)
        {
            Name = name; Shape = shape; Values = values; Gated = gated; Int64 = int64;
        }

        public string Name { get; }
        public long[] Shape { get; }
        public float[] Values { get; }
        public bool Gated { get; }
        public bool Int64 { get; }
    }
}
