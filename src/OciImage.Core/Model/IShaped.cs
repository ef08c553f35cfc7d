namespace OciImage.Core.Model;

/// <summary>
/// A JSON document type (or a part of one) that checks, after deserialisation, what the type system cannot:
/// required members present, no null where a value is needed, no null inside a list or map. Every document the
/// module reads goes through <see cref="OciJson.Read{T}(System.ReadOnlySpan{byte}, ShapeError)"/>, which calls
/// this, so code past the parse never meets a null it did not ask for.
/// </summary>
public interface IShaped
{
    /// <summary>Throws <see cref="JsonShapeException"/> naming the JSON path of the first member that is wrong.</summary>
    /// <param name="path">This value's JSON path in its document ($ for the root).</param>
    void CheckShape(string path);
}
