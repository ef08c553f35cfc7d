using System;
using OciImage.Core.Errors;

namespace OciImage.Core.Transports.DockerDaemon;

/// <summary>No Docker Engine API answers at the endpoint: the socket is absent, refuses, or is not an endpoint OciImage can use.</summary>
public sealed class DaemonUnreachableException(string endpoint, string source, string detail, Exception? inner = null)
    : OciException("DaemonUnreachable", OciErrorKind.ConnectionError,
        $"No Docker daemon at {endpoint} ({source}): {detail}. Is it running? Set DOCKER_HOST (unix:///PATH, npipe:////./pipe/NAME or tcp://HOST:PORT) to use another.", inner);

/// <summary>The socket is there but this user may not use it (on Linux: not in the docker group).</summary>
public sealed class DaemonAccessDeniedException(string endpoint, Exception? inner = null)
    : OciException("AccessDenied", OciErrorKind.PermissionDenied,
        $"Permission denied on the Docker daemon's socket {endpoint}. Run as a member of the 'docker' group (sudo usermod -aG docker $USER, then log in again), or use a rootless daemon's socket through DOCKER_HOST.", inner);

/// <summary>The daemon's API version is older than the oldest OciImage speaks.</summary>
public sealed class DaemonTooOldException(string endpoint, string version, string minimum)
    : OciException("DaemonTooOld", OciErrorKind.NotImplemented,
        $"The Docker daemon at {endpoint} speaks API version {version}; OciImage needs {minimum} or later (Docker 1.12, 2016). Upgrade the daemon.");

/// <summary>The daemon answered with an error OciImage has no better name for.</summary>
public sealed class DaemonErrorException(string endpoint, string what, int status, string message)
    : OciException("DaemonError", OciErrorKind.InvalidData,
        $"The Docker daemon at {endpoint} refused {what}: HTTP {status}: {message}");
