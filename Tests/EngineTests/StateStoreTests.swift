import FoundationEssentials
import Testing

@testable import Engine

@Suite("State store")
struct StateStoreTests {
    @Test("a database at an older schema version is migrated")
    func migration() async throws {
        let directory = TestEngine.root + "/podlink-test-" + String(Identifier.random().prefix(12))
        try FileSystem.makeDirectories(directory)
        defer { try? FileSystem.removeTree(directory) }
        let path = directory + "/state.db"
        do {
            // What version 1 of the engine left behind.
            let db = try SQLiteDatabase(path: path)
            try db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
            try db.execute(StateStore.migrations[0])
            try db.run("INSERT INTO schema_version (version) VALUES (1)")
            try db.run(
                "INSERT INTO events (time, kind, action, id, name, attributes) VALUES (0, 'image', 'load', 'x', 'y', '{}')"
            )
        }
        let store = try StateStore(path: path)
        let version = try store.read { db throws(EngineError) in
            try db.query("SELECT version FROM schema_version").first?.first?.integer
        }
        #expect(version == Int64(StateStore.migrations.count))
        try store.setMeta("k", "v")
        #expect(try store.meta("k") == "v")
        #expect(try store.events(EventFilter()).map(\.action) == ["load"])
        // Opening again changes nothing.
        _ = try StateStore(path: path)
    }

    @Test("two engines writing one store at once: every create lands, names stay unique")
    func concurrentWriters() async throws {
        try await TestEngine.with { test in
            let other = try await test.sibling()
            let engines = [test.engine, other]
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<30 {
                    let engine = engines[index % 2]
                    group.addTask {
                        try await engine.createContainer(ContainerCreateOptions(image: "busybox", command: ["true"]))
                    }
                }
                var ids: [String] = []
                for try await id in group { ids.append(id) }
                return ids
            }
            let listed = try await other.listContainers()
            #expect(Set(listed.map(\.id)) == Set(ids))
            #expect(Set(listed.map(\.name)).count == 30)
            await expectEngineError(.nameInUse) {
                _ = try await other.createContainer(
                    ContainerCreateOptions(image: "busybox", name: listed[0].name, command: ["true"]))
            }
        }
    }
}
