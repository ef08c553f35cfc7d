# Builds the golden-digest cases of DeterminismCases.cs through New-OciLayer and prints "NAME DIGEST DIFFID SIZE"
# lines, as the child program does: for hosts that run PowerShell but not the test program (pshost under arm64
# emulation). Usage: layers.ps1 MODULE.psd1 FIXTURE OUTPUT
param([string] $Module, [string] $Fixture, [string] $Output)
# Only core cmdlets and .NET calls: pshost carries System.Management.Automation without the Management module.
$ErrorActionPreference = 'Stop'
Import-Module $Module
"# $([System.Runtime.InteropServices.RuntimeInformation]::FrameworkDescription) $([System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture) cores=$([Environment]::ProcessorCount)"
$cases = @(1..9 | ForEach-Object { @{ Name = "gzip-portable-$_"; Compression = 'gzip'; Level = "$_" } }) +
    @(1..9 | ForEach-Object { @{ Name = "zstd-$_"; Compression = 'zstd'; Level = "$_" } }) +
    @(@{ Name = 'zstd-SmallestSize'; Compression = 'zstd'; Level = 'SmallestSize' }, @{ Name = 'none'; Compression = 'none'; Level = 'Optimal' })
foreach ($case in $cases) {
    $layer = New-OciLayer -Path $Fixture -OutputDirectory ([System.IO.Path]::Combine($Output, $case.Name)) -Compression $case.Compression -CompressionLevel $case.Level -GzipEncoder Portable
    "$($case.Name) $($layer.Digest) $($layer.DiffId) $($layer.Size)"
}
