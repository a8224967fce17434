using VideoDetect.Inference;
using VideoDetect.Tracking;

namespace VideoDetect.Events;

/// <summary>
/// One object, one track, for labels a detector confuses (<see cref="ObjectFilterOptions.ClassGroups"/>):
/// within a group, boxes of one frame that overlap by <see cref="ObjectFilterOptions.GroupIou"/> or
/// more are one object (the higher score stays, as class-agnostic NMS would keep it); the group is
/// handed to the tracker as one class (<see cref="TrackingClass"/>), so a van labelled car in one frame
/// and truck in the next stays one track; <see cref="ObjectFilter"/> then gives each track the label
/// most of its detections had (<see cref="LabelTally"/>).
/// </summary>
internal sealed class ClassGroups
{
    private readonly Dictionary<string, int> _groupOf = new(StringComparer.OrdinalIgnoreCase);
    private readonly double _iou;

    public ClassGroups(IReadOnlyList<IReadOnlyList<string>> groups, double iou)
    {
        for (int g = 0; g < groups.Count; g++)
            foreach (string label in groups[g]) _groupOf[label] = g;
        _iou = iou;
    }

    /// <summary>The group of <paramref name="label"/>, or null.</summary>
    public int? GroupOf(string label) => _groupOf.TryGetValue(label ?? "", out int g) ? g : null;

    /// <summary>
    /// The class id the tracker sees for a group: negative, so it can be no model's class (trackers
    /// track classes apart, and a group must be one class to them).
    /// </summary>
    public static int TrackingClass(int group) => -1 - group;

    /// <summary>A key for "the same kind of object": the group, or the label itself.</summary>
    public string KindOf(string label) => GroupOf(label) is { } g ? "\u0001group" + g : (label ?? "").ToLowerInvariant();

    /// <summary>
    /// Drops, in place, each detection of a group that a higher-scoring detection of the same group
    /// overlaps by the group IoU or more (greedy, highest score first); others are untouched.
    /// </summary>
    public void RemoveDuplicates(List<Detection> detections)
    {
        if (_groupOf.Count == 0 || detections.Count < 2) return;
        var order = Enumerable.Range(0, detections.Count)
            .Where(i => GroupOf(detections[i].Label) is not null)
            .OrderByDescending(i => detections[i].Confidence).ToList();
        if (order.Count < 2) return;
        var drop = new HashSet<int>();
        for (int a = 0; a < order.Count; a++)
        {
            if (drop.Contains(order[a])) continue;
            var da = detections[order[a]];
            for (int b = a + 1; b < order.Count; b++)
            {
                var db = detections[order[b]];
                if (drop.Contains(order[b]) || GroupOf(da.Label) != GroupOf(db.Label)) continue;
                if (Box.Iou(Box.Of(da), Box.Of(db)) >= _iou) drop.Add(order[b]);
            }
        }
        if (drop.Count == 0) return;
        int w = 0;
        for (int i = 0; i < detections.Count; i++)
            if (!drop.Contains(i)) detections[w++] = detections[i];
        detections.RemoveRange(w, detections.Count - w);
    }
}

/// <summary>
/// The labels a track's detections had: the track keeps the label it has until another has been seen
/// half as often again and at least three times more (so a van the detector calls car and truck by
/// turns does not switch label every few frames); the first label seen starts it.
/// </summary>
internal sealed class LabelTally
{
    private readonly Dictionary<string, (int Count, int ClassId)> _labels = new(StringComparer.OrdinalIgnoreCase);
    private string? _current;

    public (string Label, int ClassId) Add(string label, int classId)
    {
        _labels[label] = _labels.TryGetValue(label, out var t) ? (t.Count + 1, classId) : (1, classId);
        if (_current is null) _current = label;
        else if (!string.Equals(label, _current, StringComparison.OrdinalIgnoreCase))
        {
            int now = _labels[_current].Count, other = _labels[label].Count;
            if (other * 2 >= now * 3 && other >= now + 3) _current = label;
        }
        return (_current, _labels[_current].ClassId);
    }
}
