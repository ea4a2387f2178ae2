public import Engine
public import Logging
public import PodlinkAPI
public import Varlink

/// io.podlink implemented over the engine. It holds no lock of its own: every call goes to the engine, whose locks
/// are per container, so a slow call (a stop with a timeout, a wait) never holds up other callers.
public final class EngineService: IoPodlinkService {
    /// The engine served.
    public let engine: Engine
    /// The engine's settings, for GetInfo.
    public let options: EngineOptions
    let logger: Logger

    /// Serves `engine`.
    public init(engine: Engine, options: EngineOptions, logger: Logger = Logger(label: "podlink.service")) {
        self.engine = engine
        self.options = options
        self.logger = logger
    }

    /// Runs an engine operation, mapping its error to the interface's.
    func engineCall<T>(_ body: () async throws(EngineError) -> T) async throws(IoPodlinkError) -> T {
        do {
            return try await body()
        } catch {
            throw IoPodlinkError(error)
        }
    }

    /// Maps an error no method mapped itself (a bug, or a failure below the engine) to `InternalError`.
    public static func mapUndeclared(_ error: any Error, method: String) -> VarlinkError? {
        if let engineError = error as? EngineError { return IoPodlinkError(engineError).varlinkError }
        return IoPodlinkError.internalError(reason: "\(method): \(error)").varlinkError
    }
}
