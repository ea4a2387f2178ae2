public import Engine
public import PodlinkAPI

extension IoPodlinkError {
    /// The interface's error for an engine error: one declared error per engine code.
    public init(_ error: EngineError) {
        let subject = error.subject ?? ""
        switch error.code {
        case .noSuchContainer: self = .containerNotFound(id: subject)
        case .noSuchImage: self = .imageNotFound(id: subject)
        case .nameInUse: self = .nameInUse(name: subject)
        case .invalidState:
            self = .invalidState(
                id: subject, state: error.state.map(IoPodlink.ContainerStatus.init) ?? .configured,
                operation: error.operation ?? "")
        case .alreadyStopped: self = .alreadyStopped(id: subject)
        case .dependenciesNotRunning: self = .dependenciesNotRunning(id: subject, dependencies: error.names)
        case .runtimeError: self = .runtimeError(reason: error.message)
        case .invalidArgument: self = .invalidArgument(argument: subject, reason: error.reason ?? error.message)
        case .imageInUse: self = .imageInUse(id: subject, containers: error.names)
        case .noSuchExecSession: self = .execSessionNotFound(session: subject)
        case .execSessionInvalidState:
            self = .execSessionInvalidState(
                session: subject, state: .init(rawValue: error.sessionState?.rawValue ?? "") ?? .exited,
                operation: error.operation ?? "")
        default: self = .internalError(reason: error.message)
        }
    }
}
