import FoundationEssentials
import Glibc
import Testing

@testable import Engine

@Suite("Rules of operations")
struct OperationRulesTests {
    @Test("stop of a created container; Wait on a container being removed returns")
    func stopCreatedAndWaitRemoved() async throws {
        try await TestEngine.with { test in
            let engine = test.engine
            let id = try await test.create(["sleep", "1000"])
            try await engine.initContainer(id)
            try await engine.stopContainer(id)
            let state = try await engine.inspectContainer(id).state
            #expect(state.status == .stopped)
            #expect(try await engine.runc.state(id) == nil)
            #expect(state.mountCount == 0)
            // Stopped containers are initialised again.
            try await engine.initContainer(id)
            #expect(try await engine.inspectContainer(id).state.status == .created)
            try await engine.removeContainer(id, force: true)
            let other = try await test.create(["true"])
            let waiter = Task { try await engine.waitContainer(other) }
            try await Task.sleep(for: .milliseconds(100))
            try await engine.removeContainer(other)
            await expectEngineError(.noSuchContainer) { _ = try await waiter.value }
            // The same across engine instances (another process).
            let third = try await test.create(["true"])
            let sibling = try await test.sibling()
            let remote = Task { try await sibling.waitContainer(third) }
            try await Task.sleep(for: .milliseconds(100))
            try await engine.removeContainer(third)
            await expectEngineError(.noSuchContainer) { _ = try await remote.value }
        }
    }

    @Test("cleanup is refused while an exec session is recorded; allowed for an exited container")
    func cleanupRules() async throws {
        try await TestEngine.with { test in
            let engine = test.engine
            let id = try await test.create(["true"])
            try await engine.startContainer(id)
            _ = try await engine.waitContainer(id)
            try engine.store.saveExecSession(
                ExecSession(id: "e1", containerID: id, command: ["x"], state: .running, pid: 1),
                event: false)
            let error = await expectEngineError(.invalidState) { try await engine.cleanupContainer(id) }
            #expect(error?.operation?.contains("exec") == true)
            try engine.store.deleteExecSession("e1")
            try await engine.cleanupContainer(id)
            #expect(try await engine.events(EventFilter(actions: ["cleanup"], subject: id)).count == 1)
        }
    }

    @Test("create refuses a relative working directory and a bad host name")
    func createValidation() async throws {
        try await TestEngine.with { test in
            await expectEngineError(.invalidArgument) {
                _ = try await test.create(["true"]) { $0.workingDirectory = "tmp" }
            }
            await expectEngineError(.invalidArgument) { _ = try await test.create(["true"]) { $0.hostname = "a b" } }
            await expectEngineError(.invalidArgument) {
                _ = try await test.create(["true"]) { $0.environment = ["NOEQUALS"] }
            }
            await expectEngineError(.noSuchContainer) {
                _ = try await test.create(["true"]) { $0.dependencies = ["ghost"] }
            }
            let containers = try await test.engine.listContainers()
            #expect(containers.isEmpty)
        }
    }

    @Test("removing an image with force removes its containers")
    func forceRemoveImage() async throws {
        try await TestEngine.with { test in
            let engine = test.engine
            let running = try await test.create(["sleep", "1000"])
            try await engine.startContainer(running)
            _ = try await test.create(["true"])
            let error = await expectEngineError(.imageInUse) { try await engine.removeImage("busybox") }
            #expect(error?.names.count == 2)
            try await engine.removeImage("busybox", force: true)
            #expect(try await engine.listContainers().isEmpty)
            #expect(try await engine.listImages().isEmpty)
        }
    }

    @Test("events are queryable by time, kind and action")
    func eventQueries() async throws {
        try await TestEngine.with { test in
            let engine = test.engine
            let first = try await test.create(["true"])
            try await Task.sleep(for: .milliseconds(20))
            let middle = Date()
            let second = try await test.create(["true"])
            try await engine.startContainer(second)
            _ = try await engine.waitContainer(second)
            let later = try await engine.events(EventFilter(since: middle, kinds: [.container]))
            #expect(later.map(\.action) == ["create", "init", "start", "died"])
            #expect(later.allSatisfy { $0.id == second })
            let before = try await engine.events(EventFilter(until: middle, kinds: [.container]))
            #expect(before.map(\.id) == [first])
            #expect(try await engine.events(EventFilter(kinds: [.image])).map(\.action) == ["load"])
            #expect(try await engine.events(EventFilter(kinds: [.container], actions: ["create"])).count == 2)
        }
    }

    @Test("two engines on one store serialise operations on a container through its lock")
    func twoEnginesOneContainer() async throws {
        try await TestEngine.with { test in
            let other = try await test.sibling()
            let id = try await test.create(["sleep", "1000"])
            let engines = [test.engine, other]
            let failures = await withTaskGroup(of: EngineError?.self) { group in
                for engine in engines {
                    group.addTask {
                        do {
                            try await engine.startContainer(id)
                            return nil
                        } catch {
                            return error as? EngineError ?? .internalError("\(error)")
                        }
                    }
                }
                var failures: [EngineError] = []
                for await failure in group { if let failure { failures.append(failure) } }
                return failures
            }
            // Exactly one start wins; the other sees the running state, never a half-made container.
            #expect(failures.count == 1)
            #expect(failures.first?.code == .invalidState)
            #expect(try await other.inspectContainer(id).state.status == .running)
        }
    }
}

@Suite("A store and its run root")
struct StoreBindingTests {
    @Test("a store refuses a run root other than the one it was made with")
    func anotherRunRootIsRefused() async throws {
        try await TestEngine.with(loadImage: false) { test in
            var options = test.options
            options.runRoot = test.directory + "/other-run"
            let error = await expectEngineError(.invalidArgument) { _ = try await Engine(options: options) }
            #expect(error?.subject == "run_root")
            let sibling = try await test.sibling()
            #expect(sibling.options.runRoot == test.options.runRoot)
        }
    }
}

@Suite("Removing trees")
struct RemoveTreeTests {
    @Test("a tree deeper than PATH_MAX, with links that lead out, is removed and nothing outside it")
    func deepTree() throws {
        let base = TestEngine.root + "/podlink-deep-" + String(Identifier.random().prefix(8))
        try FileSystem.makeDirectories(base + "/outside")
        try FileSystem.write(base + "/outside/kept", "kept\n")
        try FileSystem.makeDirectories(base + "/tree")
        // 300 levels of 30-character names: 9,300 bytes of path, past PATH_MAX (4,096).
        var fd = open(base + "/tree", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        #expect(fd >= 0)
        let name = String(repeating: "d", count: 30)
        for level in 0..<300 {
            #expect(mkdirat(fd, name, 0o755) == 0)
            if level % 50 == 0 { #expect(symlinkat(base + "/outside", fd, "link\(level)") == 0) }
            let next = openat(fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            close(fd)
            fd = next
        }
        let file = openat(fd, "file", O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        close(file)
        close(fd)
        try FileSystem.removeTree(base + "/tree")
        #expect(!FileSystem.exists(base + "/tree"))
        #expect(FileSystem.readText(base + "/outside/kept") == "kept\n")
        try FileSystem.removeTree(base)
        #expect(!FileSystem.exists(base))
    }
}

@Suite("Logs of chatty containers")
struct LogLimitTests {
    @Test("a container's log never grows past the limit given to conmon")
    func logSizeIsBounded() async throws {
        try await TestEngine.with { test in
            var options = test.options
            options.logSizeMax = 64 << 10
            let engine = try await Engine(options: options)
            // About 1.1 MiB of output: seventeen times the limit.
            let id = try await engine.createContainer(
                ContainerCreateOptions(
                    image: "busybox",
                    command: [
                        "sh", "-c",
                        "i=0; while [ $i -lt 20000 ]; do echo line-$i-padding-padding-padding; i=$((i+1)); done",
                    ]))
            try await engine.startContainer(id)
            #expect(try await engine.waitContainer(id) == 0)
            var info = stat()
            #expect(stat(engine.paths(id).log, &info) == 0)
            #expect(info.st_size <= 64 << 10, "the log holds \(info.st_size) bytes")
            #expect(try await engine.logs(id).last?.text == "line-19999-padding-padding-padding")
        }
    }
}
