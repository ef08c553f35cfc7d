using System.Collections.Concurrent;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Copy;
using OciImage.Core.Registry;
using OciImage.Core.Stores;
using OciImage.Core.Transports;
using OciImage.Core.Verbs;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>A transport added to the table, and nowhere else, is parsed, shown and opened everywhere references go.</summary>
public class TransportTableTests
{
    [Fact]
    public async Task AFakeTransportInTheTableIsParsedAndOpenedByTheVerbs()
    {
        var memory = new MemoryTransport();
        var table = new TransportTable(TransportTable.Default.Transports.Append(memory).ToArray());
        var context = new StoreContext(new RegistrySessions { DockerConfigPath = null }, null, new RecordingLog());

        var reference = Reference.Parse("mem:localhost/shelf/app:1.0", table);
        Assert.Same(memory, reference.Transport);
        Assert.Equal("localhost", reference.Registry);
        Assert.Equal("shelf/app", reference.Repository);
        Assert.Equal("1.0", reference.Tag);
        Assert.Equal("mem:localhost/shelf/app:1.0", reference.ToString());
        Assert.False(reference.IsLocal);

        // Without the entry the same text is no reference at all: the table alone made it one.
        Assert.False(Reference.TryParse("mem:localhost/shelf/app:1.0", out _));

        using var temp = new TempDirectory();
        var layer = TestImages.AddTarLayer(temp.Path, Encoding.UTF8.GetBytes("not really a tar, copied as bytes"));
        var digest = TestImages.Compose(temp.Path, "1.0", new[] { layer });
        var from = Reference.ForLayout(temp.Path, "1.0");

        var result = await CopyVerb.CopyAsync(from, reference, new CopyOptions(), context, context, null, CancellationToken.None);

        var shelf = memory.Shelves["localhost/shelf/app"];
        Assert.Equal(digest, result.Digest.ToString());
        Assert.Contains($"manifest {digest} 1.0", shelf.Writes);
        Assert.Equal(1, shelf.Commits);
        Assert.Equal(new[] { "write" }, memory.Opens.ToArray());

        using var read = ImageStores.OpenForRead(reference, context);
        Assert.Same(shelf, read);
        Assert.Equal(digest, (await read.ResolveAsync(reference, CancellationToken.None)).Digest.ToString());
        using var update = ImageStores.OpenForUpdate(reference, context);
        Assert.Equal(new[] { "write", "read", "update" }, memory.Opens.ToArray());
    }

    /// <summary><c>mem:REGISTRY/REPOSITORY[:TAG]</c>: repositories held in memory, one store per name.</summary>
    private sealed class MemoryTransport : ImageTransport
    {
        public MemoryTransport()
            : base("mem")
        {
        }

        public ConcurrentDictionary<string, MemoryStore> Shelves { get; } = new();

        public ConcurrentQueue<string> Opens { get; } = new();

        public override bool NamesAPath => false;

        public override Reference Parse(string original, string rest) => Reference.ParseRegistryForm(this, original, rest);

        public override IImageStore OpenForRead(Reference reference, StoreContext context) => Open("read", reference);

        public override IImageStore OpenForWrite(Reference reference, StoreContext context) => Open("write", reference);

        public override IImageStore OpenForUpdate(Reference reference, StoreContext context) => Open("update", reference);

        private IImageStore Open(string why, Reference reference)
        {
            Opens.Enqueue(why);
            return Shelves.GetOrAdd(reference.Registry + "/" + reference.Repository, name => new MemoryStore(name, refusesIncompleteManifests: false));
        }
    }
}
