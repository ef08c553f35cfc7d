using System;
using System.Globalization;
using System.IO.Compression;
using OciImage.Core.Errors;

namespace OciImage.Core.Layers;

/// <summary>Which deflate encoder writes gzip layers.</summary>
public enum GzipEncoder
{
    /// <summary>
    /// The module's own managed encoder (<see cref="Deflate.DeflateEncoder"/>): the bytes depend only on the
    /// input, the level and the module version, on every runtime, CPU and core count.
    /// </summary>
    Portable,

    /// <summary>
    /// The runtime's zlib through System.IO.Compression.DeflateStream: the bytes depend on the runtime (.NET 8
    /// uses the system's zlib on Linux, .NET 9+ bundles zlib-ng, .NET Framework its own).
    /// </summary>
    Runtime,
}

/// <summary>
/// A layer compression level as users give it: Fastest, Optimal (the default) or SmallestSize, as
/// System.IO.Compression names them, or a number from 1 (fastest) to 9 (smallest), as gzip numbers them.
/// </summary>
public readonly struct LayerCompressionLevel : IEquatable<LayerCompressionLevel>
{
    public const int Min = 1;
    public const int Max = 9;

    private const int SmallestValue = 10;

    private readonly int _value; // 0: Optimal (the default); 1-9: a number; 10: SmallestSize

    private LayerCompressionLevel(int value) => _value = value;

    public static LayerCompressionLevel Optimal => default;

    public static LayerCompressionLevel Fastest => new(1);

    public static LayerCompressionLevel SmallestSize => new(SmallestValue);

    /// <summary>The names and numbers that <see cref="Parse"/> takes, for completion and validation.</summary>
    public static readonly string[] Names = { "Fastest", "Optimal", "SmallestSize", "1", "2", "3", "4", "5", "6", "7", "8", "9" };

    /// <summary>A numbered level, 1 to 9.</summary>
    public static LayerCompressionLevel Of(int number) => number is >= Min and <= Max
        ? new LayerCompressionLevel(number)
        : throw new UnknownCompressionLevelException(number.ToString(CultureInfo.InvariantCulture), "use Fastest, Optimal, SmallestSize or a number from 1 to 9.");

    /// <summary>A level by name (any case) or number; null or empty for the default.</summary>
    public static LayerCompressionLevel Parse(string? text)
    {
        var trimmed = (text ?? string.Empty).Trim();
        if (trimmed.Length == 0 || trimmed.Equals("Optimal", StringComparison.OrdinalIgnoreCase))
        {
            return Optimal;
        }

        if (trimmed.Equals("Fastest", StringComparison.OrdinalIgnoreCase))
        {
            return Fastest;
        }

        if (trimmed.Equals("SmallestSize", StringComparison.OrdinalIgnoreCase))
        {
            return SmallestSize;
        }

        return int.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is >= Min and <= Max
            ? new LayerCompressionLevel(number)
            : throw new UnknownCompressionLevelException(trimmed, "use Fastest, Optimal, SmallestSize or a number from 1 to 9.");
    }

    /// <summary>The level of the portable deflate encoder: Optimal is 6, SmallestSize 9, Fastest 1.</summary>
    public int PortableDeflateLevel => _value == 0 ? Deflate.DeflateEncoder.DefaultLevel : _value == SmallestValue ? 9 : _value;

    /// <summary>zstd's level: Optimal is 3 (zstd's default), SmallestSize 19, a number is zstd's own level.</summary>
    public int ZstdLevel => _value == 0 ? 3 : _value == SmallestValue ? 19 : _value;

    /// <summary>
    /// The runtime's level: it offers only Fastest (1), Optimal (6) and, on .NET 6 and later, SmallestSize (9).
    /// </summary>
    public CompressionLevel RuntimeDeflateLevel
    {
        get
        {
            switch (_value)
            {
                case 0:
                case 6:
                    return CompressionLevel.Optimal;
                case 1:
                    return CompressionLevel.Fastest;
                case 9:
                case SmallestValue:
                    var smallest = (CompressionLevel)3; // CompressionLevel.SmallestSize, .NET 6 and later
                    return Enum.IsDefined(typeof(CompressionLevel), smallest)
                        ? smallest
                        : throw new UnknownCompressionLevelException(ToString(), "this runtime's deflate has no SmallestSize; use -GzipEncoder Portable.");
                default:
                    throw new UnknownCompressionLevelException(ToString(), "the runtime's deflate offers only Fastest (1), Optimal (6) and SmallestSize (9); -GzipEncoder Portable offers 1 to 9.");
            }
        }
    }

    public bool Equals(LayerCompressionLevel other) => _value == other._value;

    public override bool Equals(object? obj) => obj is LayerCompressionLevel other && Equals(other);

    public override int GetHashCode() => _value;

    public override string ToString() => _value switch
    {
        0 => "Optimal",
        SmallestValue => "SmallestSize",
        _ => _value.ToString(CultureInfo.InvariantCulture),
    };
}
