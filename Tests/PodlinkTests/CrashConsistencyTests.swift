import Foundation
import PodlinkAPI
import PodlinkClient
import PodlinkTestSupport
import Testing
import Varlink
import VarlinkNIO

/// The service killed (as `kill -9` would, through `PODLINK_FAULT`) at each step of start, stop and remove: a
/// restart plus at most one retry of the interrupted call must leave the store, the runtime and the mount table in
/// agreement, and the container removable. Killed while it loads or removes an image, nothing half-made is left or
/// ever used.
@Suite("Crash consistency", .timeLimit(.minutes(2)))
struct CrashConsistencyTests {
    enum Operation: String, Sendable, CustomStringConvertible {
        case start, stop, remove
        var description: String { rawValue }
    }

    static let steps: [(String, Operation)] = [
        ("mount.after-mount", .start), ("init.after-runtime-create", .start), ("start.after-runtime-start", .start),
        ("stop.after-signal", .stop), ("remove.after-removing", .remove), ("remove.after-cleanup", .remove),
    ]

    static func perform(_ operation: Operation, _ client: IoPodlinkClient, _ id: String) async throws {
        switch operation {
        case .start: _ = try await client.startContainer(name: id)
        case .stop: _ = try await client.stopContainer(name: id, timeout: 1)
        case .remove: _ = try await client.removeContainer(name: id, force: true)
        }
    }

    /// The mounts under the service's directory, in the mount table of this process (or of `pid`).
    static func mounts(_ fixture: PodlinkdFixture, of pid: String = "self") -> [String] {
        KernelFile.mountPoints(of: pid).filter { $0.hasPrefix(fixture.directory) }
    }

    /// The containers runc holds for the service.
    static func runtimeContainers(_ fixture: PodlinkdFixture) async -> [String] {
        let result = await ChildProcess.run(["runc", "--root", fixture.directory + "/run/runc", "list", "-q"])
        return result.output.split(separator: "\n").map(String.init)
    }

    @Test(arguments: steps)
    func aRestartAndOneRetryAgree(point: String, operation: Operation) async throws {
        try await withTearDown(try await PodlinkdFixture(), tearDown: { await $0.tearDown() }) { fixture in
            let (client, connection) = try await fixture.clientWithImage()
            let id = try await client.createContainer(create: .init(image: "test:latest", command: ["sleep", "1000"]))
                .container
            if operation != .start { _ = try await client.startContainer(name: id) }
            await connection.close()

            // The service dies at the step.
            await fixture.stop()
            try await fixture.start(environment: ["PODLINK_FAULT": point])
            let (armed, armedConnection) = try await fixture.connect()
            await #expect(throws: (any Error).self, "the call ran past \(point)") {
                try await Self.perform(operation, armed, id)
            }
            await armedConnection.close()
            #expect(await fixture.process?.wait() == 137, "the service did not die at \(point)")

            // A restart, at most one retry, and then everything agrees.
            try await fixture.start()
            let (again, againConnection) = try await fixture.connect()
            try await withTearDown(againConnection, tearDown: { await $0.close() }) { _ in
                if operation == .remove {
                    // A removal once begun is finished, never undone: the container cannot be started meanwhile.
                    let status = try? await again.inspectContainer(name: id).container.state.status
                    await #expect(throws: (any Error).self, "started from \(String(describing: status))") {
                        _ = try await again.startContainer(name: id)
                    }
                }
                try? await Self.perform(operation, again, id)
                let merged = fixture.directory + "/storage/containers/\(id)/merged"
                let runtime = await Self.runtimeContainers(fixture)
                switch operation {
                case .start:
                    let state = try await again.inspectContainer(name: id).container.state
                    #expect(state.status == .running)
                    #expect(runtime == [id])
                    // Exactly one mount, in the service's mount table as in this process's: never stacked,
                    // never gone from under the running container.
                    let theirs = (fixture.process?.pid).map { Self.mounts(fixture, of: String($0)) } ?? []
                    #expect(
                        Self.mounts(fixture).filter { $0 == merged }.count == 1
                            && theirs.filter { $0 == merged }.count == 1,
                        "\(Self.mounts(fixture)) \(theirs); log: \(fixture.logTail)")
                case .stop:
                    let status = try await again.inspectContainer(name: id).container.state.status
                    #expect(status == .exited || status == .stopped, "\(status)")
                    #expect(Self.mounts(fixture).isEmpty, "\(Self.mounts(fixture))")
                case .remove:
                    await #expect(throws: IoPodlinkError.containerNotFound(id: id)) {
                        _ = try await again.inspectContainer(name: id)
                    }
                    #expect(runtime.isEmpty)
                    #expect(Self.mounts(fixture).isEmpty, "\(Self.mounts(fixture))")
                    #expect(!FileManager.default.fileExists(atPath: fixture.directory + "/storage/containers/\(id)"))
                }
                // Every container can be removed, and nothing of it stays.
                if operation != .remove { _ = try await again.removeContainer(name: id, force: true) }
                #expect(await Self.runtimeContainers(fixture).isEmpty)
                #expect(Self.mounts(fixture).isEmpty)
            }
        }
    }

    /// Killed during create, between storing the row and making the directory: the restart keeps the container
    /// (intent recorded first), its init makes what is missing, and it runs and is removed whole. A directory that
    /// no row names (what an older version could leave) is removed by the restart; one that is not a container's
    /// is left alone.
    @Test func aCreateCutShortLeavesAContainerThatRuns() async throws {
        try await withTearDown(try await PodlinkdFixture(), tearDown: { await $0.tearDown() }) { fixture in
            let (_, connection) = try await fixture.clientWithImage()
            await connection.close()
            await fixture.stop()
            try await fixture.start(environment: ["PODLINK_FAULT": "create.after-row"])
            let (armed, armedConnection) = try await fixture.connect()
            await #expect(throws: (any Error).self, "the call ran past create.after-row") {
                _ = try await armed.createContainer(
                    create: .init(image: "test:latest", name: "cut", command: ["sleep", "1000"]))
            }
            await armedConnection.close()
            #expect(await fixture.process?.wait() == 137, "the service did not die at create.after-row")

            let containers = fixture.directory + "/storage/containers/"
            let orphan = containers + String(repeating: "ab", count: 32)
            let stranger = containers + "not-a-container"
            for directory in [orphan, stranger] {
                try FileManager.default.createDirectory(
                    atPath: directory + "/userdata", withIntermediateDirectories: true)
            }
            try await fixture.start()
            let (again, againConnection) = try await fixture.connect()
            try await withTearDown(againConnection, tearDown: { await $0.close() }) { _ in
                #expect(!FileManager.default.fileExists(atPath: orphan), "the orphan stays")
                #expect(FileManager.default.fileExists(atPath: stranger), "a directory of another kind was removed")
                try? FileManager.default.removeItem(atPath: stranger)
                let id = try await again.inspectContainer(name: "cut").container.id
                #expect(!FileManager.default.fileExists(atPath: containers + id), "the crash made the directory")
                _ = try await again.startContainer(name: "cut")
                let found = try await again.execContainer(name: "cut", command: ["ls", "/bin/busybox"])
                #expect(found.exitCode == 0, "\(found)")
                _ = try await again.removeContainer(name: "cut", force: true)
                #expect(!FileManager.default.fileExists(atPath: containers + id))
                #expect(await Self.runtimeContainers(fixture).isEmpty)
                #expect(Self.mounts(fixture).isEmpty)
            }
        }
    }

    static let imageSteps = ["load.after-layer-extract", "rmi.after-row", "rmi.after-trash"]

    /// What the store's layer and temporary directories hold.
    static func storeEntries(_ fixture: PodlinkdFixture) -> (layers: [String], temporary: [String]) {
        let storage = fixture.directory + "/storage"
        return (
            (try? FileManager.default.contentsOfDirectory(atPath: storage + "/layers")) ?? [],
            (try? FileManager.default.contentsOfDirectory(atPath: storage + "/tmp")) ?? []
        )
    }

    @Test(arguments: imageSteps)
    func imagesAreWholeOrAbsentAfterACrash(point: String) async throws {
        try await withTearDown(try await PodlinkdFixture(), tearDown: { await $0.tearDown() }) { fixture in
            let removing = point.hasPrefix("rmi.")
            if removing {
                let (_, connection) = try await fixture.clientWithImage()
                await connection.close()
            }
            await fixture.stop()
            try await fixture.start(environment: ["PODLINK_FAULT": point])
            let (armed, armedConnection) = try await fixture.connect()
            await #expect(throws: (any Error).self, "the call ran past \(point)") {
                if removing {
                    _ = try await armed.removeImage(name: "test:latest")
                } else {
                    _ = try await armed.loadImage(name: "test:latest", inputFile: PodlinkdFixture.image)
                }
            }
            await armedConnection.close()
            #expect(await fixture.process?.wait() == 137, "the service did not die at \(point)")
            // What the crash left, as the point says: a layer half-extracted, or renamed for deletion.
            let left = Self.storeEntries(fixture).layers
            switch point {
            case "load.after-layer-extract": #expect(left.contains { $0.contains(".tmp-") }, "\(left)")
            case "rmi.after-trash": #expect(left.contains { $0.contains(".trash-") }, "\(left)")
            default: #expect(left.count == 1, "the unused layer is still in place: \(left)")
            }

            // The restart removes what the crash left half-made: no layer being extracted or deleted stays.
            try await fixture.start()
            let (again, againConnection) = try await fixture.connect()
            try await withTearDown(againConnection, tearDown: { await $0.close() }) { _ in
                let entries = Self.storeEntries(fixture)
                #expect(
                    entries.layers.allSatisfy { !$0.contains(".tmp-") && !$0.contains(".trash-") }, "\(entries.layers)")
                #expect(entries.temporary.isEmpty, "\(entries.temporary)")
                if removing {
                    _ = try? await again.removeImage(name: "test:latest")
                    #expect(try await again.listImages().images.isEmpty)
                }
                // Loaded again, the image is whole: a container of it finds its files.
                _ = try await again.loadImage(name: "test:latest", inputFile: PodlinkdFixture.image)
                let id = try await again.createContainer(
                    create: .init(image: "test:latest", command: ["sleep", "1000"])
                ).container
                _ = try await again.startContainer(name: id)
                let found = try await again.execContainer(name: id, command: ["ls", "/bin/busybox", "/etc/passwd"])
                #expect(found.exitCode == 0, "\(found)")
                _ = try await again.removeContainer(name: id, force: true)
            }
        }
    }
}
