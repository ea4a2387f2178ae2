internal import FoundationEssentials
internal import Logging
internal import Synchronization

extension Engine {
    /// A restart the policy asks for: after `delay`, of the run that ended at `finishedAt`.
    struct RestartPlan: Sendable {
        var delayMilliseconds: Int
        var finishedAt: Date?
    }

    /// Handles every exit conmon reports, as it happens: records it, cleans up, wakes waiters (their exit file
    /// woke them already) and applies the restart policy. Runs for the engine's lifetime.
    func startExitMonitor() {
        let stream = exits.exitedContainers
        Task { [weak self] in
            for await id in stream {
                guard let self else { return }
                await self.containerExited(id)
            }
        }
    }

    /// Brings every container in line with the runtime once, at start-up: exits that happened while no engine
    /// watched are recorded, and restarts they call for are scheduled.
    func reconcileExits() async {
        guard let records = try? store.allContainers() else { return }
        // Only a container that may still run needs the runtime asked; an exited one, only a restart it is due.
        for record in records
        where ContainerLifecycle.active.contains(record.state.status) || Self.restartPlan(record) != nil {
            await containerExited(record.config.id)
        }
    }

    /// Records the exit of `id` if it is not recorded yet, cleans up, and applies its restart policy (when this
    /// engine handles exits). A container that no longer exists, or an exit already recorded, changes nothing.
    /// Returns whether the policy asks for a restart.
    @discardableResult
    public func containerExited(_ id: String) async -> Bool {
        guard (try? store.container(id)) != nil else { return false }
        let plan: RestartPlan?
        do {
            plan = try await locks.withLock(id) { () throws(EngineError) -> RestartPlan? in
                guard var record = try? store.container(id) else { return nil }
                try await syncLocked(&record)
                return Self.restartPlan(record)
            }
        } catch {
            logger.warning("exit of \(id.prefix(12)): \(error)")
            return false
        }
        guard let plan else { return false }
        if options.handlesExits { scheduleRestart(id, plan) }
        return true
    }

    /// The restart the policy asks for after the recorded exit, if any.
    static func restartPlan(_ record: ContainerRecord) -> RestartPlan? {
        let state = record.state
        guard state.status == .exited, let policy = record.config.restartPolicy,
            policy.restarts(
                exitCode: state.exitCode, policyRestarts: state.policyRestarts, stoppedByUser: state.stoppedByUser)
        else { return nil }
        var lastRun: Duration?
        if let started = state.startedAt, let finished = state.finishedAt {
            lastRun = .milliseconds(Int(max(0, finished.timeIntervalSince(started)) * 1000))
        }
        let delay = RestartPolicy.delay(previousMilliseconds: state.restartDelayMilliseconds, lastRun: lastRun)
        return RestartPlan(delayMilliseconds: delay, finishedAt: state.finishedAt)
    }

    /// Starts the container again after the plan's delay, unless something else happened to it meanwhile (a
    /// caller started, stopped or removed it).
    func scheduleRestart(_ id: String, _ plan: RestartPlan) {
        let fresh = pendingRestarts.withLock { $0.insert(id).inserted }
        guard fresh else { return }
        Task { [weak self] in
            try? await Task.sleep(for: .milliseconds(plan.delayMilliseconds))
            guard let self else { return }
            defer { _ = self.pendingRestarts.withLock { $0.remove(id) } }
            do {
                try await self.locks.withLock(id) { () throws(EngineError) in
                    guard var record = try? self.store.container(id), record.state.status == .exited,
                        record.state.finishedAt == plan.finishedAt, Self.restartPlan(record) != nil
                    else { return }
                    record.state.restartCount += 1
                    record.state.policyRestarts += 1
                    record.state.restartDelayMilliseconds = plan.delayMilliseconds
                    try self.store.saveState(
                        record.config, record.state, event: .restart,
                        attributes: ["policy": record.config.restartPolicy?.description ?? ""])
                    try await self.startLocked(&record, byCaller: false)
                }
            } catch {
                self.logger.error("restart of \(id.prefix(12)) by its policy failed: \(error)")
            }
        }
    }

    /// The state as it stands: a container whose exit file exists has exited even if its exit is being recorded
    /// at this moment, so no read ever shows a finished process as running.
    func live(_ record: ContainerRecord) -> ContainerRecord {
        guard ContainerLifecycle.active.contains(record.state.status), let code = exits.exitCode(record.config.id)
        else { return record }
        var record = record
        record.state.status = record.state.stoppedByUser ? .stopped : .exited
        record.state.exitCode = code
        record.state.finishedAt = exits.exitTime(record.config.id)
        record.state.pid = 0
        return record
    }
}
