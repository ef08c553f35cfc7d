#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Reading one file out of an image without unpacking it (issue 27 item 20): Get-OciLayerItem -Path, then
    Get-OciContent, as a user pipes them.
#>

BeforeAll {
    . $PSScriptRoot/TestRegistry.ps1
    Import-OciImageUnderTest
    $root = Join-Path $TestDrive 'root'
    New-Item -ItemType Directory -Path (Join-Path $root 'usr/lib'), (Join-Path $root 'etc') -Force | Out-Null
    Set-Content -LiteralPath (Join-Path $root 'usr/lib/os-release') -Value "NAME=`"Pester Linux`"`nID=pester`n" -NoNewline
    New-Item -ItemType SymbolicLink -Path (Join-Path $root 'etc/os-release') -Target '../usr/lib/os-release' | Out-Null
    Set-Content -LiteralPath (Join-Path $root 'etc/motd') -Value 'first' -NoNewline
    $upper = Join-Path $TestDrive 'upper'
    New-Item -ItemType Directory -Path (Join-Path $upper 'etc') -Force | Out-Null
    Set-Content -LiteralPath (Join-Path $upper 'etc/motd') -Value "second`r`nline" -NoNewline
    $layout = Join-Path $TestDrive 'oci'
    $layers = @((New-OciLayer $root -Layout $layout), (New-OciLayer $upper -Layout $layout))
    $layers | New-OciImage -Layout $layout -Tag files | Out-Null
    $image = "oci:${layout}:files"
}

Describe 'Get-OciLayerItem -Path | Get-OciContent' {
    It 'reads a file through its symbolic link, from the merged view' {
        $item = Get-OciLayerItem -Merged -Reference $image -Path /etc/os-release
        $item.Type | Should -Be 'Symlink'
        $item | Get-OciContent | Should -Be @('NAME="Pester Linux"', 'ID=pester')
    }

    It 'gives the later layer''s bytes, as lines, -Raw and bytes' {
        Get-OciLayerItem -Merged -Reference $image -Path 'etc/m*' | Get-OciContent | Should -Be @('second', 'line')
        Get-OciContent $image /etc/motd -Raw | Should -BeExactly "second`r`nline"
        $bytes = Get-OciContent $image /etc/motd -AsByteStream
        $bytes.GetType().Name | Should -Be 'Byte[]'
        $bytes.Length | Should -Be 12
    }

    It 'writes to -Destination and returns the file' {
        $file = Get-OciContent $image /usr/lib/os-release -Destination (Join-Path $TestDrive 'os-release')
        $file.Length | Should -Be 30
        Get-Content -LiteralPath $file.FullName -Raw | Should -BeExactly "NAME=`"Pester Linux`"`nID=pester`n"
        { Get-OciContent $image /etc/motd -Destination $file.FullName -ErrorAction Stop } | Should -Throw -ErrorId 'FileSystemError*'
    }

    It 'filters per layer, case-sensitively' {
        (Get-OciLayerItem $image -Layer 0 -Path '/etc/*').Path | Should -Be @('/etc/motd', '/etc/os-release')
        Get-OciLayerItem $image -Layer 0 -Path '/ETC/*' | Should -BeNullOrEmpty
    }

    It 'a path the image does not hold is PathNotFound, and the next item is read' {
        $errors = $null
        $out = '/nothing', '/etc/motd' | ForEach-Object { Get-OciContent $image $_ -Raw -ErrorVariable +errors -ErrorAction SilentlyContinue }
        $out | Should -BeExactly "second`r`nline"
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'PathNotFound*'
    }
}

Describe 'Format-List leaves out what is not there (item 11)' {
    It 'shows a layer''s FileCount and TarSize only when known' {
        $listed = Get-OciLayer $image | Select-Object -First 1 | Format-List | Out-String -Width 120
        $listed | Should -Match 'BlobPath'
        $listed | Should -Not -Match 'FileCount|TarSize'
        $built = New-OciLayer $upper -OutputDirectory (Join-Path $TestDrive 'built') | Format-List | Out-String -Width 120
        $built | Should -Match 'FileCount +: 1'
    }

    It 'shows a config''s Entrypoint and Command, not a Config line that reads as a string' {
        $config = Get-OciImageConfig $image
        $listed = $config | Format-List | Out-String -Width 120
        $listed | Should -Match 'Entrypoint'
        $listed | Should -Not -Match '(?m)^Config\s+:'
        $config.Config.GetType().Name | Should -Be 'OciContainerConfig'
        ($config | Format-Table | Out-String -Width 120) | Should -Match 'Platform'
    }

    It 'leaves the Platform column out for a manifest read directly, and keeps it for one chosen from an index' {
        $direct = Get-OciManifest $image
        $direct.Platform | Should -BeNullOrEmpty
        ($direct | Format-Table | Out-String -Width 120) | Should -Not -Match 'Platform'
        $index = Join-Path $TestDrive 'indexed'
        Copy-OciImage $image "oci:${index}:one" | Out-Null
        New-OciIndex -Manifest "oci:${index}:one" -Layout $index -Tag multi | Out-Null
        $chosen = Get-OciManifest "oci:${index}:multi" -Platform linux/amd64
        ($chosen | Format-Table | Out-String -Width 120) | Should -Match 'Platform'
    }
}
