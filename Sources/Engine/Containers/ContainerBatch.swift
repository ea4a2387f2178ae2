/// Operations on one container under a single hold of its lock (the seed's Batch): nothing else can change the
/// container between them. Only valid inside ``Engine/batch(_:_:)``.
public final class ContainerBatch {
    let engine: Engine
    var record: ContainerRecord

    init(engine: Engine, record: ContainerRecord) {
        self.engine = engine
        self.record = record
    }

    /// The container's configuration.
    public var config: ContainerConfig { record.config }
    /// The container's state as of the last operation.
    public var state: ContainerState { record.state }

    /// Refreshes the state from the runtime.
    public func sync() async throws(EngineError) { try await engine.syncLocked(&record) }
    /// Init, as ``Engine/initContainer(_:)``.
    public func initialize() async throws(EngineError) { try await engine.initContainerLocked(&record) }
    /// Start, as ``Engine/startContainer(_:)``.
    public func start() async throws(EngineError) {
        try await engine.syncLocked(&record)
        try await engine.startLocked(&record)
    }
    /// Stop, as ``Engine/stopContainer(_:timeout:)``.
    public func stop(timeout: UInt32? = nil) async throws(EngineError) {
        try await engine.stopLocked(&record, timeout: timeout)
    }
    /// Kill, as ``Engine/killContainer(_:signal:)``.
    public func kill(signal: Int32 = 9) async throws(EngineError) {
        try await engine.killLocked(&record, signal: signal)
    }
    /// Pause, as ``Engine/pauseContainer(_:)``.
    public func pause() async throws(EngineError) { try await engine.pauseLocked(&record) }
    /// Unpause, as ``Engine/unpauseContainer(_:)``.
    public func unpause() async throws(EngineError) { try await engine.unpauseLocked(&record) }
    /// Restart, as ``Engine/restartContainer(_:timeout:)``.
    public func restart(timeout: UInt32? = nil) async throws(EngineError) {
        try await engine.restartLocked(&record, timeout: timeout)
    }
}

extension Engine {
    /// Runs several operations on one container under one hold of its lock, and returns what `body` returns.
    public func batch<T: Sendable>(
        _ reference: String, _ body: (ContainerBatch) async throws(EngineError) -> T
    )
        async throws(EngineError) -> T
    {
        try await locked(reference) { (record) throws(EngineError) -> T in
            let batch = ContainerBatch(engine: self, record: record)
            defer { record = batch.record }
            return try await body(batch)
        }
    }
}
