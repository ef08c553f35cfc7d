using System;
using System.Runtime.InteropServices;
using OciImage.Core.IO;
using ZstdSharp.Unsafe;

namespace OciImage.Core.Layers;

/// <summary>
/// The system's libzstd, for decoding only (the format defines the output, so any conforming decoder gives the
/// same bytes; encoding stays managed so layer digests do not depend on the machine). Loaded by absolute path from
/// the system's library directories (<see cref="SystemLibrary"/>), functions called through unmanaged function
/// pointers. Its errors become the same <see cref="ZstdSharp.ZstdException"/> (code and message) that the
/// managed decoder throws, so everything above the decoder reports a corrupt layer the same way.
/// </summary>
internal sealed unsafe class NativeZstd
{
    /// <summary>1.4.0: ZSTD_DCtx_setParameter and the advanced streaming API became stable.</summary>
    public const uint MinimumVersion = 10400;

    /// <summary>ZSTD_d_windowLogMax in zstd.h.</summary>
    private const int WindowLogMaxParameter = 100;

    private readonly delegate* unmanaged[Cdecl]<IntPtr> _createDCtx;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, nuint> _freeDCtx;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, int, int, nuint> _setParameter;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, ZstdBuffer*, ZstdBuffer*, nuint> _decompressStream;
    private readonly delegate* unmanaged[Cdecl]<nuint, uint> _isError;
    private readonly delegate* unmanaged[Cdecl]<nuint, IntPtr> _getErrorName;

    private NativeZstd(SystemLibrary library, IntPtr[] functions, uint version)
    {
        Path = library.Path;
        VersionNumber = version;
        _createDCtx = (delegate* unmanaged[Cdecl]<IntPtr>)functions[0];
        _freeDCtx = (delegate* unmanaged[Cdecl]<IntPtr, nuint>)functions[1];
        _setParameter = (delegate* unmanaged[Cdecl]<IntPtr, int, int, nuint>)functions[2];
        _decompressStream = (delegate* unmanaged[Cdecl]<IntPtr, ZstdBuffer*, ZstdBuffer*, nuint>)functions[3];
        _isError = (delegate* unmanaged[Cdecl]<nuint, uint>)functions[4];
        _getErrorName = (delegate* unmanaged[Cdecl]<nuint, IntPtr>)functions[5];
    }

    private static readonly string[] Functions =
    {
        "ZSTD_createDCtx", "ZSTD_freeDCtx", "ZSTD_DCtx_setParameter", "ZSTD_decompressStream", "ZSTD_isError", "ZSTD_getErrorName",
    };

    /// <summary>Where it was loaded from.</summary>
    public string Path { get; }

    /// <summary>ZSTD_versionNumber: major * 10000 + minor * 100 + release.</summary>
    public uint VersionNumber { get; }

    public string Version => $"{VersionNumber / 10000}.{VersionNumber / 100 % 100}.{VersionNumber % 100}";

    /// <summary>ZSTD_inBuffer and ZSTD_outBuffer have the same layout: a pointer, its size, a position in it.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ZstdBuffer
    {
        public byte* Data;
        public nuint Size;
        public nuint Position;
    }

    /// <summary>The system's libzstd, or null with the reason it cannot be used (absent, too old, incomplete).</summary>
    public static NativeZstd? TryLoad(out string reason)
    {
        var library = SystemLibrary.Load("libzstd.so.1", out reason);
        if (library is null)
        {
            return null;
        }

        var versionNumber = library.Symbol("ZSTD_versionNumber");
        if (versionNumber == IntPtr.Zero)
        {
            reason = $"{library.Path} has no ZSTD_versionNumber";
            return null;
        }

        var version = ((delegate* unmanaged[Cdecl]<uint>)versionNumber)();
        if (version < MinimumVersion)
        {
            reason = $"{library.Path} is libzstd {version / 10000}.{version / 100 % 100}.{version % 100}, older than 1.4.0";
            return null;
        }

        var functions = new IntPtr[Functions.Length];
        for (var i = 0; i < Functions.Length; i++)
        {
            functions[i] = library.Symbol(Functions[i]);
            if (functions[i] == IntPtr.Zero)
            {
                reason = $"{library.Path} has no {Functions[i]}";
                return null;
            }
        }

        reason = string.Empty;
        return new NativeZstd(library, functions, version);
    }

    /// <summary>A decompression context that refuses frames whose window is over 2^<paramref name="windowLogMax"/> bytes.</summary>
    public ZstdContextHandle CreateContext(int windowLogMax)
    {
        var handle = new ZstdContextHandle(this);
        try
        {
            // Allocated inside the handle's constructed life, so an exception cannot lose it.
            handle.Adopt(_createDCtx());
            if (handle.IsInvalid)
            {
                throw new OutOfMemoryException("ZSTD_createDCtx returned no context");
            }

            Check(_setParameter(handle.DangerousGetHandle(), WindowLogMaxParameter, windowLogMax));
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>ZSTD_decompressStream on a context kept alive for the call; an error code throws.</summary>
    public nuint DecompressStream(ZstdContextHandle context, ZstdBuffer* output, ZstdBuffer* input)
    {
        var added = false;
        try
        {
            context.DangerousAddRef(ref added);
            return Check(_decompressStream(context.DangerousGetHandle(), output, input));
        }
        finally
        {
            if (added)
            {
                context.DangerousRelease();
            }
        }
    }

    internal void Free(IntPtr context) => _freeDCtx(context);

    /// <summary>An error code becomes what ZstdSharp throws for it: the same code, the same message.</summary>
    private nuint Check(nuint result)
    {
        if (_isError(result) != 0)
        {
            var name = Marshal.PtrToStringAnsi(_getErrorName(result)) ?? "unknown error";
            throw new ZstdSharp.ZstdException((ZSTD_ErrorCode)(0 - result), name);
        }

        return result;
    }
}
