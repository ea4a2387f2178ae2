import Foundation
import PodlinkAPI
import PodlinkClient
import PodlinkTestSupport
import Testing
import Varlink
import VarlinkNIO

/// Every io.podlink method through the real socket, with real containers: its success and its declared errors.
@Suite("io.podlink end to end", .enabled(if: PodlinkdFixture.available, "needs root, runc, conmon and podlinkd built"))
struct ContainerAPITests {
    func withService(_ body: (IoPodlinkClient, PodlinkdFixture) async throws -> Void) async throws {
        try await PodlinkdFixture.withClient { fixture, client in
            do {
                try await body(client, fixture)
            } catch {
                Issue.record("\(error)\nservice log:\n\(fixture.log)")
            }
        }
    }

    func isError(_ error: any Error, _ check: (IoPodlinkError) -> Bool) -> Bool {
        guard let error = error as? IoPodlinkError else { return false }
        return check(error)
    }

    @Test func versionAndInfo() async throws {
        try await withService { client, fixture in
            let version = try await client.getVersion()
            #expect(version.version == IoPodlink.podlinkVersion && version.remoteApiVersion == IoPodlink.apiVersion)
            #expect(version.runtime == "runc")
            let info = try await client.getInfo()
            #expect(info.storageRoot == fixture.directory + "/storage")
            #expect(info.images == 1 && info.cpus > 0)
        }
    }

    @Test func lifecycleWithExitCodes() async throws {
        try await withService { client, _ in
            let id = try await client.createContainer(
                create: .init(
                    image: "test:latest", name: "forty-two", command: ["sh", "-c", "echo out; echo err >&2; exit 42"])
            )
            .container
            #expect(id.count == 64)
            #expect(try await client.getContainer(id: "forty-two").container.status == .configured)
            #expect(try await client.containerExists(name: "forty-two").exists)
            #expect(try await client.containerExists(name: "nope").exists == false)
            #expect(try await client.initContainer(name: "forty-two").container == id)
            #expect(try await client.inspectContainer(name: id).container.state.status == .created)
            _ = try await client.startContainer(name: "forty-two")
            #expect(try await client.waitContainer(name: "forty-two").exitcode == 42)
            let inspect = try await client.inspectContainer(name: "forty-two").container
            #expect(inspect.state.status == .exited && inspect.state.exitCode == 42)
            #expect(inspect.config.command == ["sh", "-c", "echo out; echo err >&2; exit 42"])
            #expect(inspect.runtime == "runc" && !inspect.logPath.isEmpty && inspect.created.hasSuffix("Z"))
            let logs = try await client.getContainerLogs(name: "forty-two").lines
            #expect(logs.map(\.text).sorted() == ["err", "out"])
            #expect(
                try await client.getContainerLogs(name: "forty-two", streams: [.stderr]).lines.map(\.text) == ["err"])
            #expect(try await client.getContainerLogs(name: "forty-two", tail: 1).lines.count == 1)
            // An exited container can be started again.
            _ = try await client.startContainer(name: "forty-two")
            #expect(try await client.waitContainer(name: "forty-two").exitcode == 42)
            #expect(try await client.listContainers().containers.map(\.name) == ["forty-two"])
            #expect(try await client.removeContainer(name: "forty-two").container == id)
            await #expect(throws: IoPodlinkError.containerNotFound(id: "forty-two")) {
                try await client.getContainer(id: "forty-two")
            }
        }
    }

    @Test func stopKillPauseAndTheirStateErrors() async throws {
        try await withService { client, _ in
            _ = try await client.createContainer(
                create: .init(image: "test:latest", name: "sleeper", command: ["sleep", "1000"], stopTimeout: 1))
            await #expect { try await client.killContainer(name: "sleeper") } throws: { error in
                isError(error) { if case .invalidState(_, .configured, _) = $0 { true } else { false } }
            }
            await #expect { try await client.pauseContainer(name: "sleeper") } throws: { error in
                isError(error) { if case .invalidState = $0 { true } else { false } }
            }
            _ = try await client.startContainer(name: "sleeper")
            _ = try await client.pauseContainer(name: "sleeper")
            #expect(try await client.syncContainer(name: "sleeper").state.status == .paused)
            await #expect { try await client.pauseContainer(name: "sleeper") } throws: { error in
                isError(error) { if case .invalidState(_, .paused, _) = $0 { true } else { false } }
            }
            _ = try await client.unpauseContainer(name: "sleeper")
            await #expect { try await client.unpauseContainer(name: "sleeper") } throws: { error in
                isError(error) { if case .invalidState(_, .running, _) = $0 { true } else { false } }
            }
            // sleep as PID 1 ignores SIGTERM: stop escalates to SIGKILL after the 1 s timeout.
            let start = Date()
            _ = try await client.stopContainer(name: "sleeper")
            #expect(Date().timeIntervalSince(start) >= 0.9)
            #expect(try await client.waitContainer(name: "sleeper").exitcode == 137)
            await #expect { try await client.stopContainer(name: "sleeper") } throws: { error in
                isError(error) { if case .alreadyStopped = $0 { true } else { false } }
            }
            _ = try await client.restartContainer(name: "sleeper", timeout: 0)
            #expect(try await client.getContainer(id: "sleeper").container.status == .running)
            _ = try await client.killContainer(name: "sleeper", signal: 9)
            #expect(try await client.waitContainer(name: "sleeper").exitcode == 137)
            _ = try await client.cleanupContainer(name: "sleeper")
            await #expect { try await client.killContainer(name: "sleeper", signal: 99) } throws: { error in
                isError(error) { if case .invalidArgument("signal", _) = $0 { true } else { false } }
            }
            await #expect { try await client.stopContainer(name: "sleeper", timeout: -1) } throws: { error in
                isError(error) { if case .invalidArgument("timeout", _) = $0 { true } else { false } }
            }
        }
    }

    @Test func createErrors() async throws {
        try await withService { client, _ in
            _ = try await client.createContainer(create: .init(image: "test:latest", name: "taken", command: ["true"]))
            await #expect(throws: IoPodlinkError.nameInUse(name: "taken")) {
                try await client.createContainer(create: .init(image: "test:latest", name: "taken"))
            }
            await #expect(throws: IoPodlinkError.imageNotFound(id: "missing:1")) {
                try await client.createContainer(create: .init(image: "missing:1"))
            }
            await #expect {
                try await client.createContainer(create: .init(image: "test:latest", name: "bad/name"))
            } throws: { error in isError(error) { if case .invalidArgument = $0 { true } else { false } } }
            await #expect {
                try await client.createContainer(create: .init(image: "test:latest", memory: -1))
            } throws: { error in isError(error) { if case .invalidArgument("memory", _) = $0 { true } else { false } } }
        }
    }

    @Test func dependencies() async throws {
        try await withService { client, _ in
            _ = try await client.createContainer(
                create: .init(image: "test:latest", name: "db", command: ["sleep", "1000"]))
            _ = try await client.createContainer(
                create: .init(image: "test:latest", name: "app", command: ["true"], dependencies: ["db"]))
            await #expect { try await client.startContainer(name: "app") } throws: { error in
                isError(error) { if case .dependenciesNotRunning(_, let names) = $0 { names == ["db"] } else { false } }
            }
            _ = try await client.startContainer(name: "db")
            _ = try await client.startContainer(name: "app")
            #expect(try await client.waitContainer(name: "app").exitcode == 0)
            #expect(try await client.inspectContainer(name: "app").container.dependencyNames == ["db"])
        }
    }

    @Test func execMountExportArtifacts() async throws {
        try await withService { client, fixture in
            _ = try await client.createContainer(
                create: .init(image: "test:latest", name: "box", command: ["sleep", "1000"]))
            await #expect { try await client.execContainer(name: "box", command: ["true"]) } throws: { error in
                isError(error) { if case .invalidState = $0 { true } else { false } }
            }
            _ = try await client.startContainer(name: "box")
            let exec = try await client.execContainer(
                name: "box", command: ["sh", "-c", "echo $GREETING; cat; echo oops >&2; exit 3"], env: ["GREETING=hi"],
                stdin: Data("piped".utf8).base64EncodedString())
            #expect(exec.exitCode == 3 && exec.stdout == "hi\npiped" && exec.stderr == "oops\n")
            _ = try await client.execContainer(name: "box", command: ["sh", "-c", "echo inside > /made-inside"])
            let path = try await client.mountContainer(name: "box").path
            #expect(FileManager.default.fileExists(atPath: path + "/made-inside"))
            #expect(try await client.listContainerMounts().mounts.values.contains(path))
            try await client.unmountContainer(name: "box")
            let tar = fixture.directory + "/box.tar"
            #expect(try await client.exportContainer(name: "box", path: tar).tarfile == tar)
            let listing = await ChildProcess.run(["tar", "-tf", tar])
            #expect(listing.output.split(separator: "\n").contains { $0.hasSuffix("made-inside") })
            await #expect { try await client.exportContainer(name: "box", path: "relative.tar") } throws: { error in
                isError(error) { if case .invalidArgument("path", _) = $0 { true } else { false } }
            }
            let contents = Data("artifact bytes".utf8).base64EncodedString()
            try await client.addContainerArtifact(name: "box", artifactName: "notes", contents: contents)
            #expect(try await client.containerArtifacts(name: "box", artifactName: "notes").contents == contents)
            for bad in ["../escape", "a/b", ".."] {
                await #expect {
                    try await client.addContainerArtifact(name: "box", artifactName: bad, contents: contents)
                } throws: { error in isError(error) { if case .invalidArgument = $0 { true } else { false } } }
            }
            try await client.removeContainerArtifact(name: "box", artifactName: "notes")
            await #expect { try await client.containerArtifacts(name: "box", artifactName: "notes") } throws: { error in
                error is IoPodlinkError
            }
            await #expect { try await client.cleanupContainer(name: "box") } throws: { error in
                isError(error) { if case .invalidState(_, .running, _) = $0 { true } else { false } }
            }
        }
    }

    @Test func batchRunsUnderOneLock() async throws {
        try await withService { client, _ in
            _ = try await client.createContainer(
                create: .init(image: "test:latest", name: "b", command: ["sleep", "1000"]))
            let state = try await client.batchContainer(
                name: "b", operations: [.init(operation: .`init_`), .init(operation: .start), .init(operation: .pause)]
            ).state
            #expect(state.status == .paused && state.pid > 0)
            // A kill returns once the signal is sent; the process ends just after.
            let killed = try await client.batchContainer(
                name: "b", operations: [.init(operation: .unpause), .init(operation: .kill, signal: 9)]
            ).state
            #expect(killed.status == .running)
            #expect(try await client.waitContainer(name: "b").exitcode == 137)
            let stopped = try await client.batchContainer(name: "b", operations: [.init(operation: .sync)]).state
            #expect(stopped.status == .exited || stopped.status == .stopped)
            await #expect {
                try await client.batchContainer(name: "b", operations: [.init(operation: .pause)])
            } throws: { error in isError(error) { if case .invalidState = $0 { true } else { false } } }
        }
    }

    @Test func imagesAndEvents() async throws {
        try await withService { client, fixture in
            let images = try await client.listImages().images
            #expect(images.count == 1 && images[0].names.contains { $0.hasSuffix("test:latest") })
            let id = images[0].id
            #expect(try await client.getImage(id: "test:latest").image.id == id)
            #expect(try await client.inspectImage(name: id).image.layers.count == 1)
            #expect(try await client.tagImage(name: id, tagged: "other:1").image == id)
            #expect(try await client.untagImage(name: id, tag: "other:1").image == id)
            await #expect(throws: IoPodlinkError.imageNotFound(id: "nope:0")) {
                try await client.getImage(id: "nope:0")
            }
            _ = try await client.createContainer(create: .init(image: "test:latest", name: "user", command: ["true"]))
            await #expect { try await client.removeImage(name: id) } throws: { error in
                isError(error) { if case .imageInUse(_, let containers) = $0 { containers == ["user"] } else { false } }
            }
            // Import a root filesystem tarball as a one-layer image.
            let rootfs = fixture.directory + "/rootfs.tar"
            let layer = try FileManager.default.contentsOfDirectory(atPath: PodlinkdFixture.image + "/blobs/sha256")
                .map { PodlinkdFixture.image + "/blobs/sha256/" + $0 }
                .max {
                    (try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int ?? 0) ?? 0
                        < (try? FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int ?? 0) ?? 0
                }!
            try FileManager.default.copyItem(atPath: layer, toPath: rootfs)
            let imported = try await client.importImage(source: rootfs, reference: "imported:1", command: ["sh"]).image
            #expect(try await client.inspectImage(name: "imported:1").image.id == imported)
            #expect(try await client.removeImage(name: "imported:1").image == imported)
            #expect(try await client.removeImage(name: id, force: true).image == id)
            let events = try await client.getEvents().events
            #expect(events.contains { $0.type == .image && $0.action == "load" })
            #expect(events.contains { $0.type == .container && $0.action == "create" && $0.name == "user" })
            #expect(try await client.getEvents(types: [.image]).events.allSatisfy { $0.type == .image })
            await #expect { try await client.getEvents(since: "yesterday") } throws: { error in
                isError(error) { if case .invalidArgument("since", _) = $0 { true } else { false } }
            }
            await #expect { try await client.loadImage(inputFile: "relative") } throws: { error in
                isError(error) { if case .invalidArgument("input_file", _) = $0 { true } else { false } }
            }
        }
    }

    @Test func refreshIsHarmlessWhenRepeated() async throws {
        try await withService { client, _ in
            _ = try await client.createContainer(
                create: .init(image: "test:latest", name: "kept", command: ["sleep", "100"]))
            _ = try await client.startContainer(name: "kept")
            try await client.refreshContainers()
            try await client.refreshContainers()
            // Not after a reboot: a running container stays running and keeps its process.
            let state = try await client.inspectContainer(name: "kept").container.state
            #expect(state.status == .running && state.pid > 0)
        }
    }
}

@Suite("io.podlink streams", .enabled(if: PodlinkdFixture.available, "needs root, runc, conmon and podlinkd built"))
struct StreamTests {
    @Test func logsAndEventsFollowWithMore() async throws {
        let fixture = try await PodlinkdFixture()
        let (client, connection) = try await fixture.clientWithImage()
        // Events: a stream opened before the container exists sees its creation. A connection answers one call at
        // a time, so the endless stream gets a connection of its own.
        let (watcher, watcherConnection) = try await fixture.connect()
        var events = watcher.getEvents(types: [.container], actions: ["create", "start"], .more).makeAsyncIterator()
        _ = try await client.createContainer(
            create: .init(
                image: "test:latest", name: "talker",
                command: ["sh", "-c", "for i in 1 2 3; do echo line $i; sleep 0.2; done; exit 5"]))
        _ = try await client.startContainer(name: "talker")
        var texts: [String] = []
        for try await reply in client.getContainerLogs(name: "talker", .more) { texts += reply.lines.map(\.text) }
        #expect(texts == ["line 1", "line 2", "line 3"])
        #expect(try await client.waitContainer(name: "talker").exitcode == 5)
        var actions: [String] = []
        while actions.count < 2, let reply = try await events.next() { actions += reply.events.map(\.action) }
        #expect(actions == ["create", "start"])
        await #expect(throws: IoPodlinkError.containerNotFound(id: "ghost")) {
            for try await _ in client.getContainerLogs(name: "ghost", .more) {}
        }
        await watcherConnection.close()
        await connection.close()
        await fixture.tearDown()
    }

    /// A log of about 30 MiB: one reply would pass the 8 MiB bound (a typed error); in batches, every line
    /// arrives while the service's memory grows by far less than the log.
    @Test func aLargeLogIsReadInBatchesWithBoundedMemory() async throws {
        try await PodlinkdFixture.withClient { fixture, client in
            // 300,000 lines of 100 bytes, written at once.
            let line = String(repeating: "y", count: 99)
            let id = try await client.createContainer(
                create: .init(image: "test:latest", command: ["sh", "-c", "yes \(line) | head -n 300000"])
            ).container
            _ = try await client.startContainer(name: id)
            #expect(try await client.waitContainer(name: id).exitcode == 0)
            await #expect(throws: IoPodlinkError.logTooLarge(limit: 8 << 20)) {
                _ = try await client.getContainerLogs(name: id)
            }
            let before = ExecSessionTests.residentKilobytes(fixture)
            var count = 0
            var replies = 0
            for try await reply in client.getContainerLogs(name: id, follow: false, .more) {
                count += reply.lines.count
                replies += 1
                #expect(reply.lines.allSatisfy { $0.text == line })
            }
            let grown = ExecSessionTests.residentKilobytes(fixture) - before
            #expect(count == 300_000)
            #expect(replies > 100, "the log came in \(replies) replies")
            #expect(grown < 16 * 1024, "the service grew by \(grown) KiB reading a 30 MiB log")
            #expect(try await client.getContainerLogs(name: id, tail: 3).lines.count == 3)
        }
    }
}
