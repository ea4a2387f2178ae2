import Engine
import FoundationEssentials
public import PodmanAPI
public import Varlink

extension PodmanService {
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
            tail: parameters.tail, since: try parameters.since.map { text throws(IoPodmanError) in try Time.parse(text, argument: "since") },
            until: try parameters.until.map { text throws(IoPodmanError) in try Time.parse(text, argument: "until") },
            streams: streams)
        let lines = try await engineCall { () throws(EngineError) in try await engine.logs(parameters.name, options) }
        return .init(lines: lines.map(IoPodman.LogLine.init))
    }

    public func getEvents(_ parameters: IoPodman.GetEvents.Parameters, context: VarlinkCallContext<IoPodman.GetEvents.Reply>)
        async throws -> IoPodman.GetEvents.Reply
    {
        let filter = EventFilter(
            since: try parameters.since.map { text throws(IoPodmanError) in try Time.parse(text, argument: "since") },
            until: try parameters.until.map { text throws(IoPodmanError) in try Time.parse(text, argument: "until") },
            kinds: Set((parameters.types ?? []).map { $0 == .container ? EngineEvent.Kind.container : .image }),
            actions: Set(parameters.actions ?? []), subject: parameters.object)
        let events = try await engineCall { () throws(EngineError) in try await engine.events(filter) }
        return .init(events: events.map(IoPodman.Event.init))
    }
}
