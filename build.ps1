<#
.SYNOPSIS
    Builds, tests, packages or cleans the OciImage module.
.DESCRIPTION
    Build writes the ready module folder out/OciImage (in Release also the engine compiled ahead of time,
    ReadyToRun, for each .NET major of PowerShell 7 on this platform: lib/r2r/). Test runs the xunit suites (the
    module tests import out/OciImage into a hosted PowerShell 7.6) and, where Pester 5 is
    installed, the Pester suite in tests/Pester. Package builds in
    Release and writes a .nupkg to out/packages that Publish-PSResource and
    Publish-Module accept. Clean removes build output.
.EXAMPLE
    ./build.ps1 -Task Build
.EXAMPLE
    ./build.ps1 -Task Package
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package', 'Clean')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug'
)

$ErrorActionPreference = 'Stop'
$root = $PSScriptRoot
$solution = Join-Path $root 'OciImage.slnx'
$moduleFolder = Join-Path $root 'out/OciImage'

# The .NET majors of PowerShell 7.4 (8) and 7.6 (10); src/OciImage.ReadyToRun/OciImage.ReadyToRun.csproj lists the same.
$readyToRunFrameworks = @('net8.0', 'net10.0')

function Invoke-Dotnet {
    param([string[]] $Arguments)
    & dotnet @Arguments
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

# The engine in ReadyToRun form for this platform, beside its IL (see src/OciImage.ReadyToRun for why per major).
function Publish-ReadyToRun {
    $project = Join-Path $root 'src/OciImage.ReadyToRun/OciImage.ReadyToRun.csproj'
    $arch = [System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture.ToString().ToLowerInvariant()
    $os = if ($IsMacOS) { 'osx' } elseif ($IsLinux) { 'linux' } else { 'win' }
    foreach ($framework in $readyToRunFrameworks) {
        Invoke-Dotnet @('publish', $project, '-c', 'Release', '-f', $framework, '-r', "$os-$arch", '-v', 'q')
    }
}

switch ($Task) {
    'Build' {
        Invoke-Dotnet @('build', $solution, '-c', $Configuration)
        if ($Configuration -eq 'Release') { Publish-ReadyToRun }
        Write-Host "Module folder: $moduleFolder"
    }
    'Test' {
        Invoke-Dotnet @('test', $solution, '-c', $Configuration)
        # The Pester suite runs where Pester 5 is installed (it needs only the built module).
        if (Get-Module -ListAvailable -Name Pester | Where-Object Version -ge ([version]'5.0.0')) {
            $result = Invoke-Pester -Path (Join-Path $root 'tests/Pester') -PassThru -Output Detailed
            if ($result.FailedCount -gt 0) { throw "$($result.FailedCount) Pester tests failed" }
        }
        else {
            Write-Warning 'Pester 5 is not installed; skipped tests/Pester (Install-Module Pester -MinimumVersion 5.0).'
        }
    }
    'Package' {
        Invoke-Dotnet @('build', (Join-Path $root 'src/OciImage/OciImage.csproj'), '-c', 'Release')
        Publish-ReadyToRun
        $packages = Join-Path $root 'out/packages'
        New-Item -ItemType Directory -Force -Path $packages | Out-Null
        # Publishing to a local file repository is how PSResourceGet writes a gallery-ready .nupkg.
        $repository = 'OciImageBuild'
        Register-PSResourceRepository -Name $repository -Uri $packages -Trusted -Force
        try {
            Publish-PSResource -Path $moduleFolder -Repository $repository
        }
        finally {
            Unregister-PSResourceRepository -Name $repository
        }
        Get-ChildItem $packages -Filter '*.nupkg'
    }
    'Clean' {
        Invoke-Dotnet @('clean', $solution)
        Remove-Item -Recurse -Force -ErrorAction SilentlyContinue (Join-Path $root 'out')
    }
}
