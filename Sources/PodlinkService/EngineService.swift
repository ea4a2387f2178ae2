public import Engine
public import PodlinkAPI
import Varlink

/// io.podlink implemented over the engine. It holds no lock of its own: every call goes to the engine, whose locks
/// are per container, so a slow call (a stop with a timeout, a wait) never holds up other callers.
public final class EngineService: IoPodlinkService {
    /// The engine served.
    public let engine: Engine
    /// The engine's settings, for GetInfo.
    public let options: EngineOptions

    /// Serves `engine`.
    public init(engine: Engine, options: EngineOptions) {
        self.engine = engine
        self.options = options
    }
}
