using VideoDetect.Inference;
using Xunit;

namespace VideoDetect.Tests.Inference;

/// <summary>Auto's fallback to the CPU: quiet where no GPU could run CUDA, a warning where one could but did not.</summary>
public class ProvidersTests
{
    [Fact]
    public void A_driver_is_present_with_an_nvidia_device_node_or_a_loadable_driver_library()
    {
        var asked = new List<string>();
        bool Never(string name) { asked.Add(name); return false; }
        bool Always(string name) { asked.Add(name); return true; }

        Assert.False(NvidiaDriver.Detect(Array.Empty<string>(), Never));
        Assert.False(NvidiaDriver.Detect(new[] { "/dev/nvme0", "/dev/null" }, Never));
        asked.Clear();
        Assert.True(NvidiaDriver.Detect(new[] { "/dev/nvidiactl", "/dev/nvidia0" }, Never));
        Assert.Empty(asked); // a device node settles it without loading anything
        if (NvidiaDriver.LibraryName is { } library)
        {
            Assert.True(NvidiaDriver.Detect(Array.Empty<string>(), Always));
            Assert.Equal(library, asked.Single());
        }
    }

    [Fact]
    public void No_driver_or_no_CUDA_provider_falls_back_quietly_without_probing_and_a_failed_probe_warns()
    {
        int probes = 0;
        string? Fails() { probes++; return "the CUDA provider could not load (libcudart.so.13 missing)"; }
        string? Loads() { probes++; return null; }

        var noBuild = Providers.CheckCuda(buildHasCuda: false, driverPresent: true, Fails);
        Assert.Contains("no CUDA provider", noBuild.Failure);
        Assert.False(noBuild.Warns);

        var noDriver = Providers.CheckCuda(buildHasCuda: true, driverPresent: false, Fails);
        Assert.Contains("no NVIDIA driver", noDriver.Failure);
        Assert.False(noDriver.Warns);
        Assert.Equal(0, probes);

        var missing = Providers.CheckCuda(buildHasCuda: true, driverPresent: true, Fails);
        Assert.Equal("the CUDA provider could not load (libcudart.so.13 missing)", missing.Failure);
        Assert.True(missing.Warns);

        var fine = Providers.CheckCuda(buildHasCuda: true, driverPresent: true, Loads);
        Assert.Null(fine.Failure);
        Assert.False(fine.Warns);
        Assert.Equal(2, probes);
    }

    [Fact]
    public void On_a_machine_without_an_NVIDIA_driver_Auto_picks_the_CPU_quietly_and_Cuda_is_ProviderUnavailable()
    {
        // Checked independently of NvidiaDriver: the device nodes and the loader's cache.
        bool nodes = Directory.Exists("/dev") && Directory.EnumerateFileSystemEntries("/dev", "nvidia*").Any();
        bool library = File.Exists("/etc/ld.so.cache") && File.ReadAllText("/etc/ld.so.cache").Contains("libcuda.so.1", StringComparison.Ordinal);
        if (!OperatingSystem.IsLinux() || nodes || library) return; // a GPU machine: the warning case, covered above

        OrtRuntime.EnsureQuiet();
        var (options, provider, reason) = Providers.Create(ExecutionProvider.Auto, 0);
        options.Dispose();
        Assert.Equal(ExecutionProvider.Cpu, provider);
        Assert.Contains("NVIDIA driver", reason);
        Assert.False(Providers.FallbackWarns(0));
        var e = Assert.Throws<ModelException>(() => Providers.Create(ExecutionProvider.Cuda, 0));
        Assert.Equal("ProviderUnavailable", e.ErrorId);
    }
}
