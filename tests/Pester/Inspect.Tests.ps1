#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    The inspect cmdlets (Get-OciManifest, Get-OciImageConfig, Get-OciDigest, Get-OciLayer, Get-OciLayerItem,
    Get-OciTag, Get-OciRepository, Get-OciReferrer, Save-OciBlob, Test-OciImage) on a layout this file builds and
    on a registry it starts (TestRegistry.ps1). Assertions compare digests, references and platforms as strings
    ("$($x.Digest)"), which holds whether the objects carry them as typed values or as strings.
#>

BeforeDiscovery {
    . $PSScriptRoot/TestRegistry.ps1
    $noRegistry = Get-TestRegistrySkipReason
}

BeforeAll {
    . $PSScriptRoot/TestRegistry.ps1
    Import-OciImageUnderTest
    $layout = Join-Path $TestDrive 'layout'
    $amd = New-TestImage -Layout $layout -Tag amd -Content 'amd64 bytes'
    $arm = New-TestImage -Layout $layout -Tag arm -Content 'arm64 bytes' -Platform linux/arm64
    $multi = New-OciIndex -Layout $layout -Tag multi -Manifest "oci:${layout}:amd", "oci:${layout}:arm"
}

Describe 'Get-OciManifest' {
    It 'returns an index without -Platform, and one image of it with -Platform' {
        $index = Get-OciManifest "oci:${layout}:multi"
        "$($index.Digest)" | Should -Be "$($multi.Digest)"
        @($index.Platforms | ForEach-Object { "$_" }) | Should -Be @('linux/amd64', 'linux/arm64')
        $image = Get-OciManifest "oci:${layout}:multi" -Platform linux/arm64
        "$($image.Digest)" | Should -Be "$($arm.Digest)"
        $image.LayerCount | Should -Be 2
    }

    It '-Raw gives the exact bytes the digest is computed over' {
        $raw = Get-OciManifest "oci:${layout}:amd" -Raw
        $bytes = [System.Text.Encoding]::UTF8.GetBytes($raw)
        $hash = [System.Security.Cryptography.SHA256]::HashData($bytes)
        'sha256:' + [System.Convert]::ToHexString($hash).ToLowerInvariant() | Should -Be "$($amd.Digest)"
    }

    It 'a platform the index does not have is PlatformNotFound' {
        { Get-OciManifest "oci:${layout}:multi" -Platform windows/amd64 -ErrorAction Stop } |
            Should -Throw -ErrorId 'PlatformNotFound,OciImage.Commands.GetOciManifestCommand'
    }
}

Describe 'Get-OciImageConfig' {
    It 'reads the entrypoint, command and platform the image was built with' {
        $config = Get-OciImageConfig "oci:${layout}:multi" -Platform linux/arm64
        $config.Entrypoint | Should -Be @('/bin/cat')
        $config.Command | Should -Be @('/data/content.txt')
        "$($config.Platform)" | Should -Be 'linux/arm64'
    }

    It '-Raw is the config JSON' {
        $json = Get-OciImageConfig "oci:${layout}:amd" -Raw | ConvertFrom-Json
        $json.architecture | Should -Be 'amd64'
        $json.rootfs.diff_ids.Count | Should -Be 2
    }
}

Describe 'Get-OciDigest' {
    It 'gives the digest of a reference, pinned' {
        $d = Get-OciDigest "oci:${layout}:amd"
        "$($d.Digest)" | Should -Be "$($amd.Digest)"
        "$($d.Reference)" | Should -Be "oci:${layout}:amd@$($amd.Digest)"
    }

    It 'hashes files given by wildcard -Path, one result per file' {
        Set-Content -LiteralPath (Join-Path $TestDrive 'one.txt') -Value 'hello' -NoNewline
        Set-Content -LiteralPath (Join-Path $TestDrive 'two.txt') -Value 'hello' -NoNewline
        $digests = @(Get-OciDigest -Path (Join-Path $TestDrive '*.txt'))
        $digests.Count | Should -Be 2
        $digests | ForEach-Object { "$($_.Digest)" | Should -Be 'sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824' }
    }

    It 'a missing file is FileNotFound' {
        { Get-OciDigest -LiteralPath (Join-Path $TestDrive 'missing') -ErrorAction Stop } |
            Should -Throw -ErrorId 'FileNotFound,OciImage.Commands.GetOciDigestCommand'
    }
}

Describe 'Get-OciLayer and Get-OciLayerItem' {
    It 'lists the base layer and the new one, in order, with their history' {
        $layers = @(Get-OciLayer "oci:${layout}:amd")
        $layers.Count | Should -Be 2
        $layers.Index | Should -Be @(0, 1)
        $layers[0].CreatedBy | Should -Be 'COPY hello.txt /app/'
        "$($layers[1].Digest)" | Should -Be "$(@(Get-OciManifest "oci:${layout}:amd").Layers[1].Digest)"
    }

    It 'lists the files of one layer (-Layer) and of a layer blob on disk (-LiteralPath)' {
        (Get-OciLayerItem "oci:${layout}:amd" -Layer 1).Path | Should -Contain '/data/content.txt'
        $blob = (Get-OciLayer "oci:${layout}:amd")[0].BlobPath
        (Get-OciLayerItem -LiteralPath $blob).Path | Should -Contain '/app/hello.txt'
    }
}

Describe 'Get-OciTag' {
    It 'lists the tags of a layout and filters them by wildcard' {
        (Get-OciTag "oci:$layout").Tag | Sort-Object | Should -Be @('amd', 'arm', 'multi')
        (Get-OciTag "oci:$layout" -Name 'a*').Tag | Sort-Object | Should -Be @('amd', 'arm')
    }
}

Describe 'Save-OciBlob' {
    It 'saves a layer into a directory as ALGORITHM-HEX, verified' {
        $dir = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'blobs')
        $layer = Get-OciLayer "oci:${layout}:amd" | Select-Object -Last 1
        $file = $layer | Save-OciBlob -Path $dir.FullName
        $file.Name | Should -Be ("$($layer.Digest)" -replace ':', '-')
        "$((Get-OciDigest -LiteralPath $file.FullName).Digest)" | Should -Be "$($layer.Digest)"
    }

    It 'an existing file is FileSystemError without -Force' {
        $target = Join-Path $TestDrive 'config.json'
        $config = (Get-OciManifest "oci:${layout}:amd").Config
        Save-OciBlob "oci:${layout}:amd" "$($config.Digest)" -Path $target | Out-Null
        { Save-OciBlob "oci:${layout}:amd" "$($config.Digest)" -Path $target -ErrorAction Stop } |
            Should -Throw -ErrorId 'FileSystemError,OciImage.Commands.SaveOciBlobCommand'
        (Get-Content -Raw $target | ConvertFrom-Json).architecture | Should -Be 'amd64'
    }
}

Describe 'Test-OciImage' {
    It 'finds a valid image valid, and a layer whose bytes changed not' {
        (Test-OciImage "oci:${layout}:multi" -Deep).IsValid | Should -BeTrue
        $copy = Join-Path $TestDrive 'broken'
        Copy-OciImage "oci:${layout}:amd" "oci:${copy}:amd" | Out-Null
        $layer = (Get-OciLayer "oci:${copy}:amd")[1]
        $bytes = [System.IO.File]::ReadAllBytes($layer.BlobPath)
        $bytes[20] = $bytes[20] -bxor 0xff
        [System.IO.File]::WriteAllBytes($layer.BlobPath, $bytes)
        $result = Test-OciImage "oci:${copy}:amd" -Deep
        $result.IsValid | Should -BeFalse
        ($result.Problems -join ' ') | Should -Match ("$($layer.Digest)" -replace '^sha256:', '')
        Test-OciImage "oci:${copy}:amd" -Deep -Quiet | Should -BeFalse
    }
}

Describe 'Get-OciReferrer' {
    It 'finds an artifact that names an image as its subject' {
        $note = Join-Path $TestDrive 'sbom.json'
        Set-Content -LiteralPath $note -Value '{"sbom":true}'
        $artifact = New-OciImage -Layout $layout -Tag sbom -ArtifactType application/vnd.example.sbom -Subject "oci:${layout}:amd" -File $note
        $referrers = @(Get-OciReferrer "oci:${layout}:amd")
        $referrers.Count | Should -Be 1
        "$($referrers[0].Digest)" | Should -Be "$($artifact.Digest)"
        $referrers[0].ArtifactType | Should -Be 'application/vnd.example.sbom'
        @(Get-OciReferrer "oci:${layout}:amd" -ArtifactType application/vnd.example.other).Count | Should -Be 0
    }
}

Describe 'Inspecting a registry' -Skip:([bool]$noRegistry) {
    BeforeAll {
        $registry = Start-TestRegistry
        $prefix = "$($registry.Host)/pester-inspect-$([guid]::NewGuid().ToString('n').Substring(0, 8))"
        Copy-OciImage "oci:${layout}:multi" "$prefix/app:1" | Out-Null
        Copy-OciImage "oci:${layout}:amd" "$prefix/app:2" | Out-Null
        Copy-OciImage "oci:${layout}:arm" "$prefix/tools:1" | Out-Null
    }

    AfterAll {
        Stop-TestRegistry $registry
    }

    It 'Get-OciRepository lists repositories that pipe into Get-OciTag' {
        $repositories = @(Get-OciRepository $registry.Host -Name "$(($prefix -split '/', 2)[1])/*")
        $repositories.Name | Sort-Object | Should -Be @("$(($prefix -split '/', 2)[1])/app", "$(($prefix -split '/', 2)[1])/tools")
        ($repositories | Get-OciTag).Tag | Sort-Object | Should -Be @('1', '1', '2')
    }

    It 'Get-OciRepository -ShardCount/-ShardIndex splits the repositories: each in exactly one shard' {
        $all = @(Get-OciRepository $registry.Host).Name
        $shards = 0..2 | ForEach-Object { , @(Get-OciRepository $registry.Host -ShardCount 3 -ShardIndex $_).Name }
        ($shards | ForEach-Object { $_ }) | Sort-Object | Should -Be ($all | Sort-Object)
        foreach ($name in $all) {
            # The documented hash: the first four bytes of SHA-256 of the name, big-endian, mod N.
            $hash = [System.Security.Cryptography.SHA256]::HashData([System.Text.Encoding]::UTF8.GetBytes($name))
            $expected = ([uint32]$hash[0] * 16777216 + [uint32]$hash[1] * 65536 + [uint32]$hash[2] * 256 + [uint32]$hash[3]) % 3
            $shards[$expected] | Should -Contain $name
        }
    }

    It 'Get-OciRepository refuses a shard that does not exist with InvalidShard' {
        { Get-OciRepository $registry.Host -ShardCount 3 -ShardIndex 3 -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidShard,OciImage.Commands.GetOciRepositoryCommand'
        { Get-OciRepository $registry.Host -ShardIndex 1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidShard,OciImage.Commands.GetOciRepositoryCommand'
    }

    It 'Get-OciManifest, Get-OciImageConfig and Get-OciLayer read from the registry what the layout holds' {
        "$((Get-OciManifest "$prefix/app:1").Digest)" | Should -Be "$($multi.Digest)"
        "$((Get-OciManifest "$prefix/app:1" -Platform linux/amd64).Digest)" | Should -Be "$($amd.Digest)"
        "$((Get-OciImageConfig "$prefix/tools:1").Platform)" | Should -Be 'linux/arm64'
        @(Get-OciLayer "$prefix/app:2").Count | Should -Be 2
        (Get-OciLayerItem "$prefix/app:2").Path | Should -Contain '/data/content.txt'
    }

    It 'Get-OciDigest pins registry references, and Test-OciImage checks them deeply' {
        $pinned = "$prefix/app:2" | Get-OciDigest
        "$($pinned.Reference)" | Should -Be "$prefix/app:2@$($amd.Digest)"
        (Test-OciImage "$prefix/app:1" -Deep).IsValid | Should -BeTrue
    }

    It 'a repository that does not exist is an error with a stable id' {
        $err = { Get-OciTag "$prefix/nothing-here" -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeIn @('RepositoryUnknown,OciImage.Commands.GetOciTagCommand', 'ManifestUnknown,OciImage.Commands.GetOciTagCommand')
    }
}

Describe 'Measure-OciImage and Compare-OciImage in a pipeline' {
    It 'gives objects that Group-Object, Sort-Object and Where-Object take' {
        $differences = Compare-OciImage "oci:${layout}:amd" "oci:${layout}:arm" -Files
        ($differences | Group-Object Change -NoElement | Sort-Object Name | ForEach-Object { "$($_.Name) $($_.Count)" }) | Should -Be @('Modified 1')
        ($differences | Where-Object Change -eq Modified).Path | Should -Be '/data/content.txt'
        ($differences | Sort-Object DifferenceLayer).DifferenceLayer | Should -Be @(1)
        $layers = Compare-OciImage "oci:${layout}:amd" "oci:${layout}:arm"
        ($layers | Group-Object Change -NoElement | Sort-Object Name | ForEach-Object { "$($_.Name) $($_.Count)" }) | Should -Be @('Added 1', 'Removed 1', 'Shared 1')
    }

    It 'measures an image and lists its merged file system by layer' {
        $m = Measure-OciImage "oci:${layout}:multi" -Platform linux/arm64
        $m.Efficiency | Should -Be 1
        $m.LayerCount | Should -Be 2
        (Get-OciLayerItem "oci:${layout}:amd" -Merged | Group-Object LayerIndex | Sort-Object Name).Name | Should -Be @('0', '1')
    }

    It 'an image with more paths than the analysis may keep is AnalysisLimitExceeded, and OCIIMAGE_ANALYSIS_MEMORY raises it' {
        # 6,000 empty files: about 4 MiB of paths to keep, against an allowance of 2 MiB, then of 64 MiB.
        $many = Join-Path $TestDrive 'many'
        $null = New-Item -ItemType Directory -Path $many
        foreach ($i in 0..5999) { [System.IO.File]::Create((Join-Path $many "f$i")).Dispose() }
        $manyLayout = Join-Path $TestDrive 'many-layout'
        New-OciLayer $many -Layout $manyLayout | New-OciImage -Layout $manyLayout -Tag many | Out-Null
        try {
            $env:OCIIMAGE_ANALYSIS_MEMORY = 2MB
            $err = { Measure-OciImage "oci:${manyLayout}:many" -ErrorAction Stop } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -Be 'AnalysisLimitExceeded,OciImage.Commands.MeasureOciImageCommand'
            "$($err.CategoryInfo.Category)" | Should -Be 'LimitsExceeded'
            $err.Exception.Message | Should -Match 'OCIIMAGE_ANALYSIS_MEMORY'
            # Get-OciLayerItem holds a layer's items until its digest is checked: the same allowance.
            $err = { Get-OciLayerItem "oci:${manyLayout}:many" -ErrorAction Stop } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -Be 'AnalysisLimitExceeded,OciImage.Commands.GetOciLayerItemCommand'
            # Expand-OciImage keeps the paths it wrote (less a path than an analysis): the same allowance, and nothing
            # is left at or beside the destination.
            $env:OCIIMAGE_ANALYSIS_MEMORY = 1MB
            $unpacked = Join-Path $TestDrive 'many-unpacked'
            $err = { Expand-OciImage "oci:${manyLayout}:many" -Destination $unpacked -ErrorAction Stop } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -Be 'AnalysisLimitExceeded,OciImage.Commands.ExpandOciImageCommand'
            Test-Path $unpacked | Should -BeFalse
            @(Get-ChildItem $TestDrive -Filter '*many-unpacked*' -Force).Count | Should -Be 0
            $env:OCIIMAGE_ANALYSIS_MEMORY = 2MB
            $env:OCIIMAGE_ANALYSIS_MEMORY = 64MB
            (Measure-OciImage "oci:${manyLayout}:many").FileCount | Should -Be 6000
            @(Get-OciLayerItem "oci:${manyLayout}:many").Count | Should -BeGreaterOrEqual 6000
            # A value PowerShell users might type as text is not taken silently.
            $env:OCIIMAGE_ANALYSIS_MEMORY = '16G'
            $null = Measure-OciImage "oci:${manyLayout}:many" -WarningVariable said -WarningAction SilentlyContinue
            "$said" | Should -Match "'16G' is not a whole number of bytes"
        }
        finally {
            Remove-Item Env:OCIIMAGE_ANALYSIS_MEMORY -ErrorAction SilentlyContinue
        }
    }
}
