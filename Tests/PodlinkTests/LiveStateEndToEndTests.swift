import Foundation
import PodlinkAPI
import PodlinkClient
import PodlinkTestSupport
import Testing
import Varlink
import VarlinkNIO

/// Live container state through the real socket, with a service nothing else touches: exits seen as they happen,
/// while no service runs, restart policies and waits for states.
@Suite(
    "Live state end to end", .enabled(if: PodlinkdFixture.available, "needs root, runc, conmon and podlinkd built"),
    .timeLimit(.minutes(3)))
struct LiveStateEndToEndTests {
    static var podlink: String { PodlinkdFixture.products + "/podlink" }

    static func podlink(_ fixture: PodlinkdFixture, _ arguments: String...) async -> CommandResult {
        await podlink(fixture, arguments)
    }

    static func podlink(_ fixture: PodlinkdFixture, _ arguments: [String]) async -> CommandResult {
        await ChildProcess.run([podlink, "--url", "unix:\(fixture.socket)"] + arguments, timeout: 60)
    }

    @Test func theReadmesRunReturnsAtOnce() async throws {
        let fixture = try await PodlinkdFixture()
        #expect(await Self.podlink(fixture, "load", "-i", PodlinkdFixture.image, "busybox").status == 0)
        let hello = await Self.podlink(fixture, "run", "--rm", "busybox", "echo", "hello")
        #expect(hello.status == 0, "\(hello)")
        #expect(hello.output == "hello\n", "\(hello)")
        #expect(await Self.podlink(fixture, "ps", "-a", "-q").output.isEmpty, "--rm removes the container")
        let three = await Self.podlink(fixture, "run", "busybox", "sh", "-c", "exit 3")
        #expect(three.status == 3, "\(three)")
        await fixture.tearDown()
    }

    @Test func psShowsAnExitWithNoCallInBetween() async throws {
        let fixture = try await PodlinkdFixture()
        #expect(await Self.podlink(fixture, "load", "-i", PodlinkdFixture.image, "busybox").status == 0)
        let started = await Self.podlink(fixture, "run", "-d", "--name", "quick", "busybox", "true")
        #expect(started.status == 0, "\(started)")
        // No call at all until the store (read without the service) says exited: the service records the exit
        // by itself, and ps shows what the store says.
        var stored = ""
        for _ in 0..<300 {
            stored = await Self.storedState(fixture, name: "quick")
            if stored.hasPrefix("exited") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(stored == "exited 0 False", "\(stored)")
        let ps = await Self.podlink(fixture, "ps", "-a")
        #expect(ps.output.contains("Exited (0)"), "\(ps)")
        await fixture.tearDown()
    }

    /// The container's stored state, read from the store's file with python's sqlite3 (no service involved).
    static func storedState(_ fixture: PodlinkdFixture, name: String) async -> String {
        let script = """
            import json, sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            for state, config in db.execute("SELECT state, config FROM containers"):
                if json.loads(config)["name"] == sys.argv[2]:
                    s = json.loads(state)
                    print(s["status"], s.get("exitCode"), s.get("inRuntime"))
            """
        let result = await ChildProcess.run([
            "python3", "-c", script, fixture.directory + "/storage/state.db", name,
        ])
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func anExitWhileNoServiceRunsIsRecordedByTheExitCommand() async throws {
        let fixture = try await PodlinkdFixture()
        let (client, connection) = try await fixture.clientWithImage()
        let id = try await client.createContainer(
            create: .init(image: "test:latest", name: "late", command: ["sleep", "1000"])
        ).container
        _ = try await client.startContainer(name: id)
        await connection.close()
        await fixture.stop()
        #expect(await Self.storedState(fixture, name: "late") == "running None True")
        let bundle = fixture.directory + "/storage/containers/\(id)/userdata"
        let conmon = try String(contentsOfFile: bundle + "/conmon.pid", encoding: .utf8).filter(\.isNumber)
        let runc = await ChildProcess.run([
            "runc", "--root", fixture.directory + "/run/runc", "kill", id, "KILL",
        ])
        #expect(runc.status == 0, "\(runc)")
        // conmon waits for its exit command to finish before it exits itself.
        #expect(await ChildProcess.waitForEnd(of: Int32(conmon) ?? 0, timeout: 30), "conmon \(conmon) did not end")
        #expect(await Self.storedState(fixture, name: "late") == "exited 137 False")
        try await fixture.start()
        let (again, second) = try await fixture.connect()
        let container = try await again.getContainer(id: id).container
        #expect(container.status == .exited && container.exitCode == 137)
        await second.close()
        await fixture.tearDown()
    }

    /// conmon's exit command opens storage a service made and never makes it: a container that ends while its
    /// storage is gone (being removed) leaves no new database behind.
    @Test func anExitCommandNeverMakesStorage() async throws {
        try await withTearDown(try await PodlinkdFixture(), tearDown: { await $0.tearDown() }) { fixture in
            let (client, connection) = try await fixture.clientWithImage()
            let id = try await client.createContainer(create: .init(image: "test:latest", command: ["sleep", "1000"]))
                .container
            _ = try await client.startContainer(name: id)
            await connection.close()
            await fixture.stop()
            let database = fixture.directory + "/storage/state.db"
            try FileManager.default.moveItem(atPath: database, toPath: database + ".away")
            let conmon = try String(
                contentsOfFile: fixture.directory + "/storage/containers/\(id)/userdata/conmon.pid", encoding: .utf8
            ).filter(\.isNumber)
            let runc = await ChildProcess.run(["runc", "--root", fixture.directory + "/run/runc", "kill", id, "KILL"])
            #expect(runc.status == 0, "\(runc)")
            #expect(await ChildProcess.waitForEnd(of: Int32(conmon) ?? 0, timeout: 30), "conmon \(conmon) did not end")
            let made = FileManager.default.fileExists(atPath: database)
            #expect(!made, "the exit command made a database")
            if made { try FileManager.default.removeItem(atPath: database) }
            try FileManager.default.moveItem(atPath: database + ".away", toPath: database)
            // The next service finds the exit the command could not record.
            try await fixture.start()
            let (again, second) = try await fixture.connect()
            let container = try await again.getContainer(id: id).container
            #expect(container.status == .exited && container.exitCode == 137, "\(container)")
            await second.close()
        }
    }

    @Test func restartPoliciesThroughTheSocket() async throws {
        let fixture = try await PodlinkdFixture()
        #expect(await Self.podlink(fixture, "load", "-i", PodlinkdFixture.image, "busybox").status == 0)
        let run = await Self.podlink(
            fixture, "run", "-d", "--name", "flaky", "--restart", "on-failure:2", "busybox", "sh", "-c", "exit 1")
        #expect(run.status == 0, "\(run)")
        // The endless event stream on a connection of its own: a connection answers its calls in order.
        let (events, stream) = try await fixture.connect()
        var died = 0
        for try await reply in events.getEvents(actions: ["died"], object: "flaky", .more) {
            died += reply.events.count
            if died >= 3 { break }
        }
        await stream.close()
        let (client, connection) = try await fixture.connect()
        let inspect = try await client.inspectContainer(name: "flaky").container
        #expect(inspect.state.status == .exited && inspect.state.restartCount == 2)
        #expect(inspect.config.restart == "on-failure:2")
        await #expect(throws: IoPodlinkError.self) {
            _ = try await client.createContainer(create: .init(image: "test:latest", restart: "sometimes"))
        }
        do {
            _ = try await client.createContainer(create: .init(image: "busybox", restart: "on-failure:-2"))
        } catch let error as IoPodlinkError {
            guard case .invalidArgument(let argument, _) = error else {
                Issue.record("got \(error)")
                return
            }
            #expect(argument == "restart")
        }
        let bad = await Self.podlink(fixture, "run", "--restart", "sometimes", "busybox", "true")
        #expect(bad.status == 125 && bad.error.contains("restart"), "\(bad)")
        await connection.close()
        await fixture.tearDown()
    }

    @Test func waitConditionsThroughTheSocket() async throws {
        let fixture = try await PodlinkdFixture()
        let (client, connection) = try await fixture.clientWithImage()
        let id = try await client.createContainer(create: .init(image: "test:latest", command: ["sleep", "1000"]))
            .container
        // Each wait on a connection of its own: a connection answers its calls in order.
        func waiter(_ condition: IoPodlink.WaitCondition) -> Task<IoPodlink.WaitCondition, any Error> {
            Task {
                let (waiting, own) = try await fixture.connect()
                defer { Task { await own.close() } }
                return try await waiting.waitContainer(name: id, conditions: [condition]).condition
            }
        }
        let running = waiter(.running)
        let paused = waiter(.paused)
        let removed = waiter(.removed)
        _ = try await client.startContainer(name: id)
        #expect(try await running.value == .running)
        _ = try await client.pauseContainer(name: id)
        #expect(try await paused.value == .paused)
        _ = try await client.removeContainer(name: id, force: true)
        #expect(try await removed.value == .removed)
        await connection.close()
        await fixture.tearDown()
    }

    /// A stop's grace period is kept whether its caller leaves at once (often before its credentials are checked)
    /// or once the container has its SIGTERM: the handler's exit code, 5, says no SIGKILL (137) came.
    @Test(arguments: [false, true])
    func aStopWhoseCallerLeavesKeepsItsGracePeriod(leavesAfterTheSignal: Bool) async throws {
        try await PodlinkdFixture.withClient { fixture, client in
            let script = "trap 'echo term; sleep 1; exit 5' TERM; echo ready; while true; do sleep 0.05; done"
            let id = try await client.createContainer(
                create: .init(image: "test:latest", command: ["sh", "-c", script])
            ).container
            _ = try await client.startContainer(name: id)
            let logs = client.getContainerLogs(name: id, .more)
            var lines = logs.makeAsyncIterator()
            // The handler is set once the script says so.
            while let reply = try await lines.next(), !reply.lines.contains(where: { $0.text == "ready" }) {}
            let leaving = try RawSocket(path: fixture.socket)
            leaving.send(#"{"method":"io.podlink.StopContainer","parameters":{"name":"\#(id)","timeout":30}}"# + "\0")
            if leavesAfterTheSignal {
                while let reply = try await lines.next(), !reply.lines.contains(where: { $0.text == "term" }) {}
            }
            leaving.close()
            #expect(try await withTimeout(seconds: 30) { try await client.waitContainer(name: id).exitcode } == 5)
            #expect(try await client.inspectContainer(name: id).container.state.stoppedByUser)
        }
    }
}
