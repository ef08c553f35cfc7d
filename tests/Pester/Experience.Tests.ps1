#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    What a person sees (issue 19 item 5), the scriptable part: tab completion through TabExpansion2, as the
    console asks for it, and every default view rendered at 80 and 120 columns (Out-String -Width).
#>

BeforeAll {
    . $PSScriptRoot/TestRegistry.ps1
    Import-OciImageUnderTest
    $layout = Join-Path $TestDrive 'layout'
    $null = New-TestImage -Layout $layout -Tag amd -Content 'amd64 bytes'
    $null = New-TestImage -Layout $layout -Tag arm -Content 'arm64 bytes' -Platform linux/arm64
    $null = New-OciIndex -Layout $layout -Tag multi -Manifest "oci:${layout}:amd", "oci:${layout}:arm"
    $note = Join-Path $TestDrive 'note.txt'
    Set-Content -LiteralPath $note -Value 'a note'
    $null = New-OciImage -Layout $layout -Tag note -ArtifactType application/vnd.example.note -Subject "oci:${layout}:amd" -File $note
    # The same file again in a second layer: one inefficiency for Measure-OciImage.
    $again = Join-Path $TestDrive 'again'
    $null = New-Item -ItemType Directory (Join-Path $again 'data') -Force
    Set-Content -LiteralPath (Join-Path $again 'data/content.txt') -Value 'amd64 bytes, again'
    $null = New-OciLayer $again -Layout $layout | New-OciImage -Layout $layout -Tag waste -Base "oci:${layout}:amd"

    function Complete([string] $Line) {
        @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText | Where-Object { $_ } | ForEach-Object { $_.Trim("'") })
    }
}

Describe 'Tab completion' {
    It 'offers the platforms of the index -Reference names' {
        Complete "Get-OciManifest -Reference 'oci:${layout}:multi' -Platform linux/" | Should -Be @('linux/amd64', 'linux/arm64')
    }

    It 'offers common platforms where the reference is not a layout index' {
        Complete 'Copy-OciImage x y -Platform linux/arm' | Should -Be @('linux/arm64', 'linux/arm/v7', 'linux/arm/v6')
    }

    It 'offers the tags of a layout' {
        Complete "Get-OciManifest oci:${layout}:" | Sort-Object | Should -Be @("oci:${layout}:amd", "oci:${layout}:arm", "oci:${layout}:multi", "oci:${layout}:note", "oci:${layout}:waste")
        Complete "Copy-OciImage -Source oci:${layout}:m" | Should -Be @("oci:${layout}:multi")
    }
}

Describe 'Tab completion against a connected registry' {
    BeforeAll {
        $skip = Get-TestRegistrySkipReason
        if (-not $skip) {
            $registry = Start-TestRegistry
            $null = Copy-OciImage "oci:${layout}:amd" "$($registry.Host)/team/app:1.0"
            $null = Copy-OciImage "oci:${layout}:arm" "$($registry.Host)/team/app:1.1"
            $null = Copy-OciImage "oci:${layout}:amd" "$($registry.Host)/tools/cli:2"
        }
    }

    AfterAll {
        if ($registry) { Disconnect-OciRegistry $registry.Host; Stop-TestRegistry $registry }
    }

    It 'offers nothing from a registry that is not connected, then hosts, repositories and tags once it is' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        Complete "Get-OciTag $($registry.Host)/t" | Should -BeNullOrEmpty -Because 'only registries the user connected to are asked'
        Connect-OciRegistry $registry.Host
        Complete 'Get-OciTag 127.0.0.1' | Should -Contain "$($registry.Host)/"
        Complete "Get-OciTag $($registry.Host)/t" | Should -Be @("$($registry.Host)/team/app", "$($registry.Host)/tools/cli")
        Complete "Copy-OciImage -Source $($registry.Host)/team/app:1." | Should -Be @("$($registry.Host)/team/app:1.0", "$($registry.Host)/team/app:1.1")
    }

    It 'completes layout names that are whole references' {
        $named = Join-Path $TestDrive 'named'
        $null = Copy-OciImage "oci:${layout}:amd" "oci:${named}:docker.io/library/app:1.0"
        Complete "Get-OciManifest oci:${named}:docker.io/" | Should -Be @("oci:${named}:docker.io/library/app:1.0")
    }
}

Describe 'Progress of a layer build' {
    It 'reports files and bytes, and completes' {
        $tree = Join-Path $TestDrive 'tree'
        $null = New-Item -ItemType Directory -Path $tree
        1..20 | ForEach-Object { Set-Content -LiteralPath (Join-Path $tree "f$_.txt") -Value ('x' * 1000) }
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript('param($module, $tree, $layout) Import-Module $module; New-OciLayer $tree -Layout $layout').
                AddArgument($ModuleFolder).AddArgument($tree).AddArgument((Join-Path $TestDrive 'progress-layout'))
            $result = $ps.Invoke()
            $ps.Streams.Error | Should -BeNullOrEmpty
            $result.Count | Should -Be 1
            $records = @($ps.Streams.Progress)
            $records.Count | Should -BeGreaterThan 0
            $records[-1].RecordType | Should -Be 'Completed'
            $records[-1].StatusDescription | Should -Match '^20 of 20 files'
            $records[0].Activity | Should -Match 'Building a layer from'
        }
        finally {
            $ps.Dispose()
        }
    }
}

Describe 'Default views at <Width> columns' -ForEach @(@{ Width = 80 }, @{ Width = 120 }) {
    BeforeAll {
        $views = [ordered]@{
            OciTag = { Get-OciTag "oci:$layout" }
            OciManifest = { Get-OciManifest "oci:${layout}:amd" }
            OciIndex = { Get-OciManifest "oci:${layout}:multi" }
            OciImageConfig = { Get-OciImageConfig "oci:${layout}:amd" }
            OciLayer = { Get-OciLayer "oci:${layout}:amd" }
            OciLayerItem = { Get-OciLayerItem "oci:${layout}:amd" }
            OciDigest = { Get-OciDigest "oci:${layout}:amd" }
            OciFileDigest = { Get-OciDigest -LiteralPath $note }
            OciValidationResult = { Test-OciImage "oci:${layout}:amd" }
            OciReferrer = { Get-OciReferrer "oci:${layout}:amd" }
            OciCopyResult = { Copy-OciImage "oci:${layout}:amd" "oci:$(Join-Path $TestDrive "copy$Width"):amd" }
            OciImageMeasurement = { Measure-OciImage "oci:${layout}:waste" }
            OciLayerMeasurement = { (Measure-OciImage "oci:${layout}:waste").Layers }
            OciInefficiency = { (Measure-OciImage "oci:${layout}:waste").Inefficiencies }
            OciLayerComparison = { Compare-OciImage "oci:${layout}:amd" "oci:${layout}:waste" }
            OciFileDifference = { Compare-OciImage "oci:${layout}:amd" "oci:${layout}:waste" -Files }
        }
    }

    It '<_> fits the width, and shows a header and the short digest or path' -ForEach @('OciTag', 'OciManifest', 'OciIndex', 'OciImageConfig', 'OciLayer', 'OciLayerItem', 'OciDigest', 'OciFileDigest', 'OciValidationResult', 'OciReferrer', 'OciCopyResult', 'OciImageMeasurement', 'OciLayerMeasurement', 'OciInefficiency', 'OciLayerComparison', 'OciFileDifference') {
        $objects = @(& $views[$_])
        $objects.Count | Should -BeGreaterThan 0
        $text = $objects | Out-String -Width $Width
        $lines = $text -split "`n" | ForEach-Object TrimEnd
        $lines | Where-Object { $_.Length -gt $Width } | Should -BeNullOrEmpty
        $lines | Where-Object { $_ -match '^-{2,}' } | Should -Not -BeNullOrEmpty -Because 'a table view has a header'
        if ($_ -in 'OciLayerItem', 'OciInefficiency', 'OciFileDifference') {
            $text | Should -Match '/data/content\.txt'
        }
        elseif ($_ -eq 'OciLayerMeasurement') {
            $text | Should -Match '\d+ B'
        }
        elseif ($_ -eq 'OciValidationResult') {
            $text | Should -Match 'True'
        }
        else {
            $text | Should -Match '(sha256:)?[0-9a-f]{12}'
        }
    }

    It '<_> keeps every column header on one line' -ForEach @('OciTag', 'OciManifest', 'OciIndex', 'OciImageConfig', 'OciLayer', 'OciLayerItem', 'OciDigest', 'OciFileDigest', 'OciValidationResult', 'OciReferrer', 'OciCopyResult', 'OciImageMeasurement', 'OciLayerMeasurement', 'OciInefficiency', 'OciLayerComparison', 'OciFileDifference') {
        $lines = (& $views[$_] | Out-String -Width $Width) -split "`n" | ForEach-Object TrimEnd
        # A header squeezed to one letter a line shows as lines that end in a lone letter under the header.
        $lines | Where-Object { $_ -match '\s{2,}[A-Za-z]$' } | Should -BeNullOrEmpty
    }
}
