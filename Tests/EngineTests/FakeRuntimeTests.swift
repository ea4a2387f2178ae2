import EngineTestSupport
import Glibc
import Testing

@testable import Engine

/// The engine's lifecycle on the fake runtime: no runc, no conmon, no mount (root filesystems are copies), so
/// these run in milliseconds and test the engine's own rules, not the runtime's.
@Suite("Engine on a fake runtime")
struct FakeRuntimeTests {
    static func with(_ body: (TestEngine, FakeRuntime) async throws -> Void) async throws {
        let runtime = FakeRuntime()
        try await TestEngine.with(runtime: runtime, useOverlay: false) { test in try await body(test, runtime) }
    }

    @Test("create, start, exit: the exit file is the exit, recorded with its code and a died event")
    func lifecycleOnTheFake() async throws {
        try await Self.with { test, runtime in
            let id = try await test.create(["exit", "3"])
            #expect(try await test.engine.inspectContainer(id).state.status == .configured)
            try await test.engine.startContainer(id)
            #expect(try await test.engine.waitContainer(id) == 3)
            let state = try await test.engine.syncContainer(id)
            #expect(state.status == .exited && state.exitCode == 3)
            #expect(runtime.calls.prefix(2) == ["create \(id)", "start \(id)"])
            let died = try await test.engine.events().filter { $0.id == id && $0.action == .died }
            #expect(died.count == 1)
            #expect(try await test.engine.inspectContainer(id).runtime == "fake")
        }
    }

    @Test("stop sends the stop signal, then SIGKILL when the process ignores it past the timeout")
    func stopEscalates() async throws {
        try await Self.with { test, runtime in
            let polite = try await test.create(["sleep"])
            try await test.engine.startContainer(polite)
            try await test.engine.stopContainer(polite, timeout: 5)
            #expect(try await test.engine.inspectContainer(polite).state.exitCode == 128 + SIGTERM)
            let stubborn = try await test.create(["ignore-term"])
            try await test.engine.startContainer(stubborn)
            try await test.engine.stopContainer(stubborn, timeout: 1)
            let state = try await test.engine.inspectContainer(stubborn).state
            #expect(state.status == .stopped && state.exitCode == 128 + SIGKILL && state.stoppedByUser)
            #expect(runtime.calls.contains("kill \(stubborn) \(SIGTERM)"))
            #expect(runtime.calls.contains("kill \(stubborn) \(SIGKILL)"))
        }
    }

    @Test("the state machine refuses what the state forbids, before the runtime is asked")
    func refusalsNeverReachTheRuntime() async throws {
        try await Self.with { test, runtime in
            let id = try await test.create(["sleep"])
            await expectEngineError(.invalidState) { try await test.engine.pauseContainer(id) }
            await expectEngineError(.alreadyStopped) { try await test.engine.stopContainer(id) }
            #expect(!runtime.calls.contains { $0.hasPrefix("pause") || $0.hasPrefix("kill") })
            try await test.engine.startContainer(id)
            try await test.engine.pauseContainer(id)
            #expect(try await test.engine.inspectContainer(id).state.status == .paused)
            await expectEngineError(.invalidState) { try await test.engine.startContainer(id) }
            try await test.engine.unpauseContainer(id)
            try await test.engine.killContainer(id, signal: 9)
            #expect(try await test.engine.waitContainer(id) == 137)
        }
    }

    @Test("a crash is seen as it happens and the restart policy starts the container again")
    func crashRestartsOnFailure() async throws {
        try await Self.with { test, runtime in
            let id = try await test.create(["sleep"]) { $0.restartPolicy = "on-failure:1" }
            try await test.engine.startContainer(id)
            runtime.crash(id, code: 2)
            let events = try await test.engine.followEvents(EventFilter(subject: id))
            var starts = 0
            for try await event in events where event.action == .start {
                starts += 1
                if starts == 2 { break }
            }
            let state = try await test.engine.inspectContainer(id).state
            #expect(state.status == .running && state.restartCount == 1)
            _ = try await test.engine.stopContainer(id, timeout: 0)
        }
    }

    @Test("arguments out of range are refused with the argument named, and nothing is created or run")
    func extremeArgumentsAreRefused() async throws {
        try await Self.with { test, runtime in
            let refused: [(String, (inout ContainerCreateOptions) -> Void)] = [
                ("cpus", { $0.limits.cpus = 1e300 }), ("cpus", { $0.limits.cpus = .nan }),
                ("cpus", { $0.limits.cpus = -1 }), ("memory", { $0.limits.memoryBytes = -1 }),
                ("pids", { $0.limits.pids = .min }), ("stop_signal", { $0.stopSignal = 65 }),
                ("stop_signal", { $0.stopSignal = .max }), ("stop_timeout", { $0.stopTimeout = -1 }),
                ("stop_timeout", { $0.stopTimeout = .max }),
            ]
            for (argument, configure) in refused {
                let error = await expectEngineError(.invalidArgument) {
                    _ = try await test.create(["true"]) { configure(&$0) }
                }
                #expect(error?.subject == argument)
            }
            #expect(try await test.engine.listContainers().isEmpty)
            let id = try await test.create(["sleep"])
            try await test.engine.startContainer(id)
            for signal in [0, 65, Int.max, Int.min] {
                await expectEngineError(.invalidArgument) { try await test.engine.killContainer(id, signal: signal) }
            }
            for timeout in [-1, Int.max] {
                await expectEngineError(.invalidArgument) { try await test.engine.stopContainer(id, timeout: timeout) }
            }
            // A batch checks every step before the first runs.
            await expectEngineError(.invalidArgument) {
                _ = try await test.engine.batch(id, [.pause, .kill(signal: 99)])
            }
            #expect(try await test.engine.inspectContainer(id).state.status == .running)
            #expect(!runtime.calls.contains { $0.hasPrefix("pause") })
            _ = try await test.engine.stopContainer(id, timeout: 0)
        }
    }
}
