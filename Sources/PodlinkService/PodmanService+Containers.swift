import Engine
import FoundationEssentials
public import PodmanAPI
public import Varlink

#if canImport(Glibc)
import Glibc
#endif

extension PodmanService {
    /// Serves `io.podman.GetVersion`, as documented in `interfaces/io.podman.varlink`.
    public func getVersion(
        _ parameters: IoPodman.GetVersion.Parameters, context: VarlinkCallContext<IoPodman.GetVersion.Reply>
    ) async throws -> IoPodman.GetVersion.Reply {
        .init(
            version: IoPodman.podlinkVersion, remoteApiVersion: IoPodman.apiVersion, runtime: options.runtimeName,
            osArch: "linux/amd64")
    }

    /// Serves `io.podman.GetInfo`, as documented in `interfaces/io.podman.varlink`.
    public func getInfo(
        _ parameters: IoPodman.GetInfo.Parameters, context: VarlinkCallContext<IoPodman.GetInfo.Reply>
    )
        async throws -> IoPodman.GetInfo.Reply
    {
        let containers = try await engineCall { () throws(EngineError) in try await engine.listContainers() }
        let images = try await engineCall { () throws(EngineError) in try await engine.listImages() }
        var counts: [String: Int] = [:]
        for container in containers { counts[container.status.rawValue, default: 0] += 1 }
        var name = utsname()
        uname(&name)
        let release = withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let host = withUnsafeBytes(of: &name.nodename) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return .init(
            hostname: host, kernel: release, cpus: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))),
            runtime: options.runtimePath, conmon: options.conmonPath, storageRoot: options.storageRoot,
            runRoot: options.runRoot, containers: counts, images: images.count)
    }

    /// Serves `io.podman.ListContainers`, as documented in `interfaces/io.podman.varlink`.
    public func listContainers(
        _ parameters: IoPodman.ListContainers.Parameters, context: VarlinkCallContext<IoPodman.ListContainers.Reply>
    ) async throws -> IoPodman.ListContainers.Reply {
        let containers = try await engineCall { () throws(EngineError) in try await engine.listContainers() }
        return .init(containers: containers.map(IoPodman.Container.init))
    }

    /// Serves `io.podman.GetContainer`, as documented in `interfaces/io.podman.varlink`.
    public func getContainer(
        _ parameters: IoPodman.GetContainer.Parameters, context: VarlinkCallContext<IoPodman.GetContainer.Reply>
    ) async throws -> IoPodman.GetContainer.Reply {
        let id = try await engineCall { () throws(EngineError) in try await engine.containerID(parameters.id) }
        let containers = try await engineCall { () throws(EngineError) in try await engine.listContainers() }
        guard let container = containers.first(where: { $0.id == id }) else {
            throw IoPodmanError.containerNotFound(id: parameters.id)
        }
        return .init(container: .init(container))
    }

    /// Serves `io.podman.CreateContainer`, as documented in `interfaces/io.podman.varlink`.
    public func createContainer(
        _ parameters: IoPodman.CreateContainer.Parameters, context: VarlinkCallContext<IoPodman.CreateContainer.Reply>
    ) async throws -> IoPodman.CreateContainer.Reply {
        let create = parameters.create
        func nonNegative(_ value: Int?, _ name: String) throws(IoPodmanError) -> Int? {
            if let value, value < 0 { throw .invalidArgument(argument: name, reason: "must not be negative") }
            return value
        }
        let memory = try nonNegative(create.memory, "memory")
        let pids = try nonNegative(create.pids, "pids")
        let timeout = try nonNegative(create.stopTimeout, "stop_timeout")
        if let cpus = create.cpus, cpus <= 0 {
            throw IoPodmanError.invalidArgument(argument: "cpus", reason: "must be positive")
        }
        if let signal = create.stopSignal, !(1...64).contains(signal) {
            throw IoPodmanError.invalidArgument(argument: "stop_signal", reason: "\(signal) is not a signal number")
        }
        let options = ContainerCreateOptions(
            image: create.image, name: create.name, command: create.command, entrypoint: create.entrypoint,
            environment: create.env ?? [], workingDirectory: create.workdir, user: create.user,
            labels: create.labels ?? [:], hostname: create.hostname, tty: create.tty ?? false,
            stdin: create.stdin ?? false, network: create.network == .host ? .host : .none,
            mounts: (create.mounts ?? []).map {
                BindMount(source: $0.source, destination: $0.destination, readOnly: $0.readOnly ?? false)
            },
            limits: ResourceLimits(memoryBytes: memory.map(Int64.init), pids: pids.map(Int64.init), cpus: create.cpus),
            stopSignal: create.stopSignal.map(Int32.init), stopTimeout: timeout.map { UInt32(clamping: $0) },
            readOnlyRootfs: create.readOnly ?? false, dependencies: create.dependencies ?? [])
        let id = try await engineCall { () throws(EngineError) in try await engine.createContainer(options) }
        return .init(container: id)
    }

    /// Serves `io.podman.RemoveContainer`, as documented in `interfaces/io.podman.varlink`.
    public func removeContainer(
        _ parameters: IoPodman.RemoveContainer.Parameters, context: VarlinkCallContext<IoPodman.RemoveContainer.Reply>
    ) async throws -> IoPodman.RemoveContainer.Reply {
        let id = try await engineCall { () throws(EngineError) in try await engine.containerID(parameters.name) }
        try await engineCall { () throws(EngineError) in
            try await engine.removeContainer(id, force: parameters.force ?? false)
        }
        return .init(container: id)
    }

    /// Serves `io.podman.InspectContainer`, as documented in `interfaces/io.podman.varlink`.
    public func inspectContainer(
        _ parameters: IoPodman.InspectContainer.Parameters,
        context: VarlinkCallContext<IoPodman.InspectContainer.Reply>
    ) async throws -> IoPodman.InspectContainer.Reply {
        let inspect = try await engineCall { () throws(EngineError) in
            try await engine.inspectContainer(parameters.name)
        }
        return .init(container: .init(inspect))
    }

    /// Serves `io.podman.ContainerExists`, as documented in `interfaces/io.podman.varlink`.
    public func containerExists(
        _ parameters: IoPodman.ContainerExists.Parameters, context: VarlinkCallContext<IoPodman.ContainerExists.Reply>
    ) async throws -> IoPodman.ContainerExists.Reply {
        do {
            _ = try await engine.containerID(parameters.name)
            return .init(exists: true)
        } catch  where error.code == .noSuchContainer {
            return .init(exists: false)
        } catch {
            throw IoPodmanError(error)
        }
    }

    /// Serves `io.podman.MountContainer`, as documented in `interfaces/io.podman.varlink`.
    public func mountContainer(
        _ parameters: IoPodman.MountContainer.Parameters, context: VarlinkCallContext<IoPodman.MountContainer.Reply>
    ) async throws -> IoPodman.MountContainer.Reply {
        .init(path: try await engineCall { () throws(EngineError) in try await engine.mountContainer(parameters.name) })
    }

    /// Serves `io.podman.UnmountContainer`, as documented in `interfaces/io.podman.varlink`.
    public func unmountContainer(
        _ parameters: IoPodman.UnmountContainer.Parameters,
        context: VarlinkCallContext<IoPodman.UnmountContainer.Reply>
    ) async throws -> IoPodman.UnmountContainer.Reply {
        try await engineCall { () throws(EngineError) in
            try await engine.unmountContainer(parameters.name, force: parameters.force ?? false)
        }
        return .init()
    }

    /// Serves `io.podman.ListContainerMounts`, as documented in `interfaces/io.podman.varlink`.
    public func listContainerMounts(
        _ parameters: IoPodman.ListContainerMounts.Parameters,
        context: VarlinkCallContext<IoPodman.ListContainerMounts.Reply>
    ) async throws -> IoPodman.ListContainerMounts.Reply {
        let containers = try await engineCall { () throws(EngineError) in try await engine.listContainers() }
        var mounts: [String: String] = [:]
        for container in containers {
            guard let inspect = try? await engine.inspectContainer(container.id), !inspect.state.mountPoint.isEmpty
            else { continue }
            mounts[container.id] = inspect.state.mountPoint
        }
        return .init(mounts: mounts)
    }

    /// Serves `io.podman.ExportContainer`, as documented in `interfaces/io.podman.varlink`.
    public func exportContainer(
        _ parameters: IoPodman.ExportContainer.Parameters, context: VarlinkCallContext<IoPodman.ExportContainer.Reply>
    ) async throws -> IoPodman.ExportContainer.Reply {
        guard parameters.path.hasPrefix("/") else {
            throw IoPodmanError.invalidArgument(argument: "path", reason: "must be an absolute path on the server")
        }
        try await engineCall { () throws(EngineError) in
            try await engine.exportContainer(parameters.name, toPath: parameters.path)
        }
        return .init(tarfile: parameters.path)
    }

    /// Serves `io.podman.ContainerArtifacts`, as documented in `interfaces/io.podman.varlink`.
    public func containerArtifacts(
        _ parameters: IoPodman.ContainerArtifacts.Parameters,
        context: VarlinkCallContext<IoPodman.ContainerArtifacts.Reply>
    ) async throws -> IoPodman.ContainerArtifacts.Reply {
        let bytes = try await engineCall { () throws(EngineError) in
            try await engine.artifact(parameters.name, name: parameters.artifactName)
        }
        return .init(contents: Data(bytes).base64EncodedString())
    }

    /// Serves `io.podman.AddContainerArtifact`, as documented in `interfaces/io.podman.varlink`.
    public func addContainerArtifact(
        _ parameters: IoPodman.AddContainerArtifact.Parameters,
        context: VarlinkCallContext<IoPodman.AddContainerArtifact.Reply>
    ) async throws -> IoPodman.AddContainerArtifact.Reply {
        guard let data = Data(base64Encoded: parameters.contents) else {
            throw IoPodmanError.invalidArgument(argument: "contents", reason: "not base64")
        }
        try await engineCall { () throws(EngineError) in
            try await engine.addArtifact(parameters.name, name: parameters.artifactName, contents: Array(data))
        }
        return .init()
    }

    /// Serves `io.podman.RemoveContainerArtifact`, as documented in `interfaces/io.podman.varlink`.
    public func removeContainerArtifact(
        _ parameters: IoPodman.RemoveContainerArtifact.Parameters,
        context: VarlinkCallContext<IoPodman.RemoveContainerArtifact.Reply>
    ) async throws -> IoPodman.RemoveContainerArtifact.Reply {
        try await engineCall { () throws(EngineError) in
            try await engine.removeArtifact(parameters.name, name: parameters.artifactName)
        }
        return .init()
    }

    /// Serves `io.podman.ExecContainer`, as documented in `interfaces/io.podman.varlink`.
    public func execContainer(
        _ parameters: IoPodman.ExecContainer.Parameters, context: VarlinkCallContext<IoPodman.ExecContainer.Reply>
    ) async throws -> IoPodman.ExecContainer.Reply {
        guard !parameters.command.isEmpty else {
            throw IoPodmanError.invalidArgument(argument: "command", reason: "must not be empty")
        }
        var stdin: [UInt8]?
        if let text = parameters.stdin {
            guard let data = Data(base64Encoded: text) else {
                throw IoPodmanError.invalidArgument(argument: "stdin", reason: "not base64")
            }
            stdin = Array(data)
        }
        let options = ExecOptions(
            command: parameters.command, environment: parameters.env ?? [], user: parameters.user,
            workingDirectory: parameters.workdir, stdin: stdin)
        let result = try await engineCall { () throws(EngineError) in
            try await engine.execContainer(parameters.name, options)
        }
        return .init(
            exitCode: Int(result.exitCode), stdout: String(decoding: result.stdout, as: UTF8.self),
            stderr: String(decoding: result.stderr, as: UTF8.self))
    }
}
