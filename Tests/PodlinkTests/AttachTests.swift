import Foundation
import PodlinkAPI
import PodlinkClient
import PodlinkTestSupport
import Testing
import Varlink
import VarlinkNIO

/// AttachContainer over `upgrade` through the real socket: the bytes, the exit code's frame, standard input and
/// its end, detaching, and the protocol's rules on a raw socket; `podlink run -it` under a real terminal (tmux,
/// `scripts/terminal-check.sh`).
@Suite(
    "Attach", .enabled(if: PodlinkdFixture.available, "needs root, runc, conmon and podlinkd built"),
    .timeLimit(.minutes(3)))
struct AttachTests {
    /// What an attached connection without a terminal delivered.
    struct Received {
        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
        var exitCode: Int32?
    }

    /// Reads frames until the server closes the connection.
    static func receive(_ connection: any VarlinkUpgradedConnection) async throws -> Received {
        var decoder = AttachFrames.Decoder()
        var received = Received()
        while let bytes = try await connection.read() {
            for frame in try decoder.feed(bytes) {
                switch frame.stream {
                case AttachFrames.stdout: received.stdout += frame.bytes
                case AttachFrames.stderr: received.stderr += frame.bytes
                case AttachFrames.exit:
                    received.exitCode = Int32(bitPattern: frame.bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
                default: Issue.record("unexpected stream \(frame.stream)")
                }
            }
        }
        return received
    }

    /// Creates a container and attaches to it with `start`, on a connection of its own.
    static func startAttached(
        _ fixture: PodlinkdFixture, _ client: IoPodlinkClient, command: [String], stdin: Bool = false
    ) async throws -> (VarlinkConnection, any VarlinkUpgradedConnection) {
        let id = try await client.createContainer(
            create: .init(image: "test:latest", command: command, stdin: stdin ? true : nil)
        ).container
        let (attaching, connection) = try await fixture.connect()
        let (reply, raw) = try await attaching.attachContainer(name: id, stdin: stdin, start: true, .upgrade)
        #expect(reply.container == id && !reply.tty)
        return (connection, raw)
    }

    @Test func everyByteValueThroughStdinAndStderrApart() async throws {
        try await PodlinkdFixture.withClient { fixture, client in
            let (own, raw) = try await Self.startAttached(
                fixture, client, command: ["sh", "-c", "cat; echo to-stderr >&2; exit 0"], stdin: true)
            let bytes = (0..<4).flatMap { _ in (0...255).map(UInt8.init) }
            try await raw.write(AttachFrames.frame(AttachFrames.stdin, bytes))
            // The half-close ends cat's standard input.
            try await raw.closeWrite()
            let received = try await Self.receive(raw)
            #expect(received.stdout == bytes)
            #expect(received.stderr == Array("to-stderr\n".utf8))
            #expect(received.exitCode == 0)
            await own.close()
        }
    }

    @Test(arguments: [0, 1, 126, 127, 137])
    func exitCodesArriveInTheLastFrame(_ code: Int32) async throws {
        try await PodlinkdFixture.withClient { fixture, client in
            // A container's PID 1 cannot be killed from inside: a child is.
            let script = code == 137 ? "sh -c 'kill -9 $$'; exit $?" : "exit \(code)"
            let (own, raw) = try await Self.startAttached(fixture, client, command: ["sh", "-c", script])
            #expect(try await Self.receive(raw).exitCode == code)
            await own.close()
        }
    }

    @Test func startAndAttachLosesNoOutput() async throws {
        try await PodlinkdFixture.withClient { fixture, client in
            let (own, raw) = try await Self.startAttached(fixture, client, command: ["seq", "1", "20000"])
            let received = try await Self.receive(raw)
            let expected = (1...20000).map(String.init).joined(separator: "\n") + "\n"
            #expect(String(decoding: received.stdout, as: UTF8.self) == expected)
            #expect(received.exitCode == 0)
            await own.close()
        }
    }

    @Test func badAttachesGetTypedErrors() async throws {
        let fixture = try await PodlinkdFixture()
        let (client, connection) = try await fixture.clientWithImage()
        await #expect(throws: IoPodlinkError.self) {
            _ = try await client.attachContainer(name: "nothing-here", .upgrade)
        }
        let (fresh, freshConnection) = try await fixture.connect()
        let configured = try await fresh.createContainer(create: .init(image: "test:latest", command: ["true"]))
            .container
        do {
            _ = try await fresh.attachContainer(name: configured, .upgrade)
            Issue.record("attached to a configured container")
        } catch let error as IoPodlinkError {
            guard case .invalidState = error else { throw error }
        }
        let (third, thirdConnection) = try await fixture.connect()
        do {
            _ = try await third.attachContainer(name: configured, stdin: true, start: true, .upgrade)
            Issue.record("stdin for a container without it")
        } catch let error as IoPodlinkError {
            guard case .invalidArgument(let argument, _) = error else { throw error }
            #expect(argument == "stdin")
        }
        // An error reply leaves the connection a varlink connection.
        #expect(try await third.getVersion().version == IoPodlink.podlinkVersion)
        await #expect(throws: IoPodlinkError.self) {
            try await client.resizeContainerTerminal(name: configured, rows: 24, columns: 80)
        }
        for connection in [connection, freshConnection, thirdConnection] { await connection.close() }
        await fixture.tearDown()
    }

    /// Pipelines a call, then AttachContainer with `upgrade` and the first stdin frame in the same write, then
    /// half-closes; prints the replies and the decoded frames.
    static let rawUpgrade = """
        import json, socket, struct, sys
        s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
        call = {"method": "io.podlink.AttachContainer", "upgrade": True,
                "parameters": {"name": sys.argv[2], "stdin": True, "start": True}}
        frame = b"piped\\n"
        s.sendall(b'{"method":"io.podlink.GetVersion"}\\0' + json.dumps(call).encode() + b"\\0"
                  + struct.pack(">BxxxI", 0, len(frame)) + frame)
        s.shutdown(socket.SHUT_WR)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk: break
            data += chunk
        first, rest = data.split(b"\\0", 1)
        second, rest = rest.split(b"\\0", 1)
        print(json.dumps(json.loads(first)))
        print(json.dumps(json.loads(second)))
        while rest:
            stream, length = struct.unpack(">BxxxI", rest[:8])
            print(stream, repr(rest[8:8 + length]))
            rest = rest[8 + length:]
        """

    @Test func theUpgradeRulesOnARawSocket() async throws {
        try await PodlinkdFixture.withClient { fixture, client in
            let id = try await client.createContainer(
                create: .init(image: "test:latest", command: ["cat"], stdin: true)
            ).container
            // Without `upgrade`: ExpectedUpgrade.
            let plain = await ChildProcess.run([
                "python3", "-c",
                """
                import socket, sys
                s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
                s.sendall(b'{"method":"io.podlink.AttachContainer","parameters":{"name":"x"}}\\0')
                print(s.recv(4096).rstrip(b"\\0").decode())
                """,
                fixture.socket,
            ])
            #expect(plain.output.contains("org.varlink.service.ExpectedUpgrade"), "\(plain)")
            // The call before it is answered first; the bytes after its NUL are the process's, not a call.
            let result = await ChildProcess.run(["python3", "-c", Self.rawUpgrade, fixture.socket, id])
            let lines = result.output.split(separator: "\n").map(String.init)
            #expect(lines.count == 4, "\(result)")
            #expect(lines.first?.contains("\"version\"") == true, "\(result)")
            #expect(lines.dropFirst().first?.contains("\"tty\": false") == true, "\(result)")
            #expect(lines.dropFirst(2).first == "1 b'piped\\n'", "\(result)")
            #expect(lines.last == "3 b'\\x00\\x00\\x00\\x00'", "\(result)")
        }
    }

    @Test func runInteractiveUnderARealTerminal() async throws {
        let fixture = try await PodlinkdFixture()
        let (_, connection) = try await fixture.clientWithImage()
        // The pane's size and a resize seen by `stty size`, output, ctrl-p,ctrl-q detaching (exit 0, the shell runs
        // on), `podlink attach` back into the same shell, and its exit code 3.
        let result = await ChildProcess.run(
            [
                PodlinkdFixture.repository + "/scripts/terminal-check.sh", PodlinkdFixture.products + "/podlink",
                "unix:\(fixture.socket)", "test:latest",
            ], timeout: 120)
        #expect(result.status == 0, "\(result)")
        await connection.close()
        await fixture.tearDown()
    }

    @Test func detachKeysAreCheckedAndLeaveTheContainerRunning() async throws {
        try await PodlinkdFixture.withClient { fixture, client in
            let id = try await client.createContainer(
                create: .init(image: "test:latest", command: ["sh"], tty: true, stdin: true)
            ).container
            let (attaching, own) = try await fixture.connect()
            await #expect { try await attaching.attachContainer(name: id, detachKeys: "ctrl-1", .upgrade) } throws: {
                error in
                if case .invalidArgument("detachKeys", _) = error as? IoPodlinkError { true } else { false }
            }
            #expect(try await client.inspectContainer(name: id).container.state.status != .running)
            // Own keys, split across writes: the bytes before them reach the shell, the stream ends, the shell runs on.
            let (reply, raw) = try await attaching.attachContainer(
                name: id, stdin: true, start: true, detachKeys: "ctrl-x,q", .upgrade)
            #expect(reply.tty)
            try await raw.write(Array("echo made > /detach-mark\n".utf8) + [0x18])
            try await raw.write(Array("q".utf8))
            while try await raw.read() != nil {}
            #expect(try await client.inspectContainer(name: id).container.state.status == .running)
            let mark = try await client.execContainer(
                name: id, command: ["sh", "-c", "while [ ! -s /detach-mark ]; do sleep 0.05; done; cat /detach-mark"])
            #expect(mark.stdout == "made\n")
            await own.close()
        }
    }
}
