import Engine
public import PodmanAPI
public import Varlink

extension PodmanService {
    private func timeoutSeconds(_ value: Int?) throws(IoPodmanError) -> UInt32? {
        guard let value else { return nil }
        guard value >= 0, value <= Int(UInt32.max) else {
            throw .invalidArgument(argument: "timeout", reason: "must be a number of seconds, 0 or more")
        }
        return UInt32(value)
    }

    private func signalNumber(_ value: Int?) throws(IoPodmanError) -> Int32 {
        guard let value else { return 9 }
        guard (1...64).contains(value) else {
            throw .invalidArgument(argument: "signal", reason: "\(value) is not a signal")
        }
        return Int32(value)
    }

    /// Resolves the container's id, runs `body` with it and replies with the id.
    private func onContainer(
        _ name: String, _ body: (String) async throws(EngineError) -> Void
    )
        async throws(IoPodmanError) -> String
    {
        try await engineCall { () throws(EngineError) in
            let id = try await engine.containerID(name)
            try await body(id)
            return id
        }
    }

    /// Serves `io.podman.InitContainer`, as documented in `interfaces/io.podman.varlink`.
    public func initContainer(
        _ parameters: IoPodman.InitContainer.Parameters, context: VarlinkCallContext<IoPodman.InitContainer.Reply>
    ) async throws -> IoPodman.InitContainer.Reply {
        .init(
            container: try await onContainer(parameters.name) { id throws(EngineError) in
                try await engine.initContainer(id)
            })
    }

    /// Serves `io.podman.StartContainer`, as documented in `interfaces/io.podman.varlink`.
    public func startContainer(
        _ parameters: IoPodman.StartContainer.Parameters, context: VarlinkCallContext<IoPodman.StartContainer.Reply>
    ) async throws -> IoPodman.StartContainer.Reply {
        .init(
            container: try await onContainer(parameters.name) { id throws(EngineError) in
                try await engine.startContainer(id)
            })
    }

    /// Serves `io.podman.StopContainer`, as documented in `interfaces/io.podman.varlink`.
    public func stopContainer(
        _ parameters: IoPodman.StopContainer.Parameters, context: VarlinkCallContext<IoPodman.StopContainer.Reply>
    ) async throws -> IoPodman.StopContainer.Reply {
        let timeout = try timeoutSeconds(parameters.timeout)
        return .init(
            container: try await onContainer(parameters.name) { id throws(EngineError) in
                try await engine.stopContainer(id, timeout: timeout)
            })
    }

    /// Serves `io.podman.RestartContainer`, as documented in `interfaces/io.podman.varlink`.
    public func restartContainer(
        _ parameters: IoPodman.RestartContainer.Parameters,
        context: VarlinkCallContext<IoPodman.RestartContainer.Reply>
    ) async throws -> IoPodman.RestartContainer.Reply {
        let timeout = try timeoutSeconds(parameters.timeout)
        return .init(
            container: try await onContainer(parameters.name) { id throws(EngineError) in
                try await engine.restartContainer(id, timeout: timeout)
            })
    }

    /// Serves `io.podman.KillContainer`, as documented in `interfaces/io.podman.varlink`.
    public func killContainer(
        _ parameters: IoPodman.KillContainer.Parameters, context: VarlinkCallContext<IoPodman.KillContainer.Reply>
    ) async throws -> IoPodman.KillContainer.Reply {
        let signal = try signalNumber(parameters.signal)
        return .init(
            container: try await onContainer(parameters.name) { id throws(EngineError) in
                try await engine.killContainer(id, signal: signal)
            })
    }

    /// Serves `io.podman.PauseContainer`, as documented in `interfaces/io.podman.varlink`.
    public func pauseContainer(
        _ parameters: IoPodman.PauseContainer.Parameters, context: VarlinkCallContext<IoPodman.PauseContainer.Reply>
    ) async throws -> IoPodman.PauseContainer.Reply {
        .init(
            container: try await onContainer(parameters.name) { id throws(EngineError) in
                try await engine.pauseContainer(id)
            })
    }

    /// Serves `io.podman.UnpauseContainer`, as documented in `interfaces/io.podman.varlink`.
    public func unpauseContainer(
        _ parameters: IoPodman.UnpauseContainer.Parameters,
        context: VarlinkCallContext<IoPodman.UnpauseContainer.Reply>
    ) async throws -> IoPodman.UnpauseContainer.Reply {
        .init(
            container: try await onContainer(parameters.name) { id throws(EngineError) in
                try await engine.unpauseContainer(id)
            })
    }

    /// Serves `io.podman.WaitContainer`, as documented in `interfaces/io.podman.varlink`.
    public func waitContainer(
        _ parameters: IoPodman.WaitContainer.Parameters, context: VarlinkCallContext<IoPodman.WaitContainer.Reply>
    ) async throws -> IoPodman.WaitContainer.Reply {
        let code = try await engineCall { () throws(EngineError) in try await engine.waitContainer(parameters.name) }
        return .init(exitcode: Int(code))
    }

    /// Serves `io.podman.CleanupContainer`, as documented in `interfaces/io.podman.varlink`.
    public func cleanupContainer(
        _ parameters: IoPodman.CleanupContainer.Parameters,
        context: VarlinkCallContext<IoPodman.CleanupContainer.Reply>
    ) async throws -> IoPodman.CleanupContainer.Reply {
        .init(
            container: try await onContainer(parameters.name) { id throws(EngineError) in
                try await engine.cleanupContainer(id)
            })
    }

    /// Serves `io.podman.SyncContainer`, as documented in `interfaces/io.podman.varlink`.
    public func syncContainer(
        _ parameters: IoPodman.SyncContainer.Parameters, context: VarlinkCallContext<IoPodman.SyncContainer.Reply>
    ) async throws -> IoPodman.SyncContainer.Reply {
        let state = try await engineCall { () throws(EngineError) in try await engine.syncContainer(parameters.name) }
        return .init(state: .init(state))
    }

    /// Serves `io.podman.RefreshContainers`, as documented in `interfaces/io.podman.varlink`.
    public func refreshContainers(
        _ parameters: IoPodman.RefreshContainers.Parameters,
        context: VarlinkCallContext<IoPodman.RefreshContainers.Reply>
    ) async throws -> IoPodman.RefreshContainers.Reply {
        try await engineCall { () throws(EngineError) in try await engine.refresh() }
        return .init()
    }

    /// Serves `io.podman.BatchContainer`, as documented in `interfaces/io.podman.varlink`.
    public func batchContainer(
        _ parameters: IoPodman.BatchContainer.Parameters, context: VarlinkCallContext<IoPodman.BatchContainer.Reply>
    ) async throws -> IoPodman.BatchContainer.Reply {
        struct Step {
            var operation: IoPodman.BatchOperation.Operation
            var timeout: UInt32?
            var signal: Int32
        }
        var steps: [Step] = []
        for operation in parameters.operations {
            steps.append(
                Step(
                    operation: operation.operation, timeout: try timeoutSeconds(operation.timeout),
                    signal: try signalNumber(operation.signal)))
        }
        let state = try await engineCall { () throws(EngineError) in
            try await engine.batch(parameters.name) { (batch) throws(EngineError) -> ContainerState in
                for step in steps {
                    switch step.operation {
                    case .init_: try await batch.initialize()
                    case .start: try await batch.start()
                    case .stop: try await batch.stop(timeout: step.timeout)
                    case .kill: try await batch.kill(signal: step.signal)
                    case .pause: try await batch.pause()
                    case .unpause: try await batch.unpause()
                    case .restart: try await batch.restart(timeout: step.timeout)
                    case .sync: try await batch.sync()
                    }
                }
                return batch.state
            }
        }
        return .init(state: .init(state))
    }
}
