/// How one pull, push or login reaches its registry, beyond what registries.conf and the auth files say.
public struct RegistryAccess: Sendable {
    /// false: plain HTTP and unverified TLS are allowed (as `--tls-verify=false`); nil: registries.conf decides.
    public var tlsVerify: Bool?
    /// A user name and password for this call only (nothing is stored).
    public var username: String?
    /// The password going with ``username``.
    public var password: String?

    /// Access as registries.conf and the auth files give it, with these overrides.
    public init(tlsVerify: Bool? = nil, username: String? = nil, password: String? = nil) {
        self.tlsVerify = tlsVerify
        self.username = username
        self.password = password
    }

    var skopeo: Skopeo.Access {
        Skopeo.Access(
            tlsVerify: tlsVerify,
            credentials: username.map { Skopeo.Credentials(username: $0, password: password ?? "") })
    }
}
