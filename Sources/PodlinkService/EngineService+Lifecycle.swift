import Engine
public import PodlinkAPI
public import Varlink

extension EngineService {
    /// Runs `body` to its end even when the caller goes away (its connection closes and its call is cancelled):
    /// a stop that started keeps its grace period instead of turning into an immediate SIGKILL.
    static func toItsEnd<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await Task { try await body() }.value
    }

    /// Serves `io.podlink.InitContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func initContainer(
        _ parameters: IoPodlink.InitContainer.Parameters, context: VarlinkCallContext<IoPodlink.InitContainer.Reply>
    ) async throws -> IoPodlink.InitContainer.Reply {
        .init(container: try await engine.initContainer(parameters.name))
    }

    /// Serves `io.podlink.StartContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func startContainer(
        _ parameters: IoPodlink.StartContainer.Parameters, context: VarlinkCallContext<IoPodlink.StartContainer.Reply>
    ) async throws -> IoPodlink.StartContainer.Reply {
        .init(container: try await engine.startContainer(parameters.name))
    }

    /// Serves `io.podlink.StopContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func stopContainer(
        _ parameters: IoPodlink.StopContainer.Parameters, context: VarlinkCallContext<IoPodlink.StopContainer.Reply>
    ) async throws -> IoPodlink.StopContainer.Reply {
        let engine = self.engine
        return .init(
            container: try await Self.toItsEnd {
                try await engine.stopContainer(parameters.name, timeout: parameters.timeout)
            })
    }

    /// Serves `io.podlink.RestartContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func restartContainer(
        _ parameters: IoPodlink.RestartContainer.Parameters,
        context: VarlinkCallContext<IoPodlink.RestartContainer.Reply>
    ) async throws -> IoPodlink.RestartContainer.Reply {
        let engine = self.engine
        return .init(
            container: try await Self.toItsEnd {
                try await engine.restartContainer(parameters.name, timeout: parameters.timeout)
            })
    }

    /// Serves `io.podlink.KillContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func killContainer(
        _ parameters: IoPodlink.KillContainer.Parameters, context: VarlinkCallContext<IoPodlink.KillContainer.Reply>
    ) async throws -> IoPodlink.KillContainer.Reply {
        .init(container: try await engine.killContainer(parameters.name, signal: parameters.signal ?? 9))
    }

    /// Serves `io.podlink.PauseContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func pauseContainer(
        _ parameters: IoPodlink.PauseContainer.Parameters, context: VarlinkCallContext<IoPodlink.PauseContainer.Reply>
    ) async throws -> IoPodlink.PauseContainer.Reply {
        .init(container: try await engine.pauseContainer(parameters.name))
    }

    /// Serves `io.podlink.UnpauseContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func unpauseContainer(
        _ parameters: IoPodlink.UnpauseContainer.Parameters,
        context: VarlinkCallContext<IoPodlink.UnpauseContainer.Reply>
    ) async throws -> IoPodlink.UnpauseContainer.Reply {
        .init(container: try await engine.unpauseContainer(parameters.name))
    }

    /// Serves `io.podlink.WaitContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func waitContainer(
        _ parameters: IoPodlink.WaitContainer.Parameters, context: VarlinkCallContext<IoPodlink.WaitContainer.Reply>
    ) async throws -> IoPodlink.WaitContainer.Reply {
        let conditions = Set((parameters.conditions ?? []).compactMap { WaitCondition(rawValue: $0.rawValue) })
        let result = try await engine.waitContainer(
            parameters.name, for: conditions.isEmpty ? WaitCondition.processEnded : conditions)
        return .init(
            exitcode: Int(result.exitCode ?? -1),
            condition: IoPodlink.WaitCondition(rawValue: result.condition.rawValue) ?? .exited)
    }

    /// Serves `io.podlink.CleanupContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func cleanupContainer(
        _ parameters: IoPodlink.CleanupContainer.Parameters,
        context: VarlinkCallContext<IoPodlink.CleanupContainer.Reply>
    ) async throws -> IoPodlink.CleanupContainer.Reply {
        .init(container: try await engine.cleanupContainer(parameters.name))
    }

    /// Serves `io.podlink.SyncContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func syncContainer(
        _ parameters: IoPodlink.SyncContainer.Parameters, context: VarlinkCallContext<IoPodlink.SyncContainer.Reply>
    ) async throws -> IoPodlink.SyncContainer.Reply {
        .init(state: .init(try await engine.syncContainer(parameters.name)))
    }

    /// Serves `io.podlink.RefreshContainers`, as documented in `interfaces/io.podlink.varlink`.
    public func refreshContainers(
        _ parameters: IoPodlink.RefreshContainers.Parameters,
        context: VarlinkCallContext<IoPodlink.RefreshContainers.Reply>
    ) async throws -> IoPodlink.RefreshContainers.Reply {
        try await engine.refresh()
        return .init()
    }

    /// Serves `io.podlink.BatchContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func batchContainer(
        _ parameters: IoPodlink.BatchContainer.Parameters, context: VarlinkCallContext<IoPodlink.BatchContainer.Reply>
    ) async throws -> IoPodlink.BatchContainer.Reply {
        let engine = self.engine
        let operations = parameters.operations.map(ContainerBatch.Operation.init)
        return .init(state: .init(try await Self.toItsEnd { try await engine.batch(parameters.name, operations) }))
    }
}

extension EngineService {
    /// Serves `io.podlink.CheckpointContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func checkpointContainer(
        _ parameters: IoPodlink.CheckpointContainer.Parameters,
        context: VarlinkCallContext<IoPodlink.CheckpointContainer.Reply>
    ) async throws -> IoPodlink.CheckpointContainer.Reply {
        let options = Engine.CheckpointOptions(
            keep: parameters.keep ?? false, leaveRunning: parameters.leaveRunning ?? false,
            tcpEstablished: parameters.tcpEstablished ?? false, fileLocks: parameters.fileLocks ?? false,
            export: parameters.export)
        let id = try await engine.containerID(parameters.name)
        try await engine.checkpointContainer(id, options)
        return .init(container: id)
    }

    /// Serves `io.podlink.RestoreContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func restoreContainer(
        _ parameters: IoPodlink.RestoreContainer.Parameters,
        context: VarlinkCallContext<IoPodlink.RestoreContainer.Reply>
    ) async throws -> IoPodlink.RestoreContainer.Reply {
        let tcpEstablished = parameters.tcpEstablished ?? false
        if let archive = parameters.import {
            return .init(
                container: try await engine.importCheckpoint(
                    archive, name: parameters.newName, tcpEstablished: tcpEstablished))
        }
        let id = try await engine.containerID(parameters.name)
        try await engine.restoreContainer(id, keep: parameters.keep ?? false, tcpEstablished: tcpEstablished)
        return .init(container: id)
    }
}
