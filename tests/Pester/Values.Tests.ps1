#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Values behave as values (issue 19), checked in a real pwsh where ConvertTo-Json, Export-Clixml and
    Start-ThreadJob exist (the xunit ValueTests host an engine without the Utility module). Needs only the
    built module and tests/data. Run: Invoke-Pester ./tests/Pester/Values.Tests.ps1 -Output Detailed
#>

BeforeAll {
    $repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
    $moduleFolder = Join-Path $repoRoot 'out/OciImage'
    Import-Module $moduleFolder -Force -ErrorAction Stop
    $helloLayout = Join-Path $repoRoot 'tests/data/hello'
    $hello = "oci:${helloLayout}:1.0"
    $helloDigest = 'sha256:5e250519489c40cfe243f032a450eace5e84beeafa7fcd3b32dc52da9fb5ddba'
    $internals = '"Hex"', '"Short"', '"IsEmpty"', '"RegistryIdentifier"', '"Transport"', '"RootFs"'
}

AfterAll {
    Remove-Module OciImage -ErrorAction SilentlyContinue
}

Describe 'Digests, references and platforms' {
    It 'print as their string form alone, in lists and in strings' {
        $manifest = Get-OciManifest $hello
        ($manifest.Digest | Out-String).Trim() | Should -Be $helloDigest
        "$($manifest.Digest)" | Should -Be $helloDigest
        ($manifest | Format-List Digest | Out-String) | Should -Match ([regex]::Escape("Digest : $helloDigest"))
        ((Get-OciImageConfig $hello).Platform | Out-String).Trim() | Should -Be 'linux/amd64'
    }

    It 'are one cast away from typed values' {
        $manifest = Get-OciManifest $hello
        ([OciDigest]$manifest.Digest).Short | Should -Be '5e250519489c'
        ([OciReference]$manifest.Reference).Tag | Should -Be '1.0'
        ([OciPlatform](Get-OciImageConfig $hello).Platform).Architecture | Should -Be 'amd64'
    }

    It 'ConvertTo-Json of <Name> writes them as strings, with no engine internals' -ForEach @(
        @{ Name = 'Get-OciManifest'; Script = { Get-OciManifest $hello } }
        @{ Name = 'Get-OciTag'; Script = { Get-OciTag "oci:$helloLayout" } }
        @{ Name = 'Get-OciLayer'; Script = { Get-OciLayer $hello } }
        @{ Name = 'Get-OciImageConfig'; Script = { Get-OciImageConfig $hello } }
        @{ Name = 'Get-OciDigest'; Script = { Get-OciDigest $hello } }
        @{ Name = 'Get-OciLayerItem'; Script = { Get-OciLayerItem $hello } }
        @{ Name = 'Test-OciImage'; Script = { Test-OciImage $hello } }
    ) {
        $json = & $Script | ConvertTo-Json -Depth 6
        foreach ($internal in $internals) { $json | Should -Not -Match $internal }
        $json | Should -Not -Match '"Digest":\s*\{'
        $json | Should -Not -Match 'OciImage\.Core'
        $parsed = $json | ConvertFrom-Json
        foreach ($item in @($parsed)) {
            if ($item.PSObject.Properties['Digest']) { $item.Digest | Should -Match '^sha256:[0-9a-f]{64}$' }
            # A layer's own items carry no Reference ($null: they name no image to read from); others a string.
            if ($null -ne $item.PSObject.Properties['Reference'] -and $null -ne $item.Reference) { $item.Reference | Should -BeOfType [string] }
        }
    }
}

Describe 'Export-Clixml and Import-Clixml' {
    It 'keep the default view of a manifest, its Reference column filled' {
        $path = Join-Path $TestDrive 'manifest.xml'
        $manifest = Get-OciManifest $hello
        $manifest | Export-Clixml $path
        $copy = Import-Clixml $path
        # A manifest read directly takes the view without the Platform column; the copy keeps that view.
        $copy.PSObject.TypeNames[0] | Should -Be ('Deserialized.' + $manifest.PSObject.TypeNames[0])
        $copy.PSObject.TypeNames | Should -Contain 'Deserialized.OciImage.OciManifest'
        ($copy | Out-String -Width 120) | Should -Be ($manifest | Out-String -Width 120)
        # The column shows a layout under the current folder as ./PATH (issue 27 item 13), elsewhere in full.
        ($copy | Out-String -Width 120) | Should -Match ([regex]::Escape([OciImage.ReferenceFormat]::Short("oci:${helloLayout}:1.0", $PWD.ProviderPath)))
        Push-Location $TestDrive
        try {
            ($copy | Out-String -Width 120) | Should -Match ([regex]::Escape("oci:${helloLayout}:1.0"))
        }
        finally {
            Pop-Location
        }
    }

    It 'hand back objects that pipe into the cmdlets' {
        $path = Join-Path $TestDrive 'tags.xml'
        Get-OciTag "oci:$helloLayout" | Export-Clixml $path
        (Import-Clixml $path | Get-OciManifest).Digest | Should -Be $helloDigest
        Get-OciLayer $hello | Export-Clixml (Join-Path $TestDrive 'layers.xml')
        $saved = Import-Clixml (Join-Path $TestDrive 'layers.xml') | Save-OciBlob -Path $TestDrive
        (Get-OciDigest -LiteralPath $saved.FullName).Digest | Should -Be (Get-OciLayer $hello).Digest
    }

    It 'keep config parts and history entries readable' {
        $path = Join-Path $TestDrive 'config.xml'
        Get-OciImageConfig $hello | Export-Clixml $path
        $copy = Import-Clixml $path
        ($copy.History | Out-String) | Should -Match '2026-11-23 11:35 +True +COPY hello.txt /app/'
        ($copy.Config | Out-String) | Should -Match 'Entrypoint\s+: /bin/cat'
        ($copy.Config | Out-String) | Should -Not -Match 'OciImage\.Core'
    }
}

Describe 'Runbooks' {
    It 'a thread job hands back manifests that render and pipe' {
        $job = Start-ThreadJob -ScriptBlock { Import-Module $using:moduleFolder; Get-OciManifest $using:hello }
        $result = $job | Wait-Job | Receive-Job
        $job | Remove-Job
        $result.Digest | Should -Be $helloDigest
        ($result | Get-OciLayer).Count | Should -Be 1
    }

    It 'a parallel runbook whose one runspace fails gives an error for that item and goes on' {
        # -Parallel takes no -ErrorVariable: the error stream is merged and split.
        $all = $hello, 'Not A Reference!', 'fail', $hello | ForEach-Object -ThrottleLimit 4 -Parallel {
            Import-Module $using:moduleFolder
            if ($_ -eq 'fail') { Remove-Module OciImage; throw 'this runspace failed' }
            Get-OciManifest $_
        } 2>&1
        $errors = @($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $out = @($all | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] })
        @($out).Count | Should -Be 2
        @($errors).Count | Should -Be 2
        @($errors.FullyQualifiedErrorId) | Should -Contain 'InvalidReference,OciImage.Commands.GetOciManifestCommand'
        # The type accelerators are process-wide: the runspace that removed the module did not take them away.
        ([OciDigest]$helloDigest).Short | Should -Be '5e250519489c'
    }
}
