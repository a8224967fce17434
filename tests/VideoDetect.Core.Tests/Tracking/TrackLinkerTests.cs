using VideoDetect.Inference;
using VideoDetect.Tracking;
using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Tracking;

/// <summary>TrackLinker: links across a gap, refuses other looks and far starts, keeps output order and count, stays within its window.</summary>
public class TrackLinkerTests
{
    private static readonly string Red = AppearanceDescriptor.Encode(AppearanceKind.ColourHistogram, Enumerable.Range(0, 64).Select(i => i < 8 ? 1f : 0.05f).ToArray())!;
    private static readonly string Blue = AppearanceDescriptor.Encode(AppearanceKind.ColourHistogram, Enumerable.Range(0, 64).Select(i => i >= 56 ? 1f : 0.05f).ToArray())!;

    private static Detection Person(int id, double x, string? look) => new()
    {
        X = x, Y = 200, Width = 40, Height = 100, Confidence = 0.9f, ClassId = 0, Label = "person", TrackId = id, Appearance = look,
    };

    private static FrameDetections Frame(long f, params Detection[] dets) =>
        new() { Path = "a.mp4", FrameIndex = f, Timestamp = TimeSpan.FromSeconds(f / 25.0), Detections = dets };

    /// <summary>Track 1 walks right at 3 px/frame for 50 frames, is unseen for <paramref name="gap"/> frames, then track 2 starts at <paramref name="x"/>-offset from where 1 was heading, wearing <paramref name="look2"/>.</summary>
    private static List<FrameDetections> Gap(int gap, double offset, string? look1, string? look2, int length = 100)
    {
        var frames = new List<FrameDetections>();
        for (int f = 0; f < 50; f++) frames.Add(Frame(f, Person(1, 100 + 3 * f, look1)));
        for (int f = 50; f < 50 + gap; f++) frames.Add(Frame(f));
        for (int f = 50 + gap; f < 50 + gap + length; f++) frames.Add(Frame(f, Person(2, 100 + 3 * f + offset, look2)));
        return frames;
    }

    private static List<FrameDetections> Link(IEnumerable<FrameDetections> frames, TrackLinkOptions? options = null)
    {
        var linker = new TrackLinker(options);
        var output = new List<FrameDetections>();
        foreach (var f in frames) output.AddRange(linker.Push(f));
        output.AddRange(linker.Complete());
        return output;
    }

    private static int[] Ids(List<FrameDetections> frames) => frames.SelectMany(f => f.Detections).Select(d => d.TrackId!.Value).Distinct().ToArray();

    [Fact]
    public void A_track_starting_where_a_lost_one_was_heading_with_its_look_takes_its_id_for_all_its_frames()
    {
        var input = Gap(75, 10, Red, Red);   // 3 s unseen
        var output = Link(input);
        Assert.Equal(input.Select(f => f.FrameIndex), output.Select(f => f.FrameIndex));
        Assert.Equal(new[] { 1 }, Ids(output));
        Assert.Equal(new[] { 1, 2 }, Ids(input));   // the frames given are not changed
    }

    [Fact]
    public void Another_look_a_start_far_from_the_heading_or_a_gap_beyond_the_window_is_not_linked()
    {
        Assert.Equal(new[] { 1, 2 }, Ids(Link(Gap(75, 10, Red, Blue))));
        Assert.Equal(new[] { 1, 2 }, Ids(Link(Gap(75, 200, Red, Red))));
        Assert.Equal(new[] { 1, 2 }, Ids(Link(Gap(110, 10, Red, Red))));   // 4.4 s > the 4-s window
        Assert.Equal(new[] { 1, 2 }, Ids(Link(Gap(75, 10, Red, Red), new TrackLinkOptions { Window = VideoPosition.FromFrames(0) })));
    }

    [Fact]
    public void Without_descriptors_only_a_start_close_to_the_heading_is_linked()
    {
        Assert.Equal(new[] { 1 }, Ids(Link(Gap(75, 10, null, null))));
        Assert.Equal(new[] { 1, 2 }, Ids(Link(Gap(75, 70, null, null))));   // within the gate with a look, not without
        Assert.Equal(new[] { 1 }, Ids(Link(Gap(75, 70, Red, Red))));
    }

    [Fact]
    public void A_lost_id_found_again_after_a_link_continued_it_gets_a_new_id_so_no_frame_holds_one_id_twice()
    {
        var input = Gap(75, 10, Red, Red, length: 250);
        // The tracker finds track 1 again (elsewhere) after the link was decided (a window after track 2 began).
        for (int i = 0; i < 40; i++)
        {
            int k = input.Count - 40 + i;
            var f = input[k];
            input[k] = f with { Detections = f.Detections.Append(Person(1, 600, Red) with { Y = 400 }).ToArray() };
        }
        var output = Link(input);
        Assert.All(output, f => Assert.Equal(f.Detections.Length, f.Detections.Select(d => d.TrackId).Distinct().Count()));
        Assert.Equal(new[] { 1, TrackLinker.FreshIdBase }, Ids(output).Order().ToArray());
    }

    [Fact]
    public void A_new_source_empties_the_buffer_and_window_zero_passes_frames_through_as_they_are()
    {
        var linker = new TrackLinker();
        Assert.Empty(linker.Push(Frame(0, Person(1, 100, Red))));
        var other = Frame(0, Person(1, 100, Red)) with { Path = "b.mp4" };
        var out1 = linker.Push(other);
        Assert.Equal("a.mp4", Assert.Single(out1).Path);
        Assert.Same(other, Assert.Single(linker.Complete()));
        // Frames whose timestamps do not advance are held no more than the window at 240 fps.
        var stuck = new TrackLinker(new TrackLinkOptions { Window = VideoPosition.FromSeconds(1) });
        int most = 0;
        for (int f = 0; f < 1000; f++)
        {
            stuck.Push(Frame(f, Person(1, f, Red)) with { Timestamp = TimeSpan.Zero });
            most = Math.Max(most, stuck.Buffered);
        }
        Assert.Equal(241, most);
        var off = new TrackLinker(new TrackLinkOptions { Window = VideoPosition.FromSeconds(0) });
        var frame = Frame(3, Person(1, 100, Red));
        Assert.Same(frame, Assert.Single(off.Push(frame)));
    }

    [Fact]
    public void On_a_16000_frame_stream_the_buffer_never_holds_more_than_the_window_and_every_frame_comes_out_once_in_order()
    {
        var options = new TrackLinkOptions();   // 4 s at 25 fps: 100 frames plus the newest
        var linker = new TrackLinker(options);
        var tracker = new OcSortTracker();
        var scenes = SyntheticScene.Suite();
        long next = 0, expected = 0;
        int most = 0;
        var rng = new Random(3);
        while (next < 16_000)
        {
            var (frames, truth) = scenes[rng.Next(scenes.Count)].Render(rng.Next());
            var dressed = OcSortAppearanceTests.Dress(frames, truth, distinct: true, seed: rng.Next());
            foreach (var dets in dressed)
            {
                if (next >= 16_000) break;
                var time = TimeSpan.FromSeconds(next / 25.0);
                foreach (var o in linker.Push(new FrameDetections { Path = "long.mp4", FrameIndex = next, Timestamp = time, Detections = tracker.Step(next, time, dets) }))
                {
                    Assert.Equal(expected++, o.FrameIndex);
                }
                most = Math.Max(most, linker.Buffered);
                next++;
            }
        }
        foreach (var o in linker.Complete()) Assert.Equal(expected++, o.FrameIndex);
        Assert.Equal(16_000, expected);
        Assert.Equal(101, most);
        Assert.Equal(0, linker.Buffered);
    }
}
