using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace VideoDetect.Tests.Notify;

/// <summary>Real endpoints the Notify tests start on 127.0.0.1: a free port, Debian's mosquitto broker and its mosquitto_sub.</summary>
internal static class LocalServers
{
    public const string MosquittoPath = "/usr/sbin/mosquitto";

    public static string? MosquittoSubPath => new[] { "/usr/bin/mosquitto_sub", "/usr/local/bin/mosquitto_sub" }.FirstOrDefault(File.Exists);

    public static bool MosquittoAvailable => File.Exists(MosquittoPath) && MosquittoSubPath is not null;

    public const string MosquittoMissing = "Debian's mosquitto and mosquitto-clients are not installed (build.ps1 deps installs them as root).";

    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    /// <summary>Waits until something accepts connections on the port.</summary>
    public static void WaitListening(int port, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            try
            {
                using var c = new TcpClient();
                c.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) { Thread.Sleep(50); }
        }
        throw new TimeoutException($"Nothing listens on 127.0.0.1:{port} after {timeout}.");
    }

    /// <summary>A mosquitto broker on 127.0.0.1:<paramref name="port"/>, verbose (its log tells when a subscriber is in place); stop it with <see cref="Stop(Broker?)"/>.</summary>
    public static Broker StartBroker(int port)
    {
        var b = new Broker(Process.Start(new ProcessStartInfo(MosquittoPath, $"-v -p {port}") { RedirectStandardError = true, RedirectStandardOutput = true })!);
        WaitListening(port, TimeSpan.FromSeconds(10));
        return b;
    }

    /// <summary>A broker that takes only <paramref name="user"/>/<paramref name="password"/> (a password file made by mosquitto_passwd in <paramref name="dir"/>).</summary>
    public static Broker StartBrokerWithLogin(int port, string dir, string user, string password)
    {
        string passwords = Path.Combine(dir, "passwords"), conf = Path.Combine(dir, "mosquitto.conf");
        var made = Process.Start(new ProcessStartInfo("/usr/bin/mosquitto_passwd") { ArgumentList = { "-b", "-c", passwords, user, password } })!;
        made.WaitForExit(10_000);
        // As this user: run as root, mosquitto would switch to its own user, which may not read the temporary folder.
        File.WriteAllText(conf, $"listener {port} 127.0.0.1\nallow_anonymous false\npassword_file {passwords}\nuser {Environment.UserName}\n");
        var b = new Broker(Process.Start(new ProcessStartInfo(MosquittoPath, $"-v -c {conf}") { RedirectStandardError = true, RedirectStandardOutput = true })!);
        WaitListening(port, TimeSpan.FromSeconds(10));
        return b;
    }

    /// <summary>A running broker and the lines of its log.</summary>
    public sealed class Broker
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _log = new();
        public Process Process { get; }

        public Broker(Process process)
        {
            Process = process;
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _log.Enqueue(e.Data); };
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) _log.Enqueue(e.Data); };
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
        }

        /// <summary>Waits until <paramref name="count"/> SUBSCRIBEs have reached the broker (so nothing published after it is missed).</summary>
        public void WaitSubscribed(int count = 1)
        {
            var clock = Stopwatch.StartNew();
            while (_log.Count(l => l.Contains("Received SUBSCRIBE", StringComparison.Ordinal)) < count)
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(20)) throw new TimeoutException("No subscriber reached the broker: " + string.Join(" | ", _log));
                Thread.Sleep(20);
            }
        }
    }

    public static void Stop(Broker? b) => Stop(b?.Process);

    /// <summary>mosquitto_sub taking <paramref name="count"/> messages of <paramref name="topic"/> with QoS 1 ("%q %p": the QoS and the payload per line).</summary>
    public static Process Subscribe(int port, string topic, int count, string? user = null, string? password = null)
    {
        var psi = new ProcessStartInfo(MosquittoSubPath!) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (user is not null) foreach (var a in new[] { "-u", user, "-P", password ?? "" }) psi.ArgumentList.Add(a);
        foreach (var a in new[] { "-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-t", topic, "-q", "1", "-C", count.ToString(System.Globalization.CultureInfo.InvariantCulture), "-F", "%q %p", "-W", "30" })
            psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }

    /// <summary>The sender's next report, waiting for it up to <paramref name="timeout"/> (a loaded machine may start the sender task late).</summary>
    public static async Task<VideoDetect.Notify.SendReport> NextReport(VideoDetect.Notify.EventSender sender, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (sender.TryTakeReport(out var r)) return r;
            if (clock.Elapsed > timeout) throw new TimeoutException($"No report from the sender within {timeout}.");
            await Task.Delay(20);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds, up to <paramref name="timeout"/>; false if it never did.</summary>
    public static async Task<bool> WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout) return false;
            await Task.Delay(20);
        }
        return true;
    }

    public static void Stop(Process? p)
    {
        if (p is null) return;
        try { if (!p.HasExited) { p.Kill(); p.WaitForExit(5000); } }
        catch (InvalidOperationException) { /* gone */ }
        p.Dispose();
    }
}

/// <summary>A fact that needs Debian's mosquitto; skipped with the reason when it is absent.</summary>
public sealed class MosquittoFactAttribute : FactAttribute
{
    public MosquittoFactAttribute()
    {
        if (!LocalServers.MosquittoAvailable) Skip = LocalServers.MosquittoMissing;
    }
}
