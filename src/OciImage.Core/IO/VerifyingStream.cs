using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.Model;

namespace OciImage.Core.IO;

/// <summary>
/// A read-only stream that hashes what passes through it and, at the end, throws DigestMismatchException
/// when the bytes do not match the descriptor (digest and size). Reading past the size fails at once, so a
/// hostile source cannot stream forever.
/// </summary>
internal sealed class VerifyingStream : ReadOnlyStream
{
    private readonly Stream _inner;
    private readonly Descriptor _expected;
    private readonly string _what;
    private readonly System.Security.Cryptography.IncrementalHash _hash;
    private long _read;
    private bool _verified;

    public VerifyingStream(Stream inner, Descriptor expected, string what)
    {
        _inner = inner;
        _expected = expected;
        _what = what;
        _hash = Digest.CreateHash(expected.Digest.Algorithm);
    }

    /// <summary>
    /// A verifier of <paramref name="content"/>: the stream itself when it already verifies these bytes from the
    /// start (a store's blob stream, in a copy), else a new one over it. Hashing a copied blob twice cost a
    /// third of a registry-to-registry copy's CPU.
    /// </summary>
    public static VerifyingStream Over(Stream content, Descriptor expected, string what) =>
        content is VerifyingStream verifying && verifying._read == 0
            && verifying._expected.Digest == expected.Digest && verifying._expected.Size == expected.Size
            ? verifying
            : new VerifyingStream(content, expected, what);

    public override long Length => _expected.Size;

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (count == 0)
        {
            return 0;
        }

        var n = _inner.Read(buffer, offset, count);
        return Account(buffer, offset, n);
    }

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        if (count == 0)
        {
            return 0;
        }

        var n = await _inner.ReadAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false);
        return Account(buffer, offset, n);
    }

    private int Account(byte[] buffer, int offset, int n)
    {
        if (n > 0)
        {
            _read += n;
            if (_read > _expected.Size)
            {
                throw new DigestMismatchException(_what, _expected.Digest, $"more than the {_expected.Size} bytes its descriptor gives");
            }

            _hash.AppendData(buffer, offset, n);
            return n;
        }

        if (!_verified)
        {
            _verified = true;
            if (_read != _expected.Size)
            {
                throw new DigestMismatchException(_what, _expected.Digest, $"{_read} bytes instead of {_expected.Size}");
            }

            var actual = Digest.FromHash(_expected.Digest.Algorithm, _hash.GetHashAndReset());
            if (actual != _expected.Digest)
            {
                throw new DigestMismatchException(_what, _expected.Digest, actual.ToString());
            }
        }

        return 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}
