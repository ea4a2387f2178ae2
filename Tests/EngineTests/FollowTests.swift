import FoundationEssentials
import Testing

@testable import Engine

@Suite("Follow", .timeLimit(.minutes(1)))
struct FollowTests {
    @Test("following streams lines as they are written and ends when the container exits")
    func followLogs() async throws {
        try await TestEngine.with { test in
            let id = try await test.create(["/bin/sh", "-c", "echo a; sleep 0.3; echo b >&2; sleep 0.3; echo c"])
            try await test.engine.startContainer(id)
            let batches = try await test.engine.logBatches(id, follow: true)
            var lines: [String] = []
            for try await batch in batches { lines += batch.map { "\($0.stream.rawValue):\($0.text)" } }
            #expect(lines == ["stdout:a", "stderr:b", "stdout:c"])
        }
    }

    @Test("followEvents sees events appended by another engine instance")
    func followEvents() async throws {
        try await TestEngine.with { test in
            let other = try await test.sibling()
            let stream = try await test.engine.followEvents(EventFilter(kinds: [.container]))
            let collector = Task {
                var actions: [String] = []
                for try await event in stream {
                    actions.append(event.action.rawValue)
                    if event.action == "died" { break }
                }
                return actions
            }
            let id = try await other.createContainer(ContainerCreateOptions(image: "busybox", command: ["true"]))
            try await other.startContainer(id)
            _ = try await other.waitContainer(id)
            let actions = try await collector.value
            #expect(actions == ["create", "init", "start", "died"])
        }
    }
}
