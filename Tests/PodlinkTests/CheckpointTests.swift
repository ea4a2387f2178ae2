import Foundation
import PodlinkAPI
import PodlinkClient
import PodlinkTestSupport
import Testing
import Varlink
import VarlinkNIO

/// Checkpoint and restore with the real CRIU (scripts/install-criu.sh) through the real socket: a counter goes on
/// from its count, `leave_running` and `keep`, and the state rules.
@Suite(
    "Checkpoint and restore", .enabled(if: PodlinkdFixture.available, "needs root, runc, conmon and podlinkd built"),
    .timeLimit(.minutes(3)))
struct CheckpointTests {
    static let counter = ["sh", "-c", "i=0; while :; do i=$((i+1)); echo $i >/tmp/c; sleep 0.1; done"]

    /// The counter's value once it is at least `least` (waited for inside the container, not by polling here).
    static func count(_ client: IoPodlinkClient, _ id: String, atLeast least: Int) async throws -> Int {
        let script = "while [ \"$(cat /tmp/c 2>/dev/null || echo 0)\" -lt \(least) ]; do sleep 0.05; done; cat /tmp/c"
        let output = try await client.execContainer(name: id, command: ["sh", "-c", script]).stdout
        return Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// A started container running ``counter``.
    static func startCounter(_ client: IoPodlinkClient) async throws -> String {
        let id = try await client.createContainer(create: .init(image: "test:latest", command: counter)).container
        _ = try await client.startContainer(name: id)
        return id
    }

    static func isInvalidState(_ error: any Error) -> Bool {
        if case .invalidState = error as? IoPodlinkError { true } else { false }
    }

    @Test func aCounterGoesOnFromItsCount() async throws {
        try await PodlinkdFixture.withClient { _, client in
            let id = try await Self.startCounter(client)
            let before = try await Self.count(client, id, atLeast: 10)
            _ = try await client.checkpointContainer(name: id)
            var state = try await client.inspectContainer(name: id).container.state
            #expect(state.status == .exited && state.checkpointed && !state.checkpointPath.isEmpty)
            #expect(FileManager.default.fileExists(atPath: state.checkpointPath + "/inventory.img"))
            let images = state.checkpointPath
            _ = try await client.restoreContainer(name: id)
            state = try await client.inspectContainer(name: id).container.state
            #expect(state.status == .running && !state.checkpointed)
            // Where it was, not from 0, and counting.
            let after = try await Self.count(client, id, atLeast: before)
            #expect(after >= before)
            #expect(try await Self.count(client, id, atLeast: after + 2) >= after + 2)
            #expect(!FileManager.default.fileExists(atPath: images), "the images outlived the restore without keep")
            // Its own network namespace has its loopback up again (runc restores it empty).
            let loopback = try await client.execContainer(name: id, command: ["ip", "link", "show", "lo"]).stdout
            #expect(loopback.contains("UP"), "\(loopback)")
            // conmon supervises the restored process: its end is recorded as any other.
            _ = try await client.stopContainer(name: id, timeout: 0)
            #expect(try await client.waitContainer(name: id).exitcode == 137)
            let events = try await client.getEvents(object: id).events.map(\.action)
            #expect(events.contains("checkpoint") && events.contains("restore"), "\(events)")
        }
    }

    @Test func leaveRunningAndKeep() async throws {
        try await PodlinkdFixture.withClient { _, client in
            let id = try await Self.startCounter(client)
            let before = try await Self.count(client, id, atLeast: 5)
            _ = try await client.checkpointContainer(name: id, keep: true, leaveRunning: true)
            var state = try await client.inspectContainer(name: id).container.state
            #expect(state.status == .running && state.checkpointed)
            #expect(try await Self.count(client, id, atLeast: before + 3) >= before + 3)
            // Stopped, then brought back from the checkpoint it left behind; `keep` keeps the images for another.
            _ = try await client.stopContainer(name: id, timeout: 0)
            _ = try await client.restoreContainer(name: id)
            state = try await client.inspectContainer(name: id).container.state
            #expect(state.status == .running && state.checkpointed)
            #expect(FileManager.default.fileExists(atPath: state.checkpointPath + "/inventory.img"))
            #expect(try await Self.count(client, id, atLeast: before) >= before)
        }
    }

    @Test func theStateRules() async throws {
        try await PodlinkdFixture.withClient { _, client in
            let id = try await client.createContainer(create: .init(image: "test:latest", command: Self.counter))
                .container
            // Not running: nothing to checkpoint; never checkpointed: nothing to restore.
            await #expect { try await client.checkpointContainer(name: id) } throws: { Self.isInvalidState($0) }
            await #expect { try await client.restoreContainer(name: id) } throws: { Self.isInvalidState($0) }
            _ = try await client.startContainer(name: id)
            await #expect { try await client.restoreContainer(name: id) } throws: { Self.isInvalidState($0) }
            _ = try await client.checkpointContainer(name: id, leaveRunning: true)
            // Checkpointed but running: a restore would make a second copy.
            await #expect { try await client.restoreContainer(name: id) } throws: { Self.isInvalidState($0) }
            await #expect { try await client.checkpointContainer(name: "nothing-here") } throws: { error in
                if case .containerNotFound = error as? IoPodlinkError { true } else { false }
            }
        }
    }

    @Test func migrationToAnotherService() async throws {
        let source = try await PodlinkdFixture()
        let (client, connection) = try await source.clientWithImage()
        let script = "echo changed > /marker; " + Self.counter[2]
        let id = try await client.createContainer(
            create: .init(image: "test:latest", name: "travels", command: ["sh", "-c", script])
        ).container
        _ = try await client.startContainer(name: id)
        let before = try await Self.count(client, id, atLeast: 10)
        let archive = source.directory + "/travels.tar"
        _ = try await client.checkpointContainer(name: id, export: archive)
        #expect(try await client.inspectContainer(name: id).container.state.checkpointed)

        // Another service with storage of its own; the archive made for an image it lacks is refused first.
        let target = try await PodlinkdFixture()
        let (other, otherConnection) = try await target.connect()
        await #expect { try await other.restoreContainer(name: "", import: archive) } throws: { error in
            if case .imageNotFound = error as? IoPodlinkError { true } else { false }
        }
        _ = try await other.loadImage(name: "test:latest", inputFile: PodlinkdFixture.image)
        let moved = try await other.restoreContainer(name: "", import: archive, newName: "arrived").container
        let inspected = try await other.inspectContainer(name: "arrived").container
        #expect(inspected.id == moved && inspected.state.status == .running)
        // Its count goes on there, and its root filesystem's changes came along.
        #expect(try await Self.count(other, moved, atLeast: before) >= before)
        #expect(try await other.execContainer(name: moved, command: ["cat", "/marker"]).stdout == "changed\n")
        await otherConnection.close()
        await connection.close()
        await target.tearDown()
        await source.tearDown()
    }

    @Test func badArchivesLeaveNothingBehind() async throws {
        try await PodlinkdFixture.withClient { fixture, client in
            let id = try await Self.startCounter(client)
            await #expect { try await client.checkpointContainer(name: id, export: "relative.tar") } throws: { error in
                if case .invalidArgument = error as? IoPodlinkError { true } else { false }
            }
            let archive = fixture.directory + "/good.tar"
            _ = try await client.checkpointContainer(name: id, export: archive)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: archive))
            let truncated = fixture.directory + "/truncated.tar"
            try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: truncated))
            let garbage = fixture.directory + "/garbage.tar"
            try Data((0..<65536).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }).write(
                to: URL(fileURLWithPath: garbage))
            let notOurs = fixture.directory + "/plain.tar"
            _ = await ChildProcess.run(["tar", "-cf", notOurs, "-C", fixture.directory, "good.tar"])
            for bad in [truncated, garbage, notOurs, fixture.directory + "/missing.tar", "relative.tar"] {
                await #expect { try await client.restoreContainer(name: "", import: bad) } throws: { error in
                    if case .invalidArgument("import", _) = error as? IoPodlinkError { true } else { false }
                }
            }
            // Only the original container; nothing mounted for another, no half-made directory.
            #expect(try await client.listContainers().containers.map(\.id) == [id])
            let containers = try FileManager.default.contentsOfDirectory(
                atPath: fixture.directory + "/storage/containers")
            #expect(containers == [id], "\(containers)")
            let others = KernelFile.mountPoints().filter { $0.hasPrefix(fixture.directory) && !$0.contains(id) }
            #expect(others.isEmpty, "\(others)")
        }
    }
}
