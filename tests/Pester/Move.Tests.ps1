#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Moving images: Copy-OciImage, Export-OciImage, Import-OciImage, Expand-OciImage, and the tag cmdlets
    Set-OciTag, Remove-OciTag, Remove-OciManifest, between layouts, archives and a registry (TestRegistry.ps1).
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

Describe 'Copy-OciImage between layouts' {
    It 'copies an index with every platform, keeping the digest' {
        $target = Join-Path $TestDrive 'copy-all'
        $result = Copy-OciImage "oci:${layout}:multi" "oci:${target}:multi"
        $result.SameDigest | Should -BeTrue
        "$($result.Digest)" | Should -Be "$($multi.Digest)"
        $result.ManifestsCopied | Should -Be 3
        (Test-OciImage "oci:${target}:multi" -Deep).IsValid | Should -BeTrue
    }

    It 'a second copy skips every blob' {
        $target = Join-Path $TestDrive 'copy-twice'
        Copy-OciImage "oci:${layout}:amd" "oci:${target}:amd" | Out-Null
        $again = Copy-OciImage "oci:${layout}:amd" "oci:${target}:amd"
        $again.BlobsCopied | Should -Be 0
    }

    It '-Platform with -Single copies one image of the index' {
        $target = Join-Path $TestDrive 'copy-one'
        $result = Copy-OciImage "oci:${layout}:multi" "oci:${target}:arm" -Platform linux/arm64 -Single
        "$($result.Digest)" | Should -Be "$($arm.Digest)"
        (Get-OciManifest "oci:${target}:arm").LayerCount | Should -Be 2
    }

    It '-AllTags copies every tag of the layout' {
        $target = Join-Path $TestDrive 'copy-tags'
        Copy-OciImage "oci:$layout" "oci:$target" -AllTags | Out-Null
        (Get-OciTag "oci:$target").Tag | Sort-Object | Should -Be @('amd', 'arm', 'multi')
    }

    It 'reports progress: an overall activity and a completed record per blob' {
        $target = Join-Path $TestDrive 'copy-progress'
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript('param($module, $source, $destination) Import-Module $module; Copy-OciImage $source $destination').
                AddArgument($ModuleFolder).AddArgument("oci:${layout}:amd").AddArgument("oci:${target}:amd")
            $result = $ps.Invoke()
            $ps.Streams.Error | Should -BeNullOrEmpty
            $result.Count | Should -Be 1
            $records = @($ps.Streams.Progress)
            $overall = @($records | Where-Object ParentActivityId -lt 0)
            $overall.Count | Should -BeGreaterThan 0
            $overall[0].Activity | Should -Not -BeNullOrEmpty
            $completedBlobs = @($records | Where-Object { $_.ParentActivityId -ge 0 -and $_.RecordType -eq 'Completed' })
            $completedBlobs.Count | Should -Be $result[0].BlobsCopied
        }
        finally {
            $ps.Dispose()
        }
    }

    It 'a source that does not exist is ManifestUnknown and the other sources are copied' {
        $target = Join-Path $TestDrive 'copy-partial'
        $copied = Copy-OciImage "oci:${layout}:nope", "oci:${layout}:amd" "oci:$target" -ErrorVariable problems -ErrorAction SilentlyContinue
        @($copied).Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'ManifestUnknown,OciImage.Commands.CopyOciImageCommand'
        (Get-OciTag "oci:$target").Tag | Should -Be @('amd')
    }
}

Describe 'Export-OciImage, Import-OciImage and Expand-OciImage' {
    It 'round-trips an image through an oci-archive tar with the same digest' {
        $tar = Join-Path $TestDrive 'amd.tar'
        (Export-OciImage "oci:${layout}:amd" $tar).Length | Should -BeGreaterThan 0
        $imported = Import-OciImage $tar "oci:$(Join-Path $TestDrive 'imported')"
        "$($imported.Digest)" | Should -Be "$($amd.Digest)"
    }

    It 'writes a docker-archive that imports as the same layers' {
        $tar = Join-Path $TestDrive 'amd-docker.tar'
        Export-OciImage "oci:${layout}:amd" $tar -Format docker -RepoTag example/amd:1 | Out-Null
        $imported = Import-OciImage $tar "oci:$(Join-Path $TestDrive 'from-docker')"
        $imported.SameDigest | Should -BeTrue
        $source = @(Get-OciLayer "oci:${layout}:amd" | ForEach-Object { "$($_.DiffId)" })
        @(Get-OciLayer "$($imported.Reference)" | ForEach-Object { "$($_.DiffId)" }) | Should -Be $source
    }

    It 'an existing archive is FileSystemError without -Force, and replaced with it' {
        $tar = Join-Path $TestDrive 'exists.tar'
        Set-Content -LiteralPath $tar -Value 'old'
        { Export-OciImage "oci:${layout}:amd" $tar -ErrorAction Stop } | Should -Throw -ErrorId 'FileSystemError,OciImage.Commands.ExportOciImageCommand'
        (Export-OciImage "oci:${layout}:amd" $tar -Force).Length | Should -BeGreaterThan 3
    }

    It 'expands the platform asked for into a folder, every layer applied' {
        $rootfs = Join-Path $TestDrive 'rootfs'
        Expand-OciImage "oci:${layout}:multi" $rootfs -Platform linux/arm64 | Out-Null
        Get-Content -Raw (Join-Path $rootfs 'data/content.txt') | Should -Be 'arm64 bytes'
        Get-Content -Raw (Join-Path $rootfs 'app/hello.txt') | Should -Match 'Hello from an OCI layout'
    }

    It 'refuses to expand into a folder with content: DestinationNotEmpty' {
        $full = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'full')
        Set-Content -LiteralPath (Join-Path $full 'keep.txt') -Value 'mine'
        { Expand-OciImage "oci:${layout}:amd" $full.FullName -ErrorAction Stop } | Should -Throw -ErrorId 'DestinationNotEmpty,OciImage.Commands.ExpandOciImageCommand'
        Get-Content (Join-Path $full 'keep.txt') | Should -Be 'mine'
    }
}

Describe 'Tags in a layout' {
    It 'Set-OciTag adds tags, Remove-OciTag removes one and leaves the image' {
        $target = Join-Path $TestDrive 'tags'
        Copy-OciImage "oci:${layout}:amd" "oci:${target}:amd" | Out-Null
        $tags = Set-OciTag "oci:${target}:amd" -Tag stable, latest
        $tags.Tag | Should -Be @('stable', 'latest')
        Remove-OciTag "oci:${target}:latest" -Confirm:$false
        (Get-OciTag "oci:$target").Tag | Sort-Object | Should -Be @('amd', 'stable')
        "$((Get-OciDigest "oci:${target}:stable").Digest)" | Should -Be "$($amd.Digest)"
    }

    It 'Remove-OciManifest -WhatIf removes nothing; without it the manifest and its tags go' {
        $target = Join-Path $TestDrive 'remove'
        Copy-OciImage "oci:${layout}:amd" "oci:${target}:amd" | Out-Null
        Set-OciTag "oci:${target}:amd" -Tag other | Out-Null
        Remove-OciManifest "oci:${target}@$($amd.Digest)" -WhatIf
        @(Get-OciTag "oci:$target").Count | Should -Be 2
        Remove-OciManifest "oci:${target}@$($amd.Digest)" -Confirm:$false
        @(Get-OciTag "oci:$target").Count | Should -Be 0
    }
}

Describe 'Moving images through a registry' -Skip:([bool]$noRegistry) {
    BeforeAll {
        $registry = Start-TestRegistry
        $repository = "$($registry.Host)/pester-move-$([guid]::NewGuid().ToString('n').Substring(0, 8))"
    }

    AfterAll {
        Stop-TestRegistry $registry
    }

    It 'pushes an index and pulls it back with the same digest' {
        $push = Copy-OciImage "oci:${layout}:multi" "${repository}/app:1"
        $push.SameDigest | Should -BeTrue
        $pull = Copy-OciImage "${repository}/app:1" "oci:$(Join-Path $TestDrive 'pulled'):1"
        "$($pull.Digest)" | Should -Be "$($multi.Digest)"
        (Test-OciImage "${repository}/app:1" -Deep).IsValid | Should -BeTrue
    }

    It 'copies within the registry by mounting, and -RequireSameDigest holds' {
        $result = Copy-OciImage "${repository}/app:1" "$($registry.Host)/pester-other-$([guid]::NewGuid().ToString('n').Substring(0, 8))/app:1" -RequireSameDigest
        $result.SameDigest | Should -BeTrue
        $result.BlobsCopied | Should -Be 0
        $result.BlobsMounted | Should -BeGreaterThan 0
    }

    It 'Set-OciTag, Remove-OciTag and Remove-OciManifest change the registry''s tags' {
        Set-OciTag "${repository}/app:1" -Tag 2, prod | Out-Null
        (Get-OciTag "${repository}/app").Tag | Sort-Object | Should -Be @('1', '2', 'prod')
        Remove-OciTag "${repository}/app:2" -Confirm:$false
        (Get-OciTag "${repository}/app").Tag | Sort-Object | Should -Be @('1', 'prod')
        Remove-OciManifest "${repository}/app:prod" -Confirm:$false
        { Get-OciManifest "${repository}/app:1" -ErrorAction Stop } | Should -Throw -ErrorId 'ManifestUnknown,OciImage.Commands.GetOciManifestCommand'
    }

    It 'exports from the registry and imports into it' {
        Copy-OciImage "oci:${layout}:amd" "${repository}/src:v1" | Out-Null
        $tar = Join-Path $TestDrive 'from-registry.tar'
        Export-OciImage "${repository}/src:v1" $tar | Out-Null
        $imported = Import-OciImage $tar "${repository}/airgapped"
        "$($imported.Digest)" | Should -Be "$($amd.Digest)"
        (Get-OciTag "${repository}/airgapped").Tag | Should -Be @('v1')
        Expand-OciImage "${repository}/airgapped:v1" (Join-Path $TestDrive 'expanded') | Out-Null
        Get-Content -Raw (Join-Path $TestDrive 'expanded/data/content.txt') | Should -Be 'amd64 bytes'
    }
}

Describe 'A registry that refuses deletion (storage.delete.enabled off, as the CNCF registry ships)' -Skip:([bool]$noRegistry) {
    BeforeAll {
        $refusing = Start-TestRegistry -NoDelete
        $repository = "$($refusing.Host)/pester-nodelete/app"
        Copy-OciImage "oci:${layout}:amd" "${repository}:one" | Out-Null
        Set-OciTag "${repository}:one" -Tag two | Out-Null
    }

    AfterAll {
        Stop-TestRegistry $refusing
    }

    It 'Remove-OciTag fails with OperationNotSupported naming the setting, and the tag still names its image' {
        { Remove-OciTag "${repository}:one" -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'OperationNotSupported,OciImage.Commands.RemoveOciTagCommand' -ExpectedMessage '*storage.delete.enabled*'
        "$((Get-OciManifest "${repository}:one").Digest)" | Should -Be "$($amd.Digest)"
        "$((Get-OciManifest "${repository}:two").Digest)" | Should -Be "$($amd.Digest)"
        (Get-OciTag $repository).Tag | Sort-Object | Should -Be @('one', 'two')
    }

    It 'Remove-OciManifest fails the same way and removes nothing' {
        { Remove-OciManifest "${repository}:two" -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'OperationNotSupported,OciImage.Commands.RemoveOciManifestCommand' -ExpectedMessage '*storage.delete.enabled*'
        (Test-OciImage "${repository}:one" -Deep).IsValid | Should -BeTrue
    }
}
