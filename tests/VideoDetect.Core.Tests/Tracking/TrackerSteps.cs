using VideoDetect.Inference;
using VideoDetect.Tracking;

namespace VideoDetect.Tests.Tracking;

/// <summary>
/// For the trackers' own tests: one <see cref="ITracker.Step"/> whose returned ids are written back to
/// the detections the test holds, so a test can follow "its" objects (a, b) frame after frame. The
/// contract itself (copies, input untouched) is tested in TrackerContractTests.
/// </summary>
internal static class TrackerSteps
{
    public static void StepInPlace(this ITracker tracker, long frame, TimeSpan time, IReadOnlyList<Detection> detections)
    {
        var tracked = tracker.Step(frame, time, detections);
        for (int i = 0; i < tracked.Length; i++) detections[i].TrackId = tracked[i].TrackId;
    }
}
