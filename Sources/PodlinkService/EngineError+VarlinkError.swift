public import Engine
public import PodlinkAPI
public import Varlink

/// The one place engine errors become io.podlink errors: the dispatcher answers a call that threw an
/// ``EngineError`` with its ``varlinkError``, so the service's methods call the engine and convert values, nothing
/// more.
extension EngineError: VarlinkErrorConvertible {
    /// The declared io.podlink error for this engine error.
    public var varlinkError: VarlinkError { interfaceError.varlinkError }

    /// The interface's error: one declared error per engine code, `InternalError` for the rest.
    public var interfaceError: IoPodlinkError {
        let subject = subject ?? ""
        switch code {
        case .noSuchContainer: return .containerNotFound(id: subject)
        case .noSuchImage: return .imageNotFound(id: subject)
        case .nameInUse: return .nameInUse(name: subject)
        case .invalidState:
            return .invalidState(
                id: subject, state: state.map(IoPodlink.ContainerStatus.init) ?? .configured,
                operation: operation ?? "")
        case .alreadyStopped: return .alreadyStopped(id: subject)
        case .dependenciesNotRunning: return .dependenciesNotRunning(id: subject, dependencies: names)
        case .runtimeError: return .runtimeError(reason: message)
        case .invalidArgument: return .invalidArgument(argument: subject, reason: reason ?? message)
        case .imageInUse: return .imageInUse(id: subject, containers: names)
        case .noSuchExecSession: return .execSessionNotFound(session: subject)
        case .execSessionInvalidState:
            return .execSessionInvalidState(
                session: subject, state: .init(rawValue: sessionState?.rawValue ?? "") ?? .exited,
                operation: operation ?? "")
        case .noSuchNetwork: return .networkNotFound(name: subject)
        case .networkInUse: return .networkInUse(name: subject, containers: names)
        case .subnetOverlap: return .subnetOverlap(subnet: subject, network: network ?? "")
        case .addressUnavailable:
            return .addressUnavailable(address: subject, network: network ?? "", reason: reason ?? message)
        case .portInUse:
            return .portInUse(
                hostIp: subject.isEmpty ? "0.0.0.0" : subject, hostPort: port?.number ?? 0,
                protocol: port?.protocol ?? "tcp", holder: holder ?? "")
        case .logTooLarge: return .logTooLarge(limit: limit ?? 0)
        case .registryUnreachable: return .registryUnreachable(registry: subject, reason: reason ?? message)
        case .registryUnauthorized: return .registryUnauthorized(registry: subject, reason: reason ?? message)
        case .notInRegistry: return .imageNotInRegistry(reference: subject, tried: names)
        case .registryRefused: return .registryRefused(registry: subject, reason: reason ?? message)
        case .noSuchUpload: return .uploadNotFound(upload: subject)
        case .noSuchPath: return .pathNotFound(container: names.first ?? "", path: subject)
        case .unsafeArchive: return .unsafeArchive(entry: subject, reason: reason ?? message)
        default: return .internalError(reason: message)
        }
    }
}

extension EngineService {
    /// What the service answers for an error that is neither a varlink nor an engine error (a failure below the
    /// engine, or a bug): io.podlink's `InternalError`, naming the method, rather than a closed connection.
    public static func mapUndeclared(_ error: any Error, method: String) -> VarlinkError? {
        IoPodlinkError.internalError(reason: "\(method): \(error)").varlinkError
    }
}
