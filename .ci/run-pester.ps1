<#
    Runs the Pester suite (tests/Pester) for .ci/run and writes, to the file given:
        counts<TAB>PASSED<TAB>FAILED<TAB>SKIPPED
        skip<TAB>NAME<TAB>REASON            (one line per skipped test; NAME is Describe.Context.It as expanded)
    Exits 1 when a test failed or the run did not complete.
#>
param([Parameter(Mandatory)] [string] $ResultFile)

# The tests run with PowerShell's default preferences, as a user's session has them (no ErrorActionPreference Stop here).
$root = Split-Path $PSScriptRoot
Import-Module Pester -MinimumVersion 5.0.0 -ErrorAction Stop
$configuration = New-PesterConfiguration
$configuration.Run.Path = Join-Path $root 'tests/Pester'
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$result = Invoke-Pester -Configuration $configuration

$lines = [System.Collections.Generic.List[string]]::new()
# Tests that did not run because their block failed in BeforeAll are counted as failed.
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
$lines.Add("counts`t$($result.PassedCount)`t$failed`t$($result.SkippedCount)")
foreach ($test in $result.Skipped) {
    $reason = @($test.ErrorRecord | ForEach-Object { $_.Exception.Message }) -join ' '
    $reason = $reason -replace '^is skipped, because ', '' -replace '\s+', ' '
    if (-not $reason) { $reason = '(no reason given: a -Skip condition; see the test file)' }
    $lines.Add("skip`t$($test.ExpandedPath)`t$reason")
}

Set-Content -LiteralPath $ResultFile -Value $lines
if ($failed -gt 0 -or $result.Result -ne 'Passed') { exit 1 }
