import Varlink

/// `org.example.ping` as the benchmark serves it.
struct PingServer: OrgExamplePingService {
    typealias P = OrgExamplePing

    func ping(_ parameters: P.Ping.Parameters, context: VarlinkCallContext<P.Ping.Reply>) async throws -> P.Ping.Reply {
        .init(pong: parameters.ping)
    }

    func flood(
        _ parameters: P.Flood.Parameters, context: VarlinkCallContext<P.Flood.Reply>
    ) async throws
        -> P.Flood.Reply
    {
        try context.requireMore()
        let data = String(repeating: "x", count: parameters.size)
        for index in 0..<max(parameters.count - 1, 0) { try await context.send(.init(index: index, data: data)) }
        return .init(index: max(parameters.count - 1, 0), data: data)
    }

    func echo(_ parameters: P.Echo.Parameters, context: VarlinkCallContext<P.Echo.Reply>) async throws -> P.Echo.Reply {
        try context.requireUpgrade()
        context.onUpgrade { connection in
            while let bytes = try await connection.read() { try await connection.write(bytes) }
            try await connection.closeWrite()
        }
        return .init()
    }

    func sleep(
        _ parameters: P.Sleep.Parameters, context: VarlinkCallContext<P.Sleep.Reply>
    ) async throws
        -> P.Sleep.Reply
    {
        try await Task.sleep(for: .milliseconds(parameters.milliseconds))
        return .init(slept: parameters.milliseconds)
    }
}
