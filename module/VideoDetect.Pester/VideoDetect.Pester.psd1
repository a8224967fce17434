@{
    RootModule           = 'VideoDetect.Pester.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '3b7f6a52-0f1e-4c39-9d55-7c1f0c2a8e41'
    Author               = 'VideoDetect contributors'
    CompanyName          = 'VideoDetect'
    Copyright            = '(c) VideoDetect contributors. Apache-2.0.'
    Description          = 'Pester 5 assertions for VideoDetect: Should -HaveDetectionEvent on DetectionEvent or FrameDetections objects.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FunctionsToExport    = @()
    CmdletsToExport      = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
}
