using System.Linq;
using System.Text;
using OciImage.Core;
using OciImage.Core.Errors;
using OciImage.Core.Model;
using Xunit;

namespace OciImage.Core.Tests;

public class ImageConfigTests
{
    private const string Config = """
        {"created":"2024-05-01T10:20:30.123456789Z","architecture":"arm64","variant":"v8","os":"linux",
         "config":{"Env":["PATH=/usr/bin"],"Entrypoint":["/bin/app"],"Labels":{"a":"b"},"ExposedPorts":{"80/tcp":{}},"Healthcheck":{"Test":["NONE"]}},
         "rootfs":{"type":"layers","diff_ids":["sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"]},
         "history":[{"created_by":"ADD rootfs"},{"created_by":"ENV x","empty_layer":true}],
         "container":"abc123"}
        """;

    [Fact]
    public void ReadsGoTimestampsPlatformAndKeepsUnknownFields()
    {
        var raw = Encoding.UTF8.GetBytes(Config);
        var config = ImageConfig.Parse(raw, "test");
        Assert.Equal(2024, config.Created!.Value.Year);
        Assert.Equal(30, config.Created!.Value.Second);
        Assert.Equal("linux/arm64/v8", config.Platform.ToString());
        Assert.Equal("/bin/app", config.Config!.Entrypoint!.Single());
        Assert.True(config.Config.Extra!.ContainsKey("Healthcheck"));
        Assert.True(config.Extra!.ContainsKey("container"));
        Assert.Equal(Digest.Compute(raw), config.Digest);
        Assert.Equal("ADD rootfs", config.LayerHistory().Single()!.CreatedBy);

        // Unknown fields survive a serialisation round trip.
        var again = System.Text.Json.JsonSerializer.Serialize(config, OciJson.Options);
        Assert.Contains("\"Healthcheck\"", again);
        Assert.Contains("\"container\":\"abc123\"", again);
    }

    [Fact]
    public void AnOddCreatedTimeIsTreatedAsAbsent()
    {
        var config = ImageConfig.Parse(Encoding.UTF8.GetBytes("""{"created":"yesterday","architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"""), "t");
        Assert.Null(config.Created);
    }

    [Fact]
    public void RejectsNonJson() =>
        Assert.Equal("InvalidManifest", Assert.Throws<InvalidManifestException>(() => ImageConfig.Parse(Encoding.UTF8.GetBytes("{"), "t")).ErrorId);
}
