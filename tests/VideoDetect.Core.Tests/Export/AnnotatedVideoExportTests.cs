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

    private static AnnotatedVideoExport Export(OutputLocation output, bool force = false) =>
        new(output, new EncoderChoice(VideoCodec.Mjpg, null), new AnnotationOptions { Overwrite = force }, probe: new ProbeOptions { Cache = new VideoIndexCache(null) });

    [Fact]
    public void One_file_per_source_named_after_it_and_a_source_that_comes_back_is_a_conflict()
    {
        using var dir = new TempDir();
        string a = dir.File("a.avi"), b = dir.File("b b.avi");
        SyntheticVideo.Write(a, 6, "MJPG", 25);
        SyntheticVideo.Write(b, 6, "MJPG", 25);
        using var export = Export(AnnotatedVideoExport.Resolve(dir.File("out"), isDirectory: true));
        var written = new List<AnnotatedVideoResult>();
        var errors = new List<VideoDetectException>();
        foreach (var f in new[] { Frame(a, 0), Frame(a, 2), Frame(a, 1), Frame(b, 0), Frame(a, 3) })
        {
            try
            {
                if (export.IsNewSource(f))
                {
                    if (export.Finish() is { } done) written.Add(done);
                    export.Claim(f.Path);
                    export.Open();
                }
                export.Add(f);
            }
            catch (VideoDetectException e) { errors.Add(e); }
        }
        if (export.Finish() is { } last) written.Add(last);
        Assert.Equal(new[] { "a.annotated.mp4", "b b.annotated.mp4" }, written.Select(w => w.File.Name));
        Assert.Equal((0L, 2L, 3L), (written[0].FirstFrame, written[0].LastFrame, written[0].FramesWritten));
        Assert.Equal(new[] { ErrorIds.FrameOutOfOrder, ErrorIds.OutputPathConflict }, errors.Select(e => e.ErrorId));
        Assert.Equal(new[] { "a.annotated.mp4", "b b.annotated.mp4" }, Directory.GetFiles(dir.File("out")).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void A_source_that_cannot_be_probed_is_SourceUnavailable_and_nothing_is_written()
    {
        using var dir = new TempDir();
        using var export = Export(AnnotatedVideoExport.Resolve(dir.File("x.mp4"), isDirectory: false));
        Assert.Equal(dir.File("x.mp4"), export.Claim(dir.File("gone.avi")));
        Assert.Throws<SourceUnavailableException>(() => export.Open());
        Assert.False(export.Add(Frame(dir.File("gone.avi"), 0)));
        Assert.Null(export.Finish());
        Assert.Empty(Directory.GetFiles(dir.Path));
    }
}
