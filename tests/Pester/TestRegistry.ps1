<#
    Shared by the Pester files: a registry for the tests, and the module import.

    Dot-source it in BeforeDiscovery (to decide what to skip) and in BeforeAll (to start a registry):
        . $PSScriptRoot/TestRegistry.ps1
        $script:RegistrySkipReason = Get-TestRegistrySkipReason          # $null when a registry can be had
        $registry = Start-TestRegistry                                      # in BeforeAll
        Stop-TestRegistry $registry                                         # in AfterAll

    Start-TestRegistry starts Debian's docker-registry (the CNCF distribution registry) on 127.0.0.1 with a free
    port and a temp directory, configured as tests/OciImage.TestKit/RegistryServer.cs configures it (no auth,
    or htpasswd basic auth with -Basic). Without docker-registry on PATH it uses the registry host:port in
    $env:OCIIMAGE_TEST_REGISTRY (a test that needs a registry of its own, such as one with auth, skips then).
    Without either, the tests that need a registry skip with the reason Get-TestRegistrySkipReason gives.
#>

$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
$script:ModuleFolder = Join-Path $script:RepoRoot 'out/OciImage'
$script:HelloLayout = Join-Path $script:RepoRoot 'tests/data/hello'
$script:Hello = "oci:$($script:HelloLayout):1.0"
$script:HelloDigest = 'sha256:5e250519489c40cfe243f032a450eace5e84beeafa7fcd3b32dc52da9fb5ddba'
$script:TestUser = 'ociuser'
$script:TestPassword = 's3cret-Pa55word'

function Import-OciImageUnderTest {
    if (-not (Test-Path -LiteralPath (Join-Path $script:ModuleFolder 'OciImage.psd1'))) {
        throw "The module is not built: run 'dotnet build OciImage.slnx' first (it writes $script:ModuleFolder)."
    }

    Import-Module $script:ModuleFolder -Force -ErrorAction Stop -Global
}

function Get-TestRegistrySkipReason {
    param([switch] $OwnRegistry, [switch] $Basic)
    if (Get-Command docker-registry -CommandType Application -ErrorAction SilentlyContinue) {
        if ($Basic -and -not (Get-Command htpasswd -CommandType Application -ErrorAction SilentlyContinue)) {
            return 'htpasswd (apache2-utils) is not installed, so no registry with basic auth can be started'
        }

        return $null
    }

    if (-not $OwnRegistry -and $env:OCIIMAGE_TEST_REGISTRY) {
        return $null
    }

    if ($OwnRegistry) {
        return 'docker-registry is not on PATH, so no registry of the test''s own can be started (apt-get install docker-registry)'
    }

    return 'no registry: docker-registry is not on PATH and $env:OCIIMAGE_TEST_REGISTRY is not set (apt-get install docker-registry, or set it to a registry host:port)'
}

function Get-FreeTcpPort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Start-TestRegistry {
    <# Returns @{ Host = '127.0.0.1:PORT'; Process; Directory } or, with $env:OCIIMAGE_TEST_REGISTRY only, @{ Host = that }. #>
    # -NoDelete starts the registry as it ships: storage.delete.enabled off, every DELETE refused with 405.
    param([switch] $Basic, [switch] $NoDelete)
    if (-not (Get-Command docker-registry -CommandType Application -ErrorAction SilentlyContinue)) {
        if ($env:OCIIMAGE_TEST_REGISTRY -and -not $Basic) {
            return [pscustomobject]@{ Host = $env:OCIIMAGE_TEST_REGISTRY; Process = $null; Directory = $null }
        }

        throw (Get-TestRegistrySkipReason -OwnRegistry:$Basic -Basic:$Basic)
    }

    $directory = Join-Path ([System.IO.Path]::GetTempPath()) ("ocipester-" + [guid]::NewGuid().ToString('n').Substring(0, 12))
    New-Item -ItemType Directory -Path $directory | Out-Null
    $authBlock = ''
    if ($Basic) {
        $htpasswd = Join-Path $directory 'htpasswd'
        & htpasswd -Bbc $htpasswd $script:TestUser $script:TestPassword 2>$null
        if ($LASTEXITCODE -ne 0) { throw "htpasswd failed with exit code $LASTEXITCODE" }
        $authBlock = "auth:`n  htpasswd:`n    realm: test-realm`n    path: $htpasswd`n"
    }

    for ($attempt = 1; ; $attempt++) {
        $port = Get-FreeTcpPort
        $config = Join-Path $directory 'config.yml'
        Set-Content -LiteralPath $config -NoNewline -Value (
            "version: 0.1`nlog:`n  level: error`n  accesslog:`n    disabled: true`n" +
            "storage:`n  filesystem:`n    rootdirectory: $(Join-Path $directory 'data')`n  delete:`n    enabled: $(if ($NoDelete) { 'false' } else { 'true' })`n" +
            "http:`n  addr: 127.0.0.1:$port`n  secret: test-secret`n" + $authBlock)
        $process = Start-Process -FilePath (Get-Command docker-registry -CommandType Application)[0].Source -ArgumentList 'serve', $config -PassThru `
            -RedirectStandardOutput (Join-Path $directory 'stdout.log') -RedirectStandardError (Join-Path $directory 'stderr.log')
        $registry = [pscustomobject]@{ Host = "127.0.0.1:$port"; Process = $process; Directory = $directory }
        $http = [System.Net.Http.HttpClient]::new()
        $http.Timeout = [timespan]::FromSeconds(1)
        try {
            # Ready when /v2/ answers at all (401 with basic auth); up to 15 s, like RegistryServer.cs.
            $deadline = [datetime]::UtcNow.AddSeconds(15)
            while ([datetime]::UtcNow -lt $deadline -and -not $process.HasExited) {
                try {
                    $null = $http.GetAsync("http://$($registry.Host)/v2/").GetAwaiter().GetResult()
                    return $registry
                }
                catch {
                    Start-Sleep -Milliseconds 50
                }
            }
        }
        finally {
            $http.Dispose()
        }

        Stop-TestRegistry $registry -KeepDirectory
        # Another process may have taken the port between Get-FreeTcpPort and the registry's bind: try another.
        if ($attempt -ge 3) {
            $log = Get-Content -Raw -LiteralPath (Join-Path $directory 'stderr.log') -ErrorAction SilentlyContinue
            Remove-Item -Recurse -Force -LiteralPath $directory -ErrorAction SilentlyContinue
            throw "docker-registry did not start on 127.0.0.1:$port within 15 s: $log"
        }
    }
}

function Stop-TestRegistry {
    param($Registry, [switch] $KeepDirectory)
    if ($null -eq $Registry -or $null -eq $Registry.Process) { return }
    if (-not $Registry.Process.HasExited) {
        $Registry.Process.Kill($true)
        $null = $Registry.Process.WaitForExit(5000)
    }

    if (-not $KeepDirectory -and $Registry.Directory) {
        Remove-Item -Recurse -Force -LiteralPath $Registry.Directory -ErrorAction SilentlyContinue
    }
}

function New-TestCredential {
    [System.Management.Automation.PSCredential]::new($script:TestUser, (ConvertTo-SecureString $script:TestPassword -AsPlainText -Force))
}

function New-TestImage {
    <#
        Builds a small image in a layout: one layer with one file of the given content, on the hello sample
        (so images share its layer), tagged TAG. Returns the New-OciImage result.
    #>
    param([string] $Layout, [string] $Tag, [string] $Content = $Tag, [string] $Platform)
    $tree = Join-Path ([System.IO.Path]::GetTempPath()) ("ocitree-" + [guid]::NewGuid().ToString('n').Substring(0, 12))
    New-Item -ItemType Directory -Path $tree | Out-Null
    try {
        Set-Content -LiteralPath (Join-Path $tree 'content.txt') -Value $Content -NoNewline
        $extra = @{}
        if ($Platform) { $extra.Platform = $Platform }
        New-OciLayer -Path $tree -Destination /data -Layout $Layout |
            New-OciImage -Layout $Layout -Tag $Tag -Base $script:Hello -Entrypoint '/bin/cat' -Command '/data/content.txt' @extra
    }
    finally {
        Remove-Item -Recurse -Force -LiteralPath $tree
    }
}
