internal import FoundationEssentials
internal import Glibc

extension Engine {
    /// Creates the container in the runtime under a new conmon (the seed's init): mounts, writes config.json,
    /// starts conmon, reads the container's pid from the sync pipe, and stores the state with the `init` event
    /// (the one place it is recorded). Undoes everything when it fails.
    /// With `restore`, conmon runs `runc restore` from the checkpoint instead: the container runs at once (its
    /// state then says so) and no `init` event is recorded (the caller records the restore).
    func initLocked(_ record: inout ContainerRecord, restore: RestoreSource? = nil) async throws(EngineError) {
        if record.state.inRuntime { try await cleanupLocked(&record) }
        let id = record.config.id
        let paths = self.paths(id)
        try await mountLocked(&record)
        do {
            let user = try OCISpec.resolveUser(record.config.user, rootfs: paths.merged)
            let nameservers = try await setUpNetworkLocked(&record)
            let spec = OCISpec.make(
                config: record.config, rootfs: paths.merged, user: user, bundle: paths.bundle,
                seccomp: try seccompFilter(for: record.config), networkNamespace: record.state.networkNamespace)
            try FileSystem.makeDirectories(paths.bundle, mode: 0o700)
            try OCISpec.writeNetworkFiles(
                config: record.config, bundle: paths.bundle, networks: record.state.networks, nameservers: nameservers)
            try FileSystem.write(paths.configJSON, try spec.encoded(), mode: 0o600)
            exits.clear(id)
            unlink(paths.pidFile)
            // Intent first: from here the runtime may hold the container, so a crash before its state is saved
            // leaves a record that the next operation cleans up (runc delete, unmount) instead of one that says
            // nothing is there.
            record.state.inRuntime = true
            try store.saveState(record.config, record.state)
            let process = try await runtime.create(
                RuntimeCreateRequest(
                    id: id, name: record.config.name, bundle: paths.bundle, pidFile: paths.pidFile,
                    monitorPidFile: paths.conmonPidFile, logPath: paths.log, exitDirectory: exitDirectory,
                    tty: record.config.tty, stdin: record.config.stdin,
                    restore: restore.map { ($0.images, $0.tcpEstablished) }, command: record.config.command))
            FaultPoint.afterRuntimeCreate.reach()
            record.state.pid = process.pid
            record.state.conmonPID = process.monitorPID
            record.state.inRuntime = true
            record.state.status = restore == nil ? .created : .running
            record.state.exitCode = nil
            record.state.oomKilled = false
            try store.saveState(record.config, record.state, event: restore == nil ? .initialize : nil)
        } catch {
            try? await runtime.delete(id)
            if record.state.status == .created { record.state.status = .configured }
            record.state.inRuntime = false
            try? await tearDownNetworkLocked(&record)
            try? unmountLocked(&record)
            try? store.saveState(record.config, record.state)
            throw error
        }
    }
}
