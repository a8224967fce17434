using VideoDetect.Errors;
using VideoDetect.Inference;
using VideoDetect.Results;
using Xunit;

namespace VideoDetect.Tests.Results;

/// <summary>
/// The per-source lifecycle of <see cref="SourceSinkDriver"/>, shown with a sink written here in a
/// few lines (as a new sink kind would be): one text file per source, frame indices one a line,
/// written beside the target and renamed on commit.
/// </summary>
public class SourceSinkDriverTests
{
    /// <summary>A new sink kind in one class: the log says what the driver asked of it, in order.</summary>
    private sealed class LineSink(List<string> log, Func<FrameDetections, bool>? failOn = null, bool failCommit = false, Func<string, Exception?>? openThrows = null) : ISourceSink
    {
        private List<string> Log { get; } = log;
        private Func<string, Exception?>? OpenThrows { get; } = openThrows;
        private Func<FrameDetections, bool>? FailOn { get; } = failOn;
        private bool FailCommit { get; } = failCommit;
        public string OutputKind => "Line";

        public string Claim(OutputClaims claims, string sourcePath) => claims.Claim(sourcePath, ".lines.txt");

        public ISourceOutput Open(SinkTarget target, FrameDetections first)
        {
            if (Path.GetFileName(target.SourcePath) == "gone.avi") throw new SourceUnavailableException(target.SourcePath, "gone (test)");
            if (OpenThrows?.Invoke(target.SourcePath) is { } raw) throw raw;
            target.Location.EnsureDirectory();
            Log.Add($"open {Name(target.SourcePath)} alongside {target.Alongside}");
            return new Output(this, target);
        }

        private sealed class Output(LineSink sink, SinkTarget target) : ISourceOutput
        {
            private readonly string _temp = target.Path + ".tmp";
            private long _last = -1;
            private bool _committed;

            public string SourcePath => target.SourcePath;
            public bool Completed => false; // as an encoder still busy: committed when due, never early

            public bool Add(FrameDetections frame)
            {
                if (frame.FrameIndex <= _last) throw new FrameOutOfOrderException(frame.Path, frame.FrameIndex, "out of order (test)");
                if (sink.FailOn?.Invoke(frame) == true) throw new ResultWriteFailedException(_temp, "disk full (test)");
                File.AppendAllText(_temp, frame.FrameIndex + "\n");
                _last = frame.FrameIndex;
                sink.Log.Add($"add {Name(frame.Path)} {frame.FrameIndex}");
                return true;
            }

            public bool Seal()
            {
                sink.Log.Add($"seal {Name(SourcePath)}");
                return _last >= 0;
            }

            public ISourceResult Commit()
            {
                if (sink.FailCommit) throw new ResultWriteFailedException(target.Path, "commit failed (test)");
                File.Move(_temp, target.Path);
                _committed = true;
                sink.Log.Add($"commit {Name(SourcePath)}");
                return new Result(SourcePath, new FileInfo(target.Path));
            }

            public void Dispose()
            {
                if (_committed) return;
                File.Delete(_temp); // abandoned: nothing is left
                sink.Log.Add($"abandon {Name(SourcePath)}");
            }
        }
    }

    private sealed record Result(string SourcePath, FileInfo? File) : ISourceResult;

    private sealed class Host(List<string> log, Func<string, bool>? confirm = null) : ISinkHost
    {
        public List<ISourceResult> Results { get; } = new();
        public List<(string Id, object? About, VideoDetectException Error)> Errors { get; } = new();
        public List<string> Removed { get; } = new();
        void ISinkHost.Removed(string orphanPath) => Removed.Add(orphanPath);
        public bool Confirm(string sourcePath, string target) => confirm?.Invoke(sourcePath) ?? true;
        public void Opened(ISourceOutput output) { }
        public void Added(FrameDetections frame, ISourceOutput output) { }
        public void SourceEnded() => log.Add("ended");
        public void Committed(ISourceResult result) => Results.Add(result);
        public void Failed(VideoDetectException error, object? about)
        {
            Errors.Add((error.ErrorId, about, error));
            log.Add($"error {error.ErrorId}");
        }
    }

    private static string Name(string path) => Path.GetFileNameWithoutExtension(path);

    private static FrameDetections Frame(string path, long index) => new() { Path = path, FrameIndex = index };

    private static IEnumerable<FrameDetections> Frames(string path, params long[] indices) => indices.Select(i => Frame(path, i));

    private static void Run(SourceSinkDriver driver, IEnumerable<FrameDetections> frames)
    {
        foreach (var f in frames) driver.Push(f);
        driver.Complete();
    }

    [Fact]
    public void Each_new_Path_opens_a_source_whose_frames_are_added_then_sealed_and_committed()
    {
        using var dir = new TempDir();
        var log = new List<string>();
        var host = new Host(log);
        using (var driver = new SourceSinkDriver(new LineSink(log), new OutputClaims(OutputLocation.ForDirectory(dir.File("out")), false), host))
            Run(driver, Frames("/v/a.avi", 0, 1).Concat(Frames("/v/b.avi", 0, 2)));
        Assert.Equal(new[]
        {
            "open a alongside 0", "add a 0", "add a 1",
            "seal a", "ended", "commit a", "open b alongside 0", "add b 0", "add b 2",
            "seal b", "ended", "commit b",
        }, log);
        Assert.Equal(new[] { "/v/a.avi", "/v/b.avi" }, host.Results.Select(r => r.SourcePath));
        Assert.Equal("0\n1\n", File.ReadAllText(dir.File("out/a.lines.txt")));
        Assert.Equal("0\n2\n", File.ReadAllText(dir.File("out/b.lines.txt")));
        Assert.Empty(host.Errors);
    }

    [Fact]
    public void A_failed_output_is_abandoned_and_leaves_nothing_and_the_next_source_goes_on()
    {
        using var dir = new TempDir();
        var log = new List<string>();
        var host = new Host(log);
        var sink = new LineSink(log, failOn: f => f.Path.EndsWith("a.avi", StringComparison.Ordinal) && f.FrameIndex == 2);
        using (var driver = new SourceSinkDriver(sink, new OutputClaims(OutputLocation.ForDirectory(dir.File("out")), false), host))
            Run(driver, Frames("/v/a.avi", 0, 1, 2, 3).Concat(Frames("/v/b.avi", 0)));
        Assert.Equal(new[]
        {
            "open a alongside 0", "add a 0", "add a 1", "abandon a", "ended", "error OutputWriteFailed",
            "open b alongside 0", "add b 0", "seal b", "ended", "commit b",
        }, log);
        Assert.Equal(new[] { "b.lines.txt" }, Directory.GetFiles(dir.File("out")).Select(Path.GetFileName));
        Assert.Equal("/v/a.avi", Assert.Single(host.Errors).About);
    }

    [Fact]
    public void A_frame_out_of_order_is_reported_about_the_frame_and_the_source_goes_on()
    {
        using var dir = new TempDir();
        var log = new List<string>();
        var host = new Host(log);
        using (var driver = new SourceSinkDriver(new LineSink(log), new OutputClaims(OutputLocation.ForDirectory(dir.File("out")), false), host))
            Run(driver, Frames("/v/a.avi", 0, 2, 1, 3));
        var error = Assert.Single(host.Errors);
        Assert.Equal(ErrorIds.FrameOutOfOrder, error.Id);
        Assert.Equal(1L, Assert.IsType<FrameDetections>(error.About).FrameIndex);
        Assert.Equal("0\n2\n3\n", File.ReadAllText(dir.File("out/a.lines.txt")));
    }

    [Fact]
    public void A_source_that_is_not_confirmed_cannot_be_opened_or_comes_back_leaves_nothing_and_is_reported_once()
    {
        using var dir = new TempDir();
        var log = new List<string>();
        var host = new Host(log, confirm: source => !source.EndsWith("skip.avi", StringComparison.Ordinal));
        using (var driver = new SourceSinkDriver(new LineSink(log), new OutputClaims(OutputLocation.ForDirectory(dir.File("out")), false), host))
            Run(driver, Frames("/v/skip.avi", 0, 1).Concat(Frames("/v/gone.avi", 0, 1)).Concat(Frames("/v/a.avi", 0)).Concat(Frames("/v/skip.avi", 2)).Concat(Frames("/v/a.avi", 1)));
        Assert.Equal(new[] { ErrorIds.SourceUnavailable, ErrorIds.OutputPathConflict, ErrorIds.OutputPathConflict }, host.Errors.Select(e => e.Id));
        Assert.Equal(new[] { "/v/gone.avi", "/v/skip.avi", "/v/a.avi" }, host.Errors.Select(e => e.About));
        Assert.Equal(new[] { "a.lines.txt" }, Directory.GetFiles(dir.File("out")).Select(Path.GetFileName));
        Assert.Equal("0\n", File.ReadAllText(dir.File("out/a.lines.txt")));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Sealed_sources_complete_while_later_ones_arrive_up_to_the_limit_and_commit_in_input_order(int limit)
    {
        using var dir = new TempDir();
        var log = new List<string>();
        var host = new Host(log);
        using (var driver = new SourceSinkDriver(new LineSink(log), new OutputClaims(OutputLocation.ForDirectory(dir.File("out")), false), host, limit))
            Run(driver, Frames("/v/a.avi", 0).Concat(Frames("/v/b.avi", 0)).Concat(Frames("/v/c.avi", 0)));
        string[] expected = limit == 1
            ? new[] { "open a alongside 0", "add a 0", "seal a", "ended", "commit a", "open b alongside 0", "add b 0", "seal b", "ended", "commit b", "open c alongside 0", "add c 0", "seal c", "ended", "commit c" }
            // b opens while a is still sealed (completing); c needs room, so a commits first; b and c at the end.
            : new[] { "open a alongside 0", "add a 0", "seal a", "ended", "open b alongside 1", "add b 0", "seal b", "ended", "commit a", "open c alongside 1", "add c 0", "seal c", "ended", "commit b", "commit c" };
        Assert.Equal(expected, log);
        Assert.Equal(new[] { "/v/a.avi", "/v/b.avi", "/v/c.avi" }, host.Results.Select(r => r.SourcePath));
    }

    [Fact]
    public void A_commit_that_fails_and_a_driver_disposed_mid_source_leave_nothing()
    {
        using var dir = new TempDir();
        var log = new List<string>();
        var host = new Host(log);
        using (var driver = new SourceSinkDriver(new LineSink(log, failCommit: true), new OutputClaims(OutputLocation.ForDirectory(dir.File("out")), false), host))
            Run(driver, Frames("/v/a.avi", 0, 1));
        Assert.Equal(new[] { "open a alongside 0", "add a 0", "add a 1", "seal a", "ended", "error OutputWriteFailed", "abandon a" }, log);
        Assert.Empty(host.Results);
        log.Clear();
        using (var driver = new SourceSinkDriver(new LineSink(log), new OutputClaims(OutputLocation.ForDirectory(dir.File("out")), false), host, 2))
        {
            foreach (var f in Frames("/v/a.avi", 0).Concat(Frames("/v/b.avi", 0))) driver.Push(f); // stopped before the end of the input
        }
        Assert.Equal(new[] { "open a alongside 0", "add a 0", "seal a", "ended", "open b alongside 1", "add b 0", "abandon b", "abandon a" }, log);
        Assert.Empty(Directory.GetFiles(dir.File("out")));
    }

    [Fact]
    public void An_io_error_a_sink_lets_through_is_OutputWriteFailed_about_its_target_and_the_next_source_goes_on()
    {
        using var dir = new TempDir();
        var log = new List<string>();
        var host = new Host(log);
        var sink = new LineSink(log, openThrows: source => Name(source) switch
        {
            "a" => new UnauthorizedAccessException("denied (test)"),
            "b" => new FileNotFoundException("no such file (test)"),
            _ => null,
        });
        using (var driver = new SourceSinkDriver(sink, new OutputClaims(OutputLocation.ForDirectory(dir.File("out")), false), host))
            Run(driver, Frames("/v/a.avi", 0, 1).Concat(Frames("/v/b.avi", 0)).Concat(Frames("/v/c.avi", 0)));
        Assert.Equal(new[] { "error OutputWriteFailed", "error OutputWriteFailed", "open c alongside 0", "add c 0", "seal c", "ended", "commit c" }, log);
        Assert.Equal(new object?[] { "/v/a.avi", "/v/b.avi" }, host.Errors.Select(e => e.About));
        Assert.Equal(new[] { dir.File("out/a.lines.txt"), dir.File("out/b.lines.txt") }, host.Errors.Select(e => Assert.IsType<ResultWriteFailedException>(e.Error).Target));
        Assert.Equal(new[] { "/v/c.avi" }, host.Results.Select(r => r.SourcePath));
    }

    [Fact]
    public void A_bug_in_a_sink_is_not_taken_for_an_output_error_and_propagates()
    {
        using var dir = new TempDir();
        var log = new List<string>();
        var sink = new LineSink(log, openThrows: _ => new InvalidOperationException("a bug (test)"));
        using var driver = new SourceSinkDriver(sink, new OutputClaims(OutputLocation.ForDirectory(dir.File("out")), false), new Host(log));
        Assert.Throws<InvalidOperationException>(() => driver.Push(Frame("/v/a.avi", 0)));
    }

    [Fact]
    public void A_target_that_cannot_be_created_is_OutputWriteFailed_before_the_sink_opens_anything()
    {
        using var dir = new TempDir();
        var log = new List<string>();
        var host = new Host(log);
        Directory.CreateDirectory(dir.File("out/a.lines.txt")); // a folder in a's file's place
        using (var driver = new SourceSinkDriver(new LineSink(log), new OutputClaims(OutputLocation.ForDirectory(dir.File("out")), false), host))
            Run(driver, Frames("/v/a.avi", 0).Concat(Frames("/v/b.avi", 0)));
        Assert.Equal(new[] { "error OutputWriteFailed", "open b alongside 0", "add b 0", "seal b", "ended", "commit b" }, log);
        Assert.Equal(dir.File("out/a.lines.txt"), Assert.IsType<ResultWriteFailedException>(Assert.Single(host.Errors).Error).Target);
        // The check leaves nothing beside the targets (its probe file is gone).
        Assert.Equal(new[] { "a.lines.txt", "b.lines.txt" }, Directory.GetFileSystemEntries(dir.File("out")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_folder_no_file_can_be_created_in_is_OutputWriteFailed_for_each_source_and_nothing_is_opened()
    {
        if (!Directory.Exists("/proc/self")) return; // /proc: not writable even by root (CI runs as root)
        var log = new List<string>();
        var host = new Host(log);
        using (var driver = new SourceSinkDriver(new LineSink(log), new OutputClaims(OutputLocation.ForDirectory("/proc/self"), false), host))
            Run(driver, Frames("/v/a.avi", 0).Concat(Frames("/v/b.avi", 0)));
        Assert.Equal(new[] { "error OutputWriteFailed", "error OutputWriteFailed" }, log);
        Assert.Equal(new[] { "/proc/self/a.lines.txt", "/proc/self/b.lines.txt" }, host.Errors.Select(e => Assert.IsType<ResultWriteFailedException>(e.Error).Target));
    }

    [Fact]
    public void A_folder_is_swept_of_killed_writers_temporary_files_once_before_its_first_output_opens_and_never_of_a_live_ones()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("out"));
        string orphan = dir.File("out/.old.annotated.0123abcd.tmp.mp4"); // left by a killed writer
        File.WriteAllText(orphan, "cut off");
        using var live = PendingFile.Hidden(dir.File("out/other.annotated.mp4")); // another writer, still running
        var log = new List<string>();

        var declined = new Host(log, confirm: _ => false); // -WhatIf: nothing is written, nothing removed
        using (var driver = new SourceSinkDriver(new LineSink(log), new OutputClaims(OutputLocation.ForDirectory(dir.File("out")), false), declined))
            Run(driver, Frames("/v/a.avi", 0));
        Assert.True(File.Exists(orphan));
        Assert.Empty(declined.Removed);

        var host = new Host(log);
        using (var driver = new SourceSinkDriver(new LineSink(log), new OutputClaims(OutputLocation.ForDirectory(dir.File("out")), false), host))
        {
            driver.Push(Frame("/v/a.avi", 0));
            Assert.False(File.Exists(orphan));
            File.WriteAllText(dir.File("out/.late.0123abcd.tmp.mp4"), "appeared during the command");
            foreach (var f in Frames("/v/b.avi", 0)) driver.Push(f);
            driver.Complete();
        }
        Assert.Equal(new[] { orphan }, host.Removed);
        Assert.True(File.Exists(live.TempPath));
        Assert.True(File.Exists(dir.File("out/.late.0123abcd.tmp.mp4"))); // once per command and folder
        Assert.Equal(new[] { "/v/a.avi", "/v/b.avi" }, host.Results.Select(r => r.SourcePath));
    }
}
