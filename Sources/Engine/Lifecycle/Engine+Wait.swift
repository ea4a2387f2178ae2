internal import FoundationEssentials

extension Engine {
    /// What a wait saw when its condition was met.
    public struct WaitResult: Sendable, Hashable {
        /// The condition met.
        public var condition: WaitCondition
        /// The exit code of the container's last run (nil when it never ended or is gone without one).
        public var exitCode: Int32?
    }

    /// Waits until the container's process ends and returns its exit code; at once for one that already ended.
    /// Works for containers another process started: their events wake it.
    public func waitContainer(_ reference: String) async throws(EngineError) -> Int32 {
        try await waitContainer(reference, for: WaitCondition.processEnded).exitCode ?? -1
    }

    /// Waits until the container meets one of `conditions` (a state, or `removed`) and says which. Woken by the
    /// container's events, never by polling.
    public func waitContainer(
        _ reference: String, for conditions: Set<WaitCondition>
    ) async throws(EngineError) -> WaitResult {
        guard !conditions.isEmpty else { throw .invalidArgument("conditions", "at least one condition is needed") }
        let id = try store.container(reference).config.id
        if conditions.isSubset(of: WaitCondition.processEnded) {
            // The common wait, for the end of a process that runs: conmon's exit file through the shared watcher.
            if let record = try? store.container(id), ContainerLifecycle.active.contains(record.state.status) {
                _ = await exits.wait(id)
                try Task.checkCancellation(orThrow: EngineError.internalError("wait cancelled"))
                // The exit recorded and cleaned up (by the monitor, or here) before the caller hears of it.
                _ = try? await locked(id) { (record) throws(EngineError) in try await syncLocked(&record) }
            }
        }
        // Subscribed before the first look, so that no change between the look and the wait is missed.
        let changes = try await followEvents(EventFilter(since: Date(), kinds: [.container], subject: id))
        var iterator = changes.makeAsyncIterator()
        var lastCode: Int32?
        while true {
            guard let record = try? store.container(id) else {
                if conditions.contains(.removed) { return WaitResult(condition: .removed, exitCode: lastCode) }
                throw .noSuchContainer(reference)
            }
            let current = live(record)
            lastCode = current.state.exitCode
            let met = WaitCondition(current.state.status)
            if conditions.contains(met) { return WaitResult(condition: met, exitCode: current.state.exitCode) }
            // Every change of state comes with an event of the container (its exit with `died`, recorded by whichever
            // engine process watches, or by conmon's exit command when none does).
            let next: EngineEvent?
            do {
                next = try await iterator.next()
            } catch {
                throw .internalError("wait: \(error)")
            }
            try Task.checkCancellation(orThrow: EngineError.internalError("wait cancelled"))
            guard next != nil else { throw .internalError("wait: the event stream ended") }
        }
    }
}
