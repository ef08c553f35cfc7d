@{
    RootModule           = 'OciImage.dll'
    # The one version: Directory.Build.props reads it from here for every assembly.
    ModuleVersion        = '0.2.0'
    GUID                 = '5b48b3b9-6048-419c-bad7-b666e5c06176'
    Author               = 'OciImage contributors'
    CompanyName          = 'OciImage'
    Copyright            = '(c) OciImage contributors. MIT License.'
    Description          = 'Container image operations for PowerShell: inspect, build, tag and copy OCI images between registries and OCI image layouts, with objects in the pipeline.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Core', 'Desktop')
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess     = @('OciImage.format.ps1xml')
    CmdletsToExport      = @(
        'Add-OciLayer'
        'Compare-OciImage'
        'Connect-OciRegistry'
        'Copy-OciImage'
        'Disconnect-OciRegistry'
        'Edit-OciImage'
        'Expand-OciImage'
        'Export-OciImage'
        'Get-OciContent'
        'Get-OciDigest'
        'Get-OciImage'
        'Get-OciImageConfig'
        'Get-OciLayer'
        'Get-OciLayerItem'
        'Get-OciManifest'
        'Get-OciReferrer'
        'Get-OciRepository'
        'Get-OciTag'
        'Import-OciImage'
        'Measure-OciImage'
        'Measure-OciRepository'
        'Merge-OciLayer'
        'New-OciImage'
        'New-OciIndex'
        'New-OciLayer'
        'Remove-OciManifest'
        'Remove-OciTag'
        'Remove-OciUnusedBlob'
        'Save-OciBlob'
        'Set-OciImageConfig'
        'Set-OciTag'
        'Sync-OciRepository'
        'Test-OciImage'
        'Update-OciImageBase'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('OCI', 'Container', 'Docker', 'Registry', 'Image', 'PSEdition_Core', 'PSEdition_Desktop', 'Linux', 'Windows', 'MacOS')
            LicenseUri   = 'https://example.invalid/OciImage/LICENSE'
            ProjectUri   = 'https://example.invalid/OciImage'
            ReleaseNotes = 'Unreleased (after 0.2.0): Sync-OciRepository mirrors repositories (tag selection, a plan to save and apply later, each blob crossing once a run, two HEADs an unchanged tag, rate-limit reserve, resume, prune, .psd1/JSON mapping files, shards); Edit-OciImage strips files, removes layers, re-times and recompresses, and Copy-OciImage -Compression recompresses; Merge-OciLayer squashes, Update-OciImageBase rebases and Test-OciImage -BaseCurrent checks a recorded base; Remove-OciTag -Keep removes what a keep-selection leaves out and Remove-OciManifest -IncludeReferrers takes signatures and SBOMs along; tar entries that Go''s archive/tar would read otherwise are InvalidLayer; on Unix, oci:c:1.0 is the folder c with tag 1.0. Set-OciImageConfig and Add-OciLayer given an index now change every image in it (or those of -Platform, which takes several) and write a new index, leaving artifacts and attestations as they are (before, -Platform wrote that platform''s image alone under the tag); -Annotation edits the annotations an image has ($null removes one) instead of replacing them; New-OciImage -Base records the base (org.opencontainers.image.base.name and .base.digest, shown by Get-OciManifest as BaseName and BaseDigest); Test-OciImage -BaseCurrent (BaseImageOutdated), Merge-OciLayer (squash all layers, or those above the base) and Update-OciImageBase (rebase). a tar reader of the module''s own (PAX records, GNU long names and links, base-256, owners over 2,097,151, bounded headers); Expand-OciImage applies owners as root (-NoSameOwner), changes nothing through a link, defaults -MaxSize to 100 times the compressed size (at least 1 GiB) and sweeps killed work folders; New-OciLayer -Base writes explicit whiteouts (-OpaqueWhiteout for the marker); every JSON document is shape-checked; credentials stay with their origin (InsecureRedirect); credential helpers only from PATH, bounded; loopback registries speaking TLS are found; Remove-OciTag never leaves a tag on its placeholder; Get-OciImage; Copy-OciImage results have Status, Seconds, and Duration as [timespan] text; Remove-OciUnusedBlob returns a result under -WhatIf; -Platform on a single image is checked. 0.2.0: gzip layers are written by the module''s own deflate encoder by default (-GzipEncoder Portable), so a layer''s digest depends only on the tree, the options and this version, on every PowerShell and CPU; layers built with 0.1.0''s default (the runtime''s zlib, still -GzipEncoder Runtime) have other digests, with the same DiffIDs. Uploads refused for their size go again in chunks; lost upload answers are recovered. 0.1.0: OCI image layouts and registries (anonymous, basic and token auth, docker config credentials): inspect, tag, untag, delete, save blobs; reproducible layers from directories (New-OciLayer), layer listing and safe expansion; image, index and artifact composition (New-OciImage, Add-OciLayer, Set-OciImageConfig, New-OciIndex, Get-OciReferrer); Copy-OciImage between registries and layouts; Export-OciImage and Import-OciImage for oci-archive and docker-save tars.'
        }
    }
}
