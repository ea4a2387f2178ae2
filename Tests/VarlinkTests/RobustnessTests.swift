import Foundation
import PodlinkTestSupport
import Synchronization
import Testing
import Varlink
import VarlinkNIO

#if canImport(Glibc)
import Glibc
#endif

/// Load and abuse on raw sockets: none of it may cost other connections their answers.
@Suite("Robust under load")
struct RobustnessTests {
    static let ping = #"{"method":"org.example.ping.Ping","parameters":{"ping":"p"}}"# + "\0"
    static let pong = #"{"parameters":{"pong":"p"}}"#

    @Test func aClientThatHalfClosesAfterSendingStillGetsItsReplies() async throws {
        let server = try await TestServer()
        let socket = try RawSocket(path: server.path)
        socket.send(String(repeating: Self.ping, count: 20))
        socket.closeWrite()
        let received = await socket.receive(messages: 21)
        #expect(received.messages == Array(repeating: Self.pong, count: 20))
        #expect(received.closed, "the server closes once it has answered a peer that ended its input")
        socket.close()
        await server.stop()
    }

    /// Whether `condition` holds within `seconds`.
    static func eventually(within seconds: Double = 10, _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while !condition() {
            if ContinuousClock.now > deadline { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    @Test func everyCallReadRunsEvenWhenItsCallerLeftAtOnce() async throws {
        let server = try await TestServer()
        // Sent and closed at once: the peer is often gone before its credentials are checked.
        for _ in 0..<200 {
            let socket = try RawSocket(path: server.path)
            socket.send(Self.ping)
            socket.close()
        }
        let service = server.implementation
        #expect(
            await Self.eventually { service.pings.load(ordering: .relaxed) == 200 },
            "\(service.pings.load(ordering: .relaxed)) of 200 ran")
        // A call that waits runs cancelled when its caller has left: it ends at once instead of waiting for nobody.
        let socket = try RawSocket(path: server.path)
        socket.send(#"{"method":"org.example.ping.Sleep","parameters":{"milliseconds":600000}}"# + "\0")
        socket.close()
        #expect(await Self.eventually { service.sleepsCancelled.load(ordering: .relaxed) == 1 })
        await server.stop()
    }

    @Test func hundredsOfClientsConnectingInTheSameInstantAreAllAnswered() async throws {
        let server = try await TestServer()
        // Connect all first (the kernel's backlog holds them), then call on every one.
        let sockets = try (0..<500).map { _ in try RawSocket(path: server.path) }
        for socket in sockets { socket.send(Self.ping) }
        var answered = 0
        for socket in sockets where await socket.receive(messages: 1, timeout: 20).messages == [Self.pong] {
            answered += 1
        }
        #expect(answered == sockets.count)
        for socket in sockets { socket.close() }
        await server.stop()
    }

    @Test func aFramePastTheLimitClosesItsConnectionWhileTheClientKeepsSending() async throws {
        var configuration = VarlinkServer.Configuration()
        configuration.maximumMessageSize = 1 << 20
        let server = try await TestServer(configuration: configuration)
        let flooder = try RawSocket(path: server.path)
        let bystander = try RawSocket(path: server.path)
        let sending = flooder.sendOnThread { flooder in
            let chunk = String(repeating: "a", count: 65536)
            flooder.send(#"{"method":"org.example.ping.Ping","parameters":{"ping":""#)
            // Up to 64 MiB, or until the server closes (send fails).
            for _ in 0..<1024 { if !flooder.trySend(chunk) { break } }
        }
        #expect(await flooder.closedByPeer(timeout: 20))
        bystander.send(Self.ping)
        #expect(await bystander.receive(messages: 1).messages == [Self.pong])
        flooder.shutDown()
        await sending.value
        flooder.close()
        bystander.close()
        await server.stop()
    }

    @Test func aSlowReaderNeverMakesTheServerBufferWithoutBound() async throws {
        let server = try await TestServer()
        let reader = try RawSocket(path: server.path)
        // Up to 200,000 pipelined calls of 1 KB each, their replies never read. Reading from this peer pauses once
        // its replies back up (the socket's buffer and NIO's write buffer hold a few hundred), and the sender then
        // blocks; without that the server would answer every call it can read and hold the replies.
        let big = String(repeating: "b", count: 1000)
        let call = #"{"method":"org.example.ping.Ping","parameters":{"ping":"\#(big)"}}"# + "\0"
        let calls = String(repeating: call, count: 2000)
        let sender = reader.sendOnThread { reader in for _ in 0..<100 { if !reader.trySend(calls) { break } } }
        try await Task.sleep(for: .seconds(3))
        let bystander = try RawSocket(path: server.path)
        bystander.send(Self.ping)
        #expect(await bystander.receive(messages: 1).messages == [Self.pong])
        let answered = server.implementation.pings.load(ordering: .relaxed) - 1
        #expect(answered < 2000, "the server answered \(answered) calls whose replies nobody reads")
        reader.shutDown()
        await sender.value
        reader.close()
        bystander.close()
        await server.stop()
    }

    @Test func anUpgradedConnectionGetsTheBytesSentWithItsCallAndEndsWithTheInput() async throws {
        let server = try await TestServer()
        let socket = try RawSocket(path: server.path)
        // The call, the first raw bytes (a NUL among them) and the end of input in one go.
        socket.send(#"{"method":"org.example.ping.Echo","upgrade":true}"# + "\0raw\0bytes")
        socket.closeWrite()
        let echoed = await socket.receive(messages: 2)
        #expect(echoed.messages == [#"{"parameters":{}}"#, "raw"])
        socket.close()
        await server.stop()
    }

    @Test func theClientUpgradesAndReadsBackWhatItWrites() async throws {
        let server = try await TestServer()
        let connection = try await VarlinkConnection.connect(to: .unix(path: server.path))
        let client = VarlinkClient(transport: connection)
        let (_, raw) = try await client.upgrade(OrgExamplePing.Echo.self, .init())
        try await raw.write(Array("hello".utf8))
        try await raw.closeWrite()
        var echoed: [UInt8] = []
        while let bytes = try await raw.read() { echoed += bytes }
        #expect(String(decoding: echoed, as: UTF8.self) == "hello")
        await connection.close()
        await server.stop()
    }

    @Test func aReplyWhoseParametersHoldContinuesTrueIsStillItsCallsLast() async throws {
        let server = try await TestServer()
        let connection = try await VarlinkConnection.connect(to: .unix(path: server.path))
        let client = VarlinkClient(transport: connection)
        let tricky = #""continues":true"#
        // Pipelined on one connection: each caller must get its own reply.
        let answers = try await withTimeout(seconds: 10) {
            async let first = client.call(OrgExamplePing.Ping.self, .init(ping: tricky))
            async let second = client.call(OrgExamplePing.Ping.self, .init(ping: "second"))
            return try await [first.pong, second.pong]
        }
        #expect(answers == [tricky, "second"])
        await connection.close()
        await server.stop()
    }

}

extension RobustnessTests {
    @Test func aPeerPastItsConnectionLimitIsClosedWhileOthersAreServed() async throws {
        var configuration = VarlinkServer.Configuration()
        configuration.maximumConnectionsPerPeer = 3
        let server = try await TestServer(configuration: configuration)
        let admitted = try (0..<3).map { _ in try RawSocket(path: server.path) }
        for socket in admitted {
            socket.send(Self.ping)
            #expect(await socket.receive(messages: 1).messages == [Self.pong])
        }
        let refused = try RawSocket(path: server.path)
        #expect(await refused.closedByPeer())
        refused.close()
        admitted[0].close()
        // The closed one no longer counts (the server learns of the close a moment later).
        var answered = false
        for _ in 0..<50 where !answered {
            let again = try RawSocket(path: server.path)
            again.send(Self.ping)
            answered = await again.receive(messages: 1, timeout: 1).messages == [Self.pong]
            again.close()
        }
        #expect(answered)
        for socket in admitted.dropFirst() { socket.close() }
        await server.stop()
    }
}
