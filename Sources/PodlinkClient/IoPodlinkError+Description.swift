public import PodlinkAPI

extension IoPodlinkError {
    /// The error in a person's words, as Podman would say it (`no container with name or ID "x" found`).
    public var humanDescription: String {
        switch self {
        case .containerNotFound(let id):
            return "no container with name or ID \"\(id)\" found"
        case .imageNotFound(let id):
            return "no image with name or ID \"\(id)\" found"
        case .nameInUse(let name):
            return "the container name \"\(name)\" is already in use: remove that container to reuse the name"
        case .invalidState(let id, let state, let operation):
            return "cannot \(operation) container \(Self.short(id)): it is \(state.rawValue)"
        case .alreadyStopped(let id):
            return "container \(Self.short(id)) is not running"
        case .execSessionNotFound(let session):
            return "no exec session with ID \(Self.short(session)) found"
        case .execSessionInvalidState(let session, let state, let operation):
            return "cannot \(operation) exec session \(Self.short(session)): it is \(state.rawValue)"
        case .dependenciesNotRunning(let id, let dependencies):
            return "cannot start container \(Self.short(id)): dependencies not running: "
                + dependencies.joined(separator: ", ")
        case .imageInUse(let id, let containers):
            return "image \(Self.short(id)) is in use by containers \(containers.joined(separator: ", ")): "
                + "remove them first, or force"
        case .runtimeError(let reason):
            return "OCI runtime error: \(reason)"
        case .invalidArgument(let argument, let reason):
            return "invalid \(argument): \(reason)"
        case .internalError(let reason):
            return "internal error: \(reason)"
        case .networkNotFound(let name):
            return "unable to find network with name or ID \(name): network not found"
        case .networkInUse(let name, let containers):
            return
                "network \(name) is used by containers \(containers.joined(separator: ", ")): remove them first, or force"
        case .subnetOverlap(let subnet, let network):
            return "subnet \(subnet) is already used by network \(network)"
        case .addressUnavailable(let address, let network, let reason):
            return "requested ip address \(address) is not available on network \(network): \(reason)"
        case .portInUse(let hostIp, let hostPort, let proto, let holder):
            return "cannot publish \(hostIp):\(hostPort)/\(proto): the port is taken by \(holder)"
        case .logTooLarge(let limit):
            return "the log lines asked for hold more than \(limit) bytes: follow them, or ask for --tail or --since"
        case .registryUnreachable(let registry, let reason):
            return "cannot reach the registry \(registry): \(reason)"
        case .registryUnauthorized(let registry, let reason):
            return "the registry \(registry) refused access: \(reason)"
        case .imageNotInRegistry(let reference, let tried):
            return "\(reference): image not known to any registry (tried \(tried.joined(separator: ", ")))"
        case .registryRefused(let registry, let reason):
            return "the registry \(registry): \(reason)"
        case .uploadNotFound(let upload):
            return "no finished upload \(upload) (cut off, used already or expired)"
        case .pathNotFound(let container, let path):
            return "\(container): \(path): no such file or directory"
        case .unsafeArchive(let entry, let reason):
            return "archive entry \(entry) refused: \(reason)"
        }
    }

    /// The first 12 digits of a 64-digit id; other text as it is.
    static func short(_ id: String) -> String {
        id.count == 64 && id.allSatisfy(\.isHexDigit) ? String(id.prefix(12)) : id
    }
}
