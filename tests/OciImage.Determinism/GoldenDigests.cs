using System.Collections.Generic;

namespace OciImage.Determinism;

/// <summary>
/// The digests the fixture of <see cref="DeterminismCases"/> gives for each case: the same on every runtime, CPU and
/// core count (GoldenDigestTests on .NET 10, .NET 8 and arm64; DesktopLayerTests under Mono). Shared as source.
/// </summary>
public static class GoldenDigests
{
    /// <summary>The DiffID of the fixture's tar, the same for every case.</summary>
    public const string FixtureDiffId = "sha256:afcd6fe408603d963be094d111fcb7a3721a065fb8320e1f134f555109a13f6a";

    public static readonly Dictionary<string, (string Digest, long Size)> Table = new Dictionary<string, (string Digest, long Size)>
    {
        ["gzip-portable-1"] = ("sha256:e30b01a0c9f49bb336956751a5f9f775566213416187202781ea773595303642", 1527003),
        ["gzip-portable-2"] = ("sha256:1b4e0808a43aabdd20d39378ac077b465a4aa626369064a2ce0b2d0e31bee07b", 1518437),
        ["gzip-portable-3"] = ("sha256:50de94f73b69a90a3a97743d687d08c3b26b0c52f09e1f87fca4d9c6348af882", 1498665),
        ["gzip-portable-4"] = ("sha256:6c50840f8ad82661c3707081e9ace2f0a7f6a827436c8fc4f19fd9ba94e97223", 1431127),
        ["gzip-portable-5"] = ("sha256:7568b98a20742b29f1b1f5bae1e147b8240d6c48c2f1fa2720b1c193e93b8928", 1421806),
        ["gzip-portable-6"] = ("sha256:a425b5b32a14426f9b7333582493dcba02be8f9433e1970cac9e00c714d7e93f", 1409090),
        ["gzip-portable-7"] = ("sha256:8db7f0cf19bd1bbaa27053adc75a7d308842355d3e251490cd6ba1b9e8045351", 1388301),
        ["gzip-portable-8"] = ("sha256:8a0ad5e74c73f10e98fa59db5a7c71d9efd950180070dc971b735274f6254d44", 1385874),
        ["gzip-portable-9"] = ("sha256:33775e3b2894aebcbfa2f8fc309eb44162d2415e090a8f5a81b333f0b674f02d", 1379834),
        ["zstd-1"] = ("sha256:939fac9103480c7967e2959a01e97528823a8a33498b6c6572364bd9ff7abd1e", 1398010),
        ["zstd-2"] = ("sha256:7e99c599df3f30e84053e34b56510b471482869c40388adf9388e355c3497224", 1413795),
        ["zstd-3"] = ("sha256:b231a035d2a8e39f1ee7a0d5c3c612926efc19a27b80c76a99b44983c27d63d0", 1402288),
        ["zstd-4"] = ("sha256:0cfce602344c8bc03352f3262bd05bac5e402eb52bfd2da5291bb7c61f72a32d", 1402364),
        ["zstd-5"] = ("sha256:e80adcbbfad8de4bd126e618f4febf66834040d0ffbbcfdb2aea7ea655853567", 1402590),
        ["zstd-6"] = ("sha256:748398c7d2e6a1851917d8e5104f8aab5f8740d657e80b7b82cab31e7dd7a0e8", 1389738),
        ["zstd-7"] = ("sha256:826f2c5eea309c0285164a79cc286553afc4bea492d1ac17ef9d5c27e9c357d1", 1383529),
        ["zstd-8"] = ("sha256:36d392ff6f8348400b1baf083755eb141eaf6a37cb2414fffd58ca56645703d8", 1379682),
        ["zstd-9"] = ("sha256:d85b31bf3e46bbf475df56067c4f0dbd6b59db7ab46da53d2420430ca52accd6", 1379662),
        ["zstd-SmallestSize"] = ("sha256:23a70715bf86b3249492f687e5d8498eebd0572aa0139042fc940da5753d1fbb", 1313086),
        ["none"] = ("sha256:afcd6fe408603d963be094d111fcb7a3721a065fb8320e1f134f555109a13f6a", 4812800),
    };
}
