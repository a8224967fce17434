// Builds small ONNX detectors whose outputs are known, for the layouts no permissively licensed
// weights exist for here (YOLOv5, YOLOv8/YOLO11). Shared by the xunit tests (compiled in) and the
// Pester tests (Add-Type against the module's OnnxSharp and Google.Protobuf assemblies), so it keeps
// to plain C#.
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

        private static ValueInfoProto Value(string name, long[] shape)
        {
            var tensor = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = new TensorShapeProto() };
            foreach (long d in shape) tensor.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
            return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
        }
    }
}
