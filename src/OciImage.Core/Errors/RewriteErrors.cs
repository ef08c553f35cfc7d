namespace OciImage.Core.Errors;

/// <summary>A registry refused a manifest with zstd layers (400 MANIFEST_INVALID, 415, UNSUPPORTED): nothing was tagged.</summary>
public sealed class CompressionRefusedException(string what, string detail, System.Exception? inner = null)
    : OciException("CompressionRefused", OciErrorKind.InvalidArgument,
        $"{what} refused a manifest with zstd layers ({detail}); nothing was tagged. The registry does not accept zstd: use -Compression gzip.", inner);

/// <summary>Layers removed by their history line, and the history does not say which entry is which layer.</summary>
public sealed class HistoryMismatchException(string what, int historyLayers, int layers)
    : OciException("HistoryMismatch", OciErrorKind.InvalidData,
        $"{what} has {historyLayers} history entries for layers but {layers} layers, so a history line does not name a layer; remove layers by position (-RemoveLayer) instead.");

/// <summary>A time to set that is not one: SOURCE_DATE_EPOCH unset or not seconds, or a time tar cannot hold.</summary>
public sealed class InvalidTimestampException(string value, string reason)
    : OciException("InvalidTimestamp", OciErrorKind.InvalidArgument, $"'{value}' is not a time to set: {reason}.");
