#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Sync-OciRepository as users run it: a registry's repositories piped from Get-OciRepository under a prefix, a plan
    saved with Export-Clixml and with ConvertTo-Json and applied later, and the results as JSON (TestRegistry.ps1).
#>

BeforeDiscovery {
    . $PSScriptRoot/TestRegistry.ps1
    $noRegistry = Get-TestRegistrySkipReason
}

BeforeAll {
    . $PSScriptRoot/TestRegistry.ps1
    Import-OciImageUnderTest
    $layout = Join-Path $TestDrive 'layout'
    foreach ($version in '1.0.0', '1.1.0', '2.0.0') {
        New-TestImage -Layout $layout -Tag $version -Content "release $version" | Out-Null
    }
}

Describe 'Sync-OciRepository' -Skip:([bool]$noRegistry) {
    BeforeAll {
        $registry = Start-TestRegistry
        $run = [guid]::NewGuid().ToString('n').Substring(0, 8)
        $source = "$($registry.Host)/pester-mirror-$run/app"
        Copy-OciImage "oci:$layout" $source -AllTags | Out-Null
    }

    AfterAll {
        Stop-TestRegistry $registry
    }

    It 'mirrors the repositories Get-OciRepository lists, each under the prefix, and says so in JSON' {
        $out = Get-OciRepository $registry.Host -Name "pester-mirror-$run/*" | Sync-OciRepository -Destination "$($registry.Host)/pester-copy-$run/"
        $results = $out | Where-Object { $_ -is [OciImage.OciSyncResult] }
        $summary = $out | Select-Object -Last 1
        $results.Status | Should -Be @('Copied', 'Copied', 'Copied')
        $summary.Copied | Should -Be 3
        (Get-OciTag "$($registry.Host)/pester-copy-$run/pester-mirror-$run/app").Tag | Sort-Object | Should -Be @('1.0.0', '1.1.0', '2.0.0')
        $json = $summary | ConvertTo-Json | ConvertFrom-Json
        $json.Copied | Should -Be 3
        $json.Seconds | Should -BeGreaterThan 0
    }

    It 'a plan saved with Export-Clixml is applied later as it was reviewed' {
        $target = "$($registry.Host)/pester-plan-$run/app"
        $file = Join-Path $TestDrive 'plan.xml'
        Sync-OciRepository $source $target -VersionRange '>=1.1' -Plan | Export-Clixml -LiteralPath $file
        $plan = Import-Clixml -LiteralPath $file
        $plan.Action | Should -Be @('Copy', 'Copy')
        # One registry: the blobs are mounted from the source repository, and no byte crosses.
        ($plan | Measure-Object BlobsToMount -Sum).Sum | Should -BeGreaterThan 0
        ($plan | Measure-Object Bytes -Sum).Sum | Should -Be 0
        (Get-OciTag $target -ErrorAction SilentlyContinue) | Should -BeNullOrEmpty

        $applied = Import-Clixml -LiteralPath $file | Sync-OciRepository
        $results = $applied | Where-Object { $_ -is [OciImage.OciSyncResult] }
        $results.Status | Should -Be @('Copied', 'Copied')
        ($results | Measure-Object BytesCopied -Sum).Sum | Should -Be 0
        (Get-OciTag $target).Tag | Sort-Object | Should -Be @('1.1.0', '2.0.0')
    }

    It 'a plan saved with ConvertTo-Json is applied from the file or from ConvertFrom-Json' {
        $target = "$($registry.Host)/pester-json-$run/app"
        $file = Join-Path $TestDrive 'plan.json'
        Sync-OciRepository $source $target -Include '1.*' -Plan | ConvertTo-Json | Set-Content -LiteralPath $file
        $first = Sync-OciRepository -PlanPath $file
        ($first | Select-Object -Last 1).Copied | Should -Be 2
        $again = Get-Content -LiteralPath $file -Raw | ConvertFrom-Json | Sync-OciRepository
        ($again | Select-Object -Last 1).UpToDate | Should -Be 2
    }

    It '-WhatIf changes nothing and a prune needs -Force or a yes' {
        $target = "$($registry.Host)/pester-prune-$run/app"
        Sync-OciRepository $source $target | Out-Null
        Sync-OciRepository $source $target -Include '2.*' -Prune -WhatIf | Out-Null
        @(Get-OciTag $target).Count | Should -Be 3
        $out = Sync-OciRepository $source $target -Include '2.*' -Prune -Force
        ($out | Select-Object -Last 1).Pruned | Should -Be 2
        (Get-OciTag $target).Tag | Should -Be @('2.0.0')
    }
}
