import FoundationEssentials
import Glibc
import PodlinkTestSupport
import Testing

@testable import Engine

/// A container on a bridge network across a reboot: the refresh forgets what the reboot took and the container's
/// start sets its network up again.
@Suite("Networks across a reboot")
struct NetworkRefreshTests {
    @Test(
        "an always-restarted container on bridge comes back with a namespace, an address and its port",
        .enabled(if: access("/usr/lib/podman/netavark", X_OK) == 0, "needs netavark"), .timeLimit(.minutes(1)))
    func networkAfterReboot() async throws {
        let first = try await TestEngine.make(handlesExits: false)
        let id = try await first.create(["sleep", "1000"], name: "web") {
            $0.network = .bridge
            $0.restartPolicy = "always"
            $0.ports = [PortMapping(hostIP: "127.0.0.1", hostPort: 0, containerPort: 80)]
        }
        try await first.engine.startContainer(id)
        let before = try await first.engine.inspectContainer(id).config
        let state = try await first.engine.inspectContainer(id).state
        #expect(state.networks.count == 1 && state.ports.first?.hostPort ?? 0 > 0)
        // What a reboot takes: the namespace, the veth pair, the firewall rules (the record still names them).
        let addresses = Dictionary(uniqueKeysWithValues: state.networks.map { ($0.network, $0.ip) })
        try await first.engine.netavark.teardown(
            state.networkNamespace, try first.engine.netavarkOptions(before, addresses: addresses, ports: state.ports))
        try await NetworkNamespace.delete(NetworkNamespace.name(for: id))
        let test = try await first.reboot(killing: [id])
        try await withTearDown(test, tearDown: { await $0.tearDown() }) { test in
            let after = try await test.engine.inspectContainer(id).state
            #expect(after.status == .running)
            #expect(after.networks.first?.network == Engine.defaultNetworkName)
            #expect(after.ports.first?.hostPort ?? 0 > 0)
            #expect(FileManager.default.fileExists(atPath: after.networkNamespace))
            try await test.engine.removeContainer(id, force: true)
            #expect(!FileManager.default.fileExists(atPath: after.networkNamespace))
        }
    }
}
