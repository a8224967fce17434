using OpenCvSharp;
using VideoDetect.Errors;
using VideoDetect.Export;
using VideoDetect.Inference;
using VideoDetect.Results;
using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Export;

public class AnnotatedVideoExportTests
{
    private static FrameDetections Frame(string path, long index) => new() { Path = path, FrameIndex = index };

    private static AnnotatedVideoExport Export(bool force = false, Func<SinkOptions, IFrameSink>? sinks = null) =>
        new(new EncoderChoice(VideoCodec.Mjpg, null), new AnnotationOptions { Overwrite = force }, probe: new ProbeOptions { Cache = new VideoIndexCache(null) }, sinkFactory: sinks);

    /// <summary>Collects what the driver reports, as Export-AnnotatedVideo writes it.</summary>
    private sealed class Host(List<AnnotatedVideoResult> written, List<VideoDetectException> errors) : ISinkHost
    {
        public bool Confirm(string sourcePath, string target) => true;
        public void Opened(ISourceOutput output) { }
        public void Added(FrameDetections frame, ISourceOutput output) { }
        public void SourceEnded() { }
        public void Committed(ISourceResult result) => written.Add((AnnotatedVideoResult)result);
        public void Failed(VideoDetectException error, object? about) => errors.Add(error);
    }

    /// <summary>Drives an export as Export-AnnotatedVideo does (<see cref="SourceSinkDriver"/>): every frame, then the end of the input.</summary>
    private static void Drive(AnnotatedVideoExport export, OutputLocation output, IEnumerable<FrameDetections> frames, List<AnnotatedVideoResult> written, List<VideoDetectException> errors, int throttle = 1)
    {
        using var driver = new SourceSinkDriver(export, new OutputClaims(output, force: false), new Host(written, errors), throttle);
        foreach (var f in frames) driver.Push(f);
        driver.Complete();
    }

    [Fact]
    public void One_file_per_source_named_after_it_and_a_source_that_comes_back_is_a_conflict()
    {
        using var dir = new TempDir();
        string a = dir.File("a.avi"), b = dir.File("b b.avi");
        SyntheticVideo.Write(a, 6, "MJPG", 25);
        SyntheticVideo.Write(b, 6, "MJPG", 25);
        var export = Export();
        var written = new List<AnnotatedVideoResult>();
        var errors = new List<VideoDetectException>();
        Drive(export, AnnotatedVideoExport.Resolve(dir.File("out"), isDirectory: true), new[] { Frame(a, 0), Frame(a, 2), Frame(a, 1), Frame(b, 0), Frame(a, 3) }, written, errors);
        Assert.Equal(new[] { "a.annotated.mp4", "b b.annotated.mp4" }, written.Select(w => w.File.Name));
        Assert.Equal((0L, 2L, 3L), (written[0].FirstFrame, written[0].LastFrame, written[0].FramesWritten));
        Assert.Equal(new[] { ErrorIds.FrameOutOfOrder, ErrorIds.OutputPathConflict }, errors.Select(e => e.ErrorId));
        Assert.Equal(new[] { "a.annotated.mp4", "b b.annotated.mp4" }, Directory.GetFiles(dir.File("out")).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void A_source_that_cannot_be_probed_is_SourceUnavailable_and_nothing_is_written()
    {
        using var dir = new TempDir();
        var export = Export();
        var output = AnnotatedVideoExport.Resolve(dir.File("x.mp4"), isDirectory: false);
        string target = export.Claim(new OutputClaims(output, force: false), dir.File("gone.avi"));
        Assert.Equal(dir.File("x.mp4"), target);
        Assert.Throws<SourceUnavailableException>(() => export.Open(new SinkTarget(dir.File("gone.avi"), target, output, 0), Frame(dir.File("gone.avi"), 0)));
        // Through the driver: one SourceUnavailable error, the source's frames go nowhere, nothing is written.
        var written = new List<AnnotatedVideoResult>();
        var errors = new List<VideoDetectException>();
        Drive(export, output, new[] { Frame(dir.File("gone.avi"), 0), Frame(dir.File("gone.avi"), 1) }, written, errors);
        Assert.IsType<SourceUnavailableException>(Assert.Single(errors));
        Assert.Empty(written);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    /// <summary>
    /// A sink that, for the first source, holds its Complete until the second source's sink has
    /// written a frame (or a timeout passes): it tells whether the two encoded at once.
    /// </summary>
    private sealed class GatedSink(IFrameSink inner, bool first, ManualResetEventSlim secondWrote, TimeSpan wait, Action<bool> waited) : IFrameSink
    {
        public void Write(Mat frame)
        {
            inner.Write(frame);
            if (!first) secondWrote.Set();
        }
        public void Complete()
        {
            if (first) waited(secondWrote.Wait(wait));
            inner.Complete();
        }
        public void Dispose() => inner.Dispose();
    }

    [Theory]
    [InlineData(2, true)]
    [InlineData(1, false)]
    public void Up_to_the_limit_sources_encode_at_once_and_are_committed_in_input_order(int throttle, bool together)
    {
        using var dir = new TempDir();
        string a = dir.File("first.avi"), b = dir.File("second.avi");
        SyntheticVideo.Write(a, 8, "MJPG", 25);
        SyntheticVideo.Write(b, 8, "MJPG", 25);
        using var secondWrote = new ManualResetEventSlim();
        bool? overlapped = null;
        // With a limit of 1 the second source opens only after the first is committed: its gate times out.
        var wait = together ? TimeSpan.FromSeconds(30) : TimeSpan.FromSeconds(1);
        var export = Export(sinks: o => new GatedSink(new OpenCvFrameSink(o), o.Path.Contains("first", StringComparison.Ordinal), secondWrote, wait, w => overlapped = w));
        var written = new List<AnnotatedVideoResult>();
        var errors = new List<VideoDetectException>();
        var frames = Enumerable.Range(0, 8).Select(i => Frame(a, i)).Concat(Enumerable.Range(0, 8).Select(i => Frame(b, i)));
        Drive(export, AnnotatedVideoExport.Resolve(dir.File("out"), isDirectory: true), frames, written, errors, throttle);
        Assert.Empty(errors);
        Assert.Equal(together, overlapped);
        Assert.Equal(new[] { "first.annotated.mp4", "second.annotated.mp4" }, written.Select(w => w.File.Name));
        Assert.All(written, w => Assert.Equal(8, w.FramesWritten));
        Assert.Equal(new[] { "first.annotated.mp4", "second.annotated.mp4" }, Directory.GetFiles(dir.File("out")).Select(Path.GetFileName).Order());
    }

    private sealed class FailingCompleteSink(IFrameSink inner) : IFrameSink
    {
        public void Write(Mat frame) => inner.Write(frame);
        public void Complete() => throw new EncoderFailedException("encoder crashed at the end (test)");
        public void Dispose() => inner.Dispose();
    }

    [Fact]
    public void A_source_that_fails_while_the_next_one_encodes_is_reported_in_its_place_and_leaves_nothing()
    {
        using var dir = new TempDir();
        string a = dir.File("first.avi"), b = dir.File("second.avi"), c = dir.File("third.avi");
        foreach (var v in new[] { a, b, c }) SyntheticVideo.Write(v, 6, "MJPG", 25);
        var export = Export(sinks: o => o.Path.Contains("second", StringComparison.Ordinal) ? new FailingCompleteSink(new OpenCvFrameSink(o)) : new OpenCvFrameSink(o));
        var written = new List<AnnotatedVideoResult>();
        var errors = new List<VideoDetectException>();
        Drive(export, AnnotatedVideoExport.Resolve(dir.File("out"), isDirectory: true), new[] { a, b, c }.SelectMany(v => Enumerable.Range(0, 6).Select(i => Frame(v, i))), written, errors, throttle: 3);
        Assert.Equal(new[] { "first.annotated.mp4", "third.annotated.mp4" }, written.Select(w => w.File.Name));
        Assert.Equal(ErrorIds.EncoderFailed, Assert.Single(errors).ErrorId);
        Assert.Equal(new[] { "first.annotated.mp4", "third.annotated.mp4" }, Directory.GetFiles(dir.File("out")).Select(Path.GetFileName).Order());
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp.*", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(4, 2)]
    [InlineData(8, 4)]
    [InlineData(16, 8)]
    [InlineData(64, 8)]
    public void Auto_is_half_the_cores_from_two_to_eight(int cores, int sources) =>
        Assert.Equal(sources, ExportParallelism.Auto(cores));

    [Theory]
    [InlineData(1, 16, 0)]
    [InlineData(2, 2, 1)]
    [InlineData(4, 16, 4)]
    public void Each_source_gets_its_share_of_the_cores_when_several_encode(int sources, int cores, int threads) =>
        Assert.Equal(threads, ExportParallelism.ThreadsPerSource(sources, cores));
}
