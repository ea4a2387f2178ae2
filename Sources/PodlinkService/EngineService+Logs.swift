import Engine
import FoundationEssentials
public import PodlinkAPI
public import Varlink

extension EngineService {
    /// Serves `io.podlink.GetContainerLogs`, as documented in `interfaces/io.podlink.varlink`.
    public func getContainerLogs(
        _ parameters: IoPodlink.GetContainerLogs.Parameters,
        context: VarlinkCallContext<IoPodlink.GetContainerLogs.Reply>
    ) async throws -> IoPodlink.GetContainerLogs.Reply {
        var streams: Set<LogStream> = [.stdout, .stderr]
        if let asked = parameters.streams { streams = Set(asked.map { $0 == .stdout ? LogStream.stdout : .stderr }) }
        let options = LogOptions(
            tail: parameters.tail,
            since: try Time.parse(parameters.since, argument: "since"),
            until: try Time.parse(parameters.until, argument: "until"),
            streams: streams)
        if context.more {
            // A batch per reply, read as the caller takes them (each send waits for the socket); following, until
            // the container's output ends. The last reply is empty.
            let batches = try await engine.logBatches(parameters.name, options, follow: parameters.follow ?? true)
            for try await batch in batches { try await context.send(.init(lines: batch.map(IoPodlink.LogLine.init))) }
            return .init(lines: [])
        }
        let lines = try await engine.logs(parameters.name, options)
        return .init(lines: lines.map(IoPodlink.LogLine.init))
    }

    /// Serves `io.podlink.GetEvents`, as documented in `interfaces/io.podlink.varlink`.
    public func getEvents(
        _ parameters: IoPodlink.GetEvents.Parameters, context: VarlinkCallContext<IoPodlink.GetEvents.Reply>
    )
        async throws -> IoPodlink.GetEvents.Reply
    {
        let filter = EventFilter(
            since: try Time.parse(parameters.since, argument: "since"),
            until: try Time.parse(parameters.until, argument: "until"),
            kinds: Set((parameters.types ?? []).compactMap { EngineEvent.Kind(rawValue: $0.rawValue) }),
            actions: Set((parameters.actions ?? []).map(EngineEvent.Action.init(rawValue:))), subject: parameters.object
        )
        if context.more {
            // Follow: past events, then new ones as they happen, until the caller goes away.
            let stream = try await engine.followEvents(filter)
            for try await event in stream { try await context.send(.init(events: [IoPodlink.Event(event)])) }
            return .init(events: [])
        }
        let events = try await engine.events(filter)
        return .init(events: events.map(IoPodlink.Event.init))
    }
}
