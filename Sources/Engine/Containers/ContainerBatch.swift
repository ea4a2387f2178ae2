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
    public func stop(timeout: Int? = nil) async throws(EngineError) {
        try await engine.stopLocked(&record, timeout: try Checked.timeout(timeout))
    }
    /// Kill, as ``Engine/killContainer(_:signal:)``.
    public func kill(signal: Int = 9) async throws(EngineError) {
        try await engine.killLocked(&record, signal: try Checked.signal(signal))
    }
    /// Pause, as ``Engine/pauseContainer(_:)``.
    public func pause() async throws(EngineError) { try await engine.freezeLocked(&record, .pause) }
    /// Unpause, as ``Engine/unpauseContainer(_:)``.
    public func unpause() async throws(EngineError) { try await engine.freezeLocked(&record, .unpause) }
    /// Restart, as ``Engine/restartContainer(_:timeout:)``.
    public func restart(timeout: Int? = nil) async throws(EngineError) {
        try await engine.restartLocked(&record, timeout: try Checked.timeout(timeout))
    }

    /// Runs `operation`.
    public func run(_ operation: Operation) async throws(EngineError) {
        switch operation {
        case .initialize: try await initialize()
        case .start: try await start()
        case .stop(let timeout): try await stop(timeout: timeout)
        case .kill(let signal): try await kill(signal: signal)
        case .pause: try await pause()
        case .unpause: try await unpause()
        case .restart(let timeout): try await restart(timeout: timeout)
        case .sync: try await sync()
        }
    }
}

extension ContainerBatch {
    /// One operation of a batch, with its arguments.
    public enum Operation: Sendable, Hashable {
        /// ``ContainerBatch/initialize()``.
        case initialize
        /// ``ContainerBatch/start()``.
        case start
        /// ``ContainerBatch/stop(timeout:)``.
        case stop(timeout: Int?)
        /// ``ContainerBatch/kill(signal:)``.
        case kill(signal: Int)
        /// ``ContainerBatch/pause()``.
        case pause
        /// ``ContainerBatch/unpause()``.
        case unpause
        /// ``ContainerBatch/restart(timeout:)``.
        case restart(timeout: Int?)
        /// ``ContainerBatch/sync()``.
        case sync

        /// Fails as the operation would for an argument out of range, before any operation of the batch runs.
        func check() throws(EngineError) {
            switch self {
            case .stop(let timeout), .restart(let timeout): _ = try Checked.timeout(timeout)
            case .kill(let signal): _ = try Checked.signal(signal)
            default: break
            }
        }
    }
}

extension Engine {
    /// Runs `operations` in order on one container under one hold of its lock and returns its state afterwards.
    /// Every argument is checked before the first operation runs.
    public func batch(
        _ reference: String, _ operations: [ContainerBatch.Operation]
    ) async throws(EngineError)
        -> ContainerState
    {
        for operation in operations { try operation.check() }
        return try await batch(reference) { (batch) throws(EngineError) -> ContainerState in
            for operation in operations { try await batch.run(operation) }
            return batch.state
        }
    }

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
