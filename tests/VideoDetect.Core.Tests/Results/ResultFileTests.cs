using VideoDetect.Batching;
using VideoDetect.Errors;
using VideoDetect.Inference;
using VideoDetect.Results;
using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Results;

public class ResultFileTests
{
    private static readonly DetectionRun Run = new()
    {
        ModelPath = "/models/m.onnx", ModelSize = 123, ModelSha256 = "ab", Family = "YOLOX", Labels = new[] { "person", "café" },
        Parameters = new DetectionParameters { Confidence = 0.3f, IouThreshold = 0.45f, MaxDetections = 300, FrameStride = 1, Preprocess = new PreprocessOptions { Width = 64, Height = 64 } },
    };

    /// <summary>Frames 0..n-1 in clips of <paramref name="clip"/>, every third one with two detections (a track id, awkward numbers), extras on some.</summary>
    private static List<FrameDetections> Frames(string path, int n, int clip = 4, DetectionRun? run = null) => Enumerable.Range(0, n).Select(i => new FrameDetections
    {
        // The synthetic video's size: a CSV takes the frame size from its header.
        Path = path, ClipIndex = i / clip, FrameIndex = i, Timestamp = TimeSpan.FromTicks(i * 400_000L + 1), SourceWidth = 320, SourceHeight = 240, Run = run ?? Run,
        Detections = i % 3 != 0 ? Array.Empty<Detection>() : new[]
        {
            new Detection { Path = path, FrameIndex = i, Timestamp = TimeSpan.FromTicks(i * 400_000L + 1), Label = "café, \"au lait\"", ClassId = 1, Confidence = 0.1f + i / 7f, X = 1.0 / 3, Y = 2e-9, Width = 10.5, Height = 1e10 / 7, TrackId = i,
                Stationary = i % 6 == 3, StationarySince = i % 6 == 3 ? i - 2 : null },
            new Detection { Path = path, FrameIndex = i, Timestamp = TimeSpan.FromTicks(i * 400_000L + 1), Label = "person", ClassId = 0, Confidence = 1f, X = 0, Y = 0, Width = 32, Height = 24, Mask = "1.5,2 10,2 10,9.5;20,20 22,20 21,23",
                Appearance = AppearanceDescriptor.Encode(AppearanceKind.ColourHistogram, Enumerable.Range(0, 64).Select(b => (float)(b % 5)).ToArray()) },
        },
        Extras = i % 2 == 0 ? null : new Dictionary<string, object?> { ["held"] = i - 1L, ["note"] = "x,y\n", ["on"] = true, ["r"] = 0.25, ["none"] = null },
    }).ToList();

    private static (TempDir Dir, string Source, ResultHeader Header) Setup(string name = "src [1] é.avi", DetectionRun? run = null)
    {
        var dir = new TempDir();
        string source = dir.File(name);
        SyntheticVideo.Write(source, 12, "MJPG", 25);
        var probed = VideoProbe.Probe(source, new ProbeOptions { Cache = new VideoIndexCache(null) });
        var header = ResultHeader.For(SourceIdentity.Of(source), probed.Info, probed.Index.FrameCount, run ?? Run, "1.0", DateTimeOffset.UnixEpoch);
        return (dir, source, header);
    }

    private static void AssertSame(IReadOnlyList<FrameDetections> expected, IReadOnlyList<FrameDetections> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            var (a, b) = (expected[i], actual[i]);
            Assert.Equal((a.Path, a.ClipIndex, a.FrameIndex, a.Timestamp, a.SourceWidth, a.SourceHeight), (b.Path, b.ClipIndex, b.FrameIndex, b.Timestamp, b.SourceWidth, b.SourceHeight));
            Assert.Equal(a.Extras?.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value} ({kv.Value?.GetType().Name})"), b.Extras?.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value} ({kv.Value?.GetType().Name})"));
            Assert.Equal(a.Detections.Length, b.Detections.Length);
            for (int k = 0; k < a.Detections.Length; k++)
            {
                var (x, y) = (a.Detections[k], b.Detections[k]);
                Assert.Equal((x.Path, x.FrameIndex, x.Timestamp, x.Label, x.ClassId, x.Confidence, x.X, x.Y, x.Width, x.Height, x.TrackId, x.Mask, x.Appearance),
                    (y.Path, y.FrameIndex, y.Timestamp, y.Label, y.ClassId, y.Confidence, y.X, y.Y, y.Width, y.Height, y.TrackId, y.Mask, y.Appearance));
                Assert.Equal((x.Stationary, x.StationarySince), (y.Stationary, y.StationarySince));
            }
            Assert.Equal(a.Run!.ModelSha256, b.Run!.ModelSha256);
            Assert.Equal(a.Run.Parameters.Preprocess, b.Run.Parameters.Preprocess);
        }
    }

    private static void WriteAll(string target, ResultFormat format, ResultHeader header, IEnumerable<FrameDetections> frames, bool commit = true)
    {
        using var w = ResultFileWriter.Open(target, format, header, force: false);
        foreach (var clip in frames.GroupBy(f => f.ClipIndex)) w.AppendClip(clip.ToList());
        if (commit) w.Commit();
    }

    [Theory]
    [InlineData(ResultFormat.JsonLines)]
    [InlineData(ResultFormat.Csv)]
    public void The_round_trip_is_exact(ResultFormat format)
    {
        var (dir, source, header) = Setup();
        using var cleanup = dir;
        string target = dir.File("out" + ResultFiles.Suffix(format));
        var frames = Frames(source, 12);
        WriteAll(target, format, header, frames);
        Assert.False(File.Exists(target + ".partial"));
        Assert.False(File.Exists(target + ".partial.checkpoint"));
        AssertSame(frames, ResultFileReader.Read(target).ToList());
        var stored = ResultFileReader.Read(target).First();
        Assert.Equal(new[] { "person", "café" }, stored.Run!.Labels);
    }

    [Theory]
    [InlineData(ResultFormat.JsonLines)]
    [InlineData(ResultFormat.Csv)]
    public void A_killed_run_leaves_whole_clips_and_the_resume_is_byte_identical(ResultFormat format)
    {
        var (dir, source, header) = Setup();
        using var cleanup = dir;
        var frames = Frames(source, 12);
        string name = Path.GetFileNameWithoutExtension(source) + ResultFiles.Suffix(format);
        Directory.CreateDirectory(dir.File("whole"));
        Directory.CreateDirectory(dir.File("resumed"));
        string whole = Path.Combine(dir.File("whole"), name), resumed = Path.Combine(dir.File("resumed"), name);
        WriteAll(whole, format, header, frames);

        WriteAll(resumed, format, header, frames.Take(8), commit: false);   // clips 0 and 1, then "killed"
        using (var tail = File.Open(resumed + ".partial", FileMode.Append)) tail.Write("{\"clipIndex\":2,\"fra"u8);   // a clip cut off mid-write
        Assert.False(File.Exists(resumed));
        Assert.Equal(new StoredResult(StoredState.Partial, resumed + ".partial", 1), ResultStore.Inspect(dir.File("resumed"), SourceIdentity.Of(source)));

        using (var w = ResultFileWriter.Open(resumed, format, header with { StartTime = DateTimeOffset.Now }, force: false))
        {
            Assert.True(w.Resumed);
            Assert.Equal((7L, 1), (w.StoredLastFrame, w.StoredLastClip));
            w.AppendClip(frames.Skip(8).ToList());
            w.Commit();
        }
        Assert.Equal(File.ReadAllBytes(whole), File.ReadAllBytes(resumed));
        if (format == ResultFormat.Csv) Assert.Equal(File.ReadAllText(whole + ".header.json"), File.ReadAllText(resumed + ".header.json"));
    }

    [Fact]
    public void A_partial_CSV_of_an_earlier_version_without_the_Appearance_column_is_started_over_not_appended_to()
    {
        var (dir, source, header) = Setup();
        using var cleanup = dir;
        string target = dir.File("v.detections.csv");
        WriteAll(target, ResultFormat.Csv, header, Frames(source, 8), commit: false);
        // The header line as a version without the column wrote it (same length, so the checkpoint still fits).
        byte[] bytes = File.ReadAllBytes(target + ".partial");
        string text = System.Text.Encoding.UTF8.GetString(bytes);
        Assert.StartsWith(string.Join(",", CsvCodec.Columns) + "\n", text);
        File.WriteAllText(target + ".partial", text.Replace(",Mask,Appearance,", ",Mask,Xppearance,"));
        using var w = ResultFileWriter.Open(target, ResultFormat.Csv, header, force: false);
        Assert.False(w.Resumed);
        Assert.Contains("CSV columns", w.StartedOverBecause);
    }

    [Theory]
    [InlineData(ResultFormat.JsonLines)]
    [InlineData(ResultFormat.Csv)]
    public void Stationary_marks_are_stored_and_events_of_frames_read_back_equal_the_live_ones(ResultFormat format)
    {
        using var dir = new TempDir();
        string source = dir.File("scene.avi");
        SyntheticVideo.Write(source, 160, "MJPG", 10);
        var probed = VideoProbe.Probe(source, new ProbeOptions { Cache = new VideoIndexCache(null) });
        var header = ResultHeader.For(SourceIdentity.Of(source), probed.Info, probed.Index.FrameCount, Run, "1.0", DateTimeOffset.UnixEpoch);
        // A sign that stands all along (stationary after 3 s) and a walker passing: Add-DetectionTrack's stage, live.
        var scene = new VideoDetect.Tests.Events.ObjectScene(5)
            .Add(0, 150, VideoDetect.Tests.Events.ObjectScene.Still(100, 200), w: 24, h: 60)
            .Add(40, 60, VideoDetect.Tests.Events.ObjectScene.Walk(40, 0, 300, 8));
        var live = VideoDetect.Tests.Events.ObjectScene.Track(scene.Frames(160).Select(f => f with { Path = source, ClipIndex = (int)(f.FrameIndex / 40), Run = Run,
            Detections = f.Detections.Select(d => d with { Path = source }).ToArray() }), new VideoDetect.Events.ObjectFilterOptions { StationaryAfter = VideoPosition.FromSeconds(3) });
        Assert.Contains(live.SelectMany(f => f.Detections), d => d.Stationary);
        string target = dir.File("scene" + ResultFiles.Suffix(format));
        WriteAll(target, format, header, live);
        var readBack = ResultFileReader.Read(target).ToList();
        Assert.Equal(live.SelectMany(f => f.Detections).Select(d => (d.TrackId, d.Stationary, d.StationarySince)), readBack.SelectMany(f => f.Detections).Select(d => (d.TrackId, d.Stationary, d.StationarySince)));
        // Import-FrameDetection | ConvertTo-DetectionEvent: the same events as the live run, the sign left out unless asked.
        static string Events(IEnumerable<FrameDetections> frames, bool include) => string.Join("\n", VideoDetect.Tests.Events.ObjectScene.Fold(frames, new VideoDetect.Events.EventOptions { IncludeStationary = include })
            .Select(e => $"{e.TrackId} {e.Label} {e.StartFrame}..{e.EndFrame} stationary={e.Stationary}"));
        Assert.Equal(Events(live, false), Events(readBack, false));
        Assert.Equal(Events(live, true), Events(readBack, true));
        Assert.DoesNotContain("stationary=True", Events(readBack, false));
        Assert.Contains("stationary=True", Events(readBack, true));
    }

    [Fact]
    public void A_CSV_and_a_JSONL_record_without_appearance_from_an_earlier_version_read_as_none()
    {
        var (dir, source, _) = Setup();
        using var cleanup = dir;
        var run = Run;
        var jsonl = JsonLinesCodec.Read("{\"clipIndex\":0,\"frameIndex\":3,\"timestamp\":0.1,\"sourceWidth\":320,\"sourceHeight\":240,\"detections\":[{\"label\":\"person\",\"classId\":0,\"confidence\":0.5,\"x\":1,\"y\":2,\"width\":3,\"height\":4}]}"u8, source, run);
        Assert.Null(Assert.Single(jsonl.Detections).Appearance);
        string csvText = "Path,FrameIndex,Timestamp,Label,ClassId,Confidence,X,Y,Width,Height,TrackId,ClipIndex,Extras\n" + source + ",3,0.1,person,0,0.5,1,2,3,4,,0,\n";
        using var csv = CsvHelper.CsvReader.Create(new StringReader(csvText), CsvCodec.ReaderOptions);
        csv.ReadHeader();
        Assert.True(csv.Read());
        var row = CsvCodec.Read(csv, CsvCodec.ColumnIndexes(csv));
        Assert.Null(row.Detection!.Appearance);
        Assert.Null(row.Detection.Mask);
    }

    [Fact]
    public void Other_parameters_are_a_ResumeMismatch_naming_them_and_force_starts_over()
    {
        var (dir, source, header) = Setup();
        using var cleanup = dir;
        string target = dir.File("v.detections.jsonl");
        WriteAll(target, ResultFormat.JsonLines, header, Frames(source, 8), commit: false);
        byte[] before = File.ReadAllBytes(target + ".partial");
        var other = header with { Parameters = header.Parameters! with { Confidence = 0.5f } };
        var e = Assert.Throws<ResumeMismatchException>(() => ResultFileWriter.Open(target, ResultFormat.JsonLines, other, force: false));
        Assert.Equal(ErrorIds.ResumeMismatch, e.ErrorId);
        Assert.Contains("confidence: 0.3 in the file", e.Message);
        Assert.Equal(before, File.ReadAllBytes(target + ".partial"));
        using (var w = ResultFileWriter.Open(target, ResultFormat.JsonLines, other, force: true))
        {
            Assert.False(w.Resumed);
            Assert.Contains("confidence", w.StartedOverBecause);
        }
        Assert.Equal(0.5f, ResultStore.TryReadHeader(target + ".partial", ResultFormat.JsonLines, out _)!.Parameters!.Confidence);
    }

    [Fact]
    public void Another_motion_gate_is_a_ResumeMismatch_naming_it()
    {
        var (dir, source, header) = Setup();
        using var cleanup = dir;
        string target = dir.File("v.detections.jsonl");
        var gated = header with { Parameters = header.Parameters! with { SkipStatic = new MotionGateOptions().Describe() } };
        WriteAll(target, ResultFormat.JsonLines, gated, Frames(source, 8), commit: false);
        var other = header with { Parameters = header.Parameters! with { SkipStatic = new MotionGateOptions { Threshold = 0.02 }.Describe() } };
        var e = Assert.Throws<ResumeMismatchException>(() => ResultFileWriter.Open(target, ResultFormat.JsonLines, other, force: false));
        Assert.Contains("skipStatic: \"threshold 0.004", e.Message);
        Assert.Throws<ResumeMismatchException>(() => ResultFileWriter.Open(target, ResultFormat.JsonLines, header, force: false)); // gated file, ungated frames
    }

    [Fact]
    public void A_changed_source_starts_over_and_a_finished_one_is_complete()
    {
        var (dir, source, header) = Setup();
        using var cleanup = dir;
        string target = dir.File(Path.GetFileNameWithoutExtension(source) + ".detections.jsonl");
        WriteAll(target, ResultFormat.JsonLines, header, Frames(source, 12));
        Assert.Equal(StoredState.Complete, ResultStore.Inspect(dir.Path, SourceIdentity.Of(source)).State);
        File.SetLastWriteTimeUtc(source, DateTime.UtcNow.AddMinutes(1));
        var changed = ResultStore.Inspect(dir.Path, SourceIdentity.Of(source));
        Assert.Equal(StoredState.Changed, changed.State);
        Assert.Contains("last written", changed.Reason);
        Assert.Equal(StoredState.None, ResultStore.Inspect(dir.Path, SourceIdentity.Of(dir.File("src [1] é.avi")) with { Path = dir.File("other.avi") }).State);
    }

    [Fact]
    public void A_second_writer_of_the_same_file_is_refused()
    {
        var (dir, source, header) = Setup();
        using var cleanup = dir;
        string target = dir.File("v.detections.jsonl");
        using var first = ResultFileWriter.Open(target, ResultFormat.JsonLines, header, force: false);
        var e = Assert.Throws<OutputInUseException>(() => ResultFileWriter.Open(target, ResultFormat.JsonLines, header, force: true));
        Assert.Equal(ErrorIds.OutputInUse, e.ErrorId);
        first.AppendClip(Frames(source, 4));
        first.Commit();
        Assert.Equal(4, ResultFileReader.Read(target).Count());
    }

    [Theory]
    [InlineData(ResultFormat.JsonLines, 5)]   // the header, 3 whole frame records, the cut one
    [InlineData(ResultFormat.Csv, 5)]         // the column row, 3 whole rows, the cut one
    public void A_truncated_file_gives_its_frames_then_an_error_with_file_and_line(ResultFormat format, int line)
    {
        var (dir, source, header) = Setup();
        using var cleanup = dir;
        string target = dir.File("t" + ResultFiles.Suffix(format));
        WriteAll(target, format, header, Frames(source, 4).Select(f => { f.Detections = Array.Empty<Detection>(); f.Extras = null; return f; }));
        var bytes = File.ReadAllBytes(target);
        File.WriteAllBytes(target, bytes[..^5]);
        var read = new List<FrameDetections>();
        var e = Assert.Throws<ResultFileCorruptException>(() => { foreach (var f in ResultFileReader.Read(target)) read.Add(f); });
        Assert.Equal(3, read.Count);
        Assert.Equal(line, e.Line);
        Assert.StartsWith($"{target}:{line}:", e.Message);
    }

    [Fact]
    public void A_corrupt_record_is_an_error_naming_its_line()
    {
        var (dir, source, header) = Setup();
        using var cleanup = dir;
        string target = dir.File("c.detections.jsonl");
        WriteAll(target, ResultFormat.JsonLines, header, Frames(source, 4));
        var lines = File.ReadAllLines(target);
        lines[2] = lines[2].Replace("\"frameIndex\"", "\"frameIndeks\"");
        File.WriteAllText(target, string.Join("\n", lines) + "\n");
        var read = new List<FrameDetections>();
        var e = Assert.Throws<ResultFileCorruptException>(() => { foreach (var f in ResultFileReader.Read(target)) read.Add(f); });
        Assert.Single(read);
        Assert.Equal(3, e.Line);
        File.WriteAllText(target, "not json\n");
        Assert.Equal(1, Assert.Throws<ResultFileCorruptException>(() => ResultFileReader.Read(target).ToList()).Line);
    }
}
