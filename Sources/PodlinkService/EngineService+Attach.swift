import Engine
public import PodlinkAPI
public import Varlink

extension EngineService {
    /// Serves `io.podlink.AttachContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func attachContainer(
        _ parameters: IoPodlink.AttachContainer.Parameters, context: VarlinkCallContext<IoPodlink.AttachContainer.Reply>
    ) async throws -> IoPodlink.AttachContainer.Reply {
        guard context.upgrade else { throw VarlinkError.expectedUpgrade }
        let input = parameters.stdin ?? false
        let detachKeys = try DetachKeys(parsing: parameters.detachKeys)
        let session = try await engine.attachSession(parameters.name, start: parameters.start ?? false, stdin: input)
        var replay: [LogLine] = []
        if parameters.logs ?? false {
            replay = try await engine.logs(session.containerID)
        }
        let streams: Set<LogStream> = Set(
            [(parameters.stdout ?? true) ? LogStream.stdout : nil, (parameters.stderr ?? true) ? .stderr : nil]
                .compactMap { $0 })
        let lines = replay
        let served = self.engine
        let id = session.containerID
        context.onUpgrade { connection in
            try await AttachPump(
                session: session, connection: connection, forwardsInput: input, streams: streams,
                detachKeys: detachKeys, exitCode: { (try? await served.waitContainer(id)) ?? -1 }
            ).run(replaying: lines)
        }
        return .init(container: session.containerID, tty: session.tty)
    }
}

extension EngineService {
    /// Serves `io.podlink.ResizeContainerTerminal`, as documented in `interfaces/io.podlink.varlink`.
    public func resizeContainerTerminal(
        _ parameters: IoPodlink.ResizeContainerTerminal.Parameters,
        context: VarlinkCallContext<IoPodlink.ResizeContainerTerminal.Reply>
    ) async throws -> IoPodlink.ResizeContainerTerminal.Reply {
        try await engine.resizeTerminal(parameters.name, rows: parameters.rows, columns: parameters.columns)
        return .init()
    }
}
