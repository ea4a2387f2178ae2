internal import FoundationEssentials
internal import Glibc
internal import Logging

extension Engine {
    /// Removes the container from the runtime, drops the runtime's hold on the root filesystem, removes its
    /// cgroups, and undoes its network setup (after the runtime: no process of it is left in the namespace).
    func cleanupLocked(_ record: inout ContainerRecord) async throws(EngineError) {
        if record.state.inRuntime {
            let id = record.config.id
            try await runtime.delete(id)
            record.state.inRuntime = false
            record.state.pid = 0
            try unmountLocked(&record)
            for controller in FileSystem.list("/sys/fs/cgroup") {
                let path = "/sys/fs/cgroup/" + controller + "/podlink/" + id
                if FileSystem.exists(path) { rmdir(path) }
            }
        }
        try await tearDownNetworkLocked(&record)
    }

    /// Brings the stored state in line with the runtime: a container whose exit file exists has exited (its code
    /// recorded, a `died` event appended, and the runtime cleaned up). Returns whether anything changed.
    @discardableResult
    func syncLocked(_ record: inout ContainerRecord, stopping: Bool = false) async throws(EngineError) -> Bool {
        let active = ContainerLifecycle.active.contains(record.state.status)
        guard active || (record.state.inRuntime && record.state.exitCode == nil) else { return false }
        let id = record.config.id
        if let code = exits.exitCode(id) {
            try await recordExit(&record, code: code, at: exits.exitTime(id) ?? Date(), stopping: stopping)
            return true
        }
        guard active else { return false }
        // No exit file: ask the runtime (a conmon killed from outside leaves none).
        let state = try await runtime.state(id)
        if state == nil || state?.status == "stopped" {
            // conmon writes the exit file just after the process is reaped: give it a moment.
            let code = await exits.wait(id, timeout: .milliseconds(1500))
            try await recordExit(&record, code: code ?? -1, at: Date(), stopping: stopping)
            return true
        }
        if state?.status == "running" && record.state.status == .created {
            // Started, and the service died before it recorded so.
            record.state.status = .running
            record.state.startedAt = record.state.startedAt ?? Date()
            try store.saveState(record.config, record.state, event: .start)
            return true
        }
        if state?.status == "paused" && record.state.status == .running {
            record.state.status = .paused
            try store.saveState(record.config, record.state)
            return true
        }
        return false
    }

    /// Records that the container's process ended: the code, the time, OOM (conmon's `oom` file in the bundle), the
    /// runtime cleaned up, the `died` event. A cleanup that fails leaves `inRuntime` set, to be retried by the next
    /// operation; readers see the exit from the exit file meanwhile (``Engine/live(_:)``).
    func recordExit(
        _ record: inout ContainerRecord, code: Int32, at time: Date, stopping: Bool
    ) async throws(EngineError) {
        let id = record.config.id
        record.state.exitCode = code
        record.state.finishedAt = time
        record.state.oomKilled = FileSystem.exists(paths(id).bundle + "/oom")
        record.state.status =
            stopping && record.state.status != .removing
            ? .stopped : ContainerLifecycle.next(after: .exit, from: record.state.status)
        record.state.pid = 0
        record.state.conmonPID = 0
        do {
            try await cleanupLocked(&record)
        } catch {
            logger.warning("cleanup of \(record.config.name) after its exit: \(error)")
        }
        // Exec sessions cannot outlive the container's processes.
        try removeExecSessions(of: id)
        try store.saveState(record.config, record.state, event: .died, attributes: ["exitCode": String(code)])
    }
}
