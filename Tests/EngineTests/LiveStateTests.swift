import FoundationEssentials
import Glibc
import Synchronization
import Testing

@testable import Engine

/// Exits recorded as they happen, restart policies, and waits for states: with no call touching the container.
@Suite("Live state", .timeLimit(.minutes(2)))
struct LiveStateTests {
    /// Collects the container's events until `last` (inclusive).
    static func events(
        _ engine: Engine, of id: String, until last: EngineEvent.Action, count: Int = 1
    ) async throws -> [EngineEvent] {
        var seen: [EngineEvent] = []
        var left = count
        for try await event in try await engine.followEvents(EventFilter(subject: id)) {
            seen.append(event)
            if event.action == last {
                left -= 1
                if left == 0 { break }
            }
        }
        return seen
    }

    @Test("an exit is recorded, cleaned up and announced without any call on the container")
    func exitIsAnEvent() async throws {
        try await TestEngine.with { test in
            let id = try await test.create(["true"])
            try await test.engine.startContainer(id)
            let seen = try await Self.events(test.engine, of: id, until: .died)
            #expect(seen.last?.attributes["exitCode"] == "0")
            // The stored record, read past the engine's live view.
            let stored = try test.engine.store.container(id).state
            #expect(stored.status == .exited)
            #expect(stored.exitCode == 0)
            #expect(!stored.inRuntime && stored.mountCount == 0)
            #expect(!RootFilesystem.isMountPoint(test.options.storageRoot + "/containers/\(id)/merged"))
            #expect(try await test.engine.runc.state(id) == nil)
            if let finished = stored.finishedAt, let died = seen.last?.time {
                print("exit to stored: \(Int(died.timeIntervalSince(finished) * 1000)) ms")
            }
        }
    }

    @Test("exit handling of a container that does not exist, or a second time, changes nothing")
    func exitHandlingIsIdempotent() async throws {
        try await TestEngine.with { test in
            #expect(await test.engine.containerExited(String(repeating: "0", count: 64)) == false)
            let id = try await test.create(["sh", "-c", "exit 4"])
            try await test.engine.startContainer(id)
            #expect(try await test.engine.waitContainer(id) == 4)
            let before = try await test.engine.events(EventFilter(subject: id))
            #expect(await test.engine.containerExited(id) == false)
            #expect(await test.engine.containerExited(id) == false)
            #expect(try await test.engine.events(EventFilter(subject: id)) == before)
            #expect(before.filter { $0.action == .died }.count == 1)
        }
    }

    @Test("reads never show a finished process as running, even before its exit is recorded")
    func readsAreLive() async throws {
        // An engine that does not record exits by itself: only the exit file says the process ended.
        try await TestEngine.with(handlesExits: false) { test in
            let id = try await test.create(["sh", "-c", "exit 5"])
            try await test.engine.startContainer(id)
            _ = await test.engine.exits.wait(id, timeout: .seconds(10))
            #expect(try test.engine.store.container(id).state.status == .running)
            #expect(try await test.engine.inspectContainer(id).state.status == .exited)
            #expect(try await test.engine.inspectContainer(id).state.exitCode == 5)
            #expect(try await test.engine.listContainers().first { $0.id == id }?.status == .exited)
        }
    }

    @Test("on-failure:2 restarts a failing container twice, then leaves it exited")
    func onFailureRestartsTwice() async throws {
        try await TestEngine.with { test in
            let id = try await test.create(["sh", "-c", "exit 1"]) { $0.restartPolicy = "on-failure:2" }
            try await test.engine.startContainer(id)
            let seen = try await Self.events(test.engine, of: id, until: .died, count: 3)
            #expect(seen.map(\.action).filter { $0 == .restart }.count == 2)
            #expect(seen.first { $0.action == .restart }?.attributes["policy"] == "on-failure:2")
            let state = try await test.engine.inspectContainer(id).state
            #expect(state.status == .exited && state.exitCode == 1)
            #expect(state.restartCount == 2 && state.policyRestarts == 2)
            // Exhausted: no restart is due or scheduled.
            #expect(Engine.restartPlan(try test.engine.store.container(id)) == nil)
            #expect(test.engine.pendingRestarts.withLock { $0.isEmpty })
        }
    }

    @Test("on-failure does not restart a success; always restarts one")
    func onFailureLeavesSuccess() async throws {
        try await TestEngine.with { test in
            let quiet = try await test.create(["true"]) { $0.restartPolicy = "on-failure" }
            try await test.engine.startContainer(quiet)
            #expect(try await test.engine.waitContainer(quiet) == 0)
            #expect(Engine.restartPlan(try test.engine.store.container(quiet)) == nil)
            let always = try await test.create(["true"]) { $0.restartPolicy = "always" }
            try await test.engine.startContainer(always)
            let seen = try await Self.events(test.engine, of: always, until: .start, count: 2)
            #expect(seen.contains { $0.action == .restart })
            _ = try? await test.engine.stopContainer(always, timeout: 0)
        }
    }

    @Test("a caller's stop or kill never leads to a restart")
    func callersStopIsFinal() async throws {
        try await TestEngine.with { test in
            let stopped = try await test.create(["sleep", "1000"]) { $0.restartPolicy = "always" }
            try await test.engine.startContainer(stopped)
            try await test.engine.stopContainer(stopped, timeout: 0)
            let record = try test.engine.store.container(stopped)
            #expect(record.state.status == .stopped && record.state.stoppedByUser)
            #expect(Engine.restartPlan(record) == nil)
            let killed = try await test.create(["sleep", "1000"]) { $0.restartPolicy = "unless-stopped" }
            try await test.engine.startContainer(killed)
            try await test.engine.killContainer(killed, signal: Int(SIGKILL))
            #expect(try await test.engine.waitContainer(killed) == 137)
            #expect(Engine.restartPlan(try test.engine.store.container(killed)) == nil)
            #expect(test.engine.pendingRestarts.withLock { $0.isEmpty })
            // A caller's start forgets the stop.
            try await test.engine.startContainer(stopped)
            #expect(try test.engine.store.container(stopped).state.stoppedByUser == false)
            try await test.engine.stopContainer(stopped, timeout: 0)
        }
    }

    @Test("after a reboot: always comes back, unless-stopped comes back unless a caller stopped it")
    func policiesAfterReboot() async throws {
        let first = try await TestEngine.make(handlesExits: false)
        let engine = first.engine
        let always = try await first.create(["sleep", "1000"], name: "always") { $0.restartPolicy = "always" }
        let stoppedAlways = try await first.create(["sleep", "1000"], name: "stopped-always") {
            $0.restartPolicy = "always"
        }
        let unless = try await first.create(["sleep", "1000"], name: "unless") { $0.restartPolicy = "unless-stopped" }
        let stoppedUnless = try await first.create(["sleep", "1000"], name: "stopped-unless") {
            $0.restartPolicy = "unless-stopped"
        }
        let plain = try await first.create(["sleep", "1000"], name: "plain")
        for id in [always, stoppedAlways, unless, stoppedUnless, plain] { try await engine.startContainer(id) }
        for id in [stoppedAlways, stoppedUnless] { try await engine.stopContainer(id, timeout: 0) }
        // The "reboot": every process and mount is gone, the run root is cleared.
        let test = try await first.reboot(killing: [always, unless, plain])
        let rebooted = test.engine
        do {
            #expect(try await rebooted.inspectContainer(always).state.status == .running)
            #expect(try await rebooted.inspectContainer(stoppedAlways).state.status == .running)
            #expect(try await rebooted.inspectContainer(unless).state.status == .running)
            #expect(try await rebooted.inspectContainer(stoppedUnless).state.status == .stopped)
            #expect(try await rebooted.inspectContainer(plain).state.status == .created)
        } catch {
            await test.tearDown()
            throw error
        }
        await test.tearDown()
    }

    @Test(
        "restart policies are parsed strictly", arguments: ["sometimes", "on-failure:-1", "on-failure:x", "always:3"])
    func badPolicies(_ policy: String) async throws {
        try await TestEngine.with { test in
            let error = await expectEngineError(.invalidArgument) {
                _ = try await test.create(["true"]) { $0.restartPolicy = policy }
            }
            #expect(error?.subject == "restart")
        }
    }

    @Test("waits for running, paused and removed are woken by events")
    func waitConditions() async throws {
        try await TestEngine.with { test in
            let engine = test.engine
            let id = try await test.create(["sleep", "1000"])
            let running = Task { try await engine.waitContainer(id, for: [.state(.running)]) }
            let paused = Task { try await engine.waitContainer(id, for: [.state(.paused)]) }
            let removed = Task { try await engine.waitContainer(id, for: [.removed]) }
            try await engine.startContainer(id)
            #expect(try await running.value.condition == .state(.running))
            try await engine.pauseContainer(id)
            #expect(try await paused.value.condition == .state(.paused))
            try await engine.removeContainer(id, force: true)
            #expect(try await removed.value.condition == .removed)
            // Already met: at once.
            let other = try await test.create(["true"])
            #expect(try await engine.waitContainer(other, for: [.state(.configured)]).condition == .state(.configured))
        }
    }
}
