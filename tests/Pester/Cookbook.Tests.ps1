#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Every README cookbook recipe, run as written in pwsh with registry.example.com and mirror.example.com pointed
    at two registries this file starts (TestRegistry.ps1), including the parallel ones that a hosted PowerShell
    cannot run as users do; and the parallel runbooks of issue 19: 16 images copied by 4 runspaces into one layout
    and into one registry, every one verified, and a runbook whose one item fails.
    The module folder is put on PSModulePath for this file, so runspaces load it by name as users' do.
#>

BeforeDiscovery {
    . $PSScriptRoot/TestRegistry.ps1
    $noRegistries = Get-TestRegistrySkipReason -OwnRegistry
}

BeforeAll {
    . $PSScriptRoot/TestRegistry.ps1
    Import-OciImageUnderTest
    $savedModulePath = $env:PSModulePath
    $env:PSModulePath = (Split-Path $ModuleFolder) + [System.IO.Path]::PathSeparator + $env:PSModulePath

    function Get-Recipe([string] $Name) {
        $readme = Get-Content -Raw (Join-Path $RepoRoot 'README.md')
        $match = [regex]::Match($readme, "<!-- tested: cookbook-$Name[ >].*?-->\s*``````powershell\n(?<code>.*?)``````", 'Singleline')
        if (-not $match.Success) { throw "the README has no cookbook-$Name recipe" }
        $match.Groups['code'].Value
    }

    function Invoke-Recipe([string] $Name, [hashtable] $Replace = @{}) {
        $code = (Get-Recipe $Name).Replace('registry.example.com', $registry.Host).Replace('mirror.example.com', $mirror.Host)
        foreach ($key in $Replace.Keys) { $code = $code.Replace($key, $Replace[$key]) }
        Push-Location $work
        try { & ([scriptblock]::Create($code)) } finally { Pop-Location }
    }

    function Get-Tags([string] $Reference) { @(Get-OciTag $Reference | ForEach-Object Tag | Sort-Object) }
}

AfterAll {
    $env:PSModulePath = $savedModulePath
}

Describe 'README cookbook recipes' -Skip:([bool]$noRegistries) {
    BeforeAll {
        $registry = Start-TestRegistry
        $mirror = Start-TestRegistry
        $work = Join-Path $TestDrive 'work'
        New-Item -ItemType Directory -Path (Join-Path $work 'site') -Force | Out-Null
        Set-Content -LiteralPath (Join-Path $work 'site/index.html') -Value '<h1>hello</h1>'
        $layout = Join-Path $TestDrive 'images'
        $v1 = New-TestImage -Layout $layout -Tag v1 -Content 'small'
        $v2 = New-TestImage -Layout $layout -Tag v2 -Content ([System.Convert]::ToBase64String([System.Security.Cryptography.RandomNumberGenerator]::GetBytes(6000)))
        Copy-OciImage "oci:${layout}:v1" "$($registry.Host)/team/app:v1" | Out-Null
        Copy-OciImage "oci:${layout}:v2" "$($registry.Host)/team/app:v2" | Out-Null
        Copy-OciImage "oci:${layout}:v2" "$($registry.Host)/staging/app:candidate" | Out-Null
        # 1.4 and 1.5 for the analysis recipes: 1.5 writes v2's file again in a layer of its own.
        $again = Join-Path $TestDrive 'again'
        New-Item -ItemType Directory -Path (Join-Path $again 'data') -Force | Out-Null
        Set-Content -LiteralPath (Join-Path $again 'data/content.txt') -Value 'v2 again' -NoNewline
        $null = New-OciLayer $again -Layout $layout | New-OciImage -Layout $layout -Tag wasteful -Base "oci:${layout}:v2"
        Copy-OciImage "oci:${layout}:v1" "$($registry.Host)/team/app:1.4" | Out-Null
        Copy-OciImage "oci:${layout}:wasteful" "$($registry.Host)/team/app:1.5" | Out-Null
        foreach ($name in 'tools/lint', 'tools/fmt', 'base/debian', 'base/alpine', 'web/front', 'web/api') {
            Copy-OciImage "oci:${layout}:v1" "$($registry.Host)/${name}:1" | Out-Null
        }
    }

    AfterAll {
        Stop-TestRegistry $registry
        Stop-TestRegistry $mirror
    }

    It 'cookbook-mirror copies every tag' {
        Invoke-Recipe mirror | Out-Null
        Get-Tags "$($mirror.Host)/team/app" | Should -Be @('1.4', '1.5', 'v1', 'v2')
    }

    It 'cookbook-build pushes an image on its base' {
        Invoke-Recipe build | Out-Null
        (Get-OciImageConfig "$($registry.Host)/team/site:1.0").ExposedPorts | Should -Contain '8080/tcp'
        (Get-OciManifest "$($registry.Host)/team/site:1.0").LayerCount | Should -Be 3
    }

    It 'cookbook-pin gives digest references' {
        $out = @(Invoke-Recipe pin)
        $out.Count | Should -Be 2
        $out | ForEach-Object { $_ | Should -Match "^$([regex]::Escape($registry.Host))/team/app:v[12]@sha256:[0-9a-f]{64}$" }
    }

    It 'cookbook-large finds the images over the limit' {
        # 100MB in the recipe; the test images are small, so the limit sits between their sizes.
        $out = @(Invoke-Recipe large -Replace @{ '$limit = 100MB' = "`$limit = $((Get-OciManifest "oci:${layout}:v1").TotalSize + 1000)" })
        $out | Where-Object { $_ -match '/team/app:v2@' } | Should -Not -BeNullOrEmpty
        $out | Where-Object { $_ -match '/team/app:v1@' } | Should -BeNullOrEmpty
    }

    It 'cookbook-promote keeps the digest' {
        Invoke-Recipe promote | Out-Null
        "$((Get-OciDigest "$($registry.Host)/prod/app:1.0").Digest)" | Should -Be "$($v2.Digest)"
    }

    It 'cookbook-airgap round-trips through a tar' {
        Invoke-Recipe airgap | Out-Null
        "$((Get-OciDigest "$($registry.Host)/airgapped/app:v1").Digest)" | Should -Be "$($v1.Digest)"
    }

    It 'cookbook-gate fails the wasteful image with ImageInefficient and passes the other' {
        { Invoke-Recipe gate } | Should -Throw -ErrorId 'ImageInefficient,OciImage.Commands.TestOciImageCommand'
        (Invoke-Recipe gate -Replace @{ 'team/app:1.5' = 'team/app:v2' }).GetType().Name | Should -Be 'OciImageMeasurement'
    }

    It 'cookbook-diff lists what changed between 1.4 and 1.5' {
        Invoke-Recipe diff | Should -Be @('Modified     /data/content.txt')
    }

    It 'cookbook-biglayer gives the bytes by layer, largest first, and the wasted paths' {
        $out = @(Invoke-Recipe biglayer)
        $groups = @($out | Where-Object { $_.PSObject.Properties['Bytes'] })
        $groups.Layer | Should -Be @(0, 2)   # hello.txt (26 bytes) in layer 0; content.txt as layer 2 wrote it again
        $groups.Bytes | Should -Be @(26, 8)
        $waste = @($out | Where-Object { $_.PSObject.Properties['CumulativeSize'] })
        $waste.Path | Should -Be @('/data/content.txt')
        $waste[0].Layers | Should -Be @(1, 2)
    }

    It 'cookbook-parallel mirrors every repository, 8 at a time, each verified' {
        Invoke-Recipe parallel | Out-Null
        $source = @(Get-OciRepository $registry.Host).Name | Sort-Object
        @(Get-OciRepository $mirror.Host).Name | Sort-Object | Should -Be $source
        foreach ($name in $source) {
            Get-Tags "$($mirror.Host)/$name" | Should -Be (Get-Tags "$($registry.Host)/$name")
            (Get-OciTag "$($mirror.Host)/$name" | Test-OciImage -Deep).IsValid | Should -Not -Contain $false
        }
    }

    It 'cookbook-shard: three workers, one shard each, copy every repository exactly once' {
        $shardMirror = Start-TestRegistry
        try {
            $copied = foreach ($index in 0..2) {
                $env:SHARD_COUNT = '3'
                $env:SHARD_INDEX = "$index"
                , @(Invoke-Recipe shard -Replace @{ $mirror.Host = $shardMirror.Host } | ForEach-Object { "$($_.Destination)" -replace '@.*$' -replace ':[^:/]+$' } | Sort-Object -Unique)
            }
            $source = @(Get-OciRepository $registry.Host).Name | Sort-Object
            @(Get-OciRepository $shardMirror.Host).Name | Sort-Object | Should -Be $source
            $all = @($copied | ForEach-Object { $_ })
            $all.Count | Should -Be $source.Count   # no repository copied by two workers
            $all | Sort-Object | Should -Be ($source | ForEach-Object { "$($shardMirror.Host)/$_" })
        }
        finally {
            Remove-Item Env:SHARD_COUNT, Env:SHARD_INDEX -ErrorAction SilentlyContinue
            Stop-TestRegistry $shardMirror
        }
    }
}

Describe 'Parallel runbooks' -Skip:([bool]$noRegistries) {
    BeforeAll {
        $registry = Start-TestRegistry
        $source = Join-Path $TestDrive 'source'
        $images = foreach ($i in 1..16) { New-TestImage -Layout $source -Tag "img$i" -Content "image $i" }
    }

    AfterAll {
        Stop-TestRegistry $registry
    }

    It '16 images copied by 4 runspaces (ForEach-Object -Parallel) into one layout and one registry repository, every one verified' {
        $layout = Join-Path $TestDrive 'parallel-layout'
        $repository = "$($registry.Host)/parallel/app"
        $results = 1..16 | ForEach-Object -ThrottleLimit 4 -Parallel {
            Copy-OciImage "oci:$($using:source):img$_" "oci:$($using:layout):img$_"
            Copy-OciImage "oci:$($using:source):img$_" "$($using:repository):img$_"
        }
        @($results).Count | Should -Be 32
        @($results | Where-Object SameDigest).Count | Should -Be 32
        Get-Tags "oci:$layout" | Should -Be (1..16 | ForEach-Object { "img$_" } | Sort-Object)
        Get-Tags $repository | Should -Be (1..16 | ForEach-Object { "img$_" } | Sort-Object)
        foreach ($i in 1..16) {
            $expected = "$($images[$i - 1].Digest)"
            "$((Get-OciDigest "oci:${layout}:img$i").Digest)" | Should -Be $expected
            "$((Get-OciDigest "${repository}:img$i").Digest)" | Should -Be $expected
        }
        (Get-OciTag "oci:$layout" | Test-OciImage -Deep).IsValid | Should -Not -Contain $false
        (Get-OciTag $repository | Test-OciImage -Deep).IsValid | Should -Not -Contain $false
    }

    It '16 images copied by 4 thread jobs (Start-ThreadJob) into one layout, every one verified' {
        $layout = Join-Path $TestDrive 'threadjob-layout'
        $jobs = foreach ($batch in 0..3) {
            Start-ThreadJob -ThrottleLimit 4 -ArgumentList $batch -ScriptBlock {
                param($batch)
                foreach ($i in (1..4 | ForEach-Object { $batch * 4 + $_ })) {
                    Copy-OciImage "oci:$($using:source):img$i" "oci:$($using:layout):img$i"
                }
            }
        }
        $results = $jobs | Receive-Job -Wait -AutoRemoveJob -ErrorVariable problems
        @($problems).Count | Should -Be 0
        @($results | Where-Object SameDigest).Count | Should -Be 16
        Get-Tags "oci:$layout" | Should -Be (1..16 | ForEach-Object { "img$_" } | Sort-Object)
        (Get-OciTag "oci:$layout" | Test-OciImage -Deep).IsValid | Should -Not -Contain $false
    }

    It 'a runbook whose one item fails gives a clear error record for that item, and the rest goes on' {
        $ErrorActionPreference = 'Continue'   # a runbook's default: an error record per failed item
        $layout = Join-Path $TestDrive 'with-failure'
        $names = (1..7 | ForEach-Object { "img$_" }) + 'missing' + (8..9 | ForEach-Object { "img$_" })
        $results = $names | ForEach-Object -ThrottleLimit 4 -Parallel {
            Copy-OciImage "oci:$($using:source):$_" "oci:$($using:layout):$_"
        } -ErrorVariable problems 2>$null   # -Parallel takes no -ErrorAction
        @($results).Count | Should -Be 9
        @($problems).Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'ManifestUnknown,OciImage.Commands.CopyOciImageCommand'
        $problems[0].Exception.Message | Should -Match 'missing'
        Get-Tags "oci:$layout" | Should -Be (1..9 | ForEach-Object { "img$_" } | Sort-Object)
    }
}
