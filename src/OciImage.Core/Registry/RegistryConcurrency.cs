namespace OciImage.Core.Registry;

/// <summary>
/// How many tags (each a manifest request or a few) are read from one repository at once by default, wherever a
/// verb walks tags: tag details (Get-OciTag -Detail, created dates for -CreatedSince and -Newest), Measure-OciRepository
/// and retention plans. 16: the inventory benchmark waits on the registry, not on the CPU, and was faster at 16 than
/// at 8; a quota-counted registry is protected by -RateLimitReserve, which counts the GETs in flight, not by this.
/// </summary>
public static class RegistryConcurrency
{
    public const int TagsAtOnce = 16;
}
