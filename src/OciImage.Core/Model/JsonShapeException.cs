using System;

namespace OciImage.Core.Model;

/// <summary>
/// A document member of the wrong shape, with its JSON path. Never leaves the engine: the one parse entry point
/// (<see cref="OciJson"/>) turns it into the ErrorId of the document's kind.
/// </summary>
public sealed class JsonShapeException(string path, string problem) : Exception($"{path} {problem}")
{
    public string Path { get; } = path;
}
