internal import FoundationEssentials
internal import Glibc

extension Engine {
    func initContainerLocked(_ record: inout ContainerRecord) async throws(EngineError) {
        try await syncLocked(&record)
        try ContainerLifecycle.check(.initialize, from: record.state.status, container: record.config.name)
        try await initLocked(&record)
    }

    /// Creates the container in the runtime (state `created`). Allowed from configured, stopped or exited; a
    /// stopped or exited container is re-initialised.
    @discardableResult
    public func initContainer(_ reference: String) async throws(EngineError) -> String {
        try await operate(reference) { (record) throws(EngineError) in
            try await initContainerLocked(&record)
        }
    }

    func checkDependencies(_ record: ContainerRecord) async throws(EngineError) {
        var notRunning: [String] = []
        for dependency in record.config.dependencies {
            guard let other = try? store.container(dependency) else {
                notRunning.append(dependency)
                continue
            }
            // The live state: an exit being recorded at this moment counts.
            if live(other).state.status != .running {
                notRunning.append(other.config.name)
            }
        }
        guard notRunning.isEmpty else { throw .dependenciesNotRunning(notRunning, container: record.config.name) }
    }

    /// Starts the container's process, initialising it first when needed. `byCaller` is false only for restarts by
    /// the restart policy: a caller's start forgets that a caller stopped it and the policy's count.
    func startLocked(_ record: inout ContainerRecord, byCaller: Bool = true) async throws(EngineError) {
        try ContainerLifecycle.check(.start, from: record.state.status, container: record.config.name)
        try await checkDependencies(record)
        if ContainerLifecycle.allows(.initialize, from: record.state.status) {
            try await initLocked(&record)
        }
        do {
            try await runtime.start(record.config.id)
            FaultPoint.afterRuntimeStart.reach()
        } catch {
            try? await cleanupLocked(&record)
            record.state.status = .configured
            try? store.saveState(record.config, record.state)
            throw error
        }
        record.state.status = ContainerLifecycle.next(after: .start, from: record.state.status)
        record.state.startedAt = Date()
        record.state.finishedAt = nil
        if byCaller {
            record.state.stoppedByUser = false
            record.state.policyRestarts = 0
            record.state.restartDelayMilliseconds = 0
        }
        try store.saveState(record.config, record.state, event: .start)
    }

    /// Starts the container, initialising it first when needed; refused, naming them, while dependencies are not
    /// running.
    @discardableResult
    public func startContainer(_ reference: String) async throws(EngineError) -> String {
        try await operate(reference) { (record) throws(EngineError) in
            try await syncLocked(&record)
            try await startLocked(&record)
        }
    }

    func stopLocked(_ record: inout ContainerRecord, timeout: UInt32?) async throws(EngineError) {
        try await syncLocked(&record)
        try ContainerLifecycle.check(.stop, from: record.state.status, container: record.config.name)
        let id = record.config.id
        // Recorded first, so that the exit this stop causes never looks like a crash to the restart policy.
        record.state.stoppedByUser = true
        try store.saveState(record.config, record.state)
        switch record.state.status {
        case .created:
            try await runtime.kill(id, signal: SIGKILL, all: true)
            _ = await exits.wait(id, timeout: .seconds(10))
        default:
            let seconds = timeout ?? record.config.stopTimeout
            if seconds > 0 && record.state.status == .running {
                try? await runtime.kill(id, signal: record.config.stopSignal)
                FaultPoint.afterStopSignal.reach()
                if await exits.wait(id, timeout: .seconds(Int(seconds))) == nil {
                    try await runtime.kill(id, signal: SIGKILL, all: true)
                }
            } else {
                try await runtime.kill(id, signal: SIGKILL, all: true)
                // runc kill --all thaws a frozen cgroup itself; resume in case it did not.
                if record.state.status == .paused { try? await runtime.resume(id) }
            }
            guard await exits.wait(id, timeout: .seconds(30)) != nil else {
                throw .runtimeError("container \(record.config.name) did not exit after SIGKILL")
            }
        }
        try await syncLocked(&record, stopping: true)
        record.state.status = ContainerLifecycle.next(after: .stop, from: record.state.status)
        try store.saveState(record.config, record.state, event: .stop)
    }

    /// Stops the container: its stop signal, then SIGKILL after `timeout` seconds (its configured timeout when nil;
    /// 0 kills at once). A container that is not running fails with ``EngineError/Code/alreadyStopped``.
    @discardableResult
    public func stopContainer(_ reference: String, timeout: Int? = nil) async throws(EngineError) -> String {
        let timeout = try Checked.timeout(timeout)
        return try await operate(reference) { (record) throws(EngineError) in
            try await stopLocked(&record, timeout: timeout)
        }
    }

    func killLocked(_ record: inout ContainerRecord, signal: Int32) async throws(EngineError) {
        try await syncLocked(&record)
        try ContainerLifecycle.check(.kill, from: record.state.status, container: record.config.name)
        // A caller's kill is a caller's stop for the restart policy, as Podman's and Docker's.
        record.state.stoppedByUser = true
        try store.saveState(record.config, record.state)
        let id = record.config.id
        try await onLiveProcess(&record, .kill) { () throws(EngineError) in try await runtime.kill(id, signal: signal) }
        try store.saveState(record.config, record.state, event: .kill, attributes: ["signal": String(signal)])
    }

    /// Sends `signal` to the container's process; running containers only.
    @discardableResult
    public func killContainer(_ reference: String, signal: Int = 9) async throws(EngineError) -> String {
        let signal = try Checked.signal(signal)
        return try await operate(reference) { (record) throws(EngineError) in
            try await killLocked(&record, signal: signal)
        }
    }

    /// Freezes (`.pause`) or thaws (`.unpause`) the container's processes.
    func freezeLocked(_ record: inout ContainerRecord, _ operation: ContainerOperation) async throws(EngineError) {
        try await syncLocked(&record)
        try ContainerLifecycle.check(operation, from: record.state.status, container: record.config.name)
        let id = record.config.id
        let runtime = self.runtime
        try await onLiveProcess(&record, operation) { () throws(EngineError) in
            if operation == .pause { try await runtime.pause(id) } else { try await runtime.resume(id) }
        }
        record.state.status = ContainerLifecycle.next(after: operation, from: record.state.status)
        try store.saveState(record.config, record.state, event: operation == .pause ? .pause : .unpause)
    }

    /// Freezes every process of a running container (cgroup freezer).
    @discardableResult
    public func pauseContainer(_ reference: String) async throws(EngineError) -> String {
        try await operate(reference) { (record) throws(EngineError) in try await freezeLocked(&record, .pause) }
    }

    /// Thaws a paused container.
    @discardableResult
    public func unpauseContainer(_ reference: String) async throws(EngineError) -> String {
        try await operate(reference) { (record) throws(EngineError) in try await freezeLocked(&record, .unpause) }
    }

    func restartLocked(_ record: inout ContainerRecord, timeout: UInt32?) async throws(EngineError) {
        try await syncLocked(&record)
        try ContainerLifecycle.check(.restart, from: record.state.status, container: record.config.name)
        if record.state.status == .running { try await stopLocked(&record, timeout: timeout) }
        record.state.restartCount += 1
        try store.saveState(record.config, record.state, event: .restart)
        try await startLocked(&record)
    }

    /// Stops (with `timeout`) a running container and starts it again; starts one that is not running. Refused for
    /// a paused container.
    @discardableResult
    public func restartContainer(_ reference: String, timeout: Int? = nil) async throws(EngineError) -> String {
        let timeout = try Checked.timeout(timeout)
        return try await operate(reference) { (record) throws(EngineError) in
            try await restartLocked(&record, timeout: timeout)
        }
    }

    /// Refreshes the stored state from the runtime (the seed's Sync) and returns it.
    @discardableResult
    public func syncContainer(_ reference: String) async throws(EngineError) -> ContainerState {
        try await locked(reference) { (record) throws(EngineError) -> ContainerState in
            try await syncLocked(&record)
            return record.state
        }
    }

    /// Cleans up a container that no longer runs: deletes it from the runtime, unmounts its root filesystem,
    /// removes its cgroups. Refused while it runs, is paused, or has exec sessions.
    @discardableResult
    public func cleanupContainer(_ reference: String) async throws(EngineError) -> String {
        try await operate(reference) { (record) throws(EngineError) in
            try await syncLocked(&record)
            try ContainerLifecycle.check(.cleanup, from: record.state.status, container: record.config.name)
            guard try liveExecSessions(of: record.config.id).filter(\.running).isEmpty else {
                throw .invalidState(
                    record.state.status, "clean up (exec sessions running)", container: record.config.name)
            }
            try await cleanupLocked(&record)
            if record.state.status == .created { record.state.status = .configured }
            try store.saveState(record.config, record.state, event: .cleanup)
        }
    }
}

extension Engine {
    /// Runs a runtime action on a process that was alive a moment ago. When the runtime refuses because the process
    /// has just ended, the exit is recorded and the caller gets the container's state, not the runtime's words.
    func onLiveProcess(
        _ record: inout ContainerRecord, _ operation: ContainerOperation,
        _ action: () async throws(EngineError) -> Void
    ) async throws(EngineError) {
        do {
            try await action()
        } catch {
            guard try await syncLocked(&record) else { throw error }
            try ContainerLifecycle.check(operation, from: record.state.status, container: record.config.name)
            throw error
        }
    }
}

extension Task where Success == Never, Failure == Never {
    /// Throws `error` when the current task is cancelled.
    static func checkCancellation(orThrow error: EngineError) throws(EngineError) {
        if Task.isCancelled { throw error }
    }
}
