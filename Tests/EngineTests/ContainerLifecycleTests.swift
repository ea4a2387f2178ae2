import FoundationEssentials
import Glibc
import Testing

@testable import Engine

@Suite("Container lifecycle")
struct ContainerLifecycleTests {
    @Test("exit codes 0 and 42 come back from Wait", arguments: [("true", Int32(0)), ("exit 42", Int32(42))])
    func exitCodes(script: String, code: Int32) async throws {
        try await TestEngine.with { test in
            let id = try await test.create(["/bin/sh", "-c", script])
            try await test.engine.startContainer(id)
            #expect(try await test.engine.waitContainer(id) == code)
            let inspect = try await test.engine.inspectContainer(id)
            #expect(inspect.state.status == .exited)
            #expect(inspect.state.exitCode == code)
            #expect(inspect.state.finishedAt != nil)
            #expect(inspect.state.mountCount == 0)
            #expect(!RootFilesystem.isMountPoint(test.options.storageRoot + "/containers/\(id)/merged"))
            // A container that exited can be started again.
            try await test.engine.startContainer(id)
            #expect(try await test.engine.waitContainer(id) == code)
        }
    }

    @Test("SIGKILL gives 137; kill is refused when not running")
    func killed() async throws {
        try await TestEngine.with { test in
            let id = try await test.create(["sleep", "1000"])
            await expectEngineError(.invalidState) { try await test.engine.killContainer(id) }
            try await test.engine.startContainer(id)
            try await test.engine.killContainer(id, signal: Int(SIGKILL))
            #expect(try await test.engine.waitContainer(id) == 137)
            let error = await expectEngineError(.invalidState) { try await test.engine.killContainer(id) }
            #expect(error?.state == .exited)
            #expect(error?.operation == "kill")
            let actions = try await test.engine.events(EventFilter(subject: id)).map(\.action)
            #expect(actions == ["create", "init", "start", "kill", "died"])
            let die = try await test.engine.events(EventFilter(actions: ["died"], subject: id))
            #expect(die.first?.attributes["exitCode"] == "137")
        }
    }

    @Test("stop escalates to SIGKILL for a PID 1 that ignores SIGTERM", .timeLimit(.minutes(1)))
    func stopEscalates() async throws {
        try await TestEngine.with { test in
            // Its own grace period is a day: a stop that waited for it, not the 1 s given, passes the time limit.
            let id = try await test.create(["sleep", "1000"]) { $0.stopTimeout = 86_400 }
            try await test.engine.startContainer(id)
            let clock = ContinuousClock()
            let start = clock.now
            try await test.engine.stopContainer(id, timeout: 1)
            // The grace period given was waited; 137 says SIGKILL ended it.
            #expect(clock.now - start >= .seconds(1))
            let inspect = try await test.engine.inspectContainer(id)
            #expect(inspect.state.status == .stopped)
            #expect(inspect.state.exitCode == 137)
            await expectEngineError(.alreadyStopped) { try await test.engine.stopContainer(id) }
        }
    }

    @Test(
        "stop with a handled SIGTERM exits by the handler; timeout 0 kills at once", .timeLimit(.minutes(1)))
    func stopGraceful() async throws {
        try await TestEngine.with { test in
            let graceful = try await test.create([
                "/bin/sh", "-c", "trap 'exit 5' TERM; echo ready; while true; do sleep 0.05; done",
            ])
            try await test.engine.startContainer(graceful)
            // The handler is set once the script says so: wait for its line, not for a while.
            for try await batch in try await test.engine.logBatches(graceful, follow: true)
            where batch.contains(where: { $0.text == "ready" }) { break }
            try await test.engine.stopContainer(graceful, timeout: 3600)
            // 5 is the handler's code: the process ended on SIGTERM, not on a SIGKILL after the grace period.
            #expect(try await test.engine.inspectContainer(graceful).state.exitCode == 5)
            // Its own grace period is a day: a stop that waited for it would pass the test's time limit.
            let hard = try await test.create(["sleep", "1000"]) { $0.stopTimeout = 86_400 }
            try await test.engine.startContainer(hard)
            try await test.engine.stopContainer(hard, timeout: 0)
            #expect(try await test.engine.inspectContainer(hard).state.exitCode == 137)
        }
    }

    @Test(
        "a forced remove of a container with many processes waits for its pid namespace to empty",
        .timeLimit(.minutes(1)))
    func forcedRemoveOfManyProcesses() async throws {
        try await TestEngine.with { test in
            for _ in 0..<3 {
                // 200 processes besides init: they die after it, not with it.
                let id = try await test.create([
                    "/bin/sh", "-c", "for i in $(seq 200); do sleep 1000 & done; echo up; wait",
                ])
                try await test.engine.startContainer(id)
                for try await batch in try await test.engine.logBatches(id, follow: true)
                where batch.contains(where: { $0.text == "up" }) { break }
                try await test.engine.removeContainer(id, force: true)
                await expectEngineError(.noSuchContainer) { try await test.engine.inspectContainer(id) }
                for controller in ["pids", "memory", "cpu"] {
                    #expect(!FileSystem.exists("/sys/fs/cgroup/\(controller)/podlink/\(id)"))
                }
            }
        }
    }

    @Test("state rules: init, start, names, no such container")
    func stateRules() async throws {
        try await TestEngine.with { test in
            let engine = test.engine
            let id = try await test.create(["sleep", "1000"], name: "sleeper")
            await expectEngineError(.nameInUse) { _ = try await test.create(["true"], name: "sleeper") }
            await expectEngineError(.invalidArgument) { _ = try await test.create(["true"], name: "bad/name") }
            await expectEngineError(.noSuchContainer) { try await engine.startContainer("missing") }
            await expectEngineError(.noSuchImage) {
                _ = try await engine.createContainer(ContainerCreateOptions(image: "nope"))
            }
            #expect(try await engine.inspectContainer("sleeper").state.status == .configured)
            await expectEngineError(.alreadyStopped) { try await engine.stopContainer("sleeper") }
            try await engine.initContainer("sleeper")
            #expect(try await engine.inspectContainer(id).state.status == .created)
            #expect(try await engine.inspectContainer(id).state.pid > 0)
            await expectEngineError(.invalidState) { try await engine.initContainer(id) }
            try await engine.startContainer(String(id.prefix(10)))
            #expect(try await engine.inspectContainer(id).state.status == .running)
            await expectEngineError(.invalidState) { try await engine.startContainer(id) }
            await expectEngineError(.invalidState) { try await engine.removeContainer(id) }
            await expectEngineError(.invalidState) { try await engine.cleanupContainer(id) }
            try await engine.removeContainer(id, force: true)
            await expectEngineError(.noSuchContainer) { _ = try await engine.inspectContainer(id) }
            #expect(!FileSystem.exists(test.options.storageRoot + "/containers/" + id))
            let generated = try await test.create(["true"])
            #expect(try await engine.inspectContainer(generated).config.name.contains("_"))
        }
    }

    @Test("config from the image, overrides, and a failed start leaves nothing behind")
    func configAndFailedStart() async throws {
        try await TestEngine.with { test in
            let engine = test.engine
            let id = try await engine.createContainer(
                ContainerCreateOptions(
                    image: "busybox", command: ["/bin/sh", "-c", "echo $FIXTURE $EXTRA; id -u; pwd"],
                    environment: ["EXTRA=yes"], workingDirectory: "/tmp", user: "nobody", labels: ["a": "b"]))
            let config = try await engine.inspectContainer(id).config
            #expect(config.environment.contains("FIXTURE=1"))
            #expect(config.labels == ["org.podlink.test": "1", "a": "b"])
            try await engine.startContainer(id)
            #expect(try await engine.waitContainer(id) == 0)
            let log = FileSystem.readText(try await engine.inspectContainer(id).logPath) ?? ""
            #expect(log.contains("stdout F 1 yes"))
            #expect(log.contains("stdout F 65534"))
            #expect(log.contains("stdout F /tmp"))
            let broken = try await test.create(["/no/such/binary"])
            let error = await expectEngineError(.runtimeError) { try await engine.startContainer(broken) }
            #expect(error?.message.contains("no such file") == true || error?.message.contains("not found") == true)
            let state = try await engine.inspectContainer(broken).state
            #expect(state.status == .configured)
            #expect(state.mountCount == 0)
            #expect(try await engine.runc.state(broken) == nil)
        }
    }

    @Test("dependencies must run first; a container with dependents cannot be removed")
    func dependencies() async throws {
        try await TestEngine.with { test in
            let engine = test.engine
            let base = try await test.create(["sleep", "1000"], name: "base")
            let app = try await test.create(["sleep", "1000"], name: "app") { $0.dependencies = ["base"] }
            let error = await expectEngineError(.dependenciesNotRunning) { try await engine.startContainer(app) }
            #expect(error?.names == ["base"])
            try await engine.startContainer(base)
            try await engine.startContainer(app)
            #expect(try await engine.inspectContainer(app).dependencyNames == ["base"])
            await expectEngineError(.invalidState) { try await engine.removeContainer(base, force: true) }
            try await engine.removeContainer(app, force: true)
            try await engine.removeContainer(base, force: true)
        }
    }

    @Test("Wait from a second engine instance")
    func waitFromSecondInstance() async throws {
        try await TestEngine.with { test in
            let id = try await test.create(["/bin/sh", "-c", "sleep 0.5; exit 3"])
            let other = try await test.sibling()
            let waiter = Task { try await other.waitContainer(id) }
            try await Task.sleep(for: .milliseconds(100))
            try await test.engine.startContainer(id)
            #expect(try await waiter.value == 3)
            #expect(try await test.engine.inspectContainer(id).state.status == .exited)
            #expect(try await test.engine.waitContainer(id) == 3)
        }
    }

    @Test("a container outlives the engine that started it; another records its exit")
    func outlivesEngine() async throws {
        let test = try await TestEngine.make()
        defer { Task { await test.tearDown() } }
        var first: Engine? = try await test.sibling()
        // It ends when the test says so: a file appears in its root filesystem.
        let id = try await first!.createContainer(
            ContainerCreateOptions(
                image: "busybox",
                command: ["/bin/sh", "-c", "while [ ! -e /tmp/go ]; do sleep 0.05; done; exit 7"]))
        try await first!.startContainer(id)
        first = nil
        let second = try await test.sibling()
        #expect(try await second.inspectContainer(id).state.status == .running)
        try FileSystem.write(test.options.storageRoot + "/containers/\(id)/merged/tmp/go", "")
        #expect(try await second.waitContainer(id) == 7)
        #expect(try await second.inspectContainer(id).state.exitCode == 7)
    }

    @Test("20 containers started in parallel")
    func parallel() async throws {
        try await TestEngine.with { test in
            let engine = test.engine
            let codes = try await withThrowingTaskGroup(of: Int32.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        let id = try await engine.createContainer(
                            ContainerCreateOptions(image: "busybox", command: ["/bin/sh", "-c", "exit \(index)"]))
                        try await engine.startContainer(id)
                        let code = try await engine.waitContainer(id)
                        try await engine.removeContainer(id)
                        return code
                    }
                }
                var codes: [Int32] = []
                for try await code in group { codes.append(code) }
                return codes
            }
            #expect(codes.sorted() == Array(0..<20))
            #expect(try await engine.listContainers().isEmpty)
        }
    }

    @Test("create+start+wait+remove of true, repeated, leaves nothing behind")
    func hotPath() async throws {
        // Its speed is measured by `make bench-exit` and the engine benchmark, not here.
        try await TestEngine.with { test in
            let engine = test.engine
            for _ in 0..<12 {
                let id = try await engine.createContainer(ContainerCreateOptions(image: "busybox", command: ["true"]))
                try await engine.startContainer(id)
                #expect(try await engine.waitContainer(id) == 0)
                try await engine.removeContainer(id)
            }
            #expect(try await engine.listContainers().isEmpty)
        }
    }
}
