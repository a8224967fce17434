using System.Collections;
using VideoDetect.Errors;
using VideoDetect.Events;
using VideoDetect.Inference;
using VideoDetect.Tracking;
using Xunit;
using static VideoDetect.Tests.Events.ObjectScene;

namespace VideoDetect.Tests.Events;

public class ObjectFilterTests
{
    private static List<Detection> All(List<FrameDetections> frames) => frames.SelectMany(f => f.Detections).ToList();

    [Fact]
    public void Area_and_ratio_filters_drop_boxes_per_class_in_pixels_or_as_a_fraction_of_the_frame()
    {
        var scene = new ObjectScene(1)
            .Add(0, 60, Walk(0, 10, 50, 5), w: 8, h: 20)                    // tiny person: 160 px²
            .Add(0, 60, Walk(0, 10, 200, 5), w: 40, h: 100)                 // ordinary person: 4000 px²
            .Add(0, 60, Walk(0, 10, 350, 5), w: 120, h: 40)                 // a person box wider than tall (a bench?)
            .Add(0, 60, Still(100, 100), "car", 2, w: 500, h: 400);         // a huge car box: 200,000 px² = 45 % of the frame
        var options = new ObjectFilterOptions
        {
            MinArea = new ClassValues(new Dictionary<string, double> { ["person"] = 400 }),
            MaxArea = new ClassValues(0.25),                                // a quarter of the frame, for every class
            MaxRatio = new ClassValues(new Dictionary<string, double> { ["person"] = 1.0, ["car"] = 5 }),
        };
        var dets = All(Track(scene.Frames(), options));
        Assert.NotEmpty(dets);
        Assert.All(dets, d => Assert.Equal(("person", 40.0, 100.0), (d.Label, Math.Round(d.Width / 10) * 10, Math.Round(d.Height / 10) * 10)));
        Assert.Single(dets.Where(d => d.TrackId is not null).Select(d => d.TrackId).Distinct());
        // Without filters all four are there.
        Assert.Equal(4, All(Track(scene.Frames())).Where(d => d.TrackId is not null).Select(d => d.TrackId).Distinct().Count());
        // A fraction of an unknown frame size filters nothing.
        var unknown = scene.Frames().Select(f => f with { SourceWidth = 0, SourceHeight = 0 });
        Assert.Contains(All(Track(unknown, new ObjectFilterOptions { MaxArea = new ClassValues(0.25) })), d => d.Label == "car");
    }

    [Fact]
    public void An_ignore_region_drops_boxes_whose_bottom_centre_is_inside_it_only()
    {
        var region = new Region("Poster", "0,0 200,0 200,150 0,150");
        var scene = new ObjectScene(2)
            .Add(0, 40, Still(50, 20), w: 40, h: 100)                       // bottom-centre (70, 120): inside
            .Add(0, 40, Still(150, 100), w: 40, h: 100)                     // overlaps the region, bottom-centre (170, 200): outside
            .Add(0, 80, Walk(0, 600, 50, -8), w: 40, h: 60);                // walks through the region: dropped while its feet are in it
        var dets = All(Track(scene.Frames(), new ObjectFilterOptions { IgnoreRegions = new[] { region } }));
        Assert.DoesNotContain(dets, d => region.Contains(d.X + d.Width / 2, d.Y + d.Height));
        Assert.Contains(dets, d => Math.Abs(d.X - 150) < 5);
        Assert.DoesNotContain(dets, d => Math.Abs(d.X - 50) < 5 && Math.Abs(d.Y - 20) < 5);
        Assert.Contains(dets, d => d.Y < 60 && d.X > 300);
    }

    [Fact]
    public void A_box_two_labels_of_a_group_claim_is_one_object_with_one_label_and_one_event()
    {
        // A parked van: 'car' and 'truck' each claim it in every frame, the higher score swapping at random.
        var scene = new ObjectScene(4)
            .Add(0, 80, Still(300, 300), "car", 2, w: 160, h: 90, score: 0.72f, scoreJitter: 0.1f, miss: 0.1)
            .Add(0, 80, Still(300, 300), "truck", 7, w: 160, h: 90, score: 0.70f, scoreJitter: 0.1f, miss: 0.1)
            .Add(0, 80, Still(600, 300), "car", 2, w: 100, h: 60, miss: 0);  // another car, apart
        var frames = Track(scene.Frames());
        var van = Near(frames, 300, 300, 10).ToList();
        Assert.All(frames, f => Assert.True(f.Detections.Count(d => Math.Abs(d.X - 300) < 10) <= 1));
        Assert.Single(van.Where(d => d.TrackId is not null).Select(d => d.TrackId).Distinct());
        var labels = van.Where(d => d.TrackId is not null && d.FrameIndex > 20).Select(d => (d.Label, d.ClassId)).Distinct().ToList();
        Assert.Single(labels);
        Assert.Contains(labels[0].Label, new[] { "car", "truck" });
        Assert.Equal(labels[0].Label == "car" ? 2 : 7, labels[0].ClassId);
        var events = Fold(frames);
        Assert.Equal(2, events.Count);
        Assert.Single(events, e => Math.Abs(e.X - 300) < 10);
        // Without groups (the tracker's own behaviour): the van is two objects.
        var apart = Track(scene.Frames(), new ObjectFilterOptions { ClassGroups = Array.Empty<IReadOnlyList<string>>() });
        Assert.Equal(2, Near(apart, 300, 300, 10).Where(d => d.TrackId is not null).Select(d => d.Label).Distinct().Count());
    }

    [Fact]
    public void A_track_is_an_object_only_once_the_median_of_its_latest_scores_reaches_ObjectThreshold()
    {
        var scene = new ObjectScene(6)
            .Add(0, 60, Walk(0, 0, 100, 6), score: 0.62f, scoreJitter: 0.03f)     // starts tracks, median ~0.62
            .Add(0, 60, Walk(0, 0, 300, 6), score: 0.85f)
            .Add(0, 60, Walk(0, 0, 450, 6), "car", 2, w: 100, h: 60, score: 0.62f, scoreJitter: 0.03f);
        var options = new ObjectFilterOptions { ObjectThreshold = new ClassValues(new Dictionary<string, double> { ["person"] = 0.7 }) };
        var frames = Track(scene.Frames(), options);
        Assert.All(All(frames).Where(d => d.Y < 200 && d.Label == "person"), d => Assert.Null(d.TrackId));
        Assert.All(All(frames).Where(d => d.Y is > 250 and < 350).Skip(3), d => Assert.NotNull(d.TrackId));
        Assert.Contains(All(frames), d => d.Label == "car" && d.TrackId is not null);   // no threshold for cars
        var events = Fold(frames);
        Assert.Equal(2, events.Count);
        Assert.DoesNotContain(events, e => e.Y < 200);
        // Once an object, always one: a good start then weak detections keep the id.
        var fading = new ObjectScene(8).Add(0, 20, Walk(0, 0, 100, 6), score: 0.9f, scoreJitter: 0.02f).Add(20, 40, Walk(0, 0, 100, 6), score: 0.55f, scoreJitter: 0.02f);
        var kept = All(Track(fading.Frames(), options)).Where(d => d.FrameIndex > 25).ToList();
        Assert.All(kept, d => Assert.NotNull(d.TrackId));
    }

    [Fact]
    public void Only_confirmed_unfiltered_tracks_count_on_lines_and_in_events()
    {
        // One real person crosses the line; 200 one-frame false positives flicker around it (supervision's 7 -> 97).
        var scene = new ObjectScene(9).Add(0, 60, Walk(0, 0, 250, 10));
        var random = new Random(3);
        var frames = scene.Frames().Select(f => f with
        {
            Detections = f.Detections.Concat(Enumerable.Range(0, f.FrameIndex % 3 == 1 ? 10 : 0).Select(_ => new Detection
            {
                Path = f.Path, FrameIndex = f.FrameIndex, Timestamp = f.Timestamp, Label = "person", Confidence = 0.9f,
                X = random.Next(0, 700), Y = random.Next(0, 450), Width = 30, Height = 70,
            })).ToArray(),
        }).ToList();
        var line = new CrossingLine("Gate", "300,0 300,576");
        var tracked = Track(frames);
        var crossings = Fold(tracked, new EventOptions { Lines = new[] { line } });
        var only = Assert.Single(crossings);
        Assert.Equal(1, only.TrackId);
        Assert.Single(Fold(tracked));
        // The same frames untracked make an event per label while any person is present: not per object, as documented.
        Assert.Single(Fold(frames));
    }

    [Fact]
    public void The_filter_works_on_frames_read_back_as_they_work_live_and_never_changes_its_input()
    {
        var scene = new ObjectScene(12).Add(0, 150, Still(100, 100), w: 30, h: 60).Add(0, 80, Walk(0, 0, 300, 6));
        var live = scene.Frames().ToList();
        var before = live.SelectMany(f => f.Detections).Select(d => (d.Label, d.TrackId, d.Stationary)).ToList();
        var a = Track(live);
        Assert.Equal(before, live.SelectMany(f => f.Detections).Select(d => (d.Label, d.TrackId, d.Stationary)));
        // Read back: plain copies with no run, no extras (what Import-FrameDetection gives).
        var readBack = live.Select(f => new FrameDetections { Path = f.Path, FrameIndex = f.FrameIndex, Timestamp = f.Timestamp, SourceWidth = f.SourceWidth, SourceHeight = f.SourceHeight, Detections = f.Detections.Select(d => d with { }).ToArray() });
        var b = Track(readBack);
        Assert.Equal(All(a).Select(d => (d.TrackId, d.Stationary, d.StationarySince)), All(b).Select(d => (d.TrackId, d.Stationary, d.StationarySince)));
        Assert.Contains(All(a), d => d.Stationary);
    }

    [Fact]
    public void A_frame_out_of_order_is_refused_by_the_tracker_but_still_filtered_and_leaves_the_tracks_as_they_were()
    {
        var region = new Region("Poster", "0,0 200,0 200,150 0,150");
        var scene = new ObjectScene(13)
            .Add(0, 40, Walk(0, 300, 200, 4))                                // a person walking
            .Add(0, 40, Still(50, 20), w: 40, h: 100)                        // feet in the ignore region
            .Add(0, 40, Walk(0, 10, 400, 5), w: 8, h: 20);                   // too small
        var options = new ObjectFilterOptions { IgnoreRegions = new[] { region }, MinArea = new ClassValues(400) };
        var frames = scene.Frames(40).ToList();
        var shuffled = frames.Take(20).Append(frames[12]).Concat(frames.Skip(20)).ToList();   // frame 12 again after 19
        var filter = new ObjectFilter(options);
        var assigner = new TrackAssigner();
        var output = new List<FrameDetections>();
        int refused = 0, given = frames[12].Detections.Length;
        foreach (var f in shuffled)
        {
            try { output.Add(filter.Process(f, assigner.Process)); }
            catch (FrameOutOfOrderException) { refused++; output.Add(filter.Untracked(f)); }
        }
        Assert.Equal(1, refused);
        var late = output[20];
        Assert.Equal(12, late.FrameIndex);
        Assert.All(late.Detections, d => Assert.True(d.TrackId is null && !d.Stationary && d.Width * d.Height >= 400 && !region.Contains(d.X + d.Width / 2, d.Y + d.Height)));
        Assert.Single(late.Detections);                                      // only the walker is left, as in a tracked frame
        Assert.Equal(3, given);
        Assert.Equal(given, frames[12].Detections.Length);                  // the input is not changed
        // The in-order frames are tracked exactly as without the stray frame.
        var plain = Track(frames, options);
        Assert.Equal(All(plain).Select(d => (d.FrameIndex, d.TrackId, d.X)), All(output.Where((_, i) => i != 20).ToList()).Select(d => (d.FrameIndex, d.TrackId, d.X)));
    }

    [Fact]
    public void Per_class_values_read_a_number_or_a_table_and_bad_settings_carry_InvalidObjectFilter()
    {
        Assert.Equal(400, ClassValues.Parse("MinArea", 400).For("anything"));
        var table = ClassValues.Parse("MinArea", new Hashtable { ["person"] = 400, ["Car"] = "2000.5", ["*"] = 10 });
        Assert.Equal((400.0, 2000.5, 10.0), (table.For("PERSON")!.Value, table.For("car")!.Value, table.For("dog")!.Value));
        Assert.Null(ClassValues.Parse("MinArea", new Hashtable { ["person"] = 1 }).For("car"));
        Assert.True(ClassValues.Parse("MinArea", null).IsEmpty);
        var bad = Assert.Throws<InvalidObjectFilterException>(() => ClassValues.Parse("MinArea", new Hashtable { ["person"] = "big" }));
        Assert.Equal(ErrorIds.InvalidObjectFilter, bad.ErrorId);
        Assert.Contains("person", bad.Message);
        Assert.Throws<InvalidObjectFilterException>(() => new ObjectFilter(new ObjectFilterOptions { MinArea = new ClassValues(-1) }));
        Assert.Throws<InvalidObjectFilterException>(() => new ObjectFilter(new ObjectFilterOptions { ObjectThreshold = new ClassValues(1.5) }));
        Assert.Throws<InvalidObjectFilterException>(() => new ObjectFilter(new ObjectFilterOptions { ClassGroups = new[] { new[] { "car" } } }));
        Assert.Throws<InvalidObjectFilterException>(() => new ObjectFilter(new ObjectFilterOptions { ClassGroups = new[] { new[] { "car", "truck" }, new[] { "truck", "bus" } } }));
        Assert.Throws<InvalidObjectFilterException>(() => new ObjectFilter(new ObjectFilterOptions { StationaryAfter = VideoDetect.Video.VideoPosition.FromFrames(0) }));
    }
}
