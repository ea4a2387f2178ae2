internal import FoundationEssentials
internal import Glibc
internal import Logging

extension Engine {
    /// After a reboot (no marker under the run root): resets every container's runtime state and re-creates in the
    /// runtime those that were created, running or paused, as the seed's Refresh does; then writes the marker.
    public func refresh() async throws(EngineError) {
        for path in [runcRoot, exitDirectory, socketDirectory, options.runRoot + "/locks"] {
            try FileSystem.makeDirectories(path)
        }
        for record in try store.allContainers() {
            try await locks.withLock(record.config.id) { () throws(EngineError) in
                guard var record = try? store.container(record.config.id) else { return }
                let previous = record.state.status
                // A container the runtime still holds survived (no reboot happened for it): leave it alone.
                if record.state.inRuntime, (try? await runtime.state(record.config.id)) ?? nil != nil { return }
                // Its namespace, veth and firewall rules went with the reboot: what netavark can undo, it does.
                try? await tearDownNetworkLocked(&record, force: true)
                record.state.pid = 0
                record.state.conmonPID = 0
                record.state.inRuntime = false
                record.state.mountCount = 0
                record.state.mountPoint = ""
                if record.state.rootfsKind == .overlay {
                    try? RootFilesystem.unmount(paths(record.config.id).merged)
                }
                if ContainerLifecycle.active.contains(previous) { record.state.status = .configured }
                try store.saveState(record.config, record.state)
                let policy = record.config.restartPolicy
                do {
                    if previous != .removing,
                        policy?.startsAfterReboot(stoppedByUser: record.state.stoppedByUser) ?? false
                    {
                        // `always` and `unless-stopped` come back after a reboot, as with Docker.
                        try await startLocked(&record, byCaller: false)
                    } else if ContainerLifecycle.active.contains(previous) {
                        try await initLocked(&record)
                    }
                } catch {
                    logger.error("refresh: cannot re-create \(record.config.name): \(error)")
                }
            }
        }
        try FileSystem.write(bootMarker, String(Date().timeIntervalSince1970))
    }
}
