import Engine
import FoundationEssentials
public import PodlinkAPI
public import Varlink

extension EngineService {
    /// Serves `io.podlink.GetVersion`, as documented in `interfaces/io.podlink.varlink`.
    public func getVersion(
        _ parameters: IoPodlink.GetVersion.Parameters, context: VarlinkCallContext<IoPodlink.GetVersion.Reply>
    ) async throws -> IoPodlink.GetVersion.Reply {
        let host = engine.host
        return .init(
            version: IoPodlink.podlinkVersion, remoteApiVersion: IoPodlink.apiVersion, runtime: options.runtimeName,
            osArch: "\(host.os)/\(host.architecture)")
    }

    /// Serves `io.podlink.GetInfo`, as documented in `interfaces/io.podlink.varlink`.
    public func getInfo(
        _ parameters: IoPodlink.GetInfo.Parameters, context: VarlinkCallContext<IoPodlink.GetInfo.Reply>
    )
        async throws -> IoPodlink.GetInfo.Reply
    {
        let containers = try await engine.listContainers()
        let images = try await engine.listImages()
        var counts: [String: Int] = [:]
        for container in containers { counts[container.status.rawValue, default: 0] += 1 }
        let host = engine.host
        return .init(
            hostname: host.hostname, kernel: host.kernel, cpus: host.cpus,
            runtime: options.runtimePath, conmon: options.conmonPath, storageRoot: options.storageRoot,
            runRoot: options.runRoot, containers: counts, images: images.count)
    }

    /// Serves `io.podlink.ListContainers`, as documented in `interfaces/io.podlink.varlink`.
    public func listContainers(
        _ parameters: IoPodlink.ListContainers.Parameters, context: VarlinkCallContext<IoPodlink.ListContainers.Reply>
    ) async throws -> IoPodlink.ListContainers.Reply {
        let containers = try await engine.listContainers()
        return .init(containers: containers.map(IoPodlink.Container.init))
    }

    /// Serves `io.podlink.GetContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func getContainer(
        _ parameters: IoPodlink.GetContainer.Parameters, context: VarlinkCallContext<IoPodlink.GetContainer.Reply>
    ) async throws -> IoPodlink.GetContainer.Reply {
        let container = try await engine.containerSummary(parameters.id)
        return .init(container: .init(container))
    }

    /// Serves `io.podlink.CreateContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func createContainer(
        _ parameters: IoPodlink.CreateContainer.Parameters, context: VarlinkCallContext<IoPodlink.CreateContainer.Reply>
    ) async throws -> IoPodlink.CreateContainer.Reply {
        let create = parameters.create
        var options = ContainerCreateOptions(
            image: create.image, name: create.name, command: create.command, entrypoint: create.entrypoint,
            environment: create.env ?? [], workingDirectory: create.workdir, user: create.user,
            labels: create.labels ?? [:], hostname: create.hostname, tty: create.tty ?? false,
            stdin: create.stdin ?? false,
            network: create.network.flatMap { NetworkMode(rawValue: $0.rawValue) }
                ?? (create.networks != nil || create.ports != nil ? .bridge : .none),
            mounts: (create.mounts ?? []).map {
                BindMount(source: $0.source, destination: $0.destination, readOnly: $0.readOnly ?? false)
            },
            limits: ResourceLimits(
                memoryBytes: create.memory.map(Int64.init), pids: create.pids.map(Int64.init), cpus: create.cpus),
            stopSignal: create.stopSignal, stopTimeout: create.stopTimeout,
            readOnlyRootfs: create.readOnly ?? false, dependencies: create.dependencies ?? [],
            restartPolicy: create.restart, seccompProfile: create.seccomp,
            noNewPrivileges: create.noNewPrivileges ?? false)
        options.networks = try (create.networks ?? []).map { (join) throws(IoPodlinkError) in try NetworkJoin(join) }
        options.ports = (create.ports ?? []).map(PortMapping.init)
        let id = try await engine.createContainer(options)
        return .init(container: id)
    }

    /// Serves `io.podlink.RemoveContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func removeContainer(
        _ parameters: IoPodlink.RemoveContainer.Parameters, context: VarlinkCallContext<IoPodlink.RemoveContainer.Reply>
    ) async throws -> IoPodlink.RemoveContainer.Reply {
        let id = try await engine.containerID(parameters.name)
        try await engine.removeContainer(id, force: parameters.force ?? false)
        return .init(container: id)
    }

    /// Serves `io.podlink.InspectContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func inspectContainer(
        _ parameters: IoPodlink.InspectContainer.Parameters,
        context: VarlinkCallContext<IoPodlink.InspectContainer.Reply>
    ) async throws -> IoPodlink.InspectContainer.Reply {
        let inspect = try await engine.inspectContainer(parameters.name)
        return .init(container: .init(inspect))
    }

    /// Serves `io.podlink.ContainerExists`, as documented in `interfaces/io.podlink.varlink`.
    public func containerExists(
        _ parameters: IoPodlink.ContainerExists.Parameters, context: VarlinkCallContext<IoPodlink.ContainerExists.Reply>
    ) async throws -> IoPodlink.ContainerExists.Reply {
        do {
            _ = try await engine.containerID(parameters.name)
            return .init(exists: true)
        } catch  where error.code == .noSuchContainer {
            return .init(exists: false)
        }
    }

    /// Serves `io.podlink.MountContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func mountContainer(
        _ parameters: IoPodlink.MountContainer.Parameters, context: VarlinkCallContext<IoPodlink.MountContainer.Reply>
    ) async throws -> IoPodlink.MountContainer.Reply {
        .init(path: try await engine.mountContainer(parameters.name))
    }

    /// Serves `io.podlink.UnmountContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func unmountContainer(
        _ parameters: IoPodlink.UnmountContainer.Parameters,
        context: VarlinkCallContext<IoPodlink.UnmountContainer.Reply>
    ) async throws -> IoPodlink.UnmountContainer.Reply {
        try await engine.unmountContainer(parameters.name, force: parameters.force ?? false)
        return .init()
    }

    /// Serves `io.podlink.ListContainerMounts`, as documented in `interfaces/io.podlink.varlink`.
    public func listContainerMounts(
        _ parameters: IoPodlink.ListContainerMounts.Parameters,
        context: VarlinkCallContext<IoPodlink.ListContainerMounts.Reply>
    ) async throws -> IoPodlink.ListContainerMounts.Reply {
        let mounts = try await engine.containerMounts()
        return .init(mounts: mounts)
    }

    /// Serves `io.podlink.ExportContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func exportContainer(
        _ parameters: IoPodlink.ExportContainer.Parameters, context: VarlinkCallContext<IoPodlink.ExportContainer.Reply>
    ) async throws -> IoPodlink.ExportContainer.Reply {
        if let path = parameters.path {
            try await engine.exportContainer(parameters.name, toPath: path)
            return .init(tarfile: path)
        }
        try context.requireUpgrade()
        _ = try await engine.inspectContainer(parameters.name)
        let engine = self.engine
        context.onUpgrade { connection in
            try await ByteTransfer.send(over: connection) { (sink) throws(EngineError) in
                try await engine.exportContainer(parameters.name, streamingTo: sink)
            }
        }
        return .init()
    }

    /// Serves `io.podlink.ContainerArtifacts`, as documented in `interfaces/io.podlink.varlink`.
    public func containerArtifacts(
        _ parameters: IoPodlink.ContainerArtifacts.Parameters,
        context: VarlinkCallContext<IoPodlink.ContainerArtifacts.Reply>
    ) async throws -> IoPodlink.ContainerArtifacts.Reply {
        let bytes = try await engine.artifact(parameters.name, name: parameters.artifactName)
        return .init(contents: Data(bytes).base64EncodedString())
    }

    /// Serves `io.podlink.AddContainerArtifact`, as documented in `interfaces/io.podlink.varlink`.
    public func addContainerArtifact(
        _ parameters: IoPodlink.AddContainerArtifact.Parameters,
        context: VarlinkCallContext<IoPodlink.AddContainerArtifact.Reply>
    ) async throws -> IoPodlink.AddContainerArtifact.Reply {
        guard let data = Data(base64Encoded: parameters.contents) else {
            throw IoPodlinkError.invalidArgument(argument: "contents", reason: "not base64")
        }
        try await engine.addArtifact(parameters.name, name: parameters.artifactName, contents: Array(data))
        return .init()
    }

    /// Serves `io.podlink.RemoveContainerArtifact`, as documented in `interfaces/io.podlink.varlink`.
    public func removeContainerArtifact(
        _ parameters: IoPodlink.RemoveContainerArtifact.Parameters,
        context: VarlinkCallContext<IoPodlink.RemoveContainerArtifact.Reply>
    ) async throws -> IoPodlink.RemoveContainerArtifact.Reply {
        try await engine.removeArtifact(parameters.name, name: parameters.artifactName)
        return .init()
    }

    /// Serves `io.podlink.ExecContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func execContainer(
        _ parameters: IoPodlink.ExecContainer.Parameters, context: VarlinkCallContext<IoPodlink.ExecContainer.Reply>
    ) async throws -> IoPodlink.ExecContainer.Reply {
        var stdin: [UInt8]?
        if let text = parameters.stdin {
            guard let data = Data(base64Encoded: text) else {
                throw IoPodlinkError.invalidArgument(argument: "stdin", reason: "not base64")
            }
            stdin = Array(data)
        }
        let options = ExecOptions(
            command: parameters.command, environment: parameters.env ?? [], user: parameters.user,
            workingDirectory: parameters.workdir, stdin: stdin)
        let result = try await engine.execContainer(parameters.name, options)
        return .init(
            exitCode: Int(result.exitCode), stdout: String(decoding: result.stdout, as: UTF8.self),
            stderr: String(decoding: result.stderr, as: UTF8.self))
    }
}
