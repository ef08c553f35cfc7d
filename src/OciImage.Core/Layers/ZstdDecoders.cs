using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using OciImage.Core.Model;

namespace OciImage.Core.Layers;

/// <summary>Which zstd decoder reads a layer.</summary>
internal enum ZstdDecoderKind
{
    /// <summary>The system's libzstd (Linux, .NET, libzstd 1.4.0 or later).</summary>
    Native,

    /// <summary>ZstdSharp, everywhere else (Windows, macOS, Mono) or when OCIIMAGE_ZSTD=managed.</summary>
    Managed,
}

/// <summary>
/// Chooses the zstd decoder once per process: the system's libzstd where it can be loaded (about four times the
/// managed decoder's speed), else ZstdSharp. Both run under the same bounds: frames whose window is over
/// 2^<see cref="WindowLogMax"/> are refused, and the decompressed bytes are counted by the caller's wrapper
/// (<see cref="DecompressionBudget"/>, Expand's -MaxSize) whichever decoder made them.
/// </summary>
internal static class ZstdDecoders
{
    /// <summary>
    /// The largest window a frame may ask for: 2^27 = 128 MiB, zstd's own default limit (what `zstd -d` accepts
    /// without --memory, and what level 22 and --long produce). A frame asking for more is refused before any
    /// memory is taken for it.
    /// </summary>
    public const int WindowLogMax = 27;

    /// <summary>Set to "managed" to decode with ZstdSharp even where libzstd is present.</summary>
    public const string EnvironmentVariable = "OCIIMAGE_ZSTD";

    /// <summary>Managed input buffer: larger reads than ZstdSharp's default (ZSTD_DStreamInSize) mean fewer passes through our stream wrappers.</summary>
    private const int ManagedInputSize = 1 << 18;

    private static readonly Lazy<(NativeZstd? Library, string Description)> Chosen = new(Choose, LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly AsyncLocal<ZstdDecoderKind?> Forced = new();

    /// <summary>The decoder layers are read with in this flow.</summary>
    public static ZstdDecoderKind Current => Forced.Value ?? (Chosen.Value.Library is null ? ZstdDecoderKind.Managed : ZstdDecoderKind.Native);

    /// <summary>Says which decoder reads zstd layers and why ("libzstd 1.5.4 (/usr/lib/...)", or why not).</summary>
    public static string Description => Forced.Value is { } forced ? $"{forced} (forced)" : Chosen.Value.Description;

    /// <summary>Whether the system's libzstd was loaded.</summary>
    public static bool NativeAvailable => Chosen.Value.Library is not null;

    /// <summary>A reader of the zstd stream <paramref name="compressed"/> (which it owns) with the chosen decoder.</summary>
    public static Stream Open(Stream compressed) => Open(compressed, Current, WindowLogMax);

    internal static Stream Open(Stream compressed, ZstdDecoderKind kind, int windowLogMax)
    {
        // Frames either decoder may not read are stopped before it sees them, however the input is chunked.
        compressed = new ZstdFrameWalker(compressed, windowLogMax);
        if (kind == ZstdDecoderKind.Native)
        {
            var library = Chosen.Value.Library ?? throw new InvalidOperationException("libzstd is not available: " + Chosen.Value.Description);
            return new NativeZstdStream(library, compressed, windowLogMax);
        }

        var managed = new ZstdSharp.DecompressionStream(compressed, ManagedInputSize, checkEndOfStream: true, leaveOpen: false);
        managed.SetParameter(ZstdSharp.Unsafe.ZSTD_dParameter.ZSTD_d_windowLogMax, windowLogMax);
        return managed;
    }

    /// <summary>Tells the log which decoder reads the zstd layers among <paramref name="layers"/>, if there are any.</summary>
    public static void Log(IEngineLog log, IEnumerable<Descriptor> layers)
    {
        if (layers.Any(layer => Compressions.OfMediaType(layer.MediaType) == LayerCompression.Zstd))
        {
            log.Verbose("zstd layers are decoded by " + Description + ".");
        }
    }

    /// <summary>Makes this flow (a test) use <paramref name="kind"/> until the result is disposed.</summary>
    internal static IDisposable Use(ZstdDecoderKind kind)
    {
        var before = Forced.Value;
        Forced.Value = kind;
        return new Restore(() => Forced.Value = before);
    }

    private static (NativeZstd?, string) Choose()
    {
        var setting = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.Equals(setting, "managed", StringComparison.OrdinalIgnoreCase))
        {
            return (null, $"the managed decoder (ZstdSharp; {EnvironmentVariable}=managed)");
        }

        // Mono runs the managed decoder: its interop differs, and it is not where speed is asked for.
        if (Type.GetType("Mono.Runtime") is not null)
        {
            return (null, "the managed decoder (ZstdSharp; Mono)");
        }

        try
        {
            var library = NativeZstd.TryLoad(out var reason);
            return library is null
                ? (null, $"the managed decoder (ZstdSharp; {reason})")
                : (library, $"libzstd {library.Version} ({library.Path})");
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or MarshalDirectiveException or NotSupportedException)
        {
            return (null, $"the managed decoder (ZstdSharp; {ex.Message})");
        }
    }

    private sealed class Restore(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
