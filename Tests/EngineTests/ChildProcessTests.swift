import FoundationEssentials
import Glibc
import Testing

@testable import Engine

@Suite("Child processes")
struct ChildProcessTests {
    @Test("children spawned by other code are never reaped by the engine")
    func foreignChildrenKept() async throws {
        try await TestEngine.with { test in
            var pid: pid_t = 0
            let argv: [UnsafeMutablePointer<CChar>?] = [
                strdup("/bin/sh"), strdup("-c"), strdup("sleep 0.3; exit 9"), nil,
            ]
            defer { argv.forEach { free($0) } }
            #expect(posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ) == 0)
            // Engine work that spawns and reaps its own children meanwhile.
            let id = try await test.create(["true"])
            try await test.engine.startContainer(id)
            #expect(try await test.engine.waitContainer(id) == 0)
            try await test.engine.removeContainer(id)
            var status: Int32 = 0
            #expect(waitpid(pid, &status, 0) == pid)
            #expect((status >> 8) & 0xff == 9)
        }
    }
}
