using System;
using System.Collections.Generic;
using System.Text;

namespace OciImage.Core.Registry;

/// <summary>
/// The bytes of a TLS ClientHello record, as a current client sends it (TLS 1.2 and 1.3: the usual AEAD suites,
/// x25519 and the NIST curves, a random x25519 key share, SNI), built by hand so that asking a loopback port
/// whether it speaks TLS costs one write and one read, not the TLS stack's set-up (loading and initialising
/// OpenSSL took about 50 ms of a fresh process quiet, 300 ms busy, for every copy to or from a plain loopback
/// registry). Any TLS server answers it with a handshake record (ServerHello) or an alert; a plain HTTP server
/// with its own error. Only the first byte of the answer is read: no handshake is finished, nothing is trusted.
/// </summary>
internal static class TlsClientHello
{
    /// <summary>First byte of a TLS handshake record.</summary>
    public const byte HandshakeRecord = 0x16;

    /// <summary>First byte of a TLS alert record.</summary>
    public const byte AlertRecord = 0x15;

    private static readonly ushort[] CipherSuites =
    {
        0x1301, 0x1302, 0x1303, // TLS 1.3: AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305
        0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, // ECDHE (ECDSA, RSA) with AES-GCM or ChaCha20
        0x009c, 0x009d, 0x002f, 0x0035, // RSA key exchange, for old servers
    };

    private static readonly ushort[] Groups = { 0x001d, 0x0017, 0x0018 }; // x25519, secp256r1, secp384r1

    private static readonly ushort[] SignatureSchemes = { 0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601 };

    /// <summary>A ClientHello naming <paramref name="serverName"/> (SNI), fresh random values each time.</summary>
    public static byte[] Build(string serverName)
    {
        // Random, session id and key share: the handshake is never finished, so no secret rests on them.
        var random = new byte[32 + 32 + 32];
        new Random().NextBytes(random);

        var body = new List<byte> { 0x03, 0x03 }; // legacy_version TLS 1.2
        body.AddRange(new ArraySegment<byte>(random, 0, 32)); // random
        body.Add(32);
        body.AddRange(new ArraySegment<byte>(random, 32, 32)); // legacy_session_id (middlebox compatibility)
        U16(body, CipherSuites.Length * 2);
        foreach (var suite in CipherSuites)
        {
            U16(body, suite);
        }

        body.Add(1);
        body.Add(0); // compression: null only

        var extensions = new List<byte>();
        var name = Encoding.ASCII.GetBytes(serverName);
        Extension(extensions, 0x0000, e =>
        {
            U16(e, name.Length + 3);
            e.Add(0); // host_name
            U16(e, name.Length);
            e.AddRange(name);
        });
        Extension(extensions, 0x000a, e => List16(e, Groups));
        Extension(extensions, 0x000b, e => e.AddRange(new byte[] { 1, 0 })); // ec_point_formats: uncompressed
        Extension(extensions, 0x000d, e => List16(e, SignatureSchemes));
        Extension(extensions, 0x002b, e => e.AddRange(new byte[] { 4, 0x03, 0x04, 0x03, 0x03 })); // supported_versions: 1.3, 1.2
        Extension(extensions, 0x002d, e => e.AddRange(new byte[] { 1, 1 })); // psk_key_exchange_modes: psk_dhe_ke
        Extension(extensions, 0x0033, e =>
        {
            U16(e, 2 + 2 + 32);
            U16(e, 0x001d); // x25519: any 32 bytes are a public key
            U16(e, 32);
            e.AddRange(new ArraySegment<byte>(random, 64, 32));
        });
        U16(body, extensions.Count);
        body.AddRange(extensions);

        var record = new List<byte>(body.Count + 9) { HandshakeRecord, 0x03, 0x01 };
        U16(record, body.Count + 4);
        record.Add(0x01); // ClientHello
        record.Add(0);
        U16(record, body.Count);
        record.AddRange(body);
        return record.ToArray();
    }

    private static void Extension(List<byte> extensions, ushort type, Action<List<byte>> write)
    {
        var data = new List<byte>();
        write(data);
        U16(extensions, type);
        U16(extensions, data.Count);
        extensions.AddRange(data);
    }

    private static void List16(List<byte> into, ushort[] values)
    {
        U16(into, values.Length * 2);
        foreach (var value in values)
        {
            U16(into, value);
        }
    }

    private static void U16(List<byte> into, int value)
    {
        into.Add((byte)(value >> 8));
        into.Add((byte)value);
    }
}
