namespace OciImage.Core.Errors;

/// <summary>An image that records no base (no org.opencontainers.image.base.name and .base.digest annotations), where one is needed.</summary>
public sealed class BaseNotRecordedException(string reference)
    : OciException("BaseNotRecorded", OciErrorKind.InvalidArgument,
        $"{reference} records no base image (the org.opencontainers.image.base.name and .base.digest annotations): name the old base with -OldBase, or build it with New-OciImage -Base, which records them.");

/// <summary>An image whose base name now gives another digest than the one recorded (Test-OciImage -BaseCurrent), as a CI gate fails.</summary>
public sealed class BaseImageOutdatedException(string reference, string baseName, string recorded, string current)
    : OciException("BaseImageOutdated", OciErrorKind.InvalidData,
        $"{reference} was built on {baseName} at {recorded}, but {baseName} is now {current}: rebase it with Update-OciImageBase, or rebuild it.");

/// <summary>A rebase whose old base is not the bottom of the image (compared by DiffID), so its layers cannot be replaced.</summary>
public sealed class BaseNotAPrefixException(string reference, string oldBase, string detail)
    : OciException("BaseNotAPrefix", OciErrorKind.InvalidArgument,
        $"{oldBase} is not the base of {reference}: {detail}. Name the base the image was built on with -OldBase.");
