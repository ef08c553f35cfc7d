using System;

namespace OciImage.Core.Stores;

/// <summary>
/// An upload must start again from the source's first byte (the registry refused a one-request upload for its size,
/// and the source cannot be read again here): the blob transfer opens the source anew and uploads in chunks.
/// Carries the refusal, which the user sees if the transfer's retry budget is spent.
/// </summary>
internal sealed class UploadRestartException(Exception reason) : Exception(reason.Message, reason)
{
}
