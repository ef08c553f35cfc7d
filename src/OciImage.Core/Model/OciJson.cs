using System;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using OciImage.Core.Errors;

namespace OciImage.Core.Model;

/// <summary>Makes the error of a document's kind (InvalidManifest, InvalidArchive, Unauthorized...) from what is wrong with it.</summary>
/// <param name="reason">What is wrong, naming the JSON path.</param>
public delegate OciException ShapeError(string reason, Exception? inner);

/// <summary>
/// The one set of JSON options for spec documents (compact, no escaping of '+' in media types), and the one
/// entry point that reads every JSON document the module is given: deserialise, then check the shape
/// (<see cref="IShaped"/>); whatever is wrong, a syntax error, a member of the wrong type, a null where a value
/// is needed, comes out as the caller's <see cref="ShapeError"/> naming the JSON path, never as a .NET exception.
/// </summary>
public static class OciJson
{
    /// <summary>The options every spec document is read and written with: the generated contracts (<see cref="OciJsonContext"/>).</summary>
    public static readonly JsonSerializerOptions Options = Create(OciJsonContext.Default);

    /// <summary>The same options over other contracts (the tests compare the generated ones with reflection's).</summary>
    internal static JsonSerializerOptions Create(IJsonTypeInfoResolver contracts) => new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 64,
        TypeInfoResolver = contracts,
    };

    /// <summary>Reads a whole document of type <typeparamref name="T"/>.</summary>
    public static T Read<T>(ReadOnlySpan<byte> utf8, ShapeError error)
        where T : class, IShaped => Read<T>(utf8, error, Options);

    /// <summary>Reads a whole document of type <typeparamref name="T"/> with the contracts of <paramref name="options"/>.</summary>
    internal static T Read<T>(ReadOnlySpan<byte> utf8, ShapeError error, JsonSerializerOptions options)
        where T : class, IShaped
    {
        T? value;
        try
        {
            value = JsonSerializer.Deserialize<T>(utf8, options);
        }
        catch (Exception ex) when (IsParseFailure(ex))
        {
            throw error(Describe(ex, "$"), ex);
        }

        return Check(value, "$", error);
    }

    /// <summary>
    /// For documents whose wrong shape is not an error of its own (a registry's error body, a docker config that
    /// is then ignored with a warning): the value, or false and what is wrong with it, naming the JSON path.
    /// </summary>
    public static bool TryRead<T>(ReadOnlySpan<byte> utf8, out T? value, out string? problem)
        where T : class, IShaped
    {
        try
        {
            value = Read<T>(utf8, (reason, inner) => new ShapeProblem(reason));
            problem = null;
            return true;
        }
        catch (ShapeProblem ex)
        {
            value = null;
            problem = ex.Reason;
            return false;
        }
    }

    /// <summary>Reads one member of a document already parsed (an entry of index.json), at <paramref name="path"/>.</summary>
    public static T Read<T>(JsonElement element, string path, ShapeError error)
        where T : class, IShaped
    {
        T? value;
        try
        {
            value = element.Deserialize<T>(Options);
        }
        catch (Exception ex) when (IsParseFailure(ex))
        {
            throw error(Describe(ex, path), ex);
        }

        return Check(value, path, error);
    }

    /// <summary>Parses a document into a <see cref="JsonDocument"/> (for readers that keep unknown members as they are).</summary>
    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8, ShapeError error)
    {
        try
        {
            return JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = Options.MaxDepth });
        }
        catch (JsonException ex)
        {
            throw error(Describe(ex, "$"), ex);
        }
    }

    /// <summary>What a JSON value is, for messages: "an array", "null".</summary>
    public static string KindOf(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.Null => "null",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "an object",
    };

    private static T Check<T>(T? value, string path, ShapeError error)
        where T : class, IShaped
    {
        if (value is null)
        {
            throw error($"{path} is null; a JSON object is needed", null);
        }

        try
        {
            value.CheckShape(path);
        }
        catch (JsonShapeException ex)
        {
            throw error(ex.Message, ex);
        }

        return value;
    }

    /// <summary>Carries a problem from <see cref="Read{T}(ReadOnlySpan{byte}, ShapeError)"/> to <see cref="TryRead{T}"/>; never leaves this class.</summary>
    private sealed class ShapeProblem(string reason) : OciException("InvalidManifest", OciErrorKind.InvalidData, reason)
    {
        public string Reason { get; } = reason;
    }

    /// <summary>What the serializer may throw on input it cannot map (a converter's InvalidOperationException is one).</summary>
    private static bool IsParseFailure(Exception ex) =>
        ex is JsonException or InvalidOperationException or NotSupportedException or FormatException or OverflowException or ArgumentException;

    /// <summary>"$.layers[0].size has the wrong type (a number is needed)" rather than the serializer's CLR type names.</summary>
    private static string Describe(Exception ex, string at)
    {
        var relative = (ex as JsonException)?.Path;
        var path = relative is null ? at : at + relative.Substring(relative.StartsWith("$", StringComparison.Ordinal) ? 1 : 0);
        var message = ex.Message;
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = message.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        }

        if (cut >= 0)
        {
            message = message.Substring(0, cut);
        }

        const string Converting = "The JSON value could not be converted to ";
        if (message.StartsWith(Converting, StringComparison.Ordinal))
        {
            return $"{path} has the wrong JSON type ({Expected(message.Substring(Converting.Length).TrimEnd('.'))} is needed)";
        }

        if (message.Length > 200)
        {
            message = message.Substring(0, 200) + "…";
        }

        return $"{path}: {message.TrimEnd('.', ' ')}";
    }

    private static string Expected(string clrType) =>
        clrType switch
        {
            _ when clrType.Contains("Dictionary") => "an object",
            _ when clrType.Contains("List") || clrType.EndsWith("[]", StringComparison.Ordinal) => "an array",
            "System.String" => "a string",
            "System.Boolean" or "System.Nullable`1[System.Boolean]" => "true or false",
            _ when clrType.StartsWith("System.Int", StringComparison.Ordinal) || clrType.StartsWith("System.Nullable`1[System.Int", StringComparison.Ordinal) => "a whole number",
            "OciImage.Core.Digest" => "a digest string",
            _ => "an object",
        };
}
