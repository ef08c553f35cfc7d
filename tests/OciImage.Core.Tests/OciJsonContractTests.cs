using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using OciImage.Core.Archives;
using OciImage.Core.Errors;
using OciImage.Core.Layout;
using OciImage.Core.Model;
using OciImage.Core.Registry;
using OciImage.TestKit.Hostile;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// The module reads and writes JSON through generated contracts (OciJsonContext) for start-up's sake; reflection's
/// contracts are what the shape checks were written against. Both must give the same value, or the same error, for
/// every document, hostile or not, and write the same bytes.
/// </summary>
public sealed class OciJsonContractTests
{
    private static readonly JsonSerializerOptions Reflection = OciJson.Create(new DefaultJsonTypeInfoResolver());

    public static TheoryData<string> Edges() => new(ContractDivergence.All.Select(d => d.Name));

    [Theory]
    [MemberData(nameof(Edges))]
    public void AnEdgeDocumentReadsAlikeThroughBothContracts(string name)
    {
        var (_, kind, json) = ContractDivergence.All.Single(d => d.Name == name);
        AssertAlike(kind, json);
    }

    [Fact]
    public void ValidHostileAndMutatedDocumentsReadAlikeThroughBothContracts()
    {
        foreach (var (kind, seed) in HostileJson.Valid)
        {
            AssertAlike(kind, seed);
        }

        foreach (var hostile in HostileJson.All)
        {
            AssertAlike(hostile.Kind, hostile.Json);
        }

        var random = new Random(33);
        var seeds = HostileJson.Valid.ToList();
        for (var i = 0; i < 400; i++)
        {
            var (kind, seed) = seeds[random.Next(seeds.Count)];
            AssertAlike(kind, JsonTreeMutator.Mutate(random, seed));
        }
    }

    [Fact]
    public void TheMissingConfigThatOnceReadDifferentlyIsTheSameShapeErrorThroughBoth()
    {
        var json = ContractDivergence.All.Single(d => d.Name == "ManifestWithoutConfig").Json;
        var generated = Outcome(JsonDocumentKind.Manifest, Encoding.UTF8.GetBytes(json), OciJson.Options);
        Assert.StartsWith("error ", generated, StringComparison.Ordinal);
        Assert.Contains("$.config.digest is missing; a descriptor needs a digest", generated, StringComparison.Ordinal);
    }

    /// <summary>
    /// The class of divergence, not one case: a generated contract reads a type with init-only properties as it
    /// reads constructor parameters, so a missing member becomes default instead of keeping its initial value
    /// (dotnet/runtime#84484) and a member of the wrong type is reported as its object's type; reflection sets each
    /// property as it comes. With no init-only property in a JSON type the two read alike.
    /// </summary>
    [Fact]
    public void NoJsonTypeHasAnInitOnlyProperty()
    {
        var offenders = JsonTypes()
            .SelectMany(t => t.GetProperties(BindingFlags.Instance | BindingFlags.Public).Select(p => (Type: t, Property: p)))
            .Where(x => x.Property.GetCustomAttribute<JsonIgnoreAttribute>()?.Condition != JsonIgnoreCondition.Always
                && x.Property.SetMethod?.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.FullName == "System.Runtime.CompilerServices.IsExternalInit") == true)
            .Select(x => $"{x.Type.Name}.{x.Property.Name}")
            .ToList();

        Assert.True(offenders.Count == 0, "init-only properties in JSON types (make them settable): " + string.Join(", ", offenders));
        Assert.Contains(typeof(Descriptor), JsonTypes());
        Assert.Contains(typeof(RootFs), JsonTypes());
    }

    [Fact]
    public void TheModuleReadsThroughTheGeneratedContracts()
    {
        Assert.IsAssignableFrom<JsonSerializerContext>(OciJson.Options.TypeInfoResolver);
        Assert.True(OciJson.Options.TryGetTypeInfo(typeof(ImageManifest), out var info) && info.GetType().Assembly == typeof(JsonSerializer).Assembly);
    }

    /// <summary>Every type the generated context covers, with the types of their members that are the engine's own.</summary>
    private static IReadOnlyCollection<Type> JsonTypes()
    {
        var roots = typeof(OciJsonContext).GetCustomAttributesData()
            .Where(a => a.AttributeType == typeof(JsonSerializableAttribute))
            .Select(a => (Type)a.ConstructorArguments[0].Value!);
        var seen = new HashSet<Type>();
        var queue = new Queue<Type>(roots);
        while (queue.Count > 0)
        {
            var type = queue.Dequeue();
            if (type.Assembly != typeof(Descriptor).Assembly || !seen.Add(type))
            {
                continue;
            }

            foreach (var member in type.GetProperties(BindingFlags.Instance | BindingFlags.Public).Select(p => p.PropertyType)
                .SelectMany(t => t.IsGenericType ? t.GetGenericArguments() : new[] { t }).Concat(type.BaseType is { } b ? new[] { b } : Array.Empty<Type>())
                .Concat(type.IsGenericType || type.BaseType is not { IsGenericType: true } ? Array.Empty<Type>() : type.BaseType.GetGenericArguments()))
            {
                queue.Enqueue(Nullable.GetUnderlyingType(member) ?? member);
            }
        }

        return seen;
    }

    private static void AssertAlike(JsonDocumentKind kind, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var generated = Outcome(kind, bytes, OciJson.Options);
        var reflected = Outcome(kind, bytes, Reflection);
        Assert.True(generated == reflected, $"{kind} {json}\n generated: {generated}\n reflection: {reflected}");
    }

    /// <summary>What reading gives: the value (written back by both contracts, which must agree) or the error's message.</summary>
    private static string Outcome(JsonDocumentKind kind, byte[] json, JsonSerializerOptions options)
    {
        ShapeError error = (reason, inner) => new InvalidManifestException("m", reason, inner);
        try
        {
            object value = kind switch
            {
                JsonDocumentKind.Manifest => OciJson.Read<ImageManifest>(json, error, options),
                JsonDocumentKind.Index or JsonDocumentKind.LayoutIndex => OciJson.Read<ImageIndex>(json, error, options),
                JsonDocumentKind.Config => OciJson.Read<ImageConfig>(json, error, options),
                JsonDocumentKind.LayoutFile => OciJson.Read<LayoutFile>(json, error, options),
                JsonDocumentKind.DockerConfig => OciJson.Read<DockerConfigFile>(json, error, options),
                JsonDocumentKind.HelperAnswer => OciJson.Read<CredentialHelperAnswer>(json, error, options),
                JsonDocumentKind.TokenAnswer => OciJson.Read<TokenAnswer>(json, error, options),
                JsonDocumentKind.RegistryErrorBody => OciJson.Read<RegistryErrorBody>(json, error, options),
                JsonDocumentKind.DockerArchiveManifest => OciJson.Read<DockerArchiveManifest>(json, error, options),
                JsonDocumentKind.NameList => OciJson.Read<NameList>(json, error, options),
                _ => throw new ArgumentOutOfRangeException(nameof(kind)),
            };
            var written = JsonSerializer.Serialize(value, value.GetType(), Reflection);
            var writtenGenerated = JsonSerializer.Serialize(value, value.GetType(), OciJson.Options);
            Assert.Equal(written, writtenGenerated);
            return "ok " + written;
        }
        catch (OciException ex)
        {
            return "error " + ex.Message;
        }
    }
}
