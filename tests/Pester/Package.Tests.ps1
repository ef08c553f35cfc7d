#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Packaging end to end (issue 19 item 4): ./build.ps1 -Task Package writes a .nupkg; it is published to a
    PSResourceGet repository in TestDrive, installed with Install-PSResource, imported by name in a fresh pwsh
    process and run. Everything runs in child processes whose HOME is in TestDrive, so the PSResourceGet
    repository list and the CurrentUser module folder of the machine are never touched (NuGet's package cache
    and the .NET CLI home stay the real ones, so the build needs no network).
    Skipped where PSResourceGet or the .NET SDK is absent.
#>

BeforeDiscovery {
    $noPackaging = if (-not (Get-Module -ListAvailable -Name Microsoft.PowerShell.PSResourceGet)) {
        'PSResourceGet (Microsoft.PowerShell.PSResourceGet) is not installed'
    }
    elseif (-not (Get-Command dotnet -CommandType Application -ErrorAction SilentlyContinue)) {
        'the .NET SDK (dotnet) is not on PATH'
    }
}

Describe 'The package' -Skip:([bool]$noPackaging) {
    BeforeAll {
        . $PSScriptRoot/TestRegistry.ps1
        $pwsh = Join-Path $PSHOME 'pwsh'
        $realHome = [Environment]::GetFolderPath('UserProfile')
        $fakeHome = Join-Path $TestDrive 'home'
        New-Item -ItemType Directory -Path $fakeHome | Out-Null

        function Invoke-Isolated([string] $Script) {
            # A child pwsh whose HOME (so PSResourceGet's settings and CurrentUser scope) lives in TestDrive.
            $saved = @{}
            $vars = @{
                HOME = $fakeHome
                XDG_DATA_HOME = $null; XDG_CONFIG_HOME = $null; XDG_CACHE_HOME = $null; PSModulePath = $null
                NUGET_PACKAGES = $env:NUGET_PACKAGES ?? (Join-Path $realHome '.nuget/packages')
                DOTNET_CLI_HOME = $env:DOTNET_CLI_HOME ?? $realHome
                NO_COLOR = '1'
            }
            foreach ($name in $vars.Keys) {
                $saved[$name] = [Environment]::GetEnvironmentVariable($name)
                [Environment]::SetEnvironmentVariable($name, $vars[$name])
            }
            try {
                $output = & $pwsh -NoProfile -NonInteractive -Command $Script 2>&1 | ForEach-Object { "$_" }
                [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = $output }
            }
            finally {
                foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
            }
        }
    }

    It 'builds with ./build.ps1 -Task Package, publishes, installs with Install-PSResource and runs by name in a fresh process' {
        $repository = Join-Path $TestDrive 'repository'
        New-Item -ItemType Directory -Path $repository | Out-Null
        $publish = Invoke-Isolated @"
`$ErrorActionPreference = 'Stop'
Set-Location '$RepoRoot'
Remove-Item -Recurse -Force -ErrorAction SilentlyContinue ./out/packages
./build.ps1 -Task Package | Out-Null
`$nupkg = Get-ChildItem ./out/packages -Filter 'OciImage.*.nupkg' | Select-Object -First 1
Register-PSResourceRepository -Name PesterLocal -Uri '$repository' -Trusted
Publish-PSResource -NupkgPath `$nupkg.FullName -Repository PesterLocal
Install-PSResource OciImage -Repository PesterLocal -Scope CurrentUser -TrustRepository -Quiet
(Get-InstalledPSResource OciImage -Scope CurrentUser).InstalledLocation
"@
        $publish.ExitCode | Should -Be 0 -Because ($publish.Output -join "`n")
        @(Get-ChildItem $repository -Filter 'OciImage.*.nupkg').Count | Should -Be 1
        $installed = $publish.Output | Select-Object -Last 1
        $installed | Should -BeLike "$fakeHome*"

        $run = Invoke-Isolated @"
`$ErrorActionPreference = 'Stop'
Import-Module OciImage
(Get-Module OciImage).ModuleBase
"`$((Get-OciManifest 'oci:$HelloLayout`:1.0').Digest)"
"@
        $run.ExitCode | Should -Be 0 -Because ($run.Output -join "`n")
        $run.Output[0] | Should -BeLike "$fakeHome*"
        $run.Output[1] | Should -Be $HelloDigest
        Get-PSResourceRepository -Name PesterLocal -ErrorAction SilentlyContinue | Should -BeNullOrEmpty -Because 'the machine''s repository list is not touched'
    }
}
