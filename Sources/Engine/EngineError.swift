internal import Glibc

/// An error from the engine, typed so that a service can map every code to one error of its interface.
///
/// Modelled on grpc-swift's `RPCError`: a ``Code`` that can grow without breaking callers, a human message, and the
/// values the code names (a container, an image, a state, an operation, dependencies).
public struct EngineError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as a value that can gain new cases without breaking callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Wrapped: String, Sendable, Hashable {
            case noSuchContainer, noSuchImage, nameInUse, invalidState, alreadyStopped, dependenciesNotRunning
            case runtimeError, invalidArgument, imageInUse, noSuchExecSession, execSessionInvalidState, internalError
            case noSuchNetwork, networkInUse, subnetOverlap, addressUnavailable, portInUse, logTooLarge
            case registryUnreachable, registryUnauthorized, notInRegistry, registryRefused
            case noSuchUpload, noSuchPath, unsafeArchive
        }

        private let wrapped: Wrapped
        private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// No container has the given name or id (``EngineError/subject``).
        public static let noSuchContainer = Code(.noSuchContainer)
        /// No image has the given name or id (``EngineError/subject``).
        public static let noSuchImage = Code(.noSuchImage)
        /// The name (``EngineError/subject``) is already taken.
        public static let nameInUse = Code(.nameInUse)
        /// The container is in ``EngineError/state``, where ``EngineError/operation`` is not allowed.
        public static let invalidState = Code(.invalidState)
        /// Stop was asked of a container that is not running.
        public static let alreadyStopped = Code(.alreadyStopped)
        /// The dependencies named in ``EngineError/names`` are not running.
        public static let dependenciesNotRunning = Code(.dependenciesNotRunning)
        /// runc or conmon failed; the message carries their words.
        public static let runtimeError = Code(.runtimeError)
        /// The argument named ``EngineError/subject`` is not acceptable.
        public static let invalidArgument = Code(.invalidArgument)
        /// The image (``EngineError/subject``) is used by the containers in ``EngineError/names``.
        public static let imageInUse = Code(.imageInUse)
        /// No exec session has the given id.
        public static let noSuchExecSession = Code(.noSuchExecSession)
        /// The exec session (``EngineError/subject``) is in ``EngineError/sessionState``, where
        /// ``EngineError/operation`` is not allowed.
        public static let execSessionInvalidState = Code(.execSessionInvalidState)
        /// A failure of the engine's own machinery (storage, files, database).
        public static let internalError = Code(.internalError)
        /// No network has the given name or id (``EngineError/subject``).
        public static let noSuchNetwork = Code(.noSuchNetwork)
        /// The network (``EngineError/subject``) is joined by the containers in ``EngineError/names``.
        public static let networkInUse = Code(.networkInUse)
        /// The subnet (``EngineError/subject``) overlaps the one of ``EngineError/network``.
        public static let subnetOverlap = Code(.subnetOverlap)
        /// The address (``EngineError/subject``) cannot be had on ``EngineError/network``, for
        /// ``EngineError/reason``.
        public static let addressUnavailable = Code(.addressUnavailable)
        /// The host port ``EngineError/port`` on the address ``EngineError/subject`` is held by
        /// ``EngineError/holder``.
        public static let portInUse = Code(.portInUse)

        /// The log lines asked for hold more than ``EngineError/limit`` bytes of text for one answer.
        public static let logTooLarge = Code(.logTooLarge)
        /// The registry ``EngineError/subject`` could not be reached, for ``EngineError/reason``.
        public static let registryUnreachable = Code(.registryUnreachable)
        /// The registry ``EngineError/subject`` refused the credentials (or asked for some), for
        /// ``EngineError/reason``.
        public static let registryUnauthorized = Code(.registryUnauthorized)
        /// No registry tried (``EngineError/names``) has the image ``EngineError/subject``.
        public static let notInRegistry = Code(.notInRegistry)
        /// The registry ``EngineError/subject`` answered, but what it sent or said cannot be used (a blob whose
        /// digest does not match, a blocked registry, a refused upload), for ``EngineError/reason``.
        public static let registryRefused = Code(.registryRefused)
        /// No finished upload has the id ``EngineError/subject`` (never made, cut off, expired or used already).
        public static let noSuchUpload = Code(.noSuchUpload)
        /// The path ``EngineError/subject`` does not exist in the container ``EngineError/names``' first.
        public static let noSuchPath = Code(.noSuchPath)
        /// An archive's entry ``EngineError/subject`` would land outside its destination (an absolute path, a `..`,
        /// a link out of it), for ``EngineError/reason``; nothing of the archive was written.
        public static let unsafeArchive = Code(.unsafeArchive)
        /// The code's name, as in `noSuchContainer`.
        public var description: String { wrapped.rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// A sentence for humans.
    public var message: String
    /// The container, image or argument the error is about, when there is one.
    public var subject: String?
    /// The container's state, for ``Code/invalidState``.
    public var state: ContainerStatus?
    /// The operation refused, for ``Code/invalidState``.
    public var operation: String?
    /// Names the error lists (dependencies not running, containers using an image).
    public var names: [String]
    /// The exec session's state, for ``Code/execSessionInvalidState``.
    public var sessionState: ExecSessionState?
    /// Why the argument is not acceptable, for ``Code/invalidArgument`` (the message is the whole sentence), or
    /// the address, for ``Code/addressUnavailable``.
    public var reason: String?
    /// The network a subnet overlaps or an address belongs to.
    public var network: String?
    /// The bound passed, for ``Code/logTooLarge``.
    public var limit: Int?
    /// The host port and its protocol, for ``Code/portInUse``.
    public var port: (number: Int, protocol: String)? {
        get { portNumber.map { ($0, portProtocol ?? "tcp") } }
        set {
            portNumber = newValue?.number
            portProtocol = newValue?.protocol
        }
    }
    private var portNumber: Int?
    private var portProtocol: String?
    /// Who holds a port: a container's name, or `the host`.
    public var holder: String?

    /// Creates an error from its parts.
    public init(
        code: Code, message: String, subject: String? = nil, state: ContainerStatus? = nil, operation: String? = nil,
        names: [String] = []
    ) {
        self.code = code
        self.message = message
        self.subject = subject
        self.state = state
        self.operation = operation
        self.names = names
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }

    /// No container named or identified by `name`.
    public static func noSuchContainer(_ name: String) -> EngineError {
        EngineError(code: .noSuchContainer, message: "no such container: \(name)", subject: name)
    }

    /// No exec session has the id `id`.
    public static func noSuchExecSession(_ id: String) -> EngineError {
        EngineError(code: .noSuchExecSession, message: "no such exec session: \(id)", subject: id)
    }

    /// `operation` is not allowed for an exec session in `state`.
    public static func execSessionInvalidState(
        _ id: String, _ state: ExecSessionState, _ operation: String
    )
        -> EngineError
    {
        var error = EngineError(
            code: .execSessionInvalidState,
            message: "cannot \(operation) exec session \(id.prefix(12)): it is \(state)",
            subject: id, operation: operation)
        error.sessionState = state
        return error
    }

    /// No image named or identified by `name`.
    public static func noSuchImage(_ name: String) -> EngineError {
        EngineError(code: .noSuchImage, message: "no such image: \(name)", subject: name)
    }

    /// `name` is taken by another container.
    public static func nameInUse(_ name: String) -> EngineError {
        EngineError(code: .nameInUse, message: "the name \(name) is already in use", subject: name)
    }

    /// `operation` is not allowed in `state`.
    public static func invalidState(
        _ state: ContainerStatus, _ operation: String, container: String? = nil
    )
        -> EngineError
    {
        EngineError(
            code: .invalidState, message: "cannot \(operation) a container in state \(state)", subject: container,
            state: state, operation: operation)
    }

    /// The container is not running, so it cannot be stopped.
    public static func alreadyStopped(_ name: String) -> EngineError {
        EngineError(code: .alreadyStopped, message: "container \(name) is already stopped", subject: name)
    }

    /// The dependencies `names` are not running.
    public static func dependenciesNotRunning(_ names: [String], container: String? = nil) -> EngineError {
        EngineError(
            code: .dependenciesNotRunning,
            message: "dependencies not running: \(names.joined(separator: ", "))", subject: container, names: names)
    }

    /// The runtime (runc, conmon) failed with `message`.
    public static func runtimeError(_ message: String) -> EngineError {
        EngineError(code: .runtimeError, message: message)
    }

    /// The argument `name` is not acceptable, for `reason`.
    public static func invalidArgument(_ name: String, _ reason: String) -> EngineError {
        var error = EngineError(code: .invalidArgument, message: "invalid \(name): \(reason)", subject: name)
        error.reason = reason
        return error
    }

    /// No network named or identified by `name`.
    public static func noSuchNetwork(_ name: String) -> EngineError {
        EngineError(code: .noSuchNetwork, message: "no such network: \(name)", subject: name)
    }

    /// The network `name` is joined by `containers`.
    public static func networkInUse(_ name: String, containers: [String]) -> EngineError {
        EngineError(
            code: .networkInUse,
            message: "network \(name) is in use by containers \(containers.joined(separator: ", "))", subject: name,
            names: containers)
    }

    /// `subnet` overlaps the subnet of `network`.
    public static func subnetOverlap(_ subnet: String, network: String) -> EngineError {
        var error = EngineError(
            code: .subnetOverlap, message: "subnet \(subnet) overlaps the subnet of network \(network)",
            subject: subnet)
        error.network = network
        return error
    }

    /// `address` cannot be had on `network`, for `reason`.
    public static func addressUnavailable(_ address: String, network: String, _ reason: String) -> EngineError {
        var error = EngineError(
            code: .addressUnavailable, message: "address \(address) on network \(network): \(reason)",
            subject: address)
        error.network = network
        error.reason = reason
        return error
    }

    /// The host port `port` (`protocol`) on `hostIP` is held by `holder`.
    public static func portInUse(_ hostIP: String, _ port: Int, _ protocol: String, holder: String) -> EngineError {
        var error = EngineError(
            code: .portInUse,
            message: "port \(hostIP.isEmpty ? "0.0.0.0" : hostIP):\(port)/\(`protocol`) is held by \(holder)",
            subject: hostIP)
        error.port = (port, `protocol`)
        error.holder = holder
        return error
    }

    /// The log lines asked for pass `limit` bytes of text.
    public static func logTooLarge(limit: Int) -> EngineError {
        var error = EngineError(
            code: .logTooLarge,
            message: "the log lines asked for hold more than \(limit) bytes: ask for a tail, a time range, or a stream")
        error.limit = limit
        return error
    }

    /// The registry `registry` could not be reached.
    public static func registryUnreachable(_ registry: String, _ reason: String) -> EngineError {
        var error = EngineError(
            code: .registryUnreachable, message: "cannot reach the registry \(registry): \(reason)", subject: registry)
        error.reason = reason
        return error
    }

    /// The registry `registry` refused the credentials, or wants some.
    public static func registryUnauthorized(_ registry: String, _ reason: String) -> EngineError {
        var error = EngineError(
            code: .registryUnauthorized, message: "the registry \(registry) refused access: \(reason)",
            subject: registry)
        error.reason = reason
        return error
    }

    /// None of the registries tried (the references in `tried`) has `reference`.
    public static func notInRegistry(_ reference: String, tried: [String]) -> EngineError {
        EngineError(
            code: .notInRegistry,
            message: "no registry has the image \(reference) (tried \(tried.joined(separator: ", ")))",
            subject: reference, names: tried)
    }

    /// The registry `registry` answered with something that cannot be used.
    public static func registryRefused(_ registry: String, _ reason: String) -> EngineError {
        var error = EngineError(
            code: .registryRefused, message: "the registry \(registry): \(reason)", subject: registry)
        error.reason = reason
        return error
    }

    /// No finished upload has the id `id`.
    public static func noSuchUpload(_ id: String) -> EngineError {
        EngineError(
            code: .noSuchUpload, message: "no finished upload has the id \(id) (cut off, expired or used)",
            subject: id)
    }

    /// The path `path` does not exist in the container `container`.
    public static func noSuchPath(_ path: String, container: String) -> EngineError {
        EngineError(
            code: .noSuchPath, message: "no \(path) in container \(container)", subject: path, names: [container])
    }

    /// The archive's entry `entry` would land outside its destination.
    public static func unsafeArchive(_ entry: String, _ reason: String) -> EngineError {
        var error = EngineError(
            code: .unsafeArchive, message: "archive entry \(entry) refused: \(reason); nothing was written",
            subject: entry)
        error.reason = reason
        return error
    }

    /// The engine's own machinery failed.
    static func internalError(_ message: String) -> EngineError {
        EngineError(code: .internalError, message: message)
    }

    /// A system call failed with `errno`.
    static func system(_ what: String, _ error: Int32) -> EngineError {
        EngineError(code: .internalError, message: "\(what): \(String(cString: strerror(error)))")
    }
}
