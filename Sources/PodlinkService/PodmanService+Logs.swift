import Engine
import FoundationEssentials
public import PodmanAPI
public import Varlink

extension PodmanService {
    /// Serves `io.podman.GetContainerLogs`, as documented in `interfaces/io.podman.varlink`.
    public func getContainerLogs(
        _ parameters: IoPodman.GetContainerLogs.Parameters,
        context: VarlinkCallContext<IoPodman.GetContainerLogs.Reply>
    ) async throws -> IoPodman.GetContainerLogs.Reply {
        if let tail = parameters.tail, tail < 0 {
            throw IoPodmanError.invalidArgument(argument: "tail", reason: "must not be negative")
        }
        var streams: Set<LogStream> = [.stdout, .stderr]
        if let asked = parameters.streams { streams = Set(asked.map { $0 == .stdout ? LogStream.stdout : .stderr }) }
        let options = LogOptions(
            tail: parameters.tail,
            since: try parameters.since.map { text throws(IoPodmanError) in try Time.parse(text, argument: "since") },
            until: try parameters.until.map { text throws(IoPodmanError) in try Time.parse(text, argument: "until") },
            streams: streams)
        if context.more {
            // Follow: every line as it is written, until the container's output ends; the last reply is empty.
            let stream = try await engineCall { () throws(EngineError) in
                try await engine.followLogs(parameters.name, options)
            }
            for try await line in stream { try await context.send(.init(lines: [IoPodman.LogLine(line)])) }
            return .init(lines: [])
        }
        let lines = try await engineCall { () throws(EngineError) in try await engine.logs(parameters.name, options) }
        return .init(lines: lines.map(IoPodman.LogLine.init))
    }

    /// Serves `io.podman.GetEvents`, as documented in `interfaces/io.podman.varlink`.
    public func getEvents(
        _ parameters: IoPodman.GetEvents.Parameters, context: VarlinkCallContext<IoPodman.GetEvents.Reply>
    )
        async throws -> IoPodman.GetEvents.Reply
    {
        let filter = EventFilter(
            since: try parameters.since.map { text throws(IoPodmanError) in try Time.parse(text, argument: "since") },
            until: try parameters.until.map { text throws(IoPodmanError) in try Time.parse(text, argument: "until") },
            kinds: Set((parameters.types ?? []).map { $0 == .container ? EngineEvent.Kind.container : .image }),
            actions: Set(parameters.actions ?? []), subject: parameters.object)
        if context.more {
            // Follow: past events, then new ones as they happen, until the caller goes away.
            let stream = try await engineCall { () throws(EngineError) in try await engine.followEvents(filter) }
            for try await event in stream { try await context.send(.init(events: [IoPodman.Event(event)])) }
            return .init(events: [])
        }
        let events = try await engineCall { () throws(EngineError) in try await engine.events(filter) }
        return .init(events: events.map(IoPodman.Event.init))
    }
}
