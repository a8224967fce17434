using VideoDetect.Results;
using Xunit;

namespace VideoDetect.Tests.Results;

/// <summary>What a resumed plan does with each stored state, and its one-line account.</summary>
public class ResumeSummaryTests
{
    [Theory]
    [InlineData(StoredState.Complete, true)]
    [InlineData(StoredState.InUse, true)]
    [InlineData(StoredState.Partial, false)]
    [InlineData(StoredState.None, false)]
    [InlineData(StoredState.Changed, false)]
    [InlineData(StoredState.Corrupt, false)]
    public void Finished_videos_and_those_another_run_writes_get_no_clips(StoredState state, bool leftAlone) =>
        Assert.Equal(leftAlone, ResumeSummary.LeavesAlone(new StoredResult(state)));

    [Fact]
    public void The_account_counts_each_state()
    {
        var summary = new ResumeSummary();
        Assert.Equal("skipped 0 finished videos, 0 new", summary.ToString());
        foreach (var state in new[] { StoredState.Complete, StoredState.Complete, StoredState.None, StoredState.Changed, StoredState.Corrupt, StoredState.InUse })
            summary.Count("v.mp4", new StoredResult(state));
        summary.Count("cam3.mp4", new StoredResult(StoredState.Partial, "cam3.jsonl.partial", LastClip: 11));
        Assert.Equal("skipped 2 finished videos, resumed cam3.mp4 at clip 12, 1 new, 2 changed or unreadable, done again, 1 being written by another run, left to it", summary.ToString());
    }
}
