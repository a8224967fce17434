using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using VideoDetect.Inference.Families;

namespace VideoDetect.Inference;

/// <summary>
/// Makes a fixed-batch model take any batch (<see cref="BatchRewriter"/>) and proves the rewrite
/// right before the session cache uses it: batched runs must equal per-frame runs.
/// </summary>
internal static class BatchVerification
{
    /// <summary>
    /// For a model with a fixed batch of 1: rewrites the graph for any batch and verifies it — one run
    /// of a batch of 3 must equal three single-frame runs of the original, each value within
    /// <see cref="BatchTolerance"/> × max(1, |expected|). The check always runs on the CPU, where a
    /// batched and a per-frame run use the same kernels, so it tests the rewrite alone: on CUDA, cuDNN
    /// picks another convolution algorithm for each batch shape and ONNX Runtime computes in TF32 by
    /// default, so even an untouched graph differs between batch shapes (figures in bench/README.md). The session for
    /// another provider is then made from the verified graph and must run a batch. Returns the session,
    /// or null and why the model will run frame by frame; the note gives the largest difference seen.
    /// </summary>
    internal static (InferenceSession? Session, string? Note) TryBatched(string path, InferenceSession original, SessionOptions options, ModelSignature signature, ExecutionProvider provider)
    {
        if (signature.InputShape.Count == 0 || signature.InputShape[0] != 1) return (null, null);
        string name = System.IO.Path.GetFileName(path);
        InferenceSession? candidate = null;
        try
        {
            var bytes = BatchRewriter.TryRewrite(path);
            if (bytes is null) return (null, $"{name} has a fixed batch that cannot be rewritten; it runs frame by frame.");
            const int n = 3;
            int frame = signature.InputShape.Skip(1).Aggregate(1, (a, b) => a * b);
            var random = new Random(12345);
            var input = new float[n * frame];
            for (int i = 0; i < input.Length; i++) input[i] = (float)random.NextDouble();
            float worst;
            string? wrong;
            if (provider == ExecutionProvider.Cpu)
            {
                candidate = new InferenceSession(bytes, options);
                (worst, wrong) = BatchDifference(candidate, original, signature, input, n);
            }
            else
            {
                using var cpuOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
                using var cpuOriginal = new InferenceSession(path, cpuOptions);
                using var cpuCandidate = new InferenceSession(bytes, cpuOptions);
                (worst, wrong) = BatchDifference(cpuCandidate, cpuOriginal, signature, input, n);
                if (wrong is null && worst <= BatchTolerance)
                {
                    // Output shapes follow from the graph, already checked on the CPU: here the provider
                    // only has to run the rewritten graph (a failure lands in the catch below).
                    candidate = new InferenceSession(bytes, options);
                    RunBatch(candidate, signature, input, n);
                }
            }
            if (wrong is not null) return Reject(candidate, $"{name}: the rewritten graph's output {wrong} has the wrong size; it runs frame by frame.");
            string seen = worst == 0 ? "0" : worst.ToString("0.0e0", System.Globalization.CultureInfo.InvariantCulture);
            if (!(worst <= BatchTolerance))
                return Reject(candidate, $"{name}: batched output differs from per-frame output after the batch rewrite (by {seen}, relative, on the CPU); it runs frame by frame.");
            return (candidate, $"{name}: made batch-dynamic and verified on the CPU against per-frame runs (largest difference {seen}, relative).");
        }
        catch (Exception e) when (e is OnnxRuntimeException or InvalidProtocolBufferException or InvalidOperationException)
        {
            return Reject(candidate, $"{name}: the batch rewrite does not load or run ({e.Message.Trim()}); it runs frame by frame.");
        }
    }

    /// <summary>How far a batched run may stray from per-frame runs on the CPU (relative, floor 1).</summary>
    internal const float BatchTolerance = 1e-4f;

    /// <summary>
    /// The largest relative difference between <paramref name="batched"/> run once on n frames and
    /// <paramref name="single"/> run on each; or the name of an output whose size is wrong.
    /// </summary>
    private static (float Worst, string? WrongOutput) BatchDifference(InferenceSession batched, InferenceSession single, ModelSignature signature, float[] input, int n)
    {
        int frame = input.Length / n;
        var outputNames = signature.Outputs.Select(o => o.Name).ToArray();
        // The run options live in a local until both runs are over: passed inline, nothing would
        // reference them during the native call, and a GC could finalise them while ONNX Runtime
        // still reads them (a use-after-free seen as random SIGSEGV/SIGFPE in libonnxruntime).
        using var runOptions = new RunOptions();
        float[][] batchedOut;
        using (var value = OrtValue.CreateTensorValueFromMemory(input, BatchShape(signature, n)))
        using (var outputs = batched.Run(runOptions, new[] { signature.InputName }, new[] { value }, outputNames))
            batchedOut = outputs.Select(o => o.GetTensorDataAsSpan<float>().ToArray()).ToArray();
        var singleShape = BatchShape(signature, 1);
        float worst = 0;
        for (int k = 0; k < n; k++)
        {
            using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(k * frame, frame), singleShape);
            using var outputs = single.Run(runOptions, new[] { signature.InputName }, new[] { value }, outputNames);
            for (int o = 0; o < outputs.Count; o++)
            {
                var expected = outputs[o].GetTensorDataAsSpan<float>();
                if (batchedOut[o].Length != n * expected.Length) return (float.NaN, outputNames[o]);
                var actual = batchedOut[o].AsSpan(k * expected.Length, expected.Length);
                for (int i = 0; i < expected.Length; i++)
                    worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]) / Math.Max(1f, Math.Abs(expected[i])));
            }
        }
        return (worst, null);
    }

    /// <summary>Runs the n frames of <paramref name="input"/> through <paramref name="session"/> in one batch.</summary>
    private static void RunBatch(InferenceSession session, ModelSignature signature, float[] input, int n)
    {
        using var runOptions = new RunOptions();
        using var value = OrtValue.CreateTensorValueFromMemory(input, BatchShape(signature, n));
        using var outputs = session.Run(runOptions, new[] { signature.InputName }, new[] { value }, signature.Outputs.Select(o => o.Name).ToArray());
    }

    private static long[] BatchShape(ModelSignature signature, int n)
    {
        var shape = signature.InputShape.Select(d => (long)d).ToArray();
        shape[0] = n;
        return shape;
    }

    private static (InferenceSession?, string) Reject(InferenceSession? candidate, string note)
    {
        candidate?.Dispose();
        return (null, note);
    }
}
