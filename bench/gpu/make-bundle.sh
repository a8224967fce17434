#!/usr/bin/env bash
# Builds the bundle that bench/gpu/run.sh runs on a lent GPU machine that has no .NET SDK, no ffmpeg
# and no network (this workplace's `device` tool: at most 64 MiB per call, so the bundle is split into
# pieces of ~48 MB, each carried in its own call and moved to /root/pieces there).
#   dotnet pwsh ./build.ps1 build && dotnet build -c Release bench/VideoDetect.Bench && bench/gpu/make-bundle.sh
# Writes .gpu/p.aa … p.ad (+ .gpu/zstd, a zstd binary for machines without one); add /.gpu/ to .git/info/exclude.
set -euo pipefail
cd "$(dirname "$0")/../.."
S=$(mktemp -d); trap 'rm -rf "$S"' EXIT
mkdir -p $S/dotnet/host $S/dotnet/shared $S/pwsh $S/module $S/bench $S/lib $S/shared/videos $S/shared/models .gpu/zstd
D=$(dirname "$(readlink -f "$(command -v dotnet)")")
cp $D/dotnet $S/dotnet/; cp -r $D/host/fxr $S/dotnet/host/; cp -r $D/shared/Microsoft.NETCore.App $S/dotnet/shared/
cp -r ~/.nuget/packages/powershell/7.6.9/tools/net10.0/any/unix $S/pwsh/
(cd $S/pwsh/unix/runtimes && for d in *; do case $d in linux-x64|linux|unix) ;; *) rm -rf "$d";; esac; done)
cp -r out/VideoDetect $S/module/; rm -f $S/module/VideoDetect/libonnxruntime_providers_tensorrt.so
# Only the sm_90 (H100/H200) kernels of the CUDA provider are kept: the others are blanked so the bundle compresses to ~190 MB.
python3 bench/gpu/fatbin.py out/VideoDetect/libonnxruntime_providers_cuda.so $S/module/VideoDetect/libonnxruntime_providers_cuda.so 90
B=bench/VideoDetect.Bench/bin/Release/net10.0; cp -r $B/. $S/bench/; rm -rf $S/bench/runtimes/win* $S/bench/runtimes/osx*
rm -f $S/bench/runtimes/linux-x64/native/{libOpenCvSharpExtern.so,libonnxruntime.so,libonnxruntime_providers_cuda.so,libonnxruntime_providers_tensorrt.so}
# OpenCvSharp's native library links GTK3 and friends: carry them (all but glibc and the C++ runtime).
ldd out/VideoDetect/libOpenCvSharpExtern.so | awk '/=>/ {print $3}' | grep -v -E '/lib(c|m|dl|rt|pthread|stdc\+\+|gcc_s)\.so' | xargs -I{} cp -L {} $S/lib/
SHARED=${VIDEODETECT_SHARED:-../shared}
cp $SHARED/videos/vtest.avi $S/shared/videos/; cp $SHARED/models/*.onnx $S/shared/models/
cp "$(command -v zstd)" .gpu/zstd/; ldd "$(command -v zstd)" | awk '/=>/ {print $3}' | grep -v -E '/lib(c|m|pthread)\.so' | xargs -r -I{} cp -L {} .gpu/zstd/
rm -f .gpu/p.*; tar -C $S -cf - . | zstd -9 -T0 --long=27 -q -o .gpu/bundle.tar.zst -f
(cd .gpu && split -n 4 -a 2 bundle.tar.zst p. && rm bundle.tar.zst && ls -la)
