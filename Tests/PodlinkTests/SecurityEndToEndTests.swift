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

    @Test func aMemberAndANonMemberRacingGetOnlyWhatIsTheirs() async throws {
        let fixture = try await PodlinkdFixture(arguments: ["--group", "nogroup"], socketMode: "0666")
        chmod(fixture.directory, 0o755)
        let count = 1500
        func race(_ uid: Int) async -> CommandResult {
            await ChildProcess.run([
                "setpriv", "--reuid=\(uid)", "--regid=\(uid)", "--clear-groups", "/usr/bin/python3", "-c",
                PodlinkdFixture.rawCalls, fixture.socket, String(count),
            ])
        }
        // Debian's `sync` user (uid 4) belongs to nogroup by its passwd entry only, so its calls need the group
        // lookup that the outsider's (`daemon`, uid 1) race against.
        async let member = race(4)
        async let outsider = race(1)
        let (inside, outside) = await (member, outsider)
        func answered(_ result: CommandResult) -> Int {
            result.output.split(separator: "\n").filter { $0.contains(#""version""#) }.count
        }
        #expect(answered(inside) == count, "\(inside.status) \(inside.error)")
        #expect(answered(outside) == 0, "\(outside.status) \(outside.error)")
        await fixture.tearDown()
    }

    /// Runs podlinkd with `arguments` until it exits (at most 20 s); returns its status and standard error.
    static func podlinkd(_ arguments: [String], in directory: String) async -> CommandResult {
        await ChildProcess.run(
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
