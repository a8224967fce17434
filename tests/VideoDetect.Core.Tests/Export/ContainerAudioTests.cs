using VideoDetect.Export;
using Xunit;

namespace VideoDetect.Tests.Export;

/// <summary>
/// The header check that spares Export-AnnotatedVideo its ffprobe for a source without audio: it
/// must say "no audio" only when the container surely has none, and "cannot tell" (null: ffprobe
/// decides, as before) whenever in doubt.
/// </summary>
public class ContainerAudioTests
{
    /// <summary>A 1 s 160x120 video with (or without) a sine tone, in the container <paramref name="name"/>'s extension names.</summary>
    private static string Make(TempDir dir, string name, bool audio, params string[] codec)
    {
        string path = dir.File(name);
        var args = new List<string> { "-f", "lavfi", "-i", "testsrc=size=160x120:rate=25:duration=1" };
        if (audio) args.AddRange(new[] { "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=1" });
        args.AddRange(codec);
        if (!audio) args.Add("-an");
        args.Add(path);
        Ffmpeg.Run(args.ToArray());
        return path;
    }

    [FfmpegFact]
    public void AviDeclaresItsStreams()
    {
        using var dir = new TempDir();
        Assert.False(ContainerAudio.HasAudio(Make(dir, "silent.avi", false, "-c:v", "mpeg4")));
        Assert.True(ContainerAudio.HasAudio(Make(dir, "sound.avi", true, "-c:v", "mpeg4", "-c:a", "pcm_s16le")));
        Assert.True(ContainerAudio.HasAudio(Make(dir, "mp3.avi", true, "-c:v", "mjpeg", "-c:a", "mp2")));
    }

    [FfmpegFact]
    public void IsoMediaDeclaresItsTracks()
    {
        using var dir = new TempDir();
        Assert.False(ContainerAudio.HasAudio(Make(dir, "silent.mp4", false, "-c:v", "mpeg4")));
        Assert.True(ContainerAudio.HasAudio(Make(dir, "sound.mp4", true, "-c:v", "mpeg4", "-c:a", "aac")));
        // moov before the media (+faststart) and after it (the default) are both found.
        Assert.True(ContainerAudio.HasAudio(Make(dir, "fast.mp4", true, "-c:v", "mpeg4", "-c:a", "aac", "-movflags", "+faststart")));
        Assert.False(ContainerAudio.HasAudio(Make(dir, "silent.mov", false, "-c:v", "mpeg4")));
        Assert.True(ContainerAudio.HasAudio(Make(dir, "sound.mov", true, "-c:v", "mpeg4", "-c:a", "pcm_s16le")));
    }

    [FfmpegFact]
    public void WhatItCannotReadIsLeftToFfprobe()
    {
        using var dir = new TempDir();
        // Matroska is not read here.
        Assert.Null(ContainerAudio.HasAudio(Make(dir, "silent.mkv", false, "-c:v", "mpeg4")));
        // An MP4 cut before its moov (a recorder still writing it) cannot tell.
        string whole = Make(dir, "whole.mp4", true, "-c:v", "mpeg4", "-c:a", "aac");
        byte[] bytes = File.ReadAllBytes(whole);
        string cut = dir.File("cut.mp4");
        File.WriteAllBytes(cut, bytes[..(bytes.Length - 200)]);
        Assert.Null(ContainerAudio.HasAudio(cut));
        // Not a video, empty, missing.
        File.WriteAllText(dir.File("text.mp4"), "not a video at all");
        Assert.Null(ContainerAudio.HasAudio(dir.File("text.mp4")));
        File.WriteAllBytes(dir.File("empty.avi"), Array.Empty<byte>());
        Assert.Null(ContainerAudio.HasAudio(dir.File("empty.avi")));
        Assert.Null(ContainerAudio.HasAudio(dir.File("missing.avi")));
    }

    /// <summary>A bare AVI header: RIFF 'AVI ', LIST 'hdrl' with an 'avih' and one 'strl' per stream type given.</summary>
    private static byte[] AviHeader(params string[] streamTypes)
    {
        static byte[] Chunk(string id, byte[] payload) =>
            System.Text.Encoding.ASCII.GetBytes(id).Concat(BitConverter.GetBytes(payload.Length)).Concat(payload).ToArray();
        static byte[] List(string type, IEnumerable<byte> children) =>
            Chunk("LIST", System.Text.Encoding.ASCII.GetBytes(type).Concat(children).ToArray());
        var strls = streamTypes.SelectMany(t => List("strl", Chunk("strh", System.Text.Encoding.ASCII.GetBytes(t).Concat(new byte[52]).ToArray())));
        var hdrl = List("hdrl", Chunk("avih", new byte[56]).Concat(strls));
        return Chunk("RIFF", System.Text.Encoding.ASCII.GetBytes("AVI ").Concat(hdrl).ToArray());
    }

    [Fact]
    public void AnAviStreamTypeItDoesNotKnowCannotTell()
    {
        using var dir = new TempDir();
        void Write(string name, params string[] types) => File.WriteAllBytes(dir.File(name), AviHeader(types));
        Write("video.avi", "vids");
        Write("sound.avi", "vids", "auds");
        Write("dv.avi", "iavs"); // DV type 1: its audio is inside the one interleaved stream
        Write("none.avi");
        Assert.False(ContainerAudio.HasAudio(dir.File("video.avi")));
        Assert.True(ContainerAudio.HasAudio(dir.File("sound.avi")));
        Assert.Null(ContainerAudio.HasAudio(dir.File("dv.avi")));
        Assert.Null(ContainerAudio.HasAudio(dir.File("none.avi")));
    }

    [Fact]
    public void AnAviHeaderThatDoesNotParseCannotTellEvenAfterAVideoStream()
    {
        using var dir = new TempDir();
        // The second stream list's header claims more bytes than its hdrl holds (a damaged header): what
        // follows the video stream cannot be read, so whether there is audio cannot be told.
        var bytes = AviHeader("vids", "auds");
        int second = IndexOf(bytes, "LIST", IndexOf(bytes, "strl", 0) + 4);
        BitConverter.GetBytes(0x7FFF_0000).CopyTo(bytes, second + 4);
        System.Text.Encoding.ASCII.GetBytes("JUNK").CopyTo(bytes, second);
        File.WriteAllBytes(dir.File("damaged.avi"), bytes);
        Assert.Null(ContainerAudio.HasAudio(dir.File("damaged.avi")));
    }

    private static int IndexOf(byte[] bytes, string tag, int from)
    {
        var t = System.Text.Encoding.ASCII.GetBytes(tag);
        for (int i = from; i + t.Length <= bytes.Length; i++)
            if (bytes.AsSpan(i, t.Length).SequenceEqual(t)) return i;
        throw new InvalidOperationException($"'{tag}' not found");
    }

    [SharedFact]
    public void TheSampleVideoHasNoAudio()
    {
        Assert.False(ContainerAudio.HasAudio(Fixtures.Video("vtest.avi")));
    }
}
