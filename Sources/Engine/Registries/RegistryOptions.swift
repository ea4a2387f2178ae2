/// How the engine reaches registries. Pulls and pushes run skopeo, which reads registries.conf (mirrors, insecure
/// and blocked registries), the certificates below `certificatesDirectory` and the credentials of the auth files the
/// way Podman does: they are the same containers/image code.
public struct RegistryOptions: Sendable {
    /// The skopeo binary.
    public var skopeoPath: String = "/usr/bin/skopeo"
    /// registries.conf, for the registries an unqualified name is searched in and for skopeo
    /// (`CONTAINERS_REGISTRIES_CONF`). Its drop-in directory is this path with `.d` appended.
    public var configurationPath: String = "/etc/containers/registries.conf"
    /// Per-registry certificates (`HOST[:PORT]/ca.crt`, client `*.cert` and `*.key`); nil: containers/image's
    /// default (`/etc/containers/certs.d`, then `/etc/docker/certs.d`).
    public var certificatesDirectory: String?
    /// The auth file logins write and pulls read; nil: Podman's (`$REGISTRY_AUTH_FILE`, else
    /// `$XDG_RUNTIME_DIR/containers/auth.json`, else `/run/containers/UID/auth.json`), with `~/.docker/config.json`
    /// also read.
    public var authFile: String?
    /// The signature policy skopeo enforces; nil: `/etc/containers/policy.json`.
    public var policyPath: String?
    /// The most time one pull or push may take.
    public var timeout: Duration = .seconds(3600)

    /// Options with the system's defaults.
    public init() {}
}
