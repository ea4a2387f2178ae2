/// The io.podlink interface's stubs are generated at build time from `interfaces/io.podlink.varlink`; this file only
/// adds what the interface cannot say.
extension IoPodlink {
    /// The version of the interface this build serves (`GetVersion`'s `remote_api_version`).
    public static let apiVersion = 1
    /// Podlink's version.
    public static let podlinkVersion = "0.1.0"
}
