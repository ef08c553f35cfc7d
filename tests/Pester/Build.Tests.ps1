#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    The build cmdlets: New-OciLayer, New-OciImage, Add-OciLayer, Set-OciImageConfig, New-OciIndex, into a layout
    and into a registry (TestRegistry.ps1).
#>

BeforeDiscovery {
    . $PSScriptRoot/TestRegistry.ps1
    $noRegistry = Get-TestRegistrySkipReason
}

BeforeAll {
    . $PSScriptRoot/TestRegistry.ps1
    Import-OciImageUnderTest
    $site = Join-Path $TestDrive 'site'
    New-Item -ItemType Directory -Path (Join-Path $site 'css') -Force | Out-Null
    Set-Content -LiteralPath (Join-Path $site 'index.html') -Value '<h1>hi</h1>' -NoNewline
    Set-Content -LiteralPath (Join-Path $site 'css/site.css') -Value 'h1 { color: red }' -NoNewline
    Set-Content -LiteralPath (Join-Path $site 'notes.tmp') -Value 'scratch' -NoNewline
    $layout = Join-Path $TestDrive 'oci'
}

Describe 'New-OciLayer' {
    It 'builds gzip, zstd and uncompressed layers with the same DiffID' {
        $layers = 'gzip', 'zstd', 'none' | ForEach-Object { New-OciLayer $site -Destination /srv -Layout $layout -Compression $_ }
        $layers.Compression | Should -Be @('gzip', 'zstd', 'none')
        @($layers | ForEach-Object { "$($_.DiffId)" } | Select-Object -Unique).Count | Should -Be 1
        @($layers | ForEach-Object { "$($_.Digest)" } | Select-Object -Unique).Count | Should -Be 3
        "$($layers[2].Digest)" | Should -Be "$($layers[2].DiffId)"
    }

    It 'keeps only what -Include and -Exclude select' {
        $layer = New-OciLayer $site -Destination /srv -Exclude '*.tmp' -OutputDirectory (Join-Path $TestDrive 'filtered')
        $layer.FileCount | Should -Be 2
        (Get-OciLayerItem -LiteralPath $layer.BlobPath).Path | Should -Not -Contain '/srv/notes.tmp'
        $css = New-OciLayer $site -Destination /srv -Include 'css/*' -OutputDirectory (Join-Path $TestDrive 'css-only')
        (Get-OciLayerItem -LiteralPath $css.BlobPath | Where-Object Type -ne 'Directory').Path | Should -Be @('/srv/css/site.css')
    }

    It 'a folder that does not exist is DirectoryNotFound' {
        { New-OciLayer (Join-Path $TestDrive 'nope') -Layout $layout -ErrorAction Stop } |
            Should -Throw -ErrorId 'DirectoryNotFound,OciImage.Commands.NewOciLayerCommand'
    }
}

Describe 'New-OciImage, Add-OciLayer, Set-OciImageConfig and New-OciIndex in a layout' {
    It 'composes an image on a base with the config asked for' {
        $image = New-OciLayer $site -Destination /srv -Layout $layout |
            New-OciImage -Layout $layout -Tag site-1.0 -Base $Hello -Entrypoint '/bin/httpd' -Command '-f' -ExposedPort 8080 -Environment @{ MODE = 'prod' } -Label @{ team = 'web' } -User 101 -WorkingDirectory /srv
        $image.LayerCount | Should -Be 2
        $config = Get-OciImageConfig "oci:${layout}:site-1.0"
        $config.Entrypoint | Should -Be @('/bin/httpd')
        $config.User | Should -Be '101'
        $config.WorkingDirectory | Should -Be '/srv'
        $config.ExposedPorts | Should -Contain '8080/tcp'
        $config.Environment | Should -Contain 'MODE=prod'
        $config.Labels['team'] | Should -Be 'web'
        (Get-OciLayer "oci:${layout}:site-1.0")[0].CreatedBy | Should -Be 'COPY hello.txt /app/'
    }

    It 'Add-OciLayer puts a layer on top and keeps the config' {
        $extra = Join-Path $TestDrive 'extra'
        New-Item -ItemType Directory -Path $extra | Out-Null
        Set-Content -LiteralPath (Join-Path $extra 'robots.txt') -Value 'User-agent: *' -NoNewline
        $layer = New-OciLayer $extra -Destination /srv -Layout $layout
        $image = Add-OciLayer "oci:${layout}:site-1.0" -Layer $layer -Tag site-1.1
        $image.LayerCount | Should -Be 3
        (Get-OciImageConfig "oci:${layout}:site-1.1").Entrypoint | Should -Be @('/bin/httpd')
        (Get-OciLayerItem "oci:${layout}:site-1.1" -Layer 2).Path | Should -Contain '/srv/robots.txt'
        "$((Get-OciManifest "oci:${layout}:site-1.0").Digest)" | Should -Not -Be "$($image.Digest)"
    }

    It 'Set-OciImageConfig writes a new tag and leaves the old image alone' {
        $before = "$((Get-OciDigest "oci:${layout}:site-1.1").Digest)"
        $after = Set-OciImageConfig "oci:${layout}:site-1.1" -Tag site-1.2 -Entrypoint '/bin/sh' -Label @{ stage = 'test' }
        "$((Get-OciDigest "oci:${layout}:site-1.1").Digest)" | Should -Be $before
        "$($after.Digest)" | Should -Not -Be $before
        $config = Get-OciImageConfig "oci:${layout}:site-1.2"
        $config.Entrypoint | Should -Be @('/bin/sh')
        $config.Labels['stage'] | Should -Be 'test'
        @(Get-OciLayer "oci:${layout}:site-1.2").Count | Should -Be 3
    }

    It 'New-OciIndex joins images of two platforms, and -RemovePlatform drops one' {
        $arm = New-OciLayer $site -Destination /srv -Layout $layout | New-OciImage -Layout $layout -Tag site-arm -Platform linux/arm64
        $index = New-OciIndex -Layout $layout -Tag site-multi -Manifest "oci:${layout}:site-1.0", "oci:${layout}:site-arm"
        @($index.Platforms | ForEach-Object { "$_" }) | Should -Be @('linux/amd64', 'linux/arm64')
        "$((Get-OciManifest "oci:${layout}:site-multi" -Platform linux/arm64).Digest)" | Should -Be "$($arm.Digest)"
        $smaller = New-OciIndex -Layout $layout -Tag site-amd-only -Base "oci:${layout}:site-multi" -RemovePlatform linux/arm64
        @($smaller.Platforms | ForEach-Object { "$_" }) | Should -Be @('linux/amd64')
    }

    It '-WhatIf writes nothing' {
        New-OciLayer $site -Layout $layout | New-OciImage -Layout $layout -Tag whatif -WhatIf | Out-Null
        (Get-OciTag "oci:$layout").Tag | Should -Not -Contain 'whatif'
    }
}

Describe 'Building into a registry' -Skip:([bool]$noRegistry) {
    BeforeAll {
        $registry = Start-TestRegistry
        $repository = "$($registry.Host)/pester-build-$([guid]::NewGuid().ToString('n').Substring(0, 8))"
        Copy-OciImage $Hello "${repository}/base:1" | Out-Null
    }

    AfterAll {
        Stop-TestRegistry $registry
    }

    It 'New-OciImage pushes an image composed on a base of the same registry' {
        $image = New-OciLayer $site -Destination /srv |
            New-OciImage "${repository}/site:1.0" -Base "${repository}/base:1" -Entrypoint '/bin/cat' -ExposedPort 8080
        $image.LayerCount | Should -Be 2
        (Get-OciImageConfig "${repository}/site:1.0").ExposedPorts | Should -Contain '8080/tcp'
        (Test-OciImage "${repository}/site:1.0" -Deep).IsValid | Should -BeTrue
    }

    It 'Set-OciImageConfig and Add-OciLayer work on registry images' {
        Set-OciImageConfig "${repository}/site:1.0" -Tag 1.1 -User nobody | Out-Null
        (Get-OciImageConfig "${repository}/site:1.1").User | Should -Be 'nobody'
        $layer = New-OciLayer $site -Destination /extra -OutputDirectory (Join-Path $TestDrive 'reg-layer')
        (Add-OciLayer "${repository}/site:1.1" -Layer $layer -Tag 1.2).LayerCount | Should -Be 3
    }

    It 'New-OciIndex writes an index to the registry' {
        New-OciLayer $site -Destination /srv | New-OciImage "${repository}/site:arm" -Platform linux/arm64 | Out-Null
        $index = New-OciIndex "${repository}/site:multi" -Manifest "${repository}/site:1.0", "${repository}/site:arm"
        @($index.Platforms | ForEach-Object { "$_" }) | Should -Be @('linux/amd64', 'linux/arm64')
        (Test-OciImage "${repository}/site:multi" -Deep).IsValid | Should -BeTrue
    }
}
