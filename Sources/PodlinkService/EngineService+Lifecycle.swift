import Engine
public import PodlinkAPI
public import Varlink

extension EngineService {
    private func timeoutSeconds(_ value: Int?) throws(IoPodlinkError) -> UInt32? {
        guard let value else { return nil }
        guard value >= 0, value <= Int(UInt32.max) else {
            throw .invalidArgument(argument: "timeout", reason: "must be a number of seconds, 0 or more")
        }
        return UInt32(value)
    }

    private func signalNumber(_ value: Int?) throws(IoPodlinkError) -> Int32 {
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
        async throws(IoPodlinkError) -> String
    {
        try await engineCall { () throws(EngineError) in
            let id = try await engine.containerID(name)
            try await body(id)
            return id
        }
    }

    /// Serves `io.podlink.InitContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func initContainer(
        _ parameters: IoPodlink.InitContainer.Parameters, context: VarlinkCallContext<IoPodlink.InitContainer.Reply>
    ) async throws -> IoPodlink.InitContainer.Reply {
        .init(
            container: try await onContainer(parameters.name) { id throws(EngineError) in
                try await engine.initContainer(id)
            })
    }

    /// Serves `io.podlink.StartContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func startContainer(
        _ parameters: IoPodlink.StartContainer.Parameters, context: VarlinkCallContext<IoPodlink.StartContainer.Reply>
    ) async throws -> IoPodlink.StartContainer.Reply {
        .init(
            container: try await onContainer(parameters.name) { id throws(EngineError) in
                try await engine.startContainer(id)
            })
    }

    /// Serves `io.podlink.StopContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func stopContainer(
        _ parameters: IoPodlink.StopContainer.Parameters, context: VarlinkCallContext<IoPodlink.StopContainer.Reply>
    ) async throws -> IoPodlink.StopContainer.Reply {
        let timeout = try timeoutSeconds(parameters.timeout)
        return .init(
            container: try await onContainer(parameters.name) { id throws(EngineError) in
                try await engine.stopContainer(id, timeout: timeout)
            })
    }

    /// Serves `io.podlink.RestartContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func restartContainer(
        _ parameters: IoPodlink.RestartContainer.Parameters,
        context: VarlinkCallContext<IoPodlink.RestartContainer.Reply>
    ) async throws -> IoPodlink.RestartContainer.Reply {
        let timeout = try timeoutSeconds(parameters.timeout)
        return .init(
            container: try await onContainer(parameters.name) { id throws(EngineError) in
                try await engine.restartContainer(id, timeout: timeout)
            })
    }

    /// Serves `io.podlink.KillContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func killContainer(
        _ parameters: IoPodlink.KillContainer.Parameters, context: VarlinkCallContext<IoPodlink.KillContainer.Reply>
    ) async throws -> IoPodlink.KillContainer.Reply {
        let signal = try signalNumber(parameters.signal)
        return .init(
            container: try await onContainer(parameters.name) { id throws(EngineError) in
                try await engine.killContainer(id, signal: signal)
            })
    }

    /// Serves `io.podlink.PauseContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func pauseContainer(
        _ parameters: IoPodlink.PauseContainer.Parameters, context: VarlinkCallContext<IoPodlink.PauseContainer.Reply>
    ) async throws -> IoPodlink.PauseContainer.Reply {
        .init(
            container: try await onContainer(parameters.name) { id throws(EngineError) in
                try await engine.pauseContainer(id)
            })
    }

    /// Serves `io.podlink.UnpauseContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func unpauseContainer(
        _ parameters: IoPodlink.UnpauseContainer.Parameters,
        context: VarlinkCallContext<IoPodlink.UnpauseContainer.Reply>
    ) async throws -> IoPodlink.UnpauseContainer.Reply {
        .init(
            container: try await onContainer(parameters.name) { id throws(EngineError) in
                try await engine.unpauseContainer(id)
            })
    }

    /// Serves `io.podlink.WaitContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func waitContainer(
        _ parameters: IoPodlink.WaitContainer.Parameters, context: VarlinkCallContext<IoPodlink.WaitContainer.Reply>
    ) async throws -> IoPodlink.WaitContainer.Reply {
        let conditions = Set((parameters.conditions ?? []).compactMap { WaitCondition(rawValue: $0.rawValue) })
        let result = try await engineCall { () throws(EngineError) in
            try await engine.waitContainer(
                parameters.name, for: conditions.isEmpty ? WaitCondition.processEnded : conditions)
        }
        return .init(
            exitcode: Int(result.exitCode ?? -1),
            condition: IoPodlink.WaitCondition(rawValue: result.condition.rawValue) ?? .exited)
    }

    /// Serves `io.podlink.CleanupContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func cleanupContainer(
        _ parameters: IoPodlink.CleanupContainer.Parameters,
        context: VarlinkCallContext<IoPodlink.CleanupContainer.Reply>
    ) async throws -> IoPodlink.CleanupContainer.Reply {
        .init(
            container: try await onContainer(parameters.name) { id throws(EngineError) in
                try await engine.cleanupContainer(id)
            })
    }

    /// Serves `io.podlink.SyncContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func syncContainer(
        _ parameters: IoPodlink.SyncContainer.Parameters, context: VarlinkCallContext<IoPodlink.SyncContainer.Reply>
    ) async throws -> IoPodlink.SyncContainer.Reply {
        let state = try await engineCall { () throws(EngineError) in try await engine.syncContainer(parameters.name) }
        return .init(state: .init(state))
    }

    /// Serves `io.podlink.RefreshContainers`, as documented in `interfaces/io.podlink.varlink`.
    public func refreshContainers(
        _ parameters: IoPodlink.RefreshContainers.Parameters,
        context: VarlinkCallContext<IoPodlink.RefreshContainers.Reply>
    ) async throws -> IoPodlink.RefreshContainers.Reply {
        try await engineCall { () throws(EngineError) in try await engine.refresh() }
        return .init()
    }

    /// Serves `io.podlink.BatchContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func batchContainer(
        _ parameters: IoPodlink.BatchContainer.Parameters, context: VarlinkCallContext<IoPodlink.BatchContainer.Reply>
    ) async throws -> IoPodlink.BatchContainer.Reply {
        struct Step {
            var operation: IoPodlink.BatchOperation.Operation
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
