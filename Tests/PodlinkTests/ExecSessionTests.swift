import Foundation
import PodlinkAPI
import PodlinkClient
import PodlinkTestSupport
import Testing
import Varlink
import VarlinkNIO

#if canImport(Glibc)
import Glibc
#endif

/// Exec sessions under conmon through the real socket: attached bytes and exit codes, detached sessions that
/// outlive the service, many at once, a terminal's size, the typed errors, and `podlink exec` at a real terminal.
@Suite(
    "Exec sessions", .enabled(if: PodlinkdFixture.available, "needs root, runc, conmon and podlinkd built"),
    .timeLimit(.minutes(3)))
struct ExecSessionTests {
    static func running(_ fixture: PodlinkdFixture, _ client: IoPodlinkClient) async throws -> String {
        let id = try await client.createContainer(create: .init(image: "test:latest", command: ["sleep", "1000"]))
            .container
        _ = try await client.startContainer(name: id)
        return id
    }

    static func isError(_ error: any Error, _ check: (IoPodlinkError) -> Bool) -> Bool {
        (error as? IoPodlinkError).map(check) ?? false
    }

    @Test func attachedSessionCarriesEveryByteAndItsExitCode() async throws {
        try await PodlinkdFixture.withClient { fixture, client in
            let container = try await Self.running(fixture, client)
            let session = try await client.createExecSession(
                name: container, command: ["sh", "-c", "cat; echo to-stderr >&2; exit 3"], stdin: true
            ).session
            let (attaching, own) = try await fixture.connect()
            let (reply, raw) = try await attaching.startExecSession(session: session, .upgrade)
            #expect(reply.session == session && !reply.tty)
            let bytes = (0..<4).flatMap { _ in (0...255).map(UInt8.init) }
            try await raw.write(AttachFrames.frame(AttachFrames.stdin, bytes))
            try await raw.closeWrite()
            let received = try await AttachTests.receive(raw)
            #expect(received.stdout == bytes)
            #expect(received.stderr == Array("to-stderr\n".utf8))
            #expect(received.exitCode == 3)
            let inspected = try await client.inspectExecSession(session: session).session
            #expect(inspected.state == .exited && inspected.exitCode == 3 && !inspected.running)
            #expect(try await client.waitExecSession(session: session).exitCode == 3)
            // Shown in the container's inspect.
            let listed = try await client.inspectContainer(name: container).container.execSessions
            #expect(listed.contains { $0.id == session && $0.exitCode == 3 })
            await own.close()
        }
    }

    @Test(
        arguments: [(["true"], 0), (["sh", "-c", "exit 1"], 1), (["/etc/hostname"], 126), (["nosuch"], 127)]
            as [([String], Int32)])
    func exitCodesOfSessions(_ command: [String], _ code: Int32) async throws {
        try await PodlinkdFixture.withClient { fixture, client in
            let container = try await Self.running(fixture, client)
            let session = try await client.createExecSession(name: container, command: command).session
            let (attaching, own) = try await fixture.connect()
            let (_, raw) = try await attaching.startExecSession(session: session, .upgrade)
            let received = try await AttachTests.receive(raw)
            #expect(received.exitCode == code)
            if code >= 126 { #expect(String(decoding: received.stderr, as: UTF8.self).contains("exec failed")) }
            await own.close()
        }
    }

    @Test func aSessionsEnvironmentReplacesTheContainers() async throws {
        try await PodlinkdFixture.withClient { fixture, client in
            let id = try await client.createContainer(
                create: .init(image: "test:latest", command: ["sleep", "1000"], env: ["FOO=container"])
            ).container
            _ = try await client.startContainer(name: id)
            let session = try await client.createExecSession(
                // env(1) prints the environment as the process got it (a shell would fold two FOO into one).
                name: id, command: ["env"], env: ["FOO=session"]
            ).session
            let (attaching, own) = try await fixture.connect()
            let (_, raw) = try await attaching.startExecSession(session: session, .upgrade)
            let received = try await AttachTests.receive(raw)
            let foo = String(decoding: received.stdout, as: UTF8.self).split(separator: "\n").filter {
                $0.hasPrefix("FOO=")
            }
            #expect(foo == ["FOO=session"])
            await own.close()
        }
    }

    @Test func aDetachedSessionOutlivesTheServiceAndKeepsItsExitCode() async throws {
        let fixture = try await PodlinkdFixture()
        let (client, connection) = try await fixture.clientWithImage()
        let container = try await Self.running(fixture, client)
        let session = try await client.createExecSession(
            name: container, command: ["sh", "-c", "while [ ! -e /go ]; do sleep 0.05; done; echo done; exit 7"]
        ).session
        // Without `upgrade`: detached.
        let reply = try await client.startExecSession(session: session)
        #expect(!reply.tty)
        #expect(try await client.inspectExecSession(session: session).session.running)
        await connection.close()
        await fixture.stop()
        try await fixture.start()
        let (again, reconnected) = try await fixture.connect()
        #expect(try await again.inspectExecSession(session: session).session.running)
        _ = try await again.execContainer(name: container, command: ["touch", "/go"])
        #expect(try await again.waitExecSession(session: session).exitCode == 7)
        let inspected = try await again.inspectExecSession(session: session).session
        #expect(inspected.state == .exited && inspected.exitCode == 7)
        await #expect { try await again.startExecSession(session: session) } throws: { error in
            Self.isError(error) { if case .execSessionInvalidState(_, .exited, "start") = $0 { true } else { false } }
        }
        await reconnected.close()
        await fixture.tearDown()
    }

    @Test func twentySessionsAtOnce() async throws {
        try await PodlinkdFixture.withClient { fixture, client in
            let container = try await Self.running(fixture, client)
            let codes = try await withThrowingTaskGroup(of: (Int, Int32?).self) { group in
                for index in 0..<20 {
                    group.addTask {
                        let (own, ownConnection) = try await fixture.connect()
                        let session = try await own.createExecSession(
                            name: container, command: ["sh", "-c", "echo session-\(index); exit \(index)"]
                        ).session
                        let (_, raw) = try await own.startExecSession(session: session, .upgrade)
                        let received = try await AttachTests.receive(raw)
                        await ownConnection.close()
                        #expect(String(decoding: received.stdout, as: UTF8.self) == "session-\(index)\n")
                        return (index, received.exitCode)
                    }
                }
                var codes: [Int: Int32?] = [:]
                for try await (index, code) in group { codes[index] = code }
                return codes
            }
            #expect(codes.count == 20)
            for (index, code) in codes { #expect(code == Int32(index)) }
            #expect(try await client.listExecSessions(name: container).sessions.count == 20)
        }
    }

    @Test func badSessionCallsGetTypedErrors() async throws {
        try await PodlinkdFixture.withClient { fixture, client in
            let container = try await Self.running(fixture, client)
            await #expect { try await client.inspectExecSession(session: "0123456789abcdef") } throws: { error in
                Self.isError(error) { if case .execSessionNotFound("0123456789abcdef") = $0 { true } else { false } }
            }
            await #expect { try await client.createExecSession(name: container, command: []) } throws: { error in
                Self.isError(error) { if case .invalidArgument("command", _) = $0 { true } else { false } }
            }
            await #expect {
                try await client.createExecSession(name: container, command: ["true"], detachKeys: "ctrl-?")
            } throws: { error in Self.isError(error) { if case .invalidArgument = $0 { true } else { false } } }
            // No terminal to resize; an ended session; a running one is removed only with force.
            let plain = try await client.createExecSession(name: container, command: ["sleep", "1000"]).session
            _ = try await client.startExecSession(session: plain)
            await #expect { try await client.resizeExecSession(session: plain, rows: 24, columns: 80) } throws: {
                error in
                Self.isError(error) { if case .invalidArgument("session", _) = $0 { true } else { false } }
            }
            await #expect { try await client.removeExecSession(session: plain) } throws: { error in
                Self.isError(error) {
                    if case .execSessionInvalidState(_, .running, "remove") = $0 { true } else { false }
                }
            }
            try await client.removeExecSession(session: plain, force: true)
            await #expect { try await client.inspectExecSession(session: plain) } throws: { error in
                Self.isError(error) { if case .execSessionNotFound = $0 { true } else { false } }
            }
            let ended = try await client.createExecSession(name: container, command: ["true"], tty: true).session
            _ = try await client.startExecSession(session: ended)
            #expect(try await client.waitExecSession(session: ended).exitCode == 0)
            await #expect { try await client.resizeExecSession(session: ended, rows: 24, columns: 80) } throws: {
                error in
                Self.isError(error) {
                    if case .execSessionInvalidState(_, .exited, "resize") = $0 { true } else { false }
                }
            }
            // A stopped container takes its sessions with it; none can be made in it.
            _ = try await client.stopContainer(name: container, timeout: 0)
            await #expect { try await client.createExecSession(name: container, command: ["true"]) } throws: { error in
                Self.isError(error) { if case .invalidState = $0 { true } else { false } }
            }
        }
    }

    @Test func aSilentProcessHoldsTheWriterBack() async throws {
        try await PodlinkdFixture.withClient { fixture, client in
            let container = try await Self.running(fixture, client)
            // stdin kept open, never read.
            let session = try await client.createExecSession(name: container, command: ["sleep", "1000"], stdin: true)
                .session
            let (attaching, own) = try await fixture.connect()
            let (_, raw) = try await attaching.startExecSession(session: session, .upgrade)
            let before = Self.residentKilobytes(fixture)
            let chunk = AttachFrames.frame(AttachFrames.stdin, [UInt8](repeating: 0x61, count: 1 << 20))
            let writer = Task {
                var sent = 0
                for _ in 0..<64 {
                    try await raw.write(chunk)
                    sent += 1
                }
                return sent
            }
            // The writer is held back well before 64 MiB are in: nothing buffers them.
            try await Task.sleep(for: .seconds(2))
            let grown = Self.residentKilobytes(fixture) - before
            #expect(grown < 24 * 1024, "podlinkd grew by \(grown) KiB")
            writer.cancel()
            await own.close()
            #expect((try? await writer.value).map { $0 < 64 } ?? true)
            try await client.removeExecSession(session: session, force: true)
        }
    }

    static func residentKilobytes(_ fixture: PodlinkdFixture) -> Int {
        guard let pid = fixture.process?.pid,
            let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    @Test func execInteractiveAtARealTerminal() async throws {
        try await PodlinkdFixture.withClient { fixture, client in
            let container = try await Self.running(fixture, client)
            // script(1) gives podlink a real terminal of 33 rows and 91 columns.
            let podlink = PodlinkdFixture.products + "/podlink"
            let result = await ChildProcess.run([
                "script", "-qec",
                "stty rows 33 cols 91; \(podlink) --url unix:\(fixture.socket) exec -it \(container) sh -c 'stty size; exit 6'",
                "/dev/null",
            ])
            #expect(result.status == 6, "\(result)")
            #expect(result.output.contains("33 91"), "\(result)")
        }
    }

    @Test func overTheBridge() async throws {
        try await PodlinkdFixture.withClient { fixture, client in
            let container = try await Self.running(fixture, client)
            let bridge =
                ([PodlinkdFixture.podlinkd, "--bridge", "--config", "/nonexistent"] + fixture.storageArguments)
                .joined(separator: " ")
            let podlink = PodlinkdFixture.products + "/podlink"
            let piped = await ChildProcess.run([
                "sh", "-c",
                "echo through the bridge | \(podlink) --bridge '\(bridge)' exec -i \(container) sh -c 'cat; exit 4'",
            ])
            #expect(piped.status == 4 && piped.output == "through the bridge\n", "\(piped)")
            let terminal = await ChildProcess.run([
                "script", "-qec",
                "stty rows 20 cols 70; \(podlink) --bridge '\(bridge)' exec -it \(container) sh -c 'stty size; exit 3'",
                "/dev/null",
            ])
            #expect(terminal.status == 3 && terminal.output.contains("20 70"), "\(terminal)")
        }
    }

    @Test func callersThatVanishMidStreamLeaveNothing() async throws {
        try await PodlinkdFixture.withClient { fixture, client in
            let container = try await Self.running(fixture, client)
            func descriptors() -> Int {
                guard let pid = fixture.process?.pid else { return -1 }
                return (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1
            }
            // One round first: whatever the service opens once (its database, watchers) is open after it.
            func vanish() async throws {
                // The end of the caller is the end of the session's input (as a half-close): cat ends, the shell not.
                let session = try await client.createExecSession(
                    name: container, command: ["sh", "-c", "cat; sleep 1000"], stdin: true
                ).session
                let (attaching, own) = try await fixture.connect()
                let (_, raw) = try await attaching.startExecSession(session: session, .upgrade)
                try await raw.write(AttachFrames.frame(AttachFrames.stdin, Array("half a line".utf8)))
                await own.close()
                #expect(try await client.inspectExecSession(session: session).session.running)
                try await client.removeExecSession(session: session, force: true)
            }
            try await vanish()
            let before = descriptors()
            for _ in 0..<10 { try await vanish() }
            // The pumps finish just after the sessions end; the count settles at once or soon.
            var after = descriptors()
            for _ in 0..<50 where after > before {
                try await Task.sleep(for: .milliseconds(100))
                after = descriptors()
            }
            #expect(after <= before, "podlinkd had \(before) descriptors, then \(after)")
            #expect(try await client.listExecSessions(name: container).sessions.isEmpty)
        }
    }
}
