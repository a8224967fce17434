#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# build.ps1 test decides pass or fail from the two suites' exit codes and fresh summaries: its
# functions are taken out of the script (running it would build) and checked on made-up runs.

BeforeAll {
    $buildScript = Join-Path $PSScriptRoot '../../build.ps1'
    $ast = [System.Management.Automation.Language.Parser]::ParseFile($buildScript, [ref]$null, [ref]$null)
    foreach ($name in 'Read-XunitSummary', 'Read-PesterSummary', 'Get-TestRunProblems') {
        $f = $ast.Find({ param($n) $n -is [System.Management.Automation.Language.FunctionDefinitionAst] -and $n.Name -eq $name }, $true)
        if (-not $f) { throw "build.ps1 has no function $name" }
        . ([scriptblock]::Create($f.Extent.Text))
    }
    $floorAst = $ast.Find({ param($n) $n -is [System.Management.Automation.Language.AssignmentStatementAst] -and $n.Left.Extent.Text -eq '$TestFloor' }, $true)
    $Floor = & ([scriptblock]::Create($floorAst.Right.Extent.Text))
    $good = @{ Passed = 300; Failed = 0; Skipped = 2; Total = 302 }
}

Describe 'build.ps1 test: when a run passes' {
    It 'keeps the floors in one place, at least 130 xunit and 240 Pester tests' {
        $Floor.Xunit | Should -BeGreaterOrEqual 130
        $Floor.Pester | Should -BeGreaterOrEqual 240
    }

    It 'passes a run whose suites exited 0, wrote summaries, failed nothing and reached the floors' {
        @(Get-TestRunProblems -Core $good -CoreExit 0 -Pester $good -PesterExit 0 -Floor $Floor) | Should -BeNullOrEmpty
    }

    It 'fails when <Case>' -ForEach @(
        @{ Case = 'Pester exited non-zero with a summary that looks fine'; Core = 'good'; CoreExit = 0; Pester = 'good'; PesterExit = 1; Match = 'Pester: the test process exited with code 1' }
        @{ Case = 'Pester left no summary (crashed)'; Core = 'good'; CoreExit = 0; Pester = 'none'; PesterExit = 0; Match = 'Pester: the test process left no summary' }
        @{ Case = 'xunit left no TRX'; Core = 'none'; CoreExit = 1; Pester = 'good'; PesterExit = 0; Match = 'xunit: the test process left no summary' }
        @{ Case = 'a test failed'; Core = 'good'; CoreExit = 0; Pester = 'failed'; PesterExit = 0; Match = 'Pester: 1 failed' }
        @{ Case = 'discovery found nothing'; Core = 'good'; CoreExit = 0; Pester = 'empty'; PesterExit = 0; Match = 'only 0 tests were discovered' }
    ) {
        $runs = @{ good = $good; none = $null; failed = @{ Passed = 299; Failed = 1; Skipped = 2; Total = 302 }; empty = @{ Passed = 0; Failed = 0; Skipped = 0; Total = 0 } }
        $problems = @(Get-TestRunProblems -Core $runs[$Core] -CoreExit $CoreExit -Pester $runs[$Pester] -PesterExit $PesterExit -Floor $Floor)
        $problems | Should -Not -BeNullOrEmpty
        ($problems -join "`n") | Should -Match ([regex]::Escape($Match))
    }

    It 'reads no summary from a file that is not there, and the counts from one that is' {
        Read-PesterSummary (Join-Path $TestDrive 'none.json') | Should -BeNullOrEmpty
        Read-XunitSummary (Join-Path $TestDrive 'none.trx') | Should -BeNullOrEmpty
        $json = Join-Path $TestDrive 'p.json'
        @{ Passed = 5; Failed = 1; Skipped = 2; Total = 8 } | ConvertTo-Json | Set-Content $json
        (Read-PesterSummary $json).Total | Should -Be 8
        $trx = Join-Path $TestDrive 'c.trx'
        # As the TRX logger writes a skipped xunit test: counted as executed, its outcome NotExecuted.
        Set-Content $trx ('<TestRun><ResultSummary><Counters total="9" executed="9" passed="7" failed="1" error="0" notExecuted="0" /></ResultSummary>' +
            '<Results><UnitTestResult outcome="Passed" /><UnitTestResult outcome="NotExecuted" /><UnitTestResult outcome="Failed" /></Results></TestRun>')
        $c = Read-XunitSummary $trx
        $c.Passed, $c.Failed, $c.Skipped, $c.Total | Should -Be @(7, 1, 1, 9)
    }

    It 'clears the results folder before the suites run, so no earlier summary can be read' {
        $test = $ast.Find({ param($n) $n -is [System.Management.Automation.Language.FunctionDefinitionAst] -and $n.Name -eq 'Invoke-Test' }, $true).Body.Extent.Text
        $clear = $test.IndexOf('Remove-Item $results -Recurse')
        $clear | Should -BeGreaterThan 0
        $clear | Should -BeLessThan $test.IndexOf('& dotnet test') -Because 'the clearing comes before the first suite'
    }
}
