#!/usr/bin/env bash
# On the GPU machine, from the repository root: assemble the bundle (pieces carried in earlier calls to
# /root/pieces; see make-bundle.sh), then models.ps1 and the suite with CUDA. Results under $OUT.
set -uo pipefail
G=/root/g; mkdir -p $G
if [ ! -f $G/.done ]; then
  ls -la /root/pieces
  Z=zstd; command -v zstd >/dev/null || { Z=/root/pieces/zstd/zstd; export LD_LIBRARY_PATH=/root/pieces/zstd; }
  cat /root/pieces/p.* | $Z -dc --long=27 | LD_LIBRARY_PATH= tar -x -C $G || exit 3
  unset LD_LIBRARY_PATH
  touch $G/.done
fi
true
for f in libOpenCvSharpExtern.so libonnxruntime.so libonnxruntime_providers_cuda.so libonnxruntime_providers_shared.so; do
  ln -sf $G/module/VideoDetect/$f $G/bench/runtimes/linux-x64/native/$f; done
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
CUDALIBS=$(find / -xdev \( -name 'libcudart.so.13*' -o -name 'libcublasLt.so.13*' -o -name 'libcurand.so.10*' -o -name 'libcudnn.so.9*' -o -name 'libcufft.so.12*' -o -name 'libcuda.so.1' \) 2>/dev/null | grep -v /compat/ | xargs -r -n1 dirname | sort -u | tr '\n' ':')
echo "CUDA libs: $CUDALIBS"
export DOTNET_ROOT=$G/dotnet PATH=$G/dotnet:$PATH DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
export LD_LIBRARY_PATH=$G/lib:${CUDALIBS}${LD_LIBRARY_PATH:-}
export VIDEODETECT_PWSH=$G/pwsh/unix/pwsh.dll VIDEODETECT_MODULE=$G/module/VideoDetect VIDEODETECT_BENCH_PROVIDER=Cuda
nproc; dotnet --list-runtimes
dotnet $G/pwsh/unix/pwsh.dll -NoProfile -c 'Import-Module $env:VIDEODETECT_MODULE; $m = Import-DetectionModel /root/g/shared/models/yolox_nano.onnx -Provider Cuda; $m | Format-List *; Split-VideoClip /root/g/shared/videos/vtest.avi -Length 64 -End 64 | ConvertTo-FrameBatch -BatchSize 16 -Model $m | Invoke-FrameDetection | Select-Object -First 1 | Format-List *' 2>&1 | tee $OUT/smoke.txt
timeout 100 dotnet $G/pwsh/unix/pwsh.dll -NoProfile -File bench/gpu/models.ps1 2>&1 | tee $OUT/models.txt
VIDEODETECT_ORT_THREADS=1 timeout 40 dotnet $G/pwsh/unix/pwsh.dll -NoProfile -c '& ./bench/gpu/models.ps1 -Models nanodet_m_416' 2>&1 | sed 's/^/ORT_THREADS=1: /' | tee -a $OUT/models.txt
cd $G && timeout ${BENCH_LIMIT:-420} dotnet $G/bench/VideoDetect.Bench.dll $G/shared $OUT/bench --only ${ONLY:-inference,naive,pipeline} 2>&1 | tee $OUT/bench.log
cp $OUT/bench/results.json $OUT/bench/results.md $OUT/ 2>/dev/null; rm -rf $OUT/bench/BenchmarkDotNet $OUT/bench/*.mp4 $OUT/bench/*.avi
