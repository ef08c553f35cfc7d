using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace OciImage.Core.Layers;

/// <summary>
/// A libzstd decompression context (ZSTD_DCtx*), freed exactly once: when its stream is disposed, or by the
/// finalizer if a stream is abandoned. A call in progress holds a reference, so a dispose from another thread
/// (a cancelled operation) waits for the call to return before the context is freed.
/// </summary>
internal sealed class ZstdContextHandle : SafeHandle
{
    private static int _live;

    private readonly NativeZstd _library;

    public ZstdContextHandle(NativeZstd library)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        _library = library;
    }

    /// <summary>Contexts allocated and not yet freed in this process (tests show none is left behind).</summary>
    internal static int Live => Volatile.Read(ref _live);

    public override bool IsInvalid => handle == IntPtr.Zero;

    internal void Adopt(IntPtr context)
    {
        SetHandle(context);
        if (context != IntPtr.Zero)
        {
            Interlocked.Increment(ref _live);
        }
    }

    protected override bool ReleaseHandle()
    {
        _library.Free(handle);
        Interlocked.Decrement(ref _live);
        return true;
    }
}
