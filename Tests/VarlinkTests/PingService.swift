import Foundation
import Synchronization
import Varlink
import VarlinkNIO

/// `org.example.ping` for the runtime's tests, counting what it does.
final class PingService: OrgExamplePingService {
    typealias P = OrgExamplePing
    let floodSent = Atomic<Int>(0)
    let pings = Atomic<Int>(0)
    let sleepsCancelled = Atomic<Int>(0)
    let sleepsStarted = Atomic<Int>(0)

    func ping(_ parameters: P.Ping.Parameters, context: VarlinkCallContext<P.Ping.Reply>) async throws -> P.Ping.Reply {
        pings.add(1, ordering: .relaxed)
        if parameters.ping == "fail" { throw OrgExamplePingError.failed(reason: "asked to") }
        return .init(pong: parameters.ping)
    }

    func flood(
        _ parameters: P.Flood.Parameters, context: VarlinkCallContext<P.Flood.Reply>
    ) async throws
        -> P.Flood.Reply
    {
        try context.requireMore()
        let data = String(repeating: "x", count: parameters.size)
        for index in 0..<max(parameters.count - 1, 0) {
            try await context.send(.init(index: index, data: data))
            floodSent.add(1, ordering: .relaxed)
        }
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
        sleepsStarted.add(1, ordering: .relaxed)
        do {
            try await Task.sleep(for: .milliseconds(parameters.milliseconds))
        } catch {
            sleepsCancelled.add(1, ordering: .relaxed)
            throw error
        }
        return .init(slept: parameters.milliseconds)
    }
}

/// A server on a fresh unix socket, running in this process.
final class TestServer: Sendable {
    let path: String
    let directory: String
    let implementation = PingService()
    let server: VarlinkServer
    let task: Task<Void, any Error>

    init(configuration: VarlinkServer.Configuration = .init(), mode: UInt32? = nil) async throws {
        directory = TestSupport.temporaryDirectory()
        path = directory + "/socket"
        let service = VarlinkService(
            info: .init(vendor: "Podlink", product: "tests", version: "1", url: "https://example.org"),
            interfaces: [implementation])
        server = VarlinkServer(service: service, configuration: configuration)
        let (ready, readyContinuation) = AsyncStream<Void>.makeStream()
        let server = server
        let listener = VarlinkListener.address(.unix(path: path, mode: mode))
        task = Task {
            do {
                try await server.run(on: [listener]) { readyContinuation.finish() }
            } catch {
                readyContinuation.finish()
                throw error
            }
        }
        for await _ in ready {}
    }

    /// Stops the server and removes its directory (unless the test goes on using its path).
    func stop(keepingDirectory: Bool = false) async {
        server.shutdown()
        _ = try? await task.value
        if !keepingDirectory { try? FileManager.default.removeItem(atPath: directory) }
    }
}
