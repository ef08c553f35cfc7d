#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    A day at the console (issue 27): what a user met at the prompt and in scripts, each a test.
    Item 0 (Remove-OciTag on a registry that refuses deletion) is in Move.Tests.ps1 with the other registry moves.
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
}

Describe 'Save-OciBlob with a path for several blobs (item 2)' {
    It 'a -Path that does not exist is a folder when several layers come down the pipeline' {
        $target = Join-Path $TestDrive 'layers'
        $layers = Get-OciLayer "oci:${layout}:amd"
        $layers.Count | Should -BeGreaterThan 1
        $saved = $layers | Save-OciBlob -Path $target
        $saved.Count | Should -Be $layers.Count
        Test-Path -LiteralPath $target -PathType Container | Should -BeTrue
        foreach ($layer in $layers) {
            $file = Join-Path $target ("$($layer.Digest)" -replace ':', '-')
            (Get-OciDigest -LiteralPath $file).Digest | Should -Be "$($layer.Digest)"
        }
    }

    It 'a -Path that does not exist is a file for one blob' {
        $target = Join-Path $TestDrive 'one-layer.tar.gz'
        $layer = Get-OciLayer "oci:${layout}:amd" | Select-Object -Last 1
        $layer | Save-OciBlob -Path $target | Out-Null
        Test-Path -LiteralPath $target -PathType Leaf | Should -BeTrue
    }
}

Describe 'Per-item errors whatever the path (item 5)' {
    It 'a drive this system lacks is an InvalidPath error for that item, and the pipeline goes on' -Skip:($IsWindows) {
        $errors = $null
        $results = "oci:${layout}:amd", 'oci:Q:\images\x:1', "oci:${layout}:arm" | Get-OciManifest -ErrorVariable errors -ErrorAction SilentlyContinue
        $results.Count | Should -Be 2
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidPath,*'
    }

    It '-ErrorAction Ignore silences it' -Skip:($IsWindows) {
        { 'oci:Q:\images\x:1' | Get-OciManifest -ErrorAction Ignore } | Should -Not -Throw
    }
}

Describe 'Written files render as Get-Item renders them (item 6)' {
    It 'Export-OciImage returns the provider''s item, with its size and mode' {
        $tar = Join-Path $TestDrive 'amd.tar'
        $item = Export-OciImage "oci:${layout}:amd" $tar
        $item.PSPath | Should -Not -BeNullOrEmpty
        $item.Length | Should -Be (Get-Item -LiteralPath $tar).Length
        $item.Length | Should -BeGreaterThan 0
        ($item | Format-Table | Out-String) | Should -Match ([regex]::Escape((Get-Item -LiteralPath $tar).Mode))
    }

    It 'Expand-OciImage and Save-OciBlob return provider items too' {
        $expanded = Expand-OciImage "oci:${layout}:amd" (Join-Path $TestDrive 'expanded')
        $expanded.PSIsContainer | Should -BeTrue
        $expanded.PSPath | Should -Not -BeNullOrEmpty
        $config = (Get-OciManifest "oci:${layout}:amd").Config
        $blob = Save-OciBlob "oci:${layout}" $config.Digest -Path (Join-Path $TestDrive 'config.json')
        $blob.PSPath | Should -Not -BeNullOrEmpty
        $blob.Length | Should -Be $config.Size
    }
}

Describe '-Platform on a single-platform image (item 7)' {
    It 'a platform that matches returns the image' {
        "$((Get-OciManifest "oci:${layout}:arm" -Platform linux/arm64).Digest)" | Should -Be "$($arm.Digest)"
    }

    It 'a platform that does not match is PlatformNotFound naming the image''s platform' {
        { Get-OciManifest "oci:${layout}:amd" -Platform linux/arm64 -ErrorAction Stop } |
            Should -Throw -ErrorId 'PlatformNotFound,OciImage.Commands.GetOciManifestCommand' -ExpectedMessage '*linux/amd64*'
    }
}

Describe 'Remove-OciUnusedBlob -WhatIf lists every blob and returns the total (item 3)' {
    It 'one What-if line a blob, with its size, and a result that says what would be freed' {
        $gc = Join-Path $TestDrive 'gc'
        Copy-OciImage "oci:${layout}:amd" "oci:${gc}:amd" | Out-Null
        Copy-OciImage "oci:${layout}:arm" "oci:${gc}:arm" | Out-Null
        Remove-OciTag "oci:${gc}:arm"
        Get-ChildItem -LiteralPath (Join-Path $gc 'blobs/sha256') | ForEach-Object { $_.LastWriteTimeUtc = [datetime]::UtcNow.AddHours(-2) }
        $before = (Get-ChildItem -LiteralPath (Join-Path $gc 'blobs/sha256')).Count
        $transcript = Join-Path $TestDrive 'whatif.txt'
        Start-Transcript -LiteralPath $transcript | Out-Null
        $result = Remove-OciUnusedBlob "oci:$gc" -WhatIf
        Stop-Transcript | Out-Null
        $result.UnusedBlobs | Should -BeGreaterThan 1
        $result.UnusedBytes | Should -BeGreaterThan 0
        $result.BlobsRemoved | Should -Be 0
        $lines = Get-Content -LiteralPath $transcript | Where-Object { $_ -like 'What if:*Remove unused blob*' }
        $lines.Count | Should -Be $result.UnusedBlobs
        (Get-ChildItem -LiteralPath (Join-Path $gc 'blobs/sha256')).Count | Should -Be $before
        $done = Remove-OciUnusedBlob "oci:$gc" -Confirm:$false
        $done.BlobsRemoved | Should -Be $result.UnusedBlobs
        $done.BytesFreed | Should -Be $result.UnusedBytes
    }
}

Describe 'Everyday answers say what happened (items 9, 10, 18)' {
    It 'a file named as a layout points to oci-archive:' {
        $tar = Join-Path $TestDrive 'site.oci.tar'
        Export-OciImage "oci:${layout}:amd" $tar | Out-Null
        { Get-OciManifest "oci:${tar}:amd" -ErrorAction Stop } | Should -Throw -ErrorId 'LayoutNotFound,OciImage.Commands.GetOciManifestCommand' -ExpectedMessage '*oci-archive:*'
        { New-OciLayer -Path $TestDrive -Layout $tar -ErrorAction Stop } | Should -Throw -ErrorId 'LayoutNotFound,OciImage.Commands.NewOciLayerCommand' -ExpectedMessage '*oci-archive:*'
    }

    It 'New-OciLayer without -Layout removes the layers it left in the temp folder over a day ago' {
        $folder = Join-Path ([System.IO.Path]::GetTempPath()) 'ociimage-layers'
        New-Item -ItemType Directory -Force -Path $folder | Out-Null
        $stale = Join-Path $folder "sha256-$([guid]::NewGuid().ToString('n')).tar.gz"
        Set-Content -LiteralPath $stale -Value 'stale'
        (Get-Item -LiteralPath $stale).LastWriteTimeUtc = [datetime]::UtcNow.AddDays(-2)
        $tree = Join-Path $TestDrive 'tree18'
        New-Item -ItemType Directory -Path $tree | Out-Null
        Set-Content -LiteralPath (Join-Path $tree 'a.txt') -Value 'a'
        $layer = New-OciLayer -Path $tree
        Test-Path -LiteralPath $stale | Should -BeFalse
        Test-Path -LiteralPath $layer.BlobPath | Should -BeTrue
    }
}

Describe 'A missing tag in a registry says which tag was looked for and lists the tags (item 9)' -Skip:([bool]$noRegistry) {
    BeforeAll {
        $registry9 = Start-TestRegistry
        Copy-OciImage "oci:${layout}:amd" "$($registry9.Host)/console/app:1.0" | Out-Null
    }

    AfterAll {
        Stop-TestRegistry $registry9
    }

    It 'no tag given: it says :latest was looked for, and names the tags there are' {
        { Get-OciManifest "$($registry9.Host)/console/app" -ErrorAction Stop } |
            Should -Throw -ErrorId 'ManifestUnknown,OciImage.Commands.GetOciManifestCommand' -ExpectedMessage "*':latest' was looked for*tags here: 1.0*"
    }

    It 'a wrong tag: it names it and the tags there are' {
        { Get-OciManifest "$($registry9.Host)/console/app:2.0" -ErrorAction Stop } |
            Should -Throw -ErrorId 'ManifestUnknown,OciImage.Commands.GetOciManifestCommand' -ExpectedMessage "*tag '2.0'*tags here: 1.0*"
    }
}

Describe 'Results that say what happened (items 12, 15, 16, 17)' {
    It 'an up-to-date copy says so, and its Duration is one JSON value' {
        $target = Join-Path $TestDrive 'copy12'
        (Copy-OciImage "oci:${layout}:amd" "oci:${target}:amd").Status | Should -Be 'Copied'
        $again = Copy-OciImage "oci:${layout}:amd" "oci:${target}:amd"
        $again.Status | Should -Be 'UpToDate'
        ($again | Format-Table | Out-String) | Should -Match 'UpToDate'
        $json = $again | ConvertTo-Json -Compress | ConvertFrom-Json
        $json.Duration | Should -BeOfType [string]
        ([timespan]$json.Duration).TotalSeconds | Should -BeGreaterOrEqual 0
        $json.Seconds | Should -BeGreaterOrEqual 0
    }

    It 'Test-OciImage -Deep reports a corrupt layer once' {
        $bad = Join-Path $TestDrive 'bad15'
        Copy-OciImage "oci:${layout}:amd" "oci:${bad}:amd" | Out-Null
        $layer = (Get-OciLayer "oci:${bad}:amd")[-1]
        $file = Join-Path $bad ("blobs/sha256/" + "$($layer.Digest)".Substring(7))
        $bytes = [System.IO.File]::ReadAllBytes($file)
        $bytes[20] = $bytes[20] -bxor 0xff
        [System.IO.File]::WriteAllBytes($file, $bytes)
        $result = Test-OciImage "oci:${bad}:amd" -Deep
        $result.IsValid | Should -BeFalse
        @($result.Problems | Where-Object { $_ -like "*$($layer.Digest)*" }).Count | Should -Be 1
    }

    It 'layers piped into Copy-OciImage copy their image once' {
        $target = Join-Path $TestDrive 'copy16'
        $results = Get-OciLayer "oci:${layout}:amd" | Copy-OciImage -Destination "oci:${target}:amd"
        @($results).Count | Should -Be 1
    }

    It 'files piped into Get-OciManifest say a path is not a reference' {
        $errors = $null
        Get-ChildItem -LiteralPath $layout -File | Get-OciManifest -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.Count | Should -BeGreaterThan 0
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidReference,*'
        "$($errors[0])" | Should -BeLike '*file path*oci:PATH*'
    }
}

Describe 'Views at 80 columns (items 11, 13)' {
    It 'a layout path under the current folder shows as ./PATH, so the image a row names survives the cut' {
        Push-Location $TestDrive
        try {
            $text = Get-OciManifest "oci:./layout:amd" | Out-String -Width 80
            $text | Should -Match ([regex]::Escape('oci:./layout:amd'))
        }
        finally {
            Pop-Location
        }
    }
}

Describe 'A registry tag list has no empty Digest column (item 11)' -Skip:([bool]$noRegistry) {
    BeforeAll {
        $registry11 = Start-TestRegistry
        Copy-OciImage "oci:${layout}:amd" "$($registry11.Host)/console/tags:1.0" | Out-Null
    }

    AfterAll {
        Stop-TestRegistry $registry11
    }

    It 'the default view leaves the column out, live and deserialized' {
        $tags = Get-OciTag "$($registry11.Host)/console/tags"
        ($tags | Out-String -Width 80) | Should -Not -Match 'Digest'
        $file = Join-Path $TestDrive 'tags.xml'
        $tags | Export-Clixml -LiteralPath $file
        (Import-Clixml -LiteralPath $file | Out-String -Width 80) | Should -Not -Match 'Digest'
        (Get-OciTag "oci:$layout" | Out-String -Width 80) | Should -Match 'Digest'
    }
}

Describe 'Path completion after oci:, oci-archive: and docker-archive: (item 19)' {
    BeforeAll {
        $completionFolder = Join-Path $TestDrive 'complete'
        New-Item -ItemType Directory -Path (Join-Path $completionFolder 'plain') | Out-Null
        Copy-OciImage "oci:${layout}:amd" "oci:$(Join-Path $completionFolder 'images'):amd" | Out-Null
        Export-OciImage "oci:${layout}:amd" (Join-Path $completionFolder 'site.tar') | Out-Null
        function Get-Completion([string] $line) {
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        }
    }

    It 'oci: completes folders, a layout with a colon to go on to its names' {
        Push-Location $completionFolder
        try {
            $found = Get-Completion 'Get-OciManifest oci:'
            $found | Should -Contain 'oci:images:'
            $found | Should -Contain 'oci:images/'
            $found | Should -Contain 'oci:plain/'
            $found | Should -Not -Contain 'oci:site.tar'
            Get-Completion 'Get-OciManifest oci:images:' | Should -Contain 'oci:images:amd'
        }
        finally {
            Pop-Location
        }
    }

    It 'oci-archive: and docker-archive: complete files too, relative or absolute' {
        Push-Location $completionFolder
        try {
            Get-Completion 'Get-OciManifest oci-archive:s' | Should -Be @('oci-archive:site.tar')
            Get-Completion 'Get-OciManifest docker-archive:' | Should -Contain 'docker-archive:site.tar'
        }
        finally {
            Pop-Location
        }

        Get-Completion "Get-OciManifest oci-archive:$completionFolder/si" | Should -Be @("oci-archive:$completionFolder/site.tar")
    }
}

Describe 'Get-OciImage: an image in one object (item 21)' {
    It 'a single image: digest, platform, layers, size, entrypoint and the layout''s tags' {
        $summary = Get-OciImage "oci:${layout}:amd"
        "$($summary.Digest)" | Should -Be "$($amd.Digest)"
        $summary.ImageDigest | Should -Be $summary.Digest
        $summary.Platform | Should -Be 'linux/amd64'
        $summary.Platforms | Should -Be @('linux/amd64')
        $layers = Get-OciLayer "oci:${layout}:amd"
        $summary.LayerCount | Should -Be $layers.Count
        $summary.Layers | Should -Be @($layers.Digest)
        $summary.Size | Should -Be ((Get-OciManifest "oci:${layout}:amd").TotalSize)
        $summary.Entrypoint | Should -Be @('/bin/cat')
        $summary.RepositoryTags | Sort-Object | Should -Be @('amd', 'arm')
        ($summary | Out-String -Width 80) | Should -Match 'RepositoryTags'
    }

    It 'an index: the platforms it offers, and the image -Platform names' {
        $index = Join-Path $TestDrive 'index21'
        Copy-OciImage "oci:${layout}:amd" "oci:${index}:amd" | Out-Null
        Copy-OciImage "oci:${layout}:arm" "oci:${index}:arm" | Out-Null
        $multi = New-OciIndex -Layout $index -Tag multi -Manifest "oci:${index}:amd", "oci:${index}:arm"
        $summary = Get-OciImage "oci:${index}:multi" -Platform linux/arm64
        "$($summary.Digest)" | Should -Be "$($multi.Digest)"
        "$($summary.ImageDigest)" | Should -Be "$($arm.Digest)"
        $summary.Platforms | Sort-Object | Should -Be @('linux/amd64', 'linux/arm64')
        { Get-OciImage "oci:${index}:multi" -Platform linux/s390x -ErrorAction Stop } | Should -Throw -ErrorId 'PlatformNotFound,OciImage.Commands.GetOciImageCommand'
    }
}

Describe 'Get-OciLayerItem columns mean what they show (items 14, 15)' {
    It 'the Layer column is a Layer property, and the mode reads as octal' {
        $items = Get-OciLayerItem "oci:${layout}:amd" -Layer -1
        $top = (Get-OciLayer "oci:${layout}:amd").Count - 1
        @($items | Where-Object Layer -eq $top).Count | Should -Be @($items).Count
        $file = $items | Where-Object Type -eq 'File' | Select-Object -First 1
        $file.OctalMode | Should -Match '^[0-7]{4}$'
        [Convert]::ToInt32($file.OctalMode, 8) | Should -Be ($file.Mode -band 0xFFF)
    }

    It 'a whiteout shows as Whiteout, not as a file without permissions' {
        $base = Join-Path $TestDrive 'wh-base'
        $next = Join-Path $TestDrive 'wh-next'
        New-Item -ItemType Directory -Path $base, $next | Out-Null
        Set-Content -LiteralPath (Join-Path $base 'gone.txt') -Value 'x'
        Set-Content -LiteralPath (Join-Path $next 'kept.txt') -Value 'y'
        $layer = New-OciLayer -Path $next -Base $base -Layout (Join-Path $TestDrive 'wh-layout')
        $text = Get-OciLayerItem -LiteralPath $layer.BlobPath | Out-String -Width 120
        $text | Should -Match 'Whiteout'
        $text | Should -Not -Match 'File\s+---------'
    }
}

Describe 'Authentication errors say which case it is (item 8)' -Skip:([bool]$noRegistry) {
    BeforeAll {
        $basic = Start-TestRegistry -Basic
        $savedDockerConfig = $env:DOCKER_CONFIG
        $env:DOCKER_CONFIG = Join-Path $TestDrive 'no-docker-config'
    }

    AfterAll {
        $env:DOCKER_CONFIG = $savedDockerConfig
        Stop-TestRegistry $basic
    }

    It 'no credentials found: it says none were found and how to sign in' {
        { Get-OciTag "$($basic.Host)/team/app" -ErrorAction Stop } |
            Should -Throw -ErrorId 'Unauthorized,OciImage.Commands.GetOciTagCommand' -ExpectedMessage '*none were found*'
    }

    It 'wrong credentials: it says they were refused' {
        $wrong = [pscredential]::new($TestUser, (ConvertTo-SecureString 'not-the-password' -AsPlainText -Force))
        { Get-OciTag "$($basic.Host)/team/app" -Credential $wrong -ErrorAction Stop } |
            Should -Throw -ErrorId 'Unauthorized,OciImage.Commands.GetOciTagCommand' -ExpectedMessage '*refused the credentials*'
    }
}

Describe 'Test-OciImage says what the other cmdlets refuse (red-team findings)' {
    It 'a layer labelled with a compression the image spec does not define (+xz) is a problem' {
        $xz = Join-Path $TestDrive 'xz'
        Copy-OciImage "oci:${layout}:amd" "oci:${xz}:amd" | Out-Null
        $manifestDigest = "$((Get-OciManifest "oci:${xz}:amd").Digest)"
        $manifestFile = Join-Path $xz ("blobs/sha256/" + $manifestDigest.Substring(7))
        $json = (Get-Content -Raw -LiteralPath $manifestFile) -replace 'tar\+gzip', 'tar+xz'
        $bytes = [System.Text.Encoding]::UTF8.GetBytes($json)
        $digest = (Get-FileHash -InputStream ([System.IO.MemoryStream]::new($bytes)) -Algorithm SHA256).Hash.ToLowerInvariant()
        [System.IO.File]::WriteAllBytes((Join-Path $xz "blobs/sha256/$digest"), $bytes)
        $index = Get-Content -Raw -LiteralPath (Join-Path $xz 'index.json') | ConvertFrom-Json
        $index.manifests[0].digest = "sha256:$digest"
        $index.manifests[0].size = $bytes.Length
        $index | ConvertTo-Json -Depth 10 | Set-Content -LiteralPath (Join-Path $xz 'index.json')
        $result = Test-OciImage "oci:${xz}:amd" -Deep
        $result.IsValid | Should -BeFalse
        ($result.Problems -join "`n") | Should -Match 'does not define'
    }

    It 'one manifest listed under two media types is a problem, as Copy-OciImage finds it' {
        $twice = Join-Path $TestDrive 'twice'
        Copy-OciImage "oci:${layout}:amd" "oci:${twice}:amd" | Out-Null
        $image = Get-OciManifest "oci:${twice}:amd"
        $entry = [ordered]@{ mediaType = 'application/vnd.oci.image.manifest.v1+json'; digest = "$($image.Digest)"; size = $image.Size }
        $other = [ordered]@{ mediaType = 'application/vnd.oci.image.index.v1+json'; digest = "$($image.Digest)"; size = $image.Size }
        $json = [ordered]@{ schemaVersion = 2; mediaType = 'application/vnd.oci.image.index.v1+json'; manifests = @($entry, $other) } | ConvertTo-Json -Depth 5 -Compress
        $bytes = [System.Text.Encoding]::UTF8.GetBytes($json)
        $digest = (Get-FileHash -InputStream ([System.IO.MemoryStream]::new($bytes)) -Algorithm SHA256).Hash.ToLowerInvariant()
        [System.IO.File]::WriteAllBytes((Join-Path $twice "blobs/sha256/$digest"), $bytes)
        $index = Get-Content -Raw -LiteralPath (Join-Path $twice 'index.json') | ConvertFrom-Json
        $index.manifests[0].mediaType = 'application/vnd.oci.image.index.v1+json'
        $index.manifests[0].digest = "sha256:$digest"
        $index.manifests[0].size = $bytes.Length
        $index | ConvertTo-Json -Depth 10 | Set-Content -LiteralPath (Join-Path $twice 'index.json')
        $result = Test-OciImage "oci:${twice}:amd"
        $result.IsValid | Should -BeFalse
        ($result.Problems -join "`n") | Should -Match 'is listed as'
    }
}
