import Foundation
import PodlinkAPI
import PodlinkClient
import PodlinkTestSupport
import Testing
import Varlink
import VarlinkNIO

#if canImport(Glibc)
import Glibc
#endif

/// podlinkd as a service: permissions, idle exit, socket activation, bridge, introspection, and containers that
/// outlive it.
@Suite("podlinkd as a service", .enabled(if: PodlinkdFixture.available, "needs root, runc, conmon and podlinkd built"))
struct ServiceTests {
    static let rawCall = PodlinkdFixture.rawCalls

    @Test func peersOtherThanRootAndTheGroupArePermissionDenied() async throws {
        let fixture = try await PodlinkdFixture(socketMode: "0666")
        chmod(fixture.directory, 0o755)
        let asNobody = await ChildProcess.run([
            "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c", Self.rawCall,
            fixture.socket,
        ])
        #expect(asNobody.output.contains(#""error":"org.varlink.service.PermissionDenied""#), "\(asNobody)")
        let asRoot = await ChildProcess.run(["/usr/bin/python3", "-c", Self.rawCall, fixture.socket])
        #expect(asRoot.output.contains(#""version""#), "\(asRoot)")
        await fixture.stop()
        // Members of the configured group may call: the socket is theirs (0660, group-owned) without a mode.
        try await fixture.start(arguments: ["--group", "nogroup"])
        var info = stat()
        #expect(stat(fixture.socket, &info) == 0 && info.st_mode & 0o777 == 0o660 && info.st_gid == 65534)
        let asGroup = await ChildProcess.run([
            "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c", Self.rawCall,
            fixture.socket,
        ])
        #expect(asGroup.output.contains(#""version""#), "\(asGroup)")
        await fixture.tearDown()
    }

    /// Starts podlinkd on `socket` with a registry directory of its own and waits for it to listen.
    static func startOwn(socket: String, directory: String, arguments: [String] = []) async throws -> ChildProcess {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let notify = try NotifySocket(path: directory + "/notify")
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = notify.path
        let process = try ChildProcess(
            PodlinkdFixture.podlinkd,
            arguments: [
                "--address", "unix:\(socket)", "--timeout", "0", "--config", "/nonexistent", "--storage-root",
                directory + "/storage", "--run-root", directory + "/run", "--registry", directory + "/registry",
            ] + arguments, environment: environment)
        #expect(await notify.wait())
        return process
    }

    @Test func socketDirectoryModeAndRegistryLink() async throws {
        let directory = PodlinkdFixture.root + "/podlink-sock-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let socket = directory + "/podlink/io.podlink"
        let link = directory + "/registry/io.podlink"
        let process = try await Self.startOwn(socket: socket, directory: directory)
        var info = stat()
        #expect(stat(directory + "/podlink", &info) == 0 && info.st_mode & 0o777 == 0o700)
        #expect(stat(socket, &info) == 0 && info.st_mode & 0o777 == 0o600)
        #expect(lstat(link, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK)
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: link)) == socket)
        // Generic tools reach the service through the registry's link.
        let viaLink = await ChildProcess.run(["python3", "-m", "varlink.cli", "info", "unix:\(link)"])
        #expect(viaLink.output.contains("io.podlink"), "\(viaLink)")
        process.terminate()
        await process.wait()
        #expect(lstat(link, &info) != 0, "the registry link outlived the service")
        #expect(lstat(socket, &info) != 0, "the socket outlived the service")

        // With a group: the directory is the group's to traverse (0750) and the socket the group's (0660).
        try? FileManager.default.removeItem(atPath: directory + "/podlink")
        let grouped = try await Self.startOwn(socket: socket, directory: directory, arguments: ["--group", "nogroup"])
        #expect(stat(directory + "/podlink", &info) == 0 && info.st_mode & 0o777 == 0o750 && info.st_gid == 65534)
        #expect(stat(socket, &info) == 0 && info.st_mode & 0o777 == 0o660 && info.st_gid == 65534)
        grouped.terminate()
        await grouped.wait()
    }

    @Test func aLiveSocketIsNeverTakenOver() async throws {
        let fixture = try await PodlinkdFixture()
        let second = try ChildProcess(
            PodlinkdFixture.podlinkd,
            arguments: ["--address", "unix:\(fixture.socket)", "--timeout", "0", "--config", "/nonexistent"]
                + ["--registry", fixture.directory + "/registry2", "--storage-root", fixture.directory + "/storage2"]
                + ["--run-root", fixture.directory + "/run2"])
        #expect(await second.wait() != 0)
        // The first service still owns its socket and answers on it.
        let (client, connection) = try await fixture.connect()
        #expect(try await client.getVersion().version == IoPodlink.podlinkVersion)
        await connection.close()
        await fixture.tearDown()
    }

    @Test func idleExitOnlyWithoutConnections() async throws {
        let fixture = try await PodlinkdFixture()
        await fixture.stop()
        // Long enough that a loaded machine connects before the service could idle out.
        try await fixture.start(arguments: ["--timeout", "3"])
        let (client, connection) = try await fixture.connect()
        try await Task.sleep(for: .seconds(5))
        #expect(fixture.process?.isRunning == true, "exited while a connection was open")
        #expect(try await client.getVersion().remoteApiVersion == IoPodlink.apiVersion)
        await connection.close()
        let status = await fixture.process?.wait(timeout: 10)
        #expect(status == 0, "did not exit when idle")
        await fixture.tearDown()
    }

    @Test func containersOutliveTheServiceAndTheNextOneSeesTheirExit() async throws {
        let fixture = try await PodlinkdFixture()
        var pid: Int32 = 0
        do {
            let (client, connection) = try await fixture.clientWithImage()
            _ = try await client.createContainer(
                create: .init(image: "test:latest", name: "survivor", command: ["sh", "-c", "sleep 2; exit 7"]))
            _ = try await client.startContainer(name: "survivor")
            pid = Int32(try await client.inspectContainer(name: "survivor").container.state.pid)
            await connection.close()
        }
        await fixture.stop()
        // The container ends while no service runs.
        #expect(await ChildProcess.waitForEnd(of: pid, timeout: 30))
        try await fixture.start()
        let (client, connection) = try await fixture.connect()
        #expect(try await client.waitContainer(name: "survivor").exitcode == 7)
        let state = try await client.inspectContainer(name: "survivor").container.state
        #expect(state.status == .exited && state.exitCode == 7)
        await connection.close()
        await fixture.tearDown()
    }

    @Test(
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-socket-activate"),
            "needs systemd-socket-activate"))
    func socketActivatedLikeTheSystemdUnit() async throws {
        let fixture = try await PodlinkdFixture()
        await fixture.stop()
        let socket = fixture.directory + "/activated"
        // systemd-socket-activate closes every descriptor it inherits: Foundation's Process could not wait for it.
        let activator = try ChildProcess(
            "/usr/bin/systemd-socket-activate",
            arguments: ["-l", socket, "--fdname=varlink", PodlinkdFixture.podlinkd, "--timeout=1"]
                + fixture.storageArguments)
        #expect(await PodlinkdFixture.waitForSocket(socket))
        let (client, connection) = try await Podlink.connect(.address("unix:\(socket)"))
        #expect(try await client.getVersion().runtime == "runc")
        await connection.close()
        #expect(await activator.wait(timeout: 10) != nil, "the activated service did not exit when idle")
        await fixture.tearDown()
    }

    @Test func bridgeAndActivationFromTheClient() async throws {
        let fixture = try await PodlinkdFixture()
        await fixture.stop()
        let (bridged, bridge) = try await Podlink.connect(
            .bridge([PodlinkdFixture.podlinkd, "--bridge"] + fixture.storageArguments))
        #expect(try await bridged.getVersion().version == IoPodlink.podlinkVersion)
        await bridge.close()
        let (activated, activation) = try await Podlink.connect(
            .activate([PodlinkdFixture.podlinkd, "--timeout=5"] + fixture.storageArguments))
        #expect(try await activated.listContainers().containers.isEmpty)
        await activation.close()
        await fixture.tearDown()
    }

    @Test(
        .enabled(
            if: ChildProcess.runBlocking(["python3", "-c", "import varlink"]).status == 0,
            "needs python3 with the varlink package"))
    func genericToolsIntrospectTheService() async throws {
        let fixture = try await PodlinkdFixture()
        let info = await ChildProcess.run(["python3", "-m", "varlink.cli", "info", "unix:\(fixture.socket)"])
        #expect(info.output.contains("Vendor: Podlink") && info.output.contains("Product: podlinkd"), "\(info)")
        #expect(info.output.contains("io.podlink"))
        let help = await ChildProcess.run([
            "python3", "-m", "varlink.cli", "help", "unix:\(fixture.socket)/io.podlink",
        ])
        #expect(help.output.contains("interface io.podlink"), "\(help)")
        #expect(help.output.contains("method WaitContainer(") && help.output.contains("conditions: ?[]WaitCondition"))
        // The interface is Podlink's own: Podman 1.9's name is not served.
        let podman = await ChildProcess.run([
            "python3", "-c", Self.rawCall, fixture.socket, "1", "io.podman.GetVersion",
        ])
        #expect(podman.output.contains(#""error":"org.varlink.service.InterfaceNotFound""#), "\(podman)")
        #expect(podman.output.contains(#""interface":"io.podman""#), "\(podman)")
        await fixture.tearDown()
    }
}
