using System.Collections.Generic;

namespace OciImage.Core.Model;

/// <summary>The checks <see cref="IShaped"/> implementations share; each throws naming the member's JSON path.</summary>
public static class Shape
{
    /// <summary>The JSON path of a member: $.layers, or $['os.version'] for a name that is not an identifier.</summary>
    public static string Member(string path, string name)
    {
        foreach (var c in name)
        {
            if (!(char.IsLetterOrDigit(c) || c == '_'))
            {
                return $"{path}['{name.Replace("'", "\\'")}']";
            }
        }

        return path + "." + name;
    }

    public static T Required<T>(T? value, string path, string expected)
        where T : class =>
        value ?? throw new JsonShapeException(path, $"is missing or null; {expected} is needed");

    /// <summary>A member that may be absent but, when given, is not null (the model's default stands for absent).</summary>
    public static void NotNull(object? value, string path, string expected)
    {
        if (value is null)
        {
            throw new JsonShapeException(path, $"is null; {expected} is needed");
        }
    }

    /// <summary>Each item is present and of the right shape.</summary>
    public static void Each<T>(IReadOnlyList<T?>? items, string path)
        where T : class, IShaped
    {
        if (items is null)
        {
            return;
        }

        for (var i = 0; i < items.Count; i++)
        {
            var at = $"{path}[{i}]";
            Required(items[i], at, "an object").CheckShape(at);
        }
    }

    public static void NoNullItems<T>(IReadOnlyList<T?>? items, string path)
        where T : class
    {
        if (items is null)
        {
            return;
        }

        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is null)
            {
                throw new JsonShapeException($"{path}[{i}]", "is null; a value is needed");
            }
        }
    }

    public static void NoNullValues<T>(IReadOnlyDictionary<string, T?>? map, string path)
        where T : class
    {
        if (map is null)
        {
            return;
        }

        foreach (var pair in map)
        {
            if (pair.Value is null)
            {
                throw new JsonShapeException(Member(path, pair.Key), "is null; a value is needed");
            }
        }
    }
}
