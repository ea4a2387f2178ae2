import Foundation
import PodlinkTestSupport
import Synchronization
import Testing
import Varlink
import VarlinkNIO

#if canImport(Glibc)
import Glibc
#endif

@Suite("Server transport: framing, flags, bad input, load")
struct TransportTests {
    @Test func typedCallsOverAUnixSocket() async throws {
        let server = try await TestServer()
        let connection = try await VarlinkConnection.connect(to: .unix(path: server.path))
        let client = OrgExamplePingClient(transport: connection)
        #expect(try await client.ping(ping: "hello").pong == "hello")
        await #expect(throws: OrgExamplePingError.failed(reason: "asked to")) { try await client.ping(ping: "fail") }
        var indices: [Int] = []
        for try await reply in client.flood(count: 5, size: 3, .more) { indices.append(reply.index) }
        #expect(indices == [0, 1, 2, 3, 4])
        await #expect(throws: VarlinkError.expectedMore) { try await client.flood(count: 2, size: 1) }
        try await client.ping(ping: "x", .oneway)
        #expect(try await client.ping(ping: "after oneway").pong == "after oneway")
        await connection.close()
        await server.stop()
    }

    @Test func clientCallsCanBePipelined() async throws {
        let server = try await TestServer()
        let connection = try await VarlinkConnection.connect(to: .unix(path: server.path))
        let client = OrgExamplePingClient(transport: connection)
        let replies = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for index in 0..<200 {
                group.addTask { (index, try await client.ping(ping: "\(index)").pong) }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(replies.count == 200 && replies.allSatisfy { "\($0.key)" == $0.value })
        await connection.close()
        await server.stop()
    }

    @Test func threeCallsInOneWriteWithOnewayInTheMiddleGetTwoRepliesInOrder() async throws {
        let server = try await TestServer()
        let socket = try RawSocket(path: server.path)
        socket.send(
            #"{"method":"org.example.ping.Ping","parameters":{"ping":"one"}}"# + "\0"
                + #"{"method":"org.example.ping.Ping","parameters":{"ping":"two"},"oneway":true}"# + "\0"
                + #"{"method":"org.example.ping.Ping","parameters":{"ping":"three"}}"# + "\0")
        let (messages, _) = await socket.receive(messages: 3, timeout: 1.5)
        #expect(messages == [#"{"parameters":{"pong":"one"}}"#, #"{"parameters":{"pong":"three"}}"#])
        socket.close()
        await server.stop()
    }

    @Test func errorsAndFlagsOnTheWire() async throws {
        let server = try await TestServer()
        let socket = try RawSocket(path: server.path)
        let cases: [(String, String)] = [
            (
                #"{"method":"org.example.ping.Nope"}"#,
                #"{"error":"org.varlink.service.MethodNotFound","parameters":{"method":"org.example.ping.Nope"}}"#
            ),
            (
                #"{"method":"org.example.none.Ping"}"#,
                #"{"error":"org.varlink.service.InterfaceNotFound","parameters":{"interface":"org.example.none"}}"#
            ),
            (
                #"{"method":"org.example.ping.Ping","parameters":{}}"#,
                #"{"error":"org.varlink.service.InvalidParameter","parameters":{"parameter":"ping"}}"#
            ),
            (
                #"{"method":"org.example.ping.Ping","parameters":{"ping":1}}"#,
                #"{"error":"org.varlink.service.InvalidParameter","parameters":{"parameter":"ping"}}"#
            ),
            (
                #"{"method":"org.example.ping.Ping","parameters":{"ping":"a","pong":"b"}}"#,
                #"{"error":"org.varlink.service.InvalidParameter","parameters":{"parameter":"pong"}}"#
            ),
            (
                #"{"method":"org.example.ping.Flood","parameters":{"count":2,"size":0}}"#,
                #"{"error":"org.varlink.service.ExpectedMore","parameters":{}}"#
            ),
            (
                #"{"method":"org.example.ping.Ping","parameters":{"ping":"m"},"more":true}"#,
                #"{"parameters":{"pong":"m"}}"#
            ),
            (
                #"{"method":"org.example.ping.Ping","parameters":{"ping":"fail"}}"#,
                #"{"error":"org.example.ping.Failed","parameters":{"reason":"asked to"}}"#
            ),
            (
                #"{"method":"org.varlink.service.GetInterfaceDescription","parameters":{"interface":"org.x"}}"#,
                #"{"error":"org.varlink.service.InterfaceNotFound","parameters":{"interface":"org.x"}}"#
            ),
        ]
        for (call, reply) in cases {
            socket.send(call + "\0")
            #expect(await socket.receive(messages: 1).messages == [reply], "\(call)")
        }
        socket.send(#"{"method":"org.example.ping.Flood","parameters":{"count":3,"size":1},"more":true}"# + "\0")
        #expect(
            await socket.receive(messages: 3).messages == [
                #"{"parameters":{"data":"x","index":0},"continues":true}"#,
                #"{"parameters":{"data":"x","index":1},"continues":true}"#,
                #"{"parameters":{"data":"x","index":2}}"#,
            ])
        socket.send(#"{"method":"org.example.ping.Ping","parameters":{"ping":"fail"},"oneway":true}"# + "\0")
        #expect(await socket.receive(messages: 1, timeout: 0.5).messages == [], "oneway errors get no reply")
        socket.close()
        await server.stop()
    }

    @Test(arguments: [
        "{", "[1,2]", "42", "\"text\"", #"{"parameters":{}}"#, #"{"method":7}"#, #"{"method":null}"#,
        "{\"method\":\"org.example.ping.Ping\",", "\u{1}\u{2}binary",
    ])
    func malformedFramesCloseOnlyThatConnection(frame: String) async throws {
        let server = try await TestServer()
        let bystander = try RawSocket(path: server.path)
        let bad = try RawSocket(path: server.path)
        bad.send(frame + "\0")
        #expect(await bad.closedByPeer(), "the server must close a connection that sent \(frame)")
        bystander.send(#"{"method":"org.example.ping.Ping","parameters":{"ping":"still"}}"# + "\0")
        #expect(await bystander.receive(messages: 1).messages == [#"{"parameters":{"pong":"still"}}"#])
        bystander.close()
        bad.close()
        await server.stop()
    }

    @Test func oversizedMessagesCloseTheConnection() async throws {
        var configuration = VarlinkServer.Configuration()
        configuration.maximumMessageSize = 1024
        let server = try await TestServer(configuration: configuration)
        let big = try RawSocket(path: server.path)
        big.send(#"{"method":"org.example.ping.Ping","parameters":{"ping":""# + String(repeating: "a", count: 4096))
        #expect(await big.closedByPeer())
        let fine = try RawSocket(path: server.path)
        fine.send(#"{"method":"org.example.ping.Ping","parameters":{"ping":"ok"}}"# + "\0")
        #expect(await fine.receive(messages: 1).messages == [#"{"parameters":{"pong":"ok"}}"#])
        fine.close()
        big.close()
        await server.stop()
    }

    @Test func aClientThatLeavesCancelsItsCall() async throws {
        let server = try await TestServer()
        let socket = try RawSocket(path: server.path)
        socket.send(#"{"method":"org.example.ping.Sleep","parameters":{"milliseconds":60000}}"# + "\0")
        for _ in 0..<100 where server.implementation.sleepsStarted.load(ordering: .relaxed) == 0 {
            try await Task.sleep(for: .milliseconds(10))
        }
        socket.close()
        for _ in 0..<200 where server.implementation.sleepsCancelled.load(ordering: .relaxed) == 0 {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(server.implementation.sleepsCancelled.load(ordering: .relaxed) == 1)
        await server.stop()
    }

    @Test func aClientThatStopsReadingAStreamHoldsItBack() async throws {
        let server = try await TestServer()
        let socket = try RawSocket(path: server.path)
        socket.send(
            #"{"method":"org.example.ping.Flood","parameters":{"count":1000000,"size":1000},"more":true}"# + "\0")
        // Wait until the replies stop being produced (the buffers are full), then check that they stay stopped.
        var first = -1
        var second = server.implementation.floodSent.load(ordering: .relaxed)
        for _ in 0..<20 where first != second || second == 0 {
            first = second
            try await Task.sleep(for: .milliseconds(250))
            second = server.implementation.floodSent.load(ordering: .relaxed)
        }
        try await Task.sleep(for: .milliseconds(500))
        second = server.implementation.floodSent.load(ordering: .relaxed)
        // About 1 MB per thousand replies: the socket buffers and NIO's write buffer bound what is queued.
        #expect(first > 0 && second == first, "replies kept being produced: \(first) then \(second)")
        #expect(second < 20_000)
        socket.close()
        await server.stop()
    }

    @Test(
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: TestSupport.certificationBinary),
            "needs the certification service built"))
    func aThousandConnectionsOpenAndCloseWithoutLeaks() async throws {
        // A server process of its own, so that its descriptors can be counted alone.
        let path = TestSupport.temporaryDirectory() + "/socket"
        let server = try TestSupport.start([TestSupport.certificationBinary, "--varlink=unix:\(path)"])
        defer { TestSupport.kill(server) }
        #expect(await TestSupport.waitForSocket(path))
        func descriptors() -> Int {
            (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(server.pid)/fd").count) ?? -1
        }
        let call = #"{"method":"org.varlink.service.GetInfo"}"# + "\0"
        let warm = try RawSocket(path: path)
        warm.send(call)
        _ = await warm.receive(messages: 1)
        warm.close()
        try await Task.sleep(for: .milliseconds(200))
        let baseline = descriptors()
        for index in 0..<1000 {
            let socket = try RawSocket(path: path)
            if index % 2 == 0 {
                socket.send(call)
                #expect(await socket.receive(messages: 1).messages.count == 1)
            }
            socket.close()
        }
        var after = descriptors()
        for _ in 0..<100 where after > baseline {
            try await Task.sleep(for: .milliseconds(20))
            after = descriptors()
        }
        #expect(baseline > 0 && after <= baseline, "descriptors: \(baseline) before, \(after) after")
        let last = try RawSocket(path: path)
        last.send(call)
        #expect(await last.receive(messages: 1).messages.first?.contains("Podlink") == true)
        last.close()
        #expect(server.isRunning)
    }

    @Test func idleTimeoutWaitsForOpenConnections() async throws {
        var configuration = VarlinkServer.Configuration()
        // Long enough that a loaded machine accepts the connection before the server could idle out.
        configuration.idleTimeout = .seconds(1)
        let server = try await TestServer(configuration: configuration)
        let socket = try RawSocket(path: server.path)
        // Answered first, so the server holds the connection (not only the kernel's backlog) while it idles.
        socket.send(#"{"method":"org.example.ping.Ping","parameters":{"ping":"first"}}"# + "\0")
        #expect(await socket.receive(messages: 1).messages == [#"{"parameters":{"pong":"first"}}"#])
        try await Task.sleep(for: .seconds(2))
        socket.send(#"{"method":"org.example.ping.Ping","parameters":{"ping":"here"}}"# + "\0")
        #expect(await socket.receive(messages: 1).messages == [#"{"parameters":{"pong":"here"}}"#])
        socket.close()
        let start = ContinuousClock.now
        _ = try? await server.task.value
        #expect(ContinuousClock.now - start < .seconds(3))
    }

    @Test func shutdownLetsCallsInFlightFinish() async throws {
        let server = try await TestServer()
        let busy = try RawSocket(path: server.path)
        let idle = try RawSocket(path: server.path)
        busy.send(#"{"method":"org.example.ping.Sleep","parameters":{"milliseconds":400}}"# + "\0")
        for _ in 0..<100 where server.implementation.sleepsStarted.load(ordering: .relaxed) == 0 {
            try await Task.sleep(for: .milliseconds(10))
        }
        server.server.shutdown()
        #expect(await idle.closedByPeer(timeout: 2), "idle connections close at once")
        #expect(await busy.receive(messages: 1).messages == [#"{"parameters":{"slept":400}}"#])
        _ = try? await server.task.value
        #expect((try? RawSocket(path: server.path)) == nil, "no longer accepting")
        busy.close()
        idle.close()
    }

    @Test func socketModeAndStaleSocketFiles() async throws {
        let first = try await TestServer(mode: 0o600)
        var info = stat()
        #expect(stat(first.path, &info) == 0 && info.st_mode & 0o777 == 0o600)
        await first.stop(keepingDirectory: true)
        defer { try? FileManager.default.removeItem(atPath: first.directory) }
        // The socket file left behind is replaced by the next server.
        let listener = VarlinkListener.address(.unix(path: first.path, mode: 0o660))
        let service = VarlinkService(
            info: .init(vendor: "v", product: "p", version: "1", url: "u"), interfaces: [PingService()])
        let server = VarlinkServer(service: service)
        let (ready, readyContinuation) = AsyncStream<Void>.makeStream()
        let task = Task {
            defer { readyContinuation.finish() }
            try await server.run(on: [listener]) { readyContinuation.finish() }
        }
        for await _ in ready {}
        #expect(stat(first.path, &info) == 0 && info.st_mode & 0o777 == 0o660)
        let client = OrgExamplePingClient(transport: try await VarlinkConnection.connect(to: .unix(path: first.path)))
        #expect(try await client.ping(ping: "again").pong == "again")
        server.shutdown()
        _ = try? await task.value
    }

    @Test func abstractAndTCPAddresses() async throws {
        let name = "podlink-test-\(UUID().uuidString.prefix(8))"
        let service = VarlinkService(
            info: .init(vendor: "v", product: "p", version: "1", url: "u"), interfaces: [PingService()])
        let server = VarlinkServer(service: service)
        let (ready, readyContinuation) = AsyncStream<Void>.makeStream()
        let port = 20000 + Int.random(in: 0..<20000)
        let task = Task {
            try await server.run(on: [.address(.abstract(name: name)), .address(.tcp(host: "127.0.0.1", port: port))]) {
                readyContinuation.finish()
            }
        }
        for await _ in ready {}
        for address in [VarlinkAddress.abstract(name: name), .tcp(host: "127.0.0.1", port: port)] {
            let connection = try await VarlinkConnection.connect(to: address)
            #expect(try await OrgExamplePingClient(transport: connection).ping(ping: "\(address)").pong == "\(address)")
            await connection.close()
        }
        server.shutdown()
        _ = try? await task.value
    }

    @Test func addressesParse() throws {
        #expect(try VarlinkAddress(parsing: "unix:/run/x.sock") == .unix(path: "/run/x.sock"))
        #expect(try VarlinkAddress(parsing: "unix:/run/x;mode=0660") == .unix(path: "/run/x", mode: 0o660))
        #expect(try VarlinkAddress(parsing: "unix:@name") == .abstract(name: "name"))
        #expect(try VarlinkAddress(parsing: "tcp:127.0.0.1:8080") == .tcp(host: "127.0.0.1", port: 8080))
        #expect(try VarlinkAddress(parsing: "tcp:[::1]:1") == .tcp(host: "::1", port: 1))
        for bad in ["", "unix:", "unix:@", "tcp:host", "tcp:h:99999", "udp:x", "unix:/x;mode=999", "unix:/x;foo=1"] {
            #expect(throws: VarlinkAddress.InvalidAddress.self) { try VarlinkAddress(parsing: bad) }
        }
    }
}
