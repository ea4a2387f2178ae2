import Foundation
import PodlinkAPI
import PodlinkClient
import Testing
import Varlink

/// Checkpoint and restore with the real CRIU (scripts/install-criu.sh) through the real socket: a counter goes on
/// from its count, `leave_running` and `keep`, and the state rules.
@Suite("Checkpoint and restore", .enabled(if: PodlinkdFixture.available), .timeLimit(.minutes(3)))
struct CheckpointTests {
    static let counter = ["sh", "-c", "i=0; while :; do i=$((i+1)); echo $i >/tmp/c; sleep 0.1; done"]

    /// The counter's value once it is at least `least` (waited for inside the container, not by polling here).
    static func count(_ client: IoPodlinkClient, _ id: String, atLeast least: Int) async throws -> Int {
        let script = "while [ \"$(cat /tmp/c 2>/dev/null || echo 0)\" -lt \(least) ]; do sleep 0.05; done; cat /tmp/c"
        let output = try await client.execContainer(name: id, command: ["sh", "-c", script]).stdout
        return Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    static func isInvalidState(_ error: any Error) -> Bool {
        if case .invalidState = error as? IoPodlinkError { true } else { false }
    }

    @Test func aCounterGoesOnFromItsCount() async throws {
        let fixture = try await PodlinkdFixture()
        let (client, connection) = try await fixture.clientWithImage()
        let id = try await client.createContainer(create: .init(image: "test:latest", command: Self.counter)).container
        _ = try await client.startContainer(name: id)
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
        // conmon supervises the restored process: its end is recorded as any other.
        _ = try await client.stopContainer(name: id, timeout: 0)
        #expect(try await client.waitContainer(name: id).exitcode == 137)
        let events = try await client.getEvents(object: id).events.map(\.action)
        #expect(events.contains("checkpoint") && events.contains("restore"), "\(events)")
        await connection.close()
        await fixture.tearDown()
    }

    @Test func leaveRunningAndKeep() async throws {
        let fixture = try await PodlinkdFixture()
        let (client, connection) = try await fixture.clientWithImage()
        let id = try await client.createContainer(create: .init(image: "test:latest", command: Self.counter)).container
        _ = try await client.startContainer(name: id)
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
        await connection.close()
        await fixture.tearDown()
    }

    @Test func theStateRules() async throws {
        let fixture = try await PodlinkdFixture()
        let (client, connection) = try await fixture.clientWithImage()
        let id = try await client.createContainer(create: .init(image: "test:latest", command: Self.counter)).container
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
        await connection.close()
        await fixture.tearDown()
    }
}
