namespace OciImage.TestKit.Hostile;

/// <summary>The JSON documents the module reads, each with a reader of its own.</summary>
public enum JsonDocumentKind
{
    /// <summary>An image manifest (a layout blob, a registry answer).</summary>
    Manifest,

    /// <summary>An image index or manifest list.</summary>
    Index,

    /// <summary>An image config blob.</summary>
    Config,

    /// <summary>A layout's index.json.</summary>
    LayoutIndex,

    /// <summary>A layout's oci-layout file.</summary>
    LayoutFile,

    /// <summary>A docker config.json (a wrong one is a warning, with anonymous access).</summary>
    DockerConfig,

    /// <summary>A credential helper's answer to get (a wrong one is a warning, with no credentials).</summary>
    HelperAnswer,

    /// <summary>A token server's answer.</summary>
    TokenAnswer,

    /// <summary>A registry's error body (a wrong one leaves the status to decide the error).</summary>
    RegistryErrorBody,

    /// <summary>A docker-save archive's manifest.json.</summary>
    DockerArchiveManifest,

    /// <summary>A registry's tag list or catalog page.</summary>
    NameList,
}
