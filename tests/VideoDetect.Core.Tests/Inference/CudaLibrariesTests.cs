using VideoDetect.Inference;
using Xunit;

namespace VideoDetect.Tests.Inference;

public class CudaLibrariesTests
{
    [FactNotOnWindows]
    public void Looks_in_CUDA_PATH_first_and_in_NVIDIA_pip_wheels_of_the_active_environment()
    {
        using var dir = new TempDir();
        string venv = dir.File("venv");
        string wheelLib = Path.Combine(venv, "lib", "python3.12", "site-packages", "nvidia", "cublas", "lib");
        Directory.CreateDirectory(wheelLib);
        string? oldCuda = Environment.GetEnvironmentVariable("CUDA_PATH"), oldVenv = Environment.GetEnvironmentVariable("VIRTUAL_ENV");
        try
        {
            Environment.SetEnvironmentVariable("CUDA_PATH", dir.File("cuda"));
            Environment.SetEnvironmentVariable("VIRTUAL_ENV", venv);
            var dirs = CudaLibraries.Directories().ToList();
            Assert.Equal(Path.Combine(dir.File("cuda"), "lib64"), dirs[0]);
            Assert.Contains(wheelLib, dirs);
            Assert.True(dirs.IndexOf(wheelLib) < dirs.IndexOf("/usr/local/cuda/lib64"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("CUDA_PATH", oldCuda);
            Environment.SetEnvironmentVariable("VIRTUAL_ENV", oldVenv);
        }
    }
}
