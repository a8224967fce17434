using System.Runtime.InteropServices;

namespace VideoDetect.Inference;

/// <summary>
/// ONNX Runtime GPU 1.31 needs CUDA 13 and cuDNN 9 at run time, and its CUDA provider only finds them
/// through the loader's search path. Users have them in other places: a CUDA toolkit (CUDA_PATH,
/// CUDA_HOME, /usr/local/cuda*), or NVIDIA's pip wheels next to a PyTorch install
/// (site-packages/nvidia/*/lib). Before the provider is appended, the libraries found there are loaded
/// by full path; the provider's own dependencies then resolve to them by soname. Best effort: what is
/// not found is left to the loader, whose error names it.
/// </summary>
internal static class CudaLibraries
{
    private static readonly string[] LinuxNames =
    {
        "libcudart.so.13", "libcublasLt.so.13", "libcublas.so.13", "libcufft.so.12", "libcurand.so.10",
        "libcudnn.so.9",
    };

    private static readonly Lazy<IReadOnlyList<string>> Loaded = new(LoadAll);

    /// <summary>Full paths of the libraries preloaded (once per process).</summary>
    public static IReadOnlyList<string> EnsureLoaded() => Loaded.Value;

    private static IReadOnlyList<string> LoadAll()
    {
        var loaded = new List<string>();
        if (OperatingSystem.IsWindows())
        {
            // The Windows loader searches PATH for the provider's dependencies: put the toolkit's bin there.
            foreach (string dir in Directories().Where(Directory.Exists))
            {
                string path = Environment.GetEnvironmentVariable("PATH") ?? "";
                if (!path.Split(';').Contains(dir, StringComparer.OrdinalIgnoreCase)) Environment.SetEnvironmentVariable("PATH", dir + ";" + path);
                loaded.Add(dir);
            }
            return loaded;
        }
        if (!OperatingSystem.IsLinux()) return loaded;
        var dirs = Directories().Where(Directory.Exists).Distinct().ToList();
        foreach (string name in LinuxNames)
        {
            foreach (string dir in dirs)
            {
                string candidate = Path.Combine(dir, name);
                if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out _))
                {
                    loaded.Add(candidate);
                    break;
                }
            }
        }
        // cuDNN 9 is split into sub-libraries that libcudnn loads itself by name: preload them from the same folder.
        if (loaded.FirstOrDefault(p => p.EndsWith("libcudnn.so.9", StringComparison.Ordinal)) is { } cudnn)
        {
            foreach (string sub in Directory.GetFiles(Path.GetDirectoryName(cudnn)!, "libcudnn_*.so.9"))
                if (NativeLibrary.TryLoad(sub, out _)) loaded.Add(sub);
        }
        return loaded;
    }

    /// <summary>Where users keep CUDA 13 and cuDNN 9, most specific first.</summary>
    internal static IEnumerable<string> Directories()
    {
        bool windows = OperatingSystem.IsWindows();
        foreach (string variable in new[] { "CUDA_PATH", "CUDA_HOME", "CUDNN_PATH" })
        {
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } root)
            {
                yield return Path.Combine(root, windows ? "bin" : "lib64");
                yield return Path.Combine(root, windows ? Path.Combine("bin", "x64") : "lib");
            }
        }
        if (windows) yield break;
        foreach (string dir in (Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            yield return dir;
        foreach (string sitePackages in SitePackages())
        {
            string nvidia = Path.Combine(sitePackages, "nvidia");
            if (!Directory.Exists(nvidia)) continue;
            foreach (string package in Directory.GetDirectories(nvidia).OrderBy(d => d, StringComparer.Ordinal))
            {
                yield return Path.Combine(package, "lib");
            }
            yield return Path.Combine(nvidia, "cu13", "lib"); // the CUDA 13 wheels' layout
        }
        foreach (string dir in new[] { "/usr/local/cuda-13/lib64", "/usr/local/cuda/lib64", "/usr/local/cuda/targets/x86_64-linux/lib", "/usr/lib/x86_64-linux-gnu" })
            yield return dir;
    }

    /// <summary>Python site-packages that may hold NVIDIA's wheels: the active virtual or conda environment, the user's and the system's.</summary>
    private static IEnumerable<string> SitePackages()
    {
        var roots = new List<string>();
        foreach (string variable in new[] { "VIRTUAL_ENV", "CONDA_PREFIX" })
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } env) roots.Add(Path.Combine(env, "lib"));
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (home.Length > 0) roots.Add(Path.Combine(home, ".local", "lib"));
        roots.Add("/usr/local/lib");
        roots.Add("/usr/lib");
        foreach (string root in roots.Where(Directory.Exists))
        {
            string[] pythons;
            try { pythons = Directory.GetDirectories(root, "python3*"); }
            catch (UnauthorizedAccessException) { continue; }
            foreach (string python in pythons)
            {
                yield return Path.Combine(python, "site-packages");
                yield return Path.Combine(python, "dist-packages");
            }
        }
    }
}
