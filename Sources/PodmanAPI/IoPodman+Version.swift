/// The io.podman interface's stubs are generated at build time from `interfaces/io.podman.varlink`; this file only
/// adds what the interface cannot say.
extension IoPodman {
    /// The version of the interface this build serves (`GetVersion`'s `remote_api_version`).
    public static let apiVersion = 1
    /// Podlink's version.
    public static let podlinkVersion = "0.1.0"
}
