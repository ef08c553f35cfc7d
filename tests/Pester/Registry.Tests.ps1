#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Connect-OciRegistry and Disconnect-OciRegistry against a registry with basic auth that this file starts
    (docker-registry and htpasswd: TestRegistry.ps1 -Basic), and what a session's connection means for parallel
    runspaces: Connect-OciRegistry is per runspace by design, so -Parallel script blocks and thread jobs pass
    -Credential $using:cred (the README cookbook says so).
#>

BeforeDiscovery {
    . $PSScriptRoot/TestRegistry.ps1
    $noAuthRegistry = Get-TestRegistrySkipReason -OwnRegistry -Basic
}

Describe 'Connect-OciRegistry and Disconnect-OciRegistry' -Skip:([bool]$noAuthRegistry) {
    BeforeAll {
        . $PSScriptRoot/TestRegistry.ps1
        Import-OciImageUnderTest
        $registry = Start-TestRegistry -Basic
        $credential = New-TestCredential
        $repository = "$($registry.Host)/team/app"
        Copy-OciImage $Hello "${repository}:1" -DestinationCredential $credential | Out-Null
    }

    AfterAll {
        Disconnect-OciRegistry $registry.Host -ErrorAction SilentlyContinue
        Stop-TestRegistry $registry
    }

    It 'without credentials the registry answers Unauthorized' {
        { Get-OciTag $repository -ErrorAction Stop } | Should -Throw -ErrorId 'Unauthorized,OciImage.Commands.GetOciTagCommand'
    }

    It 'a wrong password is Unauthorized and nothing is kept' {
        $wrong = [pscredential]::new($TestUser, (ConvertTo-SecureString 'not-the-password' -AsPlainText -Force))
        { Connect-OciRegistry $registry.Host -Credential $wrong -ErrorAction Stop } | Should -Throw -ErrorId 'Unauthorized,OciImage.Commands.ConnectOciRegistryCommand'
        { Get-OciTag $repository -ErrorAction Stop } | Should -Throw -ErrorId 'Unauthorized,OciImage.Commands.GetOciTagCommand'
    }

    It '-Credential on one command works for that command only' {
        (Get-OciTag $repository -Credential $credential).Tag | Should -Be @('1')
        { Get-OciTag $repository -ErrorAction Stop } | Should -Throw -ErrorId 'Unauthorized,OciImage.Commands.GetOciTagCommand'
    }

    It 'Connect-OciRegistry keeps the credentials for the session, and Disconnect-OciRegistry forgets them' {
        $connection = Connect-OciRegistry $registry.Host -Credential $credential -PassThru
        $connection.Registry | Should -Be $registry.Host
        $connection.UserName | Should -Be $TestUser
        (Get-OciTag $repository).Tag | Should -Be @('1')
        (Get-OciRepository $registry.Host).Name | Should -Contain 'team/app'
        Disconnect-OciRegistry $registry.Host
        { Get-OciTag $repository -ErrorAction Stop } | Should -Throw -ErrorId 'Unauthorized,OciImage.Commands.GetOciTagCommand'
    }

    It 'a parallel runspace does not inherit the connection; -Credential $using:cred is how it signs in' {
        Connect-OciRegistry $registry.Host -Credential $credential
        try {
            $inherited = 1..2 | ForEach-Object -ThrottleLimit 2 -Parallel {
                Import-Module $using:ModuleFolder
                try { Get-OciTag $using:repository -ErrorAction Stop | Out-Null; 'signed in' }
                catch { $_.FullyQualifiedErrorId }
            }
            $inherited | Should -Be @('Unauthorized,OciImage.Commands.GetOciTagCommand', 'Unauthorized,OciImage.Commands.GetOciTagCommand')

            $cred = $credential
            $passed = 1..2 | ForEach-Object -ThrottleLimit 2 -Parallel {
                Import-Module $using:ModuleFolder
                (Get-OciTag $using:repository -Credential $using:cred).Tag
            }
            $passed | Should -Be @('1', '1')

            $job = Start-ThreadJob -ScriptBlock {
                Import-Module $using:ModuleFolder
                (Get-OciTag $using:repository -Credential $using:cred).Tag
            }
            $job | Receive-Job -Wait -AutoRemoveJob | Should -Be '1'
        }
        finally {
            Disconnect-OciRegistry $registry.Host
        }
    }

    It 'Disconnect-OciRegistry of a registry that is not connected is no error, and -Verbose says so' {
        $verbose = Disconnect-OciRegistry 'never-connected.example.com' -Verbose -ErrorVariable problems 4>&1
        @($problems).Count | Should -Be 0
        "$verbose" | Should -Match 'never-connected.example.com was not connected'
    }
}
