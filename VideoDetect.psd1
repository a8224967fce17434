@{
    RootModule           = 'VideoDetect.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '6f0c8e4e-4c8b-4b7e-9a57-3d2f7f4b1c21'
    Author               = 'VideoDetect contributors'
    CompanyName          = 'VideoDetect'
    Copyright            = '(c) VideoDetect contributors. Apache-2.0.'
    Description          = 'Find objects in video, fast: cut videos into exact, pixel-free clips, batch and preprocess frames, run ONNX detectors (CUDA or CPU) and map every detection back to its frame, time and source pixels.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('VideoDetect.format.ps1xml')
    TypesToProcess       = @('VideoDetect.types.ps1xml')
    CmdletsToExport      = @('Get-VideoInfo', 'Split-VideoClip', 'ConvertTo-FrameBatch', 'Import-DetectionModel', 'Get-DetectionModel', 'Remove-DetectionModel', 'Invoke-FrameDetection', 'Add-DetectionTrack', 'ConvertTo-DetectionEvent', 'Export-AnnotatedVideo', 'Export-FrameDetection', 'Import-FrameDetection', 'Get-DetectionStore', 'Export-DetectionEvent', 'Import-DetectionEvent', 'Export-EventSnapshot', 'Measure-DetectionCount', 'Export-DetectionReport', 'Export-EventClip', 'Send-DetectionEvent')
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('video', 'object-detection', 'onnx', 'onnxruntime', 'opencv', 'cuda', 'yolo', 'PSEdition_Core', 'Linux', 'Windows')
            LicenseUri   = 'https://www.apache.org/licenses/LICENSE-2.0'
            ProjectUri   = 'https://example.invalid/videodetect'
            ReleaseNotes = 'Exact clips (Get-VideoInfo, Split-VideoClip), streamed tensor batches (ConvertTo-FrameBatch), cached ONNX Runtime detectors on CUDA or the CPU (Import-DetectionModel, Get-DetectionModel, Remove-DetectionModel, Invoke-FrameDetection: YOLOX, YOLOv5, YOLOv8/YOLO11, NanoDet, FastestDet, SSD, BlazeFace as the embedded default), annotated H.264 video (Export-AnnotatedVideo). Two packages: GPU (ONNX Runtime GPU: CUDA 13 and cuDNN 9 when present, else the CPU) and CPU (ONNX Runtime CPU only, far smaller). Auto picks the CPU quietly on a machine without an NVIDIA driver.'
        }
    }
}
