import ArgumentParser
import PodlinkAPI

/// The options of `pull` and `push` that say how to reach the registry.
struct RegistryAccessOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Require HTTPS and verified certificates (false allows plain HTTP; default: as the service's registries.conf says).",
            valueName: "bool"))
    var tlsVerify: Bool?
    @Option(
        help: ArgumentHelp(
            "Credentials for this call, USERNAME[:PASSWORD] (default: the service's auth files).",
            valueName: "credentials"))
    var creds: String?

    /// The access the service is asked for.
    var access: IoPodlink.RegistryAccess? {
        guard tlsVerify != nil || creds != nil else { return nil }
        var username: String?
        var password: String?
        if let creds {
            let parts = creds.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            username = String(parts[0])
            password = parts.count > 1 ? String(parts[1]) : ""
        }
        return IoPodlink.RegistryAccess(tlsVerify: tlsVerify, username: username, password: password)
    }
}
