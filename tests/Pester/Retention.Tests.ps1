#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    docs/RETENTION.md's recipe, run as written against a registry this file starts (registry.example.com pointed
    at it), on a repository of dated releases with an alias; and Remove-OciManifest -WhatIf naming every tag that
    goes with the image, as a user's console shows it (a child pwsh, whose What if: lines are its output).
#>

BeforeDiscovery {
    . $PSScriptRoot/TestRegistry.ps1
    $noRegistry = Get-TestRegistrySkipReason -OwnRegistry
}

BeforeAll {
    . $PSScriptRoot/TestRegistry.ps1
    Import-OciImageUnderTest
    $registry = Start-TestRegistry
    $repository = "$($registry.Host)/team/app"
    $layout = Join-Path ([System.IO.Path]::GetTempPath()) ("ociretention-" + [guid]::NewGuid().ToString('n').Substring(0, 12))
    $digests = @{}
    # Releases 200, 150, 60, 30 and 10 days old; latest is 2.1 again.
    foreach ($release in @(@('1.0', 200), @('1.1', 150), @('1.2', 60), @('2.0', 30), @('2.1', 10))) {
        $tree = Join-Path $layout "tree-$($release[0])"
        New-Item -ItemType Directory -Path $tree -Force | Out-Null
        Set-Content -LiteralPath (Join-Path $tree 'version.txt') -Value $release[0] -NoNewline
        $image = New-OciLayer -Path $tree -Destination /app -Layout "$layout/oci" |
            New-OciImage -Layout "$layout/oci" -Tag $release[0] -Created (Get-Date).AddDays(-$release[1])
        Copy-OciImage "oci:$layout/oci:$($release[0])" "${repository}:$($release[0])" | Out-Null
        $digests[$release[0]] = (Get-OciManifest "${repository}:$($release[0])").Digest
    }
    Set-OciTag "${repository}:2.1" latest | Out-Null
    $digests['latest'] = $digests['2.1']

    $readme = Get-Content -Raw (Join-Path $RepoRoot 'docs/RETENTION.md')
    $recipe = [regex]::Match($readme, '<!-- tested: retention-recipe[ >].*?-->\s*```powershell\n(?<code>.*?)```', 'Singleline').Groups['code'].Value
    function Get-Listing { $map = @{}; Get-OciTag $repository -Detail Digest | ForEach-Object { $map[$_.Tag] = "$($_.Digest)" }; $map }
}

AfterAll {
    Stop-TestRegistry $registry
    if ($layout) { Remove-Item -Recurse -Force -LiteralPath $layout -ErrorAction SilentlyContinue }
}

Describe 'Retention' -Skip:([bool]$noRegistry) {
    It 'Remove-OciManifest -WhatIf names every tag that goes with the image, and removes nothing' {
        $module = Join-Path $RepoRoot 'out/OciImage'
        $text = & pwsh -NoProfile -NonInteractive -Command "Import-Module '$module'; Remove-OciManifest '${repository}:2.1' -WhatIf" 2>&1 | Out-String
        $text | Should -Match 'What if:'
        $text | Should -Match 'tag\(s\) (2\.1, latest|latest, 2\.1)'
        $text | Should -Match ([regex]::Escape($digests['2.1']))
        (Get-Listing).Keys.Count | Should -Be 6
    }

    It 'Remove-OciTag -Keep -WhatIf writes a line per tag with its digest and the bytes it frees' {
        $module = Join-Path $RepoRoot 'out/OciImage'
        $text = & pwsh -NoProfile -NonInteractive -Command "Import-Module '$module'; `$null = Remove-OciTag '$repository' -Keep -Newest 2 -WhatIf" 2>&1 | Out-String
        foreach ($tag in '1.0', '1.1', '1.2') {
            $text | Should -Match ("Remove tag \(names " + [regex]::Escape($digests[$tag]) + "; frees .*\(\d+ bytes\).*" + [regex]::Escape("${repository}:$tag"))
        }
        $text | Should -Not -Match ([regex]::Escape("${repository}:2.0`""))
        (Get-Listing).Keys.Count | Should -Be 6
    }

    It 'runs the recipe as written: -WhatIf lists each tag with its digest and bytes, then the old go and every kept tag keeps its image' {
        $recipe | Should -Not -BeNullOrEmpty
        $before = Get-Listing
        $freed = (Measure-OciRepository $repository -Remove '1.0', '1.1', '1.2' -ErrorAction Stop).FreedBytes
        $code = $recipe.Replace('registry.example.com/team/app', $repository)
        . ([scriptblock]::Create($code)) | Out-Null

        @($plan.Removals.Tag | Sort-Object) | Should -Be @('1.0', '1.1', '1.2')
        foreach ($removal in $plan.Removals) {
            $removal.Digest | Should -Be $digests[$removal.Tag]
            $removal.FreedBytes | Should -BeGreaterThan 0
            $removal.Removed | Should -BeFalse
        }
        ($plan.Removals | Where-Object Tag -eq '1.2').DroppedBy | Should -Be 'Newest'
        $plan.FreedBytes | Should -Be $freed

        $done.TagsRemoved | Should -Be 3
        $after = Get-Listing
        @($after.Keys | Sort-Object) | Should -Be @('2.0', '2.1', 'latest')
        foreach ($tag in $after.Keys) { $after[$tag] | Should -Be $before[$tag] }
    }
}
