using VideoDetect.Errors;
using VideoDetect.Portable;
using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Video;

/// <summary>Where a source's recording start comes from: given, the file name, the container, or none; zones explicit.</summary>
public class RecordingStartTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private static string Make(TempDir dir, string name, params string[] extra)
    {
        string path = dir.File(name);
        var args = new List<string> { "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=64x48:rate=10:duration=1" };
        args.AddRange(extra);
        if (name.EndsWith(".webm", StringComparison.Ordinal)) args.AddRange(new[] { "-c:v", "libvpx-vp9" });
        args.Add(path);
        Ffmpeg.Run(args.ToArray());
        return path;
    }

    [FfmpegFact]
    public void The_container_creation_time_is_read_from_MP4_MOV_Matroska_and_WebM_headers()
    {
        using var dir = new TempDir();
        const string stamp = "2026-12-05T21:15:30.250000Z";
        var whole = new DateTimeOffset(2026, 12, 5, 21, 15, 30, TimeSpan.Zero);
        // ISO media keeps whole seconds (mvhd), with moov after the media (ffmpeg's default) and before it (faststart).
        Assert.Equal(whole, ContainerTime.Read(Make(dir, "a.mp4", "-metadata", $"creation_time={stamp}")));
        Assert.Equal(whole, ContainerTime.Read(Make(dir, "b.mp4", "-metadata", $"creation_time={stamp}", "-movflags", "+faststart")));
        Assert.Equal(whole, ContainerTime.Read(Make(dir, "c.mov", "-metadata", $"creation_time={stamp}")));
        // Matroska keeps nanoseconds (DateUTC).
        Assert.Equal(whole.AddMilliseconds(250), ContainerTime.Read(Make(dir, "d.mkv", "-metadata", $"creation_time={stamp}")));
        Assert.Equal(whole.AddMilliseconds(250), ContainerTime.Read(Make(dir, "e.webm", "-metadata", $"creation_time={stamp}")));
        Assert.Equal(TimeSpan.Zero, ContainerTime.Read(dir.File("a.mp4"))!.Value.Offset); // UTC, the zone explicit
        // None stated, another container, not a video, no file: null, never an error.
        Assert.Null(ContainerTime.Read(Make(dir, "n.mp4")));
        Assert.Null(ContainerTime.Read(Make(dir, "n.mkv")));
        Assert.Null(ContainerTime.Read(Make(dir, "n.avi", "-metadata", $"creation_time={stamp}")));
        File.WriteAllText(dir.File("text.mp4"), "not a video at all");
        Assert.Null(ContainerTime.Read(dir.File("text.mp4")));
        Assert.Null(ContainerTime.Read(dir.File("missing.mp4")));
    }

    [Fact]
    public void A_file_name_pattern_is_a_wall_clock_in_the_given_zone_with_the_offset_of_that_date()
    {
        var pattern = RecordingStartPattern.Parse("cam3_yyyyMMdd_HHmmss");
        // Winter (CET, +01:00) and summer (CEST, +02:00): the same pattern, the offset of each date.
        Assert.Equal((new DateTimeOffset(2026, 12, 5, 22, 15, 0, TimeSpan.FromHours(1)), (string?)null), pattern.Match("/footage/cam3_20261205_221500.mp4", Berlin));
        Assert.Equal(new DateTimeOffset(2026, 7, 5, 22, 15, 0, TimeSpan.FromHours(2)), pattern.Match("cam3_20260705_221500.mkv", Berlin).Value);
        Assert.Equal(new DateTimeOffset(2026, 7, 5, 22, 15, 0, TimeSpan.Zero), pattern.Match("cam3_20260705_221500.mkv", TimeZoneInfo.Utc).Value);
        // The m of "cam" is literal; the name is searched, case ignored; fractions and * work.
        var loose = RecordingStartPattern.Parse("*yyyy-MM-dd HH.mm.ss.fff");
        Assert.Equal(new DateTimeOffset(2026, 12, 5, 1, 2, 3, 450, TimeSpan.Zero), loose.Match("Front door 2026-12-05 01.02.03.450.mp4", TimeZoneInfo.Utc).Value);
        // The name's own offset wins over the zone.
        var zoned = RecordingStartPattern.Parse("yyyyMMddTHHmmsszzz");
        Assert.True(zoned.HasOffset);
        Assert.Equal(new DateTimeOffset(2026, 12, 5, 22, 15, 0, TimeSpan.FromHours(-5)), zoned.Match("x_20261205T221500-0500.mp4", Berlin).Value);
        Assert.Equal(new DateTimeOffset(2026, 12, 5, 22, 15, 0, TimeSpan.Zero), zoned.Match("20261205T221500Z.mp4", Berlin).Value);
    }

    [Fact]
    public void A_skipped_hour_gives_no_start_and_a_repeated_one_the_first_both_with_a_note()
    {
        var pattern = RecordingStartPattern.Parse("yyyyMMdd_HHmmss");
        // 2026-03-29 02:30 does not exist in Berlin (02:00 → 03:00).
        var (gap, gapNote) = pattern.Match("20260329_023000.mp4", Berlin);
        Assert.Null(gap);
        Assert.Contains("does not exist in Europe/Berlin", gapNote);
        // 2026-10-25 02:30 happens twice (03:00 → 02:00): the first, still summer time.
        var (twice, twiceNote) = pattern.Match("20261025_023000.mp4", Berlin);
        Assert.Equal(new DateTimeOffset(2026, 10, 25, 2, 30, 0, TimeSpan.FromHours(2)), twice);
        Assert.Contains("happens twice", twiceNote);
        // Not matching, or not a real date: no start, a note.
        Assert.Equal((null, "the name does not match the pattern 'yyyyMMdd_HHmmss'"), pattern.Match("cam3.mp4", Berlin));
        Assert.Contains("not a real date", pattern.Match("20261345_230000.mp4", Berlin).Note);
    }

    [Theory]
    [InlineData("cam3_HHmmss")]            // no date
    [InlineData("yyyyMMdd")]               // no hour
    [InlineData("yyyyMMdd_HH_'open")]      // a quote not closed
    [InlineData("yyyyMMdd_HHmmss_yyyy")]   // a token twice
    [InlineData("yyyyMMdd_HHmmss.ffffffff")] // finer than 100 ns
    public void A_pattern_that_cannot_read_a_time_is_a_typed_parameter_error(string text)
    {
        var e = Assert.Throws<InvalidRecordingStartPatternException>(() => RecordingStartPattern.Parse(text));
        Assert.Equal(ErrorIds.InvalidRecordingStartPattern, e.ErrorId);
        Assert.Contains(text, e.Message);
    }

    [FfmpegFact]
    public void The_start_is_the_given_one_else_the_containers_else_the_file_names_else_none()
    {
        using var dir = new TempDir();
        string stated = Make(dir, "cam3_20261205_221500.mp4", "-metadata", "creation_time=2026-12-05T20:00:00Z");
        string named = Make(dir, "cam3_20261205_231500.mp4");
        string plain = Make(dir, "cam4.mp4");
        var pattern = RecordingStartPattern.Parse("cam3_yyyyMMdd_HHmmss");
        var given = new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.FromHours(9));

        Assert.Equal((given, RecordingStartSource.Parameter, (string?)null), RecordingStarts.Resolve(stated, given, pattern, Berlin));
        // The container's UTC time, shown in the zone (the same instant), comes before a matching name; the note says the pattern was passed over.
        var (container, source, passed) = RecordingStarts.Resolve(stated, null, pattern, Berlin);
        Assert.Equal(RecordingStartSource.Container, source);
        Assert.Equal((new DateTime(2026, 12, 5, 21, 0, 0), TimeSpan.FromHours(1)), (container!.Value.DateTime, container.Value.Offset));
        Assert.Contains("creation time", passed);
        Assert.Equal((container, RecordingStartSource.Container, (string?)null), RecordingStarts.Resolve(stated, null, null, Berlin));
        // A file without a creation time takes the name's.
        Assert.Equal((new DateTimeOffset(2026, 12, 5, 23, 15, 0, TimeSpan.FromHours(1)), RecordingStartSource.FileName, (string?)null), RecordingStarts.Resolve(named, null, pattern, Berlin));
        // A name the pattern does not match falls back (here to none), with the note.
        var (none, nothing, note) = RecordingStarts.Resolve(plain, null, pattern, Berlin);
        Assert.Equal((null, RecordingStartSource.None), (none, nothing));
        Assert.Contains("does not match", note);
        Assert.Equal((null, RecordingStartSource.None, (string?)null), RecordingStarts.Resolve(plain, null, null, Berlin));
    }

    [Fact]
    public void A_recording_start_survives_the_forms_CliXml_and_JSON_leave_it_in()
    {
        var start = new DateTimeOffset(2026, 12, 5, 22, 15, 0, 125, TimeSpan.FromHours(1));
        PropertyBag Bag(object? value) => new(new Dictionary<string, object?> { ["Path"] = "a.mp4", ["StartFrame"] = 0L, ["EndFrame"] = 10L, ["RecordingStart"] = value });
        // As it is; CliXml's property bag of it (UtcTicks, Offset); ConvertTo-Json's text; a missing or null one.
        Assert.Equal(start, ClipRecords.ToClip(Bag(start)).RecordingStart);
        var clixml = new PropertyBag(new Dictionary<string, object?> { ["UtcTicks"] = start.UtcTicks, ["Offset"] = start.Offset, ["DateTime"] = start.DateTime });
        var fromClixml = ClipRecords.ToClip(Bag(clixml)).RecordingStart!.Value;
        Assert.Equal((start, start.Offset), (fromClixml, fromClixml.Offset));
        var fromJson = ClipRecords.ToClip(Bag("2026-12-05T22:15:00.125+01:00")).RecordingStart!.Value;
        Assert.Equal((start, start.Offset), (fromJson, fromJson.Offset));
        // ConvertFrom-Json turns the text into a DateTime: the instant is kept.
        Assert.Equal(start, ClipRecords.ToClip(Bag(start.UtcDateTime)).RecordingStart);
        Assert.Null(ClipRecords.ToClip(Bag(null)).RecordingStart);
        // Text without an offset names no instant: refused, not guessed.
        Assert.Throws<InputObjectNotRebuiltException>(() => ClipRecords.ToClip(Bag("2026-12-05T22:15:00")));
    }
}
