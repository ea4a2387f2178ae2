import EngineTestSupport
import FoundationEssentials
import Glibc
import PodlinkTestSupport
import Testing

@testable import Engine

/// The guard in front of conmon's exit command: it runs the command only while no engine watches exits.
@Suite("Exits watched lock", .timeLimit(.minutes(1)))
struct ExitsWatchedLockTests {
    /// Runs the guarded `touch MARKER ID` and says whether it ran, and how the guard ended.
    static func runGuarded(runRoot: String, marker: String) async throws -> (ran: Bool, status: Int32) {
        let command = ExitsWatchedLock.guarding(["/usr/bin/touch", marker], runRoot: runRoot) + [marker + ".id"]
        let output = try await ProcessRunner.run(command[0], command)
        return (FileSystem.exists(marker) && FileSystem.exists(marker + ".id"), output.status)
    }

    @Test func theCommandRunsOnlyWhileNoEngineWatches() async throws {
        let test = try await TestEngine.make(loadImage: false, runtime: FakeRuntime())
        try await withTearDown(test, tearDown: { await $0.tearDown() }) { test in
            let runRoot = test.directory + "/run"
            let marker = test.directory + "/ran"
            #expect(Engine.exitsAreWatched(runRoot: runRoot))
            let watched = try await Self.runGuarded(runRoot: runRoot, marker: marker)
            #expect(!watched.ran && watched.status == 0, "\(watched)")
            // A second engine on the same run root: still watched, whichever of the two holds the lock.
            let second = try await Engine(options: TestEngine.options(test.directory), runtime: FakeRuntime())
            #expect(Engine.exitsAreWatched(runRoot: runRoot))
            _ = second
        }
    }

    @Test func theCommandRunsWhenNoEngineWatchesEvenBesideAnotherGuard() async throws {
        let test = try await TestEngine.make(loadImage: false, handlesExits: false, runtime: FakeRuntime())
        try await withTearDown(test, tearDown: { await $0.tearDown() }) { test in
            let runRoot = test.directory + "/run"
            // A lock file left by an engine that has ended, tested at this moment by another exit's guard: two
            // containers that end together must both be recorded.
            try FileSystem.write(ExitsWatchedLock.path(runRoot: runRoot), [], mode: 0o600)
            let other = open(ExitsWatchedLock.path(runRoot: runRoot), O_RDONLY | O_CLOEXEC)
            defer { close(other) }
            #expect(flock(other, LOCK_SH | LOCK_NB) == 0)
            #expect(!Engine.exitsAreWatched(runRoot: runRoot))
            let guarded = try await Self.runGuarded(runRoot: runRoot, marker: test.directory + "/ran")
            #expect(guarded.ran && guarded.status == 0, "\(guarded)")
        }
    }

    @Test func aMissingLockFileIsNotHeldAndIsNotCreated() async throws {
        let test = try await TestEngine.make(loadImage: false, handlesExits: false, runtime: FakeRuntime())
        try await withTearDown(test, tearDown: { await $0.tearDown() }) { test in
            let runRoot = test.directory + "/run"
            let guarded = try await Self.runGuarded(runRoot: runRoot, marker: test.directory + "/ran")
            #expect(guarded.ran && guarded.status == 0, "\(guarded)")
            #expect(!FileSystem.exists(ExitsWatchedLock.path(runRoot: runRoot)))
        }
    }
}
