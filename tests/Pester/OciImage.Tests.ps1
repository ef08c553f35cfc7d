#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Pester 5 tests for users and reviewers with pwsh 7.4+ (the xunit suites host the same engine in
    process). They need only the built module (dotnet build writes out/OciImage) and the sample layout in
    tests/data: no registry, no skopeo. Run: Invoke-Pester ./tests/Pester -Output Detailed
#>

BeforeDiscovery {
    $moduleFolder = Join-Path $PSScriptRoot '../../out/OciImage'
    Import-Module $moduleFolder -Force -ErrorAction Stop
    $commands = @(Get-Command -Module OciImage | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    $repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
    $moduleFolder = Join-Path $repoRoot 'out/OciImage'
    Import-Module $moduleFolder -Force -ErrorAction Stop
    $helloLayout = Join-Path $repoRoot 'tests/data/hello'
    $hello = "oci:${helloLayout}:1.0"
    $helloDigest = 'sha256:5e250519489c40cfe243f032a450eace5e84beeafa7fcd3b32dc52da9fb5ddba'
}

AfterAll {
    Remove-Module OciImage -ErrorAction SilentlyContinue
}

Describe 'The module' {
    It 'passes Test-ModuleManifest' {
        $manifest = Test-ModuleManifest -Path (Join-Path $moduleFolder 'OciImage.psd1')
        $manifest.CompatiblePSEditions | Should -Be @('Core', 'Desktop')
    }

    It '<Name> has a synopsis, a description and at least two examples' -ForEach $commands {
        $help = Get-Help $Name -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -BeLike "$Name *"
        ($help.description.Text -join '') | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterOrEqual 2
    }

    It 'keeps its engine and libraries in a load context of its own on PowerShell 7' -Skip:($PSVersionTable.PSEdition -ne 'Core') {
        # Reading a layer's files loads the tar library, so everything the context should hold is loaded.
        $null = Get-OciLayerItem -Reference $hello
        $context = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object { $_.Name -eq 'OciImage' }
        $context | Should -Not -BeNullOrEmpty
        $names = @($context.Assemblies | ForEach-Object { $_.GetName().Name })
        $names | Should -Contain 'OciImage.Core'
        $names | Should -Contain 'ICSharpCode.SharpZipLib'
    }
}

Describe 'Reading an OCI layout' {
    It 'gets the manifest with the digest skopeo reports' {
        $manifest = Get-OciManifest -Reference $hello
        $manifest.Digest.ToString() | Should -Be $helloDigest
        $manifest.LayerCount | Should -Be 1
        $manifest.Reference.ToString() | Should -Be "${hello}@${helloDigest}"
    }

    It 'lists tags that pipe into Get-OciManifest' {
        $tags = Get-OciTag -Reference "oci:$helloLayout"
        $tags.Tag | Should -Be '1.0'
        ($tags | Get-OciManifest).Digest.ToString() | Should -Be $helloDigest
    }

    It 'reads the config' {
        $config = Get-OciImageConfig -Reference $hello
        $config.Entrypoint | Should -Be @('/bin/cat')
        $config.Command | Should -Be @('/app/hello.txt')
        $config.Platform.ToString() | Should -Be 'linux/amd64'
    }

    It 'lists the layer and its files' {
        $layer = Get-OciLayer -Reference $hello
        $layer.Compression | Should -Be 'gzip'
        $items = $layer | Get-OciLayerItem
        $items.Path | Should -Contain '/app/hello.txt'
    }

    It 'hashes files like Get-FileHash, in OCI form' {
        $file = Join-Path $TestDrive 'hello.txt'
        [System.IO.File]::WriteAllText($file, 'hello')
        (Get-OciDigest -LiteralPath $file).Digest.ToString() | Should -Be 'sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824'
    }
}

Describe 'Errors carry stable IDs' {
    It 'a missing layout is LayoutNotFound' {
        { Get-OciManifest -Reference 'oci:/no/such/layout:1' -ErrorAction Stop } |
            Should -Throw -ErrorId 'LayoutNotFound,OciImage.Commands.GetOciManifestCommand'
    }

    It 'a malformed reference is InvalidReference' {
        { Get-OciManifest -Reference 'Not A Reference' -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidReference,OciImage.Commands.GetOciManifestCommand'
    }

    It 'a missing tag is ManifestUnknown and names the tags there are' {
        $err = { Get-OciManifest -Reference "oci:${helloLayout}:nope" -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'ManifestUnknown,OciImage.Commands.GetOciManifestCommand'
        $err.Exception.Message | Should -Match '1\.0'
    }

    It 'a bad input does not stop the rest of the pipeline' {
        $out = "oci:${helloLayout}:nope", $hello | Get-OciManifest -ErrorAction SilentlyContinue -ErrorVariable problems
        @($out).Count | Should -Be 1
        @($problems).Count | Should -Be 1
    }
}

Describe 'Building, copying and expanding' {
    BeforeAll {
        $site = Join-Path $TestDrive 'site'
        New-Item -ItemType Directory -Path $site | Out-Null
        Set-Content -LiteralPath (Join-Path $site 'index.html') -Value '<h1>hi</h1>' -NoNewline
        $layout = Join-Path $TestDrive 'oci'
    }

    It 'builds the same layer twice with the same digest' {
        $a = New-OciLayer -Path $site -Destination /srv -OutputDirectory (Join-Path $TestDrive 'a')
        $b = New-OciLayer -Path $site -Destination /srv -OutputDirectory (Join-Path $TestDrive 'b')
        $a.Digest | Should -Be $b.Digest
        $a.FileCount | Should -Be 1
    }

    It 'composes an image on a base, copies it and expands it' {
        $image = New-OciLayer -Path $site -Destination /srv -Layout $layout |
            New-OciImage -Layout $layout -Tag site -Base $hello -Entrypoint '/bin/cat' -Command '/srv/index.html'
        $image.LayerCount | Should -Be 2

        $copy = Copy-OciImage -Source "oci:${layout}:site" -Destination ("oci:" + (Join-Path $TestDrive 'copy') + ":site")
        $copy.Digest | Should -Be $image.Digest
        $copy.SameDigest | Should -BeTrue

        $rootfs = Join-Path $TestDrive 'rootfs'
        Expand-OciImage -Reference "oci:${layout}:site" -Destination $rootfs | Out-Null
        Get-Content -LiteralPath (Join-Path $rootfs 'srv/index.html') -Raw | Should -Be '<h1>hi</h1>'
        Get-Content -LiteralPath (Join-Path $rootfs 'app/hello.txt') -Raw | Should -Match 'Hello from an OCI layout'
    }

    It 'changes only the config with Set-OciImageConfig, and -WhatIf changes nothing' {
        $before = (Get-OciDigest -Reference "oci:${layout}:site").Digest
        Set-OciImageConfig -Reference "oci:${layout}:site" -User 1000 -WhatIf | Out-Null
        (Get-OciDigest -Reference "oci:${layout}:site").Digest | Should -Be $before
        $after = Set-OciImageConfig -Reference "oci:${layout}:site" -User 1000
        $after.Digest | Should -Not -Be $before
        (Get-OciImageConfig -Reference "oci:${layout}:site").User | Should -Be '1000'
    }
}

Describe 'Type conversions' {
    It 'parses digests, references and platforms from strings' {
        ([OciDigest]'sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824').Short | Should -Be '2cf24dba5fb0'
        ([OciReference]'alpine').ToString() | Should -Be 'docker.io/library/alpine'
        ([OciReference]'alpine').WithTag('3.20').ToString() | Should -Be 'docker.io/library/alpine:3.20'
        ([OciPlatform]'linux/arm64').Matches([OciPlatform]'linux/arm64/v8') | Should -BeTrue
    }
}
