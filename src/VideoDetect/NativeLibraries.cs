using System.Reflection;
using System.Runtime.InteropServices;
using System.Management.Automation;

namespace VideoDetect;

/// <summary>
/// Runs when the module is imported. OpenCvSharp's assembly (and SQLitePCLRaw's e_sqlite3 provider) restricts native library probing so
/// that pwsh never looks in the module folder for <c>libOpenCvSharpExtern.so</c>; a resolver on that
/// assembly loads it from the module folder instead. <see cref="OnImport"/> runs again in every new
/// runspace (e.g. <c>ForEach-Object -Parallel</c>), but the assembly — and so the resolver — is
/// process-wide, and a second <see cref="NativeLibrary.SetDllImportResolver"/> throws: the
/// registration is done once per process.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer
{
    public void OnImport() => NativeLibraries.Register();
}

internal static class NativeLibraries
{
    private static int _registered;

    /// <summary>The folder the module's assemblies (and native libraries) were loaded from.</summary>
    internal static string ModuleDirectory { get; } =
        Path.GetDirectoryName(typeof(NativeLibraries).Assembly.Location) ?? AppContext.BaseDirectory;

    internal static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1) return;
        TrySetResolver(typeof(OpenCvSharp.Mat).Assembly);
        // SQLitePCLRaw (the events database) P/Invokes "e_sqlite3", which pwsh would not look for in the module folder either.
        TrySetResolver(typeof(SQLitePCL.SQLite3Provider_e_sqlite3).Assembly);
    }

    private static void TrySetResolver(Assembly assembly)
    {
        try
        {
            NativeLibrary.SetDllImportResolver(assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // Another host already installed a resolver for this assembly; it is in charge.
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        foreach (string candidate in Candidates(libraryName))
        {
            if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out IntPtr handle)) return handle;
        }
        return IntPtr.Zero; // fall back to the default probing
    }

    private static IEnumerable<string> Candidates(string name)
    {
        string file = OperatingSystem.IsWindows() ? name + ".dll"
            : OperatingSystem.IsMacOS() ? "lib" + name + ".dylib"
            : "lib" + name + ".so";
        string rid = OperatingSystem.IsWindows() ? "win-x64" : OperatingSystem.IsMacOS() ? "osx-arm64" : "linux-x64";
        yield return Path.Combine(ModuleDirectory, file);
        yield return Path.Combine(ModuleDirectory, "runtimes", rid, "native", file);
    }
}
