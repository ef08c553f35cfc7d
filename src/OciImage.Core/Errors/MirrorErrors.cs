namespace OciImage.Core.Errors;

/// <summary>A saved mirror plan that cannot be applied: the item and the property named, and why.</summary>
public sealed class InvalidSyncPlanException(string where, string detail)
    : OciException("InvalidSyncPlan", OciErrorKind.InvalidData, $"The mirror plan is not usable at {where}: {detail}. Nothing was applied; make the plan again with -Plan.");

/// <summary>A mirror mapping file (.psd1 or .json) that cannot be read: the line or key named, and why.</summary>
public sealed class InvalidSyncMappingException(string where, string detail)
    : OciException("InvalidSyncMapping", OciErrorKind.InvalidData, $"The mirror mapping is not usable at {where}: {detail}. Nothing was copied.");
