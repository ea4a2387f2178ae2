internal import CSpawn
internal import FoundationEssentials
internal import Glibc
internal import Logging
internal import Synchronization

extension Engine {
    var runc: Runc { Runc(path: options.runtimePath, root: runcRoot, timeout: options.runtimeTimeout) }

    func paths(_ id: String) -> ContainerPaths { ContainerPaths(storageRoot: options.storageRoot, id: id) }

    /// Runs `body` under the container's lock with its freshly read record.
    func locked<T: Sendable>(
        _ reference: String, _ body: (inout ContainerRecord) async throws(EngineError) -> T
    ) async throws(EngineError) -> T {
        let id = try store.container(reference).config.id
        return try await locks.withLock(id) { () throws(EngineError) -> T in
            guard var record = try? store.container(id) else { throw .noSuchContainer(reference) }
            return try await body(&record)
        }
    }

    // MARK: Root filesystem

    /// Takes one reference on the root filesystem, mounting it on the first.
    func mountLocked(_ record: inout ContainerRecord) async throws(EngineError) {
        if record.state.mountCount > 0 && !record.state.mountPoint.isEmpty {
            record.state.mountCount += 1
            return
        }
        let image = try store.image(record.config.imageID)
        let paths = self.paths(record.config.id)
        let layers = image.layers.map { images.layerPath($0) }
        let useOverlay = options.useOverlay
        let kind = try await Offload.run { () throws(EngineError) -> RootfsKind in
            if FileSystem.isDirectory(paths.merged) && FileSystem.exists(paths.directory + "/copied") {
                return .copy
            }
            for path in [paths.upper, paths.work, paths.merged] { try FileSystem.makeDirectories(path) }
            if useOverlay,
                try RootFilesystem.mountOverlay(
                    layers: layers, upper: paths.upper, work: paths.work, target: paths.merged)
            {
                return .overlay
            }
            try RootFilesystem.copyLayers(layers, into: paths.merged)
            try FileSystem.write(paths.directory + "/copied", "")
            return .copy
        }
        record.state.rootfsKind = kind
        record.state.mountPoint = paths.merged
        record.state.mountCount = 1
    }

    /// Drops one reference on the root filesystem, unmounting on the last (all of them when `all`).
    func unmountLocked(_ record: inout ContainerRecord, all: Bool = false) throws(EngineError) {
        guard record.state.mountCount > 0 else { return }
        record.state.mountCount = all ? 0 : record.state.mountCount - 1
        if record.state.mountCount == 0 {
            if record.state.rootfsKind == .overlay { try RootFilesystem.unmount(paths(record.config.id).merged) }
            record.state.mountPoint = ""
        }
    }

    // MARK: Runtime

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
            let spec = OCISpec.make(
                config: record.config, rootfs: paths.merged, user: user, bundle: paths.bundle,
                seccomp: try seccompFilter(for: record.config))
            try FileSystem.makeDirectories(paths.bundle, mode: 0o700)
            try OCISpec.writeNetworkFiles(config: record.config, bundle: paths.bundle)
            try FileSystem.write(paths.configJSON, try spec.encoded(), mode: 0o600)
            exits.clear(id)
            unlink(paths.pidFile)
            let pid = try await launchConmon(record.config, paths, restore: restore)
            record.state.pid = pid
            record.state.conmonPID = Int32(FileSystem.readText(paths.conmonPidFile)?.filter(\.isNumber) ?? "") ?? 0
            if options.subreaper { ChildProcesses.shared.adopt(record.state.conmonPID) }
            record.state.inRuntime = true
            record.state.status = restore == nil ? .created : .running
            record.state.exitCode = nil
            record.state.oomKilled = false
            try store.saveState(record.config, record.state, event: restore == nil ? .initialize : nil)
        } catch {
            try? await runc.delete(id)
            if record.state.status == .created { record.state.status = .configured }
            record.state.inRuntime = false
            try? unmountLocked(&record)
            try? store.saveState(record.config, record.state)
            throw error
        }
    }

    /// How long conmon may take to report a created container.
    static let syncPipeTimeout: Duration = .seconds(60)

    /// Starts conmon (which runs `runc create`) and returns the container's pid.
    private func launchConmon(
        _ config: ContainerConfig, _ paths: ContainerPaths, restore: RestoreSource? = nil
    ) async throws(EngineError) -> Int32 {
        var sync: [Int32] = [-1, -1]
        guard cspawn_pipe(&sync) == 0 else { throw .system("pipe", errno) }
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer { close(null) }
        var arguments = [
            options.conmonPath, "--api-version", "1", "-c", config.id, "-u", config.id, "-r", options.runtimePath,
            "-b", paths.bundle, "-p", paths.pidFile, "-n", config.name, "--exit-dir", exitDirectory, "--full-attach",
            "--socket-dir-path", socketDirectory, "-l", "k8s-file:" + paths.log, "--log-level", "error",
            "--runtime-arg", "--root", "--runtime-arg", runcRoot, "--conmon-pidfile", paths.conmonPidFile,
        ]
        if let command = options.exitCommand, let program = command.first {
            // Records the exit in the store even while no engine process runs (the service may exit when idle).
            arguments += ["--exit-command", program]
            for argument in command.dropFirst() + [config.id] { arguments += ["--exit-command-arg", argument] }
        }
        if let restore {
            // conmon runs `runc restore --image-path IMAGES ... --detach` in place of `runc create`.
            arguments += ["--restore", restore.images, "--runtime-arg", "--criu", "--runtime-arg", options.criuPath]
            arguments += ["--runtime-opt", "--work-path", "--runtime-opt", restore.images + "-work"]
            if restore.tcpEstablished { arguments += ["--runtime-opt", "--tcp-established"] }
        }
        if config.tty { arguments.append("-t") }
        if config.stdin { arguments.append("-i") }
        // A terminal's input outlives every attachment (one detaches and attaches again); without one, the last
        // attachment's end (its half-close) is the end of the process's standard input.
        if config.tty && config.stdin { arguments.append("--leave-stdin-open") }
        let conmon: pid_t
        do {
            conmon = try ChildProcesses.shared.spawn(
                options.conmonPath, arguments, environment: ChildProcesses.environment + ["_OCI_SYNCPIPE=3"],
                fds: [(null, 0), (null, 1), (null, 2), (sync[1], 3)], newSession: true, directory: paths.bundle)
        } catch {
            close(sync[0]); close(sync[1])
            throw error
        }
        close(sync[1])
        let reader = sync[0]
        defer { close(reader) }
        Task.detached { _ = await ChildProcesses.shared.wait(conmon) }
        // conmon answers on the sync pipe once runc has made the container; a runtime that hangs instead (a
        // stuck mount, a hook) must not hold the container's lock for ever.
        let reply: ConmonMessage
        do {
            reply = try await Self.readMessage(reader, what: "the container")
        } catch {
            kill(conmon, SIGKILL)
            throw error
        }
        guard reply.data > 0 else {
            throw .runtimeError(Runc.message(reply.message ?? "conmon failed to create the container"))
        }
        return reply.data
    }

    /// Removes the container from the runtime, drops the runtime's hold on the root filesystem, removes its cgroups.
    func cleanupLocked(_ record: inout ContainerRecord) async throws(EngineError) {
        guard record.state.inRuntime else { return }
        let id = record.config.id
        try await runc.delete(id)
        record.state.inRuntime = false
        record.state.pid = 0
        try unmountLocked(&record)
        for controller in FileSystem.list("/sys/fs/cgroup") {
            let path = "/sys/fs/cgroup/" + controller + "/podlink/" + id
            if FileSystem.exists(path) { rmdir(path) }
        }
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
        let state = try await runc.state(id)
        if state == nil || state?.status == "stopped" {
            // conmon writes the exit file just after the process is reaped: give it a moment.
            let code = await exits.wait(id, timeout: .milliseconds(1500))
            try await recordExit(&record, code: code ?? -1, at: Date(), stopping: stopping)
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
            stopping ? .stopped : ContainerLifecycle.next(after: .exit, from: record.state.status)
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

extension Engine {
    /// The seccomp filter a container runs under: containers-common's profile (or the container's own) for the
    /// default capabilities, or none for `unconfined`. A missing default profile fails the start rather than
    /// running a container without a filter.
    func seccompFilter(for config: ContainerConfig) throws(EngineError) -> OCISeccomp? {
        if config.seccompProfile == "unconfined" { return nil }
        let path = config.seccompProfile ?? options.seccompProfilePath
        let profile: SeccompProfile
        if let cached = seccompProfiles.withLock({ $0[path] }) {
            profile = cached
        } else {
            do {
                profile = try SeccompProfile.load(path: path)
            } catch {
                throw .runtimeError(
                    "cannot read the seccomp profile \(path) (\(error.message)); install containers-common's or "
                        + "create the container with seccomp unconfined")
            }
            seccompProfiles.withLock { $0[path] = profile }
        }
        return profile.spec(capabilities: Set(OCISpec.defaultCapabilities))
    }
}
