using System.Xml.Linq;
using OpenCvSharp;
using VideoDetect.Events;
using VideoDetect.Results;
using VideoDetect.Review;
using Xunit;
using static VideoDetect.Tests.Review.ReviewModelTests;

namespace VideoDetect.Tests.Review;

/// <summary>The page and its folder: escaping, markup that an HTML parser reads as written, images copied in, atomic replacement.</summary>
public sealed class ReviewPageTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vd-review-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Snapshot(string name, int width = 400)
    {
        string path = Path.Combine(_dir, name);
        using var mat = new Mat(width / 2, width, MatType.CV_8UC3, new Scalar(30, 160, 60));
        Assert.True(Cv2.ImWrite(path, mat));
        return path;
    }

    [Fact]
    public void Text_from_files_and_models_is_escaped_and_shown()
    {
        const string name = "cam<img src=x onerror=alert(1)>.mp4";
        var e = Event("/footage/" + name, "per\"son<b>", 1, 0, 2) with { Region = "Dock&<script>alert(1)</script>" };
        var result = DetectionReport.Write(Path.Combine(_dir, "r"), new[] { e }, Array.Empty<StoreEntry>(), new ReviewOptions(), force: false);
        string html = File.ReadAllText(result.Page);
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.DoesNotContain("<img src=x", html);
        Assert.DoesNotContain("<script>", html);
        Assert.DoesNotContain("<b>", html);
        Assert.Contains("cam&lt;img src=x onerror=alert(1)&gt;.mp4", html);
        var doc = XDocument.Parse(html); // XHTML: it reads back as written
        var video = doc.Descendants("section").Single(s => (string?)s.Attribute("data-video") is not null);
        Assert.Equal(name, (string?)video.Attribute("data-video"));
        Assert.Contains(video.Descendants("td"), td => td.Value == "Dock&<script>alert(1)</script>");
    }

    [Fact]
    public void No_html_element_is_written_self_closed_except_void_ones()
    {
        var e = Event("a.mp4", "person", 1, 0, 2);
        var result = DetectionReport.Write(Path.Combine(_dir, "r"), new[] { e }, Array.Empty<StoreEntry>(), new ReviewOptions(), force: false);
        var doc = XDocument.Load(result.Page);
        var html = File.ReadAllText(result.Page);
        foreach (var el in doc.Descendants().Where(d => d.Ancestors("svg").Any() == false && d.Name != "svg"))
            if (el.IsEmpty) Assert.Contains(el.Name.LocalName, new[] { "img", "meta" });
        var timeline = doc.Descendants().Single(d => (string?)d.Attribute("data-role") == "timeline");
        Assert.Single(timeline.Descendants("rect"), r => (string?)r.Attribute("class") == "bar");
        Assert.DoesNotContain("http", html.Replace("http://www.w3.org", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Snapshots_are_copied_scaled_and_clips_linked_relative_a_missing_one_is_a_problem()
    {
        string snap = Snapshot("s1.jpg", 800);
        string clips = Directory.CreateDirectory(Path.Combine(_dir, "clips dir")).FullName;
        var events = new[]
        {
            Event("a.mp4", "person", 1, 0, 2) with { SnapshotPath = snap, ClipPath = Path.Combine(clips, "a #1.mp4") },
            Event("a.mp4", "person", 2, 1, 2) with { SnapshotPath = Path.Combine(_dir, "gone.jpg") },
        };
        var result = DetectionReport.Write(Path.Combine(_dir, "r"), events, Array.Empty<StoreEntry>(), new ReviewOptions(), force: false);
        var problem = Assert.Single(result.Problems, p => p.Path.EndsWith("gone.jpg", StringComparison.Ordinal));
        Assert.Equal(VideoDetect.Errors.ErrorIds.SourceUnavailable, problem.ErrorId);
        var doc = XDocument.Load(result.Page);
        var img = Assert.Single(doc.Descendants("img"), i => (string?)i.Attribute("class") == "snapshot");
        string thumb = Path.Combine(result.Folder, (string)img.Attribute("src")!);
        using (var m = Cv2.ImRead(thumb)) Assert.Equal(240, m.Width);
        Assert.Equal("../clips%20dir/a%20%231.mp4", (string?)img.Parent!.Attribute("href"));
    }

    [Fact]
    public void A_representative_frame_carries_the_regions_and_lines_in_source_pixels()
    {
        string video = Path.Combine(_dir, "v.avi");
        SyntheticVideo.Write(video, 10, "MJPG");
        var options = new ReviewOptions { Regions = new[] { new Region("Dock", "10,10 100,10 100,80") }, Lines = new[] { new CrossingLine("Gate", "0,120 320,120") } };
        var result = DetectionReport.Write(Path.Combine(_dir, "r"), new[] { Event(video, "person", 1, 0, 0.5) }, Array.Empty<StoreEntry>(), options, force: false);
        Assert.Empty(result.Problems);
        var frame = XDocument.Load(result.Page).Descendants().Single(d => (string?)d.Attribute("data-role") == "frame");
        Assert.True(File.Exists(Path.Combine(result.Folder, (string)frame.Descendants("img").Single().Attribute("src")!)));
        var svg = frame.Descendants("svg").Single();
        Assert.Equal($"0 0 {SyntheticVideo.Width} {SyntheticVideo.Height}", (string?)svg.Attribute("viewBox"));
        Assert.Equal("10,10 100,10 100,80", (string?)svg.Descendants("polygon").Single().Attribute("points"));
        Assert.Equal("Gate", svg.Descendants("line").Single(l => (string?)l.Attribute("class") == "line").Value);
    }

    [Fact]
    public void A_gone_source_is_a_problem_naming_it_and_the_report_is_still_written()
    {
        string gone = Path.Combine(_dir, "gone.mp4");
        var result = DetectionReport.Write(Path.Combine(_dir, "r"), new[] { Event(gone, "person", 1, 0, 1) }, Array.Empty<StoreEntry>(), new ReviewOptions(), force: false);
        Assert.Equal(gone, Assert.Single(result.Problems).Path);
        Assert.True(File.Exists(result.Page));
    }

    [Fact]
    public void An_earlier_report_is_replaced_only_with_force_and_another_folder_never()
    {
        string target = Path.Combine(_dir, "r");
        var events = new[] { Event("a.mp4", "person", 1, 0, 2) };
        DetectionReport.Write(target, events, Array.Empty<StoreEntry>(), new ReviewOptions { Title = "first" }, force: false);
        Assert.Throws<OutputExistsException>(() => DetectionReport.Write(target, events, Array.Empty<StoreEntry>(), new ReviewOptions { Title = "second" }, force: false));
        Assert.Contains("first", File.ReadAllText(Path.Combine(target, "index.html")));
        DetectionReport.Write(target, events, Array.Empty<StoreEntry>(), new ReviewOptions { Title = "second" }, force: true);
        Assert.Contains("second", File.ReadAllText(Path.Combine(target, "index.html")));

        string other = Directory.CreateDirectory(Path.Combine(_dir, "other")).FullName;
        File.WriteAllText(Path.Combine(other, "keep.txt"), "mine");
        Assert.Throws<OutputExistsException>(() => DetectionReport.Write(other, events, Array.Empty<StoreEntry>(), new ReviewOptions(), force: true));
        Assert.True(File.Exists(Path.Combine(other, "keep.txt")));
        Assert.Equal(new[] { "other", "r" }, Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void A_failure_while_writing_leaves_neither_a_report_nor_a_temporary_folder_and_keeps_the_earlier_one()
    {
        string target = Path.Combine(_dir, "r");
        var plain = new[] { Event("a.mp4", "person", 1, 0, 2) };
        DetectionReport.Write(target, plain, Array.Empty<StoreEntry>(), new ReviewOptions { Title = "first" }, force: false);
        var withSnapshot = new[] { plain[0] with { SnapshotPath = Snapshot("s.jpg") } };
        // A thumbnail width of 0 makes OpenCV refuse the resize mid-way through the images.
        Assert.ThrowsAny<Exception>(() => DetectionReport.Write(target, withSnapshot, Array.Empty<StoreEntry>(), new ReviewOptions { ThumbnailWidth = 0 }, force: true));
        Assert.Contains("first", File.ReadAllText(Path.Combine(target, "index.html")));
        Assert.Equal(new[] { "r", "s.jpg" }, Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName).Order());
        Assert.Throws<ResultWriteFailedException>(() => DetectionReport.Write(Path.Combine(_dir, "s.jpg", "r"), plain, Array.Empty<StoreEntry>(), new ReviewOptions(), force: false));
    }
}
