import Engine
import FoundationEssentials
public import PodlinkAPI
public import Varlink

extension EngineService {
    /// Serves `io.podlink.AttachContainer`, as documented in `interfaces/io.podlink.varlink`.
    public func attachContainer(
        _ parameters: IoPodlink.AttachContainer.Parameters, context: VarlinkCallContext<IoPodlink.AttachContainer.Reply>
    ) async throws -> IoPodlink.AttachContainer.Reply {
        try context.requireUpgrade()
        let input = parameters.stdin ?? false
        let detachKeys = try DetachKeys(parsing: parameters.detachKeys)
        let session = try await engine.attachSession(parameters.name, start: parameters.start ?? false, stdin: input)
        var replay: LogBatches?
        if parameters.logs ?? false {
            replay = try await engine.logBatches(session.containerID)
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
            ).run(logs: lines)
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

extension EngineService {
    /// Serves `io.podlink.CreateExecSession`, as documented in `interfaces/io.podlink.varlink`.
    public func createExecSession(
        _ parameters: IoPodlink.CreateExecSession.Parameters,
        context: VarlinkCallContext<IoPodlink.CreateExecSession.Reply>
    ) async throws -> IoPodlink.CreateExecSession.Reply {
        let exec = ExecOptions(
            command: parameters.command, environment: parameters.env ?? [], user: parameters.user,
            workingDirectory: parameters.workdir, tty: parameters.tty ?? false, interactive: parameters.stdin ?? false,
            detachKeys: parameters.detachKeys)
        let session = try await engine.createExecSession(parameters.name, exec)
        return .init(session: session.id)
    }

    /// Serves `io.podlink.StartExecSession`: attached with `upgrade`, detached without.
    public func startExecSession(
        _ parameters: IoPodlink.StartExecSession.Parameters,
        context: VarlinkCallContext<IoPodlink.StartExecSession.Reply>
    ) async throws -> IoPodlink.StartExecSession.Reply {
        let attach = context.upgrade
        let served = self.engine
        let size = parameters.rows.flatMap { rows in parameters.columns.map { (rows: rows, columns: $0) } }
        let (session, attachment, failure) = try await served.startExecSession(
            parameters.session, attach: attach, size: size)
        if let attachment {
            let detachKeys = try DetachKeys(parsing: session.detachKeys)
            // A command that could not run: runc's words on its standard error, then its exit code.
            let replay = failure.map { [LogLine(time: Date(), stream: .stderr, text: $0)] } ?? []
            let id = session.id
            context.onUpgrade { connection in
                try await AttachPump(
                    session: attachment, connection: connection, forwardsInput: session.stdin,
                    streams: [.stdout, .stderr], detachKeys: detachKeys,
                    exitCode: { (try? await served.waitExecSession(id)) ?? -1 }
                ).run(replaying: replay)
            }
        }
        return .init(session: session.id, tty: session.tty)
    }

    /// Serves `io.podlink.ResizeExecSession`, as documented in `interfaces/io.podlink.varlink`.
    public func resizeExecSession(
        _ parameters: IoPodlink.ResizeExecSession.Parameters,
        context: VarlinkCallContext<IoPodlink.ResizeExecSession.Reply>
    ) async throws -> IoPodlink.ResizeExecSession.Reply {
        try await engine.resizeExecSession(parameters.session, rows: parameters.rows, columns: parameters.columns)
        return .init()
    }

    /// Serves `io.podlink.InspectExecSession`, as documented in `interfaces/io.podlink.varlink`.
    public func inspectExecSession(
        _ parameters: IoPodlink.InspectExecSession.Parameters,
        context: VarlinkCallContext<IoPodlink.InspectExecSession.Reply>
    ) async throws -> IoPodlink.InspectExecSession.Reply {
        let session = try await engine.inspectExecSession(parameters.session)
        return .init(session: .init(session))
    }

    /// Serves `io.podlink.WaitExecSession`, as documented in `interfaces/io.podlink.varlink`.
    public func waitExecSession(
        _ parameters: IoPodlink.WaitExecSession.Parameters,
        context: VarlinkCallContext<IoPodlink.WaitExecSession.Reply>
    ) async throws -> IoPodlink.WaitExecSession.Reply {
        let code = try await engine.waitExecSession(parameters.session)
        return .init(exitCode: Int(code))
    }

    /// Serves `io.podlink.ListExecSessions`, as documented in `interfaces/io.podlink.varlink`.
    public func listExecSessions(
        _ parameters: IoPodlink.ListExecSessions.Parameters,
        context: VarlinkCallContext<IoPodlink.ListExecSessions.Reply>
    ) async throws -> IoPodlink.ListExecSessions.Reply {
        let sessions = try await engine.listExecSessions(parameters.name)
        return .init(sessions: sessions.map(IoPodlink.ExecSession.init))
    }

    /// Serves `io.podlink.RemoveExecSession`, as documented in `interfaces/io.podlink.varlink`.
    public func removeExecSession(
        _ parameters: IoPodlink.RemoveExecSession.Parameters,
        context: VarlinkCallContext<IoPodlink.RemoveExecSession.Reply>
    ) async throws -> IoPodlink.RemoveExecSession.Reply {
        try await engine.removeExecSession(parameters.session, force: parameters.force ?? false)
        return .init()
    }
}
