import Foundation
import PodlinkAPI
import PodlinkClient
import PodlinkTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// podlinkd's own surface: who may call, which listeners it accepts, which configuration it trusts.
@Suite(
    "Security end to end", .enabled(if: PodlinkdFixture.available, "needs root, runc, conmon and podlinkd built"),
    .timeLimit(.minutes(3)))
struct SecurityEndToEndTests {
    /// Makes `count` connections, one GetVersion call on each; prints how many were answered with a version.
    static let caller = """
        import socket, sys
        ok = 0
        for _ in range(int(sys.argv[2])):
            s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
            s.sendall(b'{"method":"io.podlink.GetVersion"}\\0')
            data = b""
            while not data.endswith(b"\\0"):
                chunk = s.recv(4096)
                if not chunk: break
                data += chunk
            s.close()
            if b'"version"' in data: ok += 1
        print(ok)
        """

    @Test func aMemberAndANonMemberRacingGetOnlyWhatIsTheirs() async throws {
        let fixture = try await PodlinkdFixture(arguments: ["--group", "nogroup"], socketMode: "0666")
        chmod(fixture.directory, 0o755)
        let count = 1500
        func race(_ uid: Int) async -> PodlinkdFixture.Result {
            await PodlinkdFixture.run([
                "setpriv", "--reuid=\(uid)", "--regid=\(uid)", "--clear-groups", "/usr/bin/python3", "-c",
                Self.caller, fixture.socket, String(count),
            ])
        }
        // Debian's `sync` user (uid 4) belongs to nogroup by its passwd entry only, so its calls need the group
        // lookup that the outsider's (`daemon`, uid 1) race against.
        async let member = race(4)
        async let outsider = race(1)
        let (inside, outside) = await (member, outsider)
        #expect(inside.output.trimmingCharacters(in: .whitespacesAndNewlines) == String(count), "\(inside)")
        #expect(outside.output.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "\(outside)")
        await fixture.tearDown()
    }

    /// Runs podlinkd with `arguments` until it exits (at most 20 s); returns its status and standard error.
    static func podlinkd(_ arguments: [String], in directory: String) async -> PodlinkdFixture.Result {
        await PodlinkdFixture.run(
            [PodlinkdFixture.podlinkd, "--timeout", "1", "--registry", "", "--storage-root", directory + "/storage"]
                + ["--run-root", directory + "/run"] + arguments, timeout: 20)
    }

    @Test func abstractAndTCPListenersAreRefusedWithoutTheLoudFlag() async throws {
        let directory = PodlinkdFixture.root + "/podlink-listen-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let name = "podlink-test-\(UUID().uuidString.prefix(8))"
        let abstract = await Self.podlinkd(["--config", "/nonexistent", "--address", "unix:@\(name)"], in: directory)
        #expect(abstract.status != 0 && abstract.error.contains("--insecure-listener"), "\(abstract)")
        let tcp = await Self.podlinkd(["--config", "/nonexistent", "--address", "tcp:127.0.0.1:0"], in: directory)
        #expect(tcp.status != 0 && tcp.error.contains("--insecure-listener"), "\(tcp)")
        // With the flag it serves (and exits when idle).
        let allowed = await Self.podlinkd(
            ["--config", "/nonexistent", "--address", "unix:@\(name)", "--insecure-listener"], in: directory)
        #expect(allowed.status == 0, "\(allowed)")
    }

    @Test func aConfigurationOthersCanWriteIsRefused() async throws {
        let directory = PodlinkdFixture.root + "/podlink-config-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = directory + "/podlinkd.conf"
        try "runtime=/usr/bin/runc\n".write(toFile: config, atomically: false, encoding: .utf8)
        chmod(config, 0o666)
        let loose = await Self.podlinkd(["--config", config, "--address", "unix:\(directory)/sock"], in: directory)
        #expect(loose.status != 0 && loose.error.contains("owned by root"), "\(loose)")
        chmod(config, 0o644)
        let tight = await Self.podlinkd(["--config", config, "--address", "unix:\(directory)/sock"], in: directory)
        #expect(tight.status == 0, "\(tight)")
    }
}
