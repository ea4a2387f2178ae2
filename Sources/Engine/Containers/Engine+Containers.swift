internal import FoundationEssentials
internal import Glibc
internal import PodlinkShared

extension Engine {
    /// Validates a container name: `[a-zA-Z0-9][a-zA-Z0-9_.-]*`, at most 253 characters.
    static func validateName(_ name: String) throws(EngineError) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
        guard let first = name.first, first.isLetter || first.isNumber, first.isASCII, name.count <= 253,
            name.allSatisfy({ allowed.contains($0) })
        else {
            throw .invalidArgument("name", "\(name) must match [a-zA-Z0-9][a-zA-Z0-9_.-]* (at most 253 characters)")
        }
    }

    static let adjectives = [
        "brave", "calm", "eager", "fancy", "gentle", "happy", "jolly", "kind", "lucid", "merry", "nifty", "proud",
        "quiet", "rapid", "sharp", "tender", "upbeat", "vivid", "witty", "zealous",
    ]
    static let nouns = [
        "babbage", "curie", "darwin", "euler", "fermi", "gauss", "hopper", "kepler", "lovelace", "newton", "noether",
        "pascal", "ramanujan", "shannon", "tesla", "turing", "volta", "wright", "yalow", "zuse",
    ]

    /// Creates a container from an image (state `configured`); returns its id.
    public func createContainer(_ options: ContainerCreateOptions) async throws(EngineError) -> String {
        let image = try store.image(options.image)
        if let name = options.name { try Self.validateName(name) }
        let entrypoint = options.entrypoint ?? image.config.entrypoint ?? []
        let cmd = options.command ?? (options.entrypoint != nil ? [] : image.config.cmd ?? [])
        let command = entrypoint + cmd
        guard !command.isEmpty else { throw .invalidArgument("command", "neither the options nor the image give one") }
        var environment = try Self.merging(options.environment, into: image.config.env ?? [])
        if !environment.contains(where: { $0.hasPrefix("PATH=") }) {
            environment.insert("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", at: 0)
        }
        for mount in options.mounts {
            guard mount.destination.hasPrefix("/"), !mount.destination.split(separator: "/").contains("..") else {
                throw .invalidArgument("mounts", "destination \(mount.destination) must be absolute")
            }
            guard FileSystem.exists(mount.source) else {
                throw .invalidArgument("mounts", "source \(mount.source) does not exist")
            }
        }
        if let profile = options.seccompProfile, profile != "unconfined" {
            guard profile.hasPrefix("/") else {
                throw .invalidArgument("seccomp", "\(profile) is neither unconfined nor an absolute path")
            }
            _ = try SeccompProfile.load(path: profile)
        }
        if let directory = options.workingDirectory, !directory.hasPrefix("/") {
            throw .invalidArgument("workingDirectory", "\(directory) is not absolute")
        }
        if let hostname = options.hostname {
            let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
            guard !hostname.isEmpty, hostname.count <= 253, hostname.allSatisfy({ allowed.contains($0) }) else {
                throw .invalidArgument("hostname", "\(hostname) is not a host name")
            }
        }
        var dependencies: [String] = []
        for dependency in options.dependencies { dependencies.append(try store.container(dependency).config.id) }
        let stopTimeout = try Checked.timeout(options.stopTimeout, argument: "stop_timeout")
        let stopSignal = try options.stopSignal.map { (number) throws(EngineError) in
            try Checked.signal(number, argument: "stop_signal")
        }
        let limits = ResourceLimits(
            memoryBytes: try Checked.nonNegative(options.limits.memoryBytes, argument: "memory"),
            pids: try Checked.nonNegative(options.limits.pids, argument: "pids"),
            cpus: try Checked.cpus(options.limits.cpus))
        let (networks, ports) = try checkedNetworks(options)
        let id = Identifier.random()
        var labels = image.config.labels ?? [:]
        labels.merge(options.labels) { $1 }
        var config = ContainerConfig(
            id: id, name: options.name ?? "", imageID: image.id, imageName: options.image, command: command,
            environment: environment, workingDirectory: options.workingDirectory ?? image.config.workingDir ?? "/",
            user: options.user ?? image.config.user ?? "", labels: labels,
            hostname: options.hostname ?? String(id.prefix(12)), tty: options.tty, stdin: options.stdin,
            network: options.network, mounts: options.mounts, limits: limits,
            stopSignal: stopSignal ?? image.config.stopSignal.flatMap(Signals.number).map(Int32.init) ?? SIGTERM,
            stopTimeout: stopTimeout ?? 10, readOnlyRootfs: options.readOnlyRootfs,
            dependencies: dependencies, createdAt: Date(),
            restartPolicy: try options.restartPolicy.map { (text) throws(EngineError) in
                try RestartPolicy(parsing: text)
            },
            seccompProfile: options.seccompProfile, noNewPrivileges: options.noNewPrivileges ? true : nil,
            networks: networks, ports: ports)
        if config.workingDirectory.isEmpty { config.workingDirectory = "/" }
        // The row comes first and the directory after it: a crash between them leaves a container whose init
        // makes the directory, never a directory no row names (the start-up sweep removes those).
        var attempts = 0
        while true {
            if options.name == nil {
                config.name = Self.adjectives.randomElement()! + "_" + Self.nouns.randomElement()!
                if attempts > 5 { config.name += "_" + String(id.prefix(6)) }
            }
            do {
                try store.insertContainer(ContainerRecord(config: config, state: ContainerState()))
                break
            } catch  where error.code == .nameInUse && options.name == nil && attempts < 10 {
                attempts += 1
            }
        }
        FaultPoint.afterContainerRow.reach()
        do {
            try FileSystem.makeDirectories(paths(id).bundle, mode: 0o700)
        } catch {
            try? FileSystem.removeTree(paths(id).directory)
            try? store.deleteContainer(config)
            throw error
        }
        return id
    }

    /// Every container, from the store.
    public func listContainers() async throws(EngineError) -> [ContainerSummary] {
        try store.allContainers().map { Self.summary(live($0)) }
    }

    /// One container's summary, as ``listContainers()`` lists it.
    public func containerSummary(_ reference: String) async throws(EngineError) -> ContainerSummary {
        Self.summary(live(try store.container(reference)))
    }

    private static func summary(_ record: ContainerRecord) -> ContainerSummary {
        ContainerSummary(
            id: record.config.id, name: record.config.name, image: record.config.imageName,
            command: record.config.command, status: record.state.status, exitCode: record.state.exitCode,
            createdAt: record.config.createdAt, labels: record.config.labels,
            ports: record.state.networkNamespace.isEmpty ? record.config.ports ?? [] : record.state.ports)
    }

    /// The names of each image's containers, by image id (images without containers are absent).
    public func containerNamesByImage() async throws(EngineError) -> [String: [String]] {
        try store.containerNamesByImage()
    }

    /// Where each mounted container's root filesystem is mounted, by container id.
    public func containerMounts() async throws(EngineError) -> [String: String] {
        var mounts: [String: String] = [:]
        for record in try store.allContainers() where !record.state.mountPoint.isEmpty {
            mounts[record.config.id] = record.state.mountPoint
        }
        return mounts
    }

    /// The machine the engine runs on.
    public var host: HostInfo { HostInfo.current() }

    /// Everything about one container, from the store.
    public func inspectContainer(_ reference: String) async throws(EngineError) -> ContainerInspect {
        let record = live(try store.container(reference))
        var names: [String] = []
        for dependency in record.config.dependencies {
            names.append((try? store.container(dependency).config.name) ?? dependency)
        }
        return ContainerInspect(
            config: record.config, state: record.state, logPath: paths(record.config.id).log,
            bundlePath: paths(record.config.id).bundle, runtime: runtime.name, dependencyNames: names,
            execSessions: try liveExecSessions(of: record.config.id))
    }

    /// The container's id, resolving a name or an id prefix.
    public func containerID(_ reference: String) async throws(EngineError) -> String {
        try store.container(reference).config.id
    }

    /// Removes a container and its storage. A running or paused one is refused unless `force`, which kills it
    /// first; containers depending on it must go first.
    public func removeContainer(_ reference: String, force: Bool = false) async throws(EngineError) {
        let id = try store.container(reference).config.id
        try await locks.withLock(id) { () throws(EngineError) in
            guard var record = try? store.container(id) else { throw .noSuchContainer(reference) }
            try await syncLocked(&record)
            let dependents = try store.dependents(of: id)
            guard dependents.isEmpty else {
                throw EngineError(
                    code: .invalidState,
                    message: "container \(record.config.name) has dependents: \(dependents.joined(separator: ", "))",
                    subject: record.config.name, state: record.state.status, operation: "remove", names: dependents)
            }
            let sessions = try liveExecSessions(of: id).filter(\.running)
            if record.state.status == .running || record.state.status == .paused || !sessions.isEmpty {
                guard force else { throw .invalidState(record.state.status, "remove", container: record.config.name) }
            }
            if record.state.status == .running || record.state.status == .paused || record.state.status == .created {
                try? await runtime.kill(id, signal: SIGKILL, all: true)
                if record.state.status == .paused { try? await runtime.resume(id) }
                if record.state.status != .created { _ = await exits.wait(id, timeout: .seconds(10)) }
            }
            record.state.status = .removing
            try store.saveState(record.config, record.state)
            FaultPoint.afterRemoving.reach()
            try await cleanupLocked(&record)
            try unmountLocked(&record, all: true)
            FaultPoint.afterCleanup.reach()
            let directory = paths(id).directory
            try await Offload.run { () throws(EngineError) in try FileSystem.removeTree(directory) }
            try store.deleteContainer(record.config)
            exits.clear(id)
            exits.announceRemoval(id)
            locks.discard(id)
        }
    }
}

extension Engine {
    /// `base` with each `KEY=VALUE` of `entries` replacing the entry of the same key (or added).
    static func merging(_ entries: [String], into base: [String]) throws(EngineError) -> [String] {
        var environment = base
        for entry in entries {
            guard let equals = entry.firstIndex(of: "="), equals != entry.startIndex else {
                throw .invalidArgument("environment", "\(entry) is not KEY=VALUE")
            }
            let key = entry[...equals]
            environment.removeAll { $0.hasPrefix(key) }
            environment.append(entry)
        }
        return environment
    }
}
