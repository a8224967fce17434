using System.Text.Json;
using VideoDetect.Events;
using VideoDetect.Notify;
using Xunit;

namespace VideoDetect.Tests.Notify;

public class EventPayloadTests
{
    internal static DetectionEvent Sample(int track = 3) => new()
    {
        Path = "/cams/cam3.mp4", Label = "person", ClassId = 0, TrackId = track, Region = "Dock",
        StartFrame = 10, EndFrame = 29, StartTime = TimeSpan.FromSeconds(1), EndTime = TimeSpan.FromSeconds(2.9),
        StartedAt = new DateTimeOffset(2026, 12, 5, 10, 0, 1, TimeSpan.FromHours(1)), EndedAt = new DateTimeOffset(2026, 12, 5, 10, 0, 2, 900, TimeSpan.FromHours(1)),
        FrameCount = 20, MaxConfidence = 0.9f, PeakFrame = 15, X = 1, Y = 2, Width = 30, Height = 40,
    };

    [Fact]
    public void The_payload_is_flat_camelCase_JSON_with_type_version_and_ISO_8601_times()
    {
        using var doc = JsonDocument.Parse(EventPayload.ToJson(Sample()));
        var root = doc.RootElement;
        Assert.Equal("end", root.GetProperty("type").GetString());
        Assert.Equal(EventPayload.Version, root.GetProperty("version").GetInt32());
        Assert.Equal(("person", 3, "Dock", 10L, 29L), (root.GetProperty("label").GetString(), root.GetProperty("trackId").GetInt32(), root.GetProperty("region").GetString(), root.GetProperty("startFrame").GetInt64(), root.GetProperty("endFrame").GetInt64()));
        Assert.Equal("2026-12-05T10:00:01.0000000+01:00", root.GetProperty("startedAt").GetString());
        Assert.Equal("2026-12-05T10:00:02.9000000+01:00", root.GetProperty("endedAt").GetString());
        Assert.Equal(1.9, root.GetProperty("duration").GetDouble(), 6);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("line").ValueKind);

        var opened = Sample() with { IsOpen = true, TrackId = null, StartedAt = null };
        using var open = JsonDocument.Parse(EventPayload.ToJson(opened));
        Assert.Equal("new", open.RootElement.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Null, open.RootElement.GetProperty("trackId").ValueKind);
        Assert.Equal(JsonValueKind.Null, open.RootElement.GetProperty("startedAt").ValueKind);
    }

    [Fact]
    public void Every_property_of_DetectionEvent_has_its_field()
    {
        // The payload is written field by field (stable); a property added to the record must be added to it too.
        using var doc = JsonDocument.Parse(EventPayload.ToJson(Sample()));
        var fields = doc.RootElement.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var missing = typeof(DetectionEvent).GetProperties().Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
            .Select(p => char.ToLowerInvariant(p.Name[0]) + p.Name[1..]).Where(n => !fields.Contains(n)).ToList();
        Assert.True(missing.Count == 0, "Not in the payload: " + string.Join(", ", missing));
    }

    [Theory]
    [InlineData("broker:1883", false, "broker", 1883)]
    [InlineData("broker", false, "broker", 1883)]
    [InlineData("broker", true, "broker", 8883)]
    [InlineData("127.0.0.1:18830", false, "127.0.0.1", 18830)]
    [InlineData("[::1]:1884", false, "::1", 1884)]
    public void MqttEndpoint_parses_host_and_port(string text, bool tls, string host, int port) =>
        Assert.Equal(new MqttEndpoint(host, port), MqttEndpoint.Parse(text, tls));

    [Theory]
    [InlineData("broker:0")]
    [InlineData("broker:x")]
    [InlineData("mqtt://broker:1883")]
    public void MqttEndpoint_refuses_what_is_not_host_port(string text) => Assert.Throws<FormatException>(() => MqttEndpoint.Parse(text));
}
