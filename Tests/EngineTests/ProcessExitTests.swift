import Foundation
import Glibc
import Testing

@testable import Engine

/// A container outlives the process of the engine that started it (conmon is its parent, not the engine).
@Suite("Engine process exit")
struct ProcessExitTests {
    static let helperVariable = "PODLINK_ENGINE_HELPER_DIR"

    /// Run only as the child process of `survivesProcessExit`: starts a container, then the process exits.
    @Test(.enabled(if: getenv(ProcessExitTests.helperVariable) != nil, "only as a helper process"))
    func helperStartsContainerAndExits() async throws {
        let directory = String(cString: getenv(Self.helperVariable))
        let engine = try await Engine(options: TestEngine.options(directory))
        let id = try await engine.createContainer(
            ContainerCreateOptions(
                image: "busybox", name: "survivor",
                command: ["/bin/sh", "-c", "while [ ! -e /tmp/done ]; do sleep 0.05; done; exit 7"]))
        try await engine.startContainer(id)
    }

    @Test("a container survives the engine process exiting; its exit code is recorded when it ends later")
    func survivesProcessExit() async throws {
        try await TestEngine.with { test in
            var buffer = [CChar](repeating: 0, count: 4096)
            let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
            #expect(n > 0)
            let executable = String(cString: buffer)
            let child = try await ProcessRunner.run(
                executable,
                [executable, "--testing-library", "swift-testing", "--filter", "helperStartsContainerAndExits"],
                environment: ChildProcesses.environment + ["\(Self.helperVariable)=\(test.directory)"])
            #expect(child.status == 0, "\(child.stdoutText) \(child.stderrText)")
            #expect((child.stdoutText + child.stderrText).contains("with 1 test"))
            let state = try await test.engine.inspectContainer("survivor").state
            #expect(state.status == .running)
            // It ends when told (a file in its root), not after a time the helper's own exit might outlast.
            let root = try await test.engine.mountContainer("survivor")
            #expect(FileManager.default.createFile(atPath: root + "/tmp/done", contents: nil))
            try await test.engine.unmountContainer("survivor")
            #expect(try await test.engine.waitContainer("survivor") == 7)
            #expect(try await test.engine.inspectContainer("survivor").state.exitCode == 7)
        }
    }
}
