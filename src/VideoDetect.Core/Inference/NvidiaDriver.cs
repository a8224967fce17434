using System.Runtime.InteropServices;

namespace VideoDetect.Inference;

/// <summary>
/// Whether this machine has an NVIDIA driver at all: its user-space library (<c>libcuda.so.1</c>,
/// <c>nvcuda.dll</c> on Windows) loads, or the kernel driver's device nodes (<c>/dev/nvidia*</c>)
/// exist. Without one, CUDA cannot run whatever libraries are installed, so falling back to the CPU is
/// the expected outcome and not worth a warning (see <see cref="Providers"/>).
/// </summary>
internal static class NvidiaDriver
{
    private static readonly Lazy<bool> Detected = new(() => Detect(DeviceNodes(), CanLoad));

    /// <summary>True when an NVIDIA driver is present (asked once per process).</summary>
    public static bool Present => Detected.Value;

    /// <summary>The user-space driver library's name on this platform, or null where there is none to look for.</summary>
    internal static string? LibraryName =>
        OperatingSystem.IsLinux() ? "libcuda.so.1" : OperatingSystem.IsWindows() ? "nvcuda.dll" : null;

    /// <summary>What was looked for, for the message that says none was found.</summary>
    internal static string Looked => OperatingSystem.IsLinux() ? "no libcuda.so.1, no /dev/nvidia*" : $"no {LibraryName ?? "NVIDIA driver on this platform"}";

    /// <summary>The decision: any NVIDIA device node, or the driver library loads.</summary>
    internal static bool Detect(IEnumerable<string> deviceNodes, Func<string, bool> canLoad)
    {
        if (deviceNodes.Any(node => Path.GetFileName(node).StartsWith("nvidia", StringComparison.Ordinal))) return true;
        return LibraryName is { } library && canLoad(library);
    }

    private static IEnumerable<string> DeviceNodes()
    {
        if (!OperatingSystem.IsLinux() || !Directory.Exists("/dev")) return Array.Empty<string>();
        try { return Directory.EnumerateFileSystemEntries("/dev", "nvidia*").ToList(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return Array.Empty<string>(); }
    }

    private static bool CanLoad(string library)
    {
        if (!NativeLibrary.TryLoad(library, out IntPtr handle)) return false;
        NativeLibrary.Free(handle);
        return true;
    }
}
