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

/// Bridge networks and published ports on netavark through the real socket: traffic only to loopback and to the
/// tests' own networks, and after every end of a container nothing of its network is left on the host.
@Suite(
    "Networks", .enabled(if: PodlinkdFixture.networksAvailable, "needs root, podlinkd built and netavark"),
    .timeLimit(.minutes(3)))
struct NetworkTests {
    /// busybox's wget, run on the host (without `-T`, which makes Debian's static busybox crash).
    static func fetch(_ url: String) async -> CommandResult {
        await ChildProcess.run(["/usr/bin/busybox", "wget", "-q", "-O", "-", url], timeout: 30)
    }

    /// The page once the server in the container listens: its start returns when its process runs, a moment
    /// before httpd has bound its port; asked again while the connection is refused, for at most 5 s.
    static func fetchOnceListening(_ url: String) async -> CommandResult {
        var result = await fetch(url)
        for _ in 0..<50 where result.status != 0 && result.error.contains("refused") {
            try? await Task.sleep(for: .milliseconds(100))
            result = await fetch(url)
        }
        return result
    }

    /// What of a container's network is left on the host: its namespace, veth pairs on the network's bridge,
    /// firewall rules naming its address, aardvark-dns's record of it.
    static func leftovers(_ fixture: PodlinkdFixture, id: String, ip: String) async -> [String] {
        var found: [String] = []
        let namespaces = await ChildProcess.run(["ip", "netns", "list"])
        if namespaces.output.contains("podlink-" + id.prefix(16)) { found.append("namespace") }
        let links = await ChildProcess.run(["ip", "-o", "link", "show", "master", fixture.bridgePrefix + "0"])
        if links.status == 0 && links.output.contains("veth") { found.append("veth: \(links.output)") }
        for table in ["nat", "filter"] {
            let rules = await ChildProcess.run(["iptables", "-t", table, "-S"])
            if rules.output.contains(ip + "/") || rules.output.contains(ip + " ") {
                found.append("\(table) rule for \(ip)")
            }
        }
        let dns = fixture.directory + "/run/networks/aardvark-dns"
        for file in (try? FileManager.default.contentsOfDirectory(atPath: dns)) ?? [] {
            if let text = try? String(contentsOfFile: dns + "/" + file, encoding: .utf8), text.contains(id) {
                found.append("aardvark record in \(file)")
            }
        }
        return found
    }

    static func webServer(
        _ client: IoPodlinkClient, name: String, ports: [IoPodlink.PortMapping]? = nil,
        networks: [IoPodlink.NetworkJoin]? = nil
    ) async throws -> IoPodlink.ContainerInspect {
        _ = try await client.createContainer(
            create: .init(
                image: "test:latest", name: name, command: ["httpd", "-f", "-p", "80", "-h", "/etc"],
                network: .bridge, networks: networks, ports: ports))
        _ = try await client.startContainer(name: name)
        return try await client.inspectContainer(name: name).container
    }

    @Test func aPublishedPortServesTheHost() async throws {
        try await PodlinkdFixture.withClient { fixture, client in
            let web = try await Self.webServer(
                client, name: "web", ports: [.init(hostIp: "127.0.0.1", hostPort: 0, containerPort: 80)])
            let port = try #require(web.state.ports.first)
            #expect(port.hostPort > 0 && port.hostIp == "127.0.0.1" && port.containerPort == 80)
            let page = await Self.fetchOnceListening("http://127.0.0.1:\(port.hostPort)/hostname")
            #expect(page.output == web.config.hostname + "\n")
            let listed = try await client.listContainers().containers.first { $0.name == "web" }
            #expect(listed?.ports.first?.hostPort == port.hostPort)
            let ip = try #require(web.state.networks.first?.ip)
            _ = try await client.stopContainer(name: "web", timeout: 0)
            #expect(await Self.leftovers(fixture, id: web.id, ip: ip).isEmpty)
            #expect(try await client.inspectContainer(name: "web").container.state.ports.isEmpty)
            #expect(await Self.fetch("http://127.0.0.1:\(port.hostPort)/hostname").status != 0)
        }
    }

    @Test func theCommandLinePublishesAPortAsPodmanDoes() async throws {
        try await PodlinkdFixture.withClient { fixture, _ in
            func podlink(_ arguments: String...) async -> CommandResult {
                await LiveStateEndToEndTests.podlink(fixture, arguments)
            }
            #expect(await podlink("load", "-i", PodlinkdFixture.image, "busybox").status == 0)
            let started = await podlink(
                "run", "-d", "--name", "web", "-p", "127.0.0.1::80", "busybox", "httpd", "-f", "-p", "80", "-h", "/etc")
            #expect(started.status == 0, "\(started)")
            let port = await podlink("port", "web")
            let published = port.output.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(published.hasPrefix("80/tcp -> 127.0.0.1:"), "\(port)")
            let address = String(published.dropFirst("80/tcp -> ".count))
            let page = await Self.fetchOnceListening("http://\(address)/hostname")
            #expect(page.status == 0 && !page.output.isEmpty, "\(page)")
            let ps = await podlink("ps")
            #expect(ps.output.contains("PORTS") && ps.output.contains("\(address)->80/tcp"), "\(ps)")
            #expect(await podlink("network", "create", "--subnet", "10.250.77.0/24", "cli").status == 0)
            let listed = await podlink("network", "ls")
            #expect(listed.output.contains("cli") && listed.output.contains("10.250.77.0/24"), "\(listed)")
            let overlap = await podlink("network", "create", "--subnet", "10.250.77.128/25", "clash")
            #expect(overlap.status != 0 && overlap.error.contains("cli"), "\(overlap)")
            #expect(await podlink("network", "rm", "cli").status == 0)
            #expect(await podlink("rm", "-f", "web").status == 0)
        }
    }

    @Test func containersOfOneNetworkReachEachOtherByNameAndAlias() async throws {
        try await PodlinkdFixture.withClient { fixture, client in
            _ = try await client.createNetwork(network: .init(name: "inner"))
            let web = try await Self.webServer(
                client, name: "site", networks: [.init(name: "inner", aliases: ["www"])])
            for host in ["site", "www"] {
                // nc: Debian's static busybox wget crashes with a timeout option.
                let request = "printf 'GET /hostname HTTP/1.0\\r\\n\\r\\n' | nc -w 5 \(host) 80 | tail -1"
                let result = try await client.createContainer(
                    create: .init(
                        image: "test:latest", command: ["sh", "-c", request], network: .bridge,
                        networks: [.init(name: "inner")]))
                _ = try await client.startContainer(name: result.container)
                #expect(try await client.waitContainer(name: result.container).exitcode == 0)
                let lines = try await client.getContainerLogs(name: result.container).lines.map(\.text)
                #expect(lines == [web.config.hostname], "reaching \(host)")
                _ = try await client.removeContainer(name: result.container)
            }
            let ip = try #require(web.state.networks.first?.ip)
            _ = try await client.removeContainer(name: "site", force: true)
            #expect(await Self.leftovers(fixture, id: web.id, ip: ip).isEmpty)
            _ = try await client.removeNetwork(name: "inner")
        }
    }

    @Test func anExitAfterTheServiceWasKilledTearsTheNetworkDown() async throws {
        let fixture = try await PodlinkdFixture()
        let (client, connection) = try await fixture.clientWithImage()
        let web = try await Self.webServer(client, name: "orphan", ports: [.init(hostPort: 0, containerPort: 80)])
        await connection.close()
        fixture.process?.terminate(SIGKILL)
        _ = await fixture.process?.wait()
        let ip = try #require(web.state.networks.first?.ip)
        #expect(await Self.leftovers(fixture, id: web.id, ip: ip).contains("namespace"), "set up while it runs")
        let killed = await ChildProcess.run([
            "runc", "--root", fixture.directory + "/run/runc", "kill", web.id, "KILL",
        ])
        #expect(killed.status == 0, "\(killed)")
        // conmon's exit command records the exit and tears the network down; conmon ends after it.
        #expect(await ChildProcess.waitForEnd(of: Int32(web.state.conmonPid), timeout: 30))
        #expect(await Self.leftovers(fixture, id: web.id, ip: ip).isEmpty)
        try await fixture.start()
        await fixture.tearDown()
    }

    @Test func twentyContainersStartAtOnceOnOneNetwork() async throws {
        try await PodlinkdFixture.withClient { fixture, client in
            _ = try await client.createNetwork(network: .init(name: "crowd"))
            var ids: [String] = []
            for index in 0..<20 {
                ids.append(
                    try await client.createContainer(
                        create: .init(
                            image: "test:latest", name: "c\(index)", command: ["sleep", "1000"], network: .bridge,
                            networks: [.init(name: "crowd")])
                    ).container)
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for id in ids {
                    group.addTask {
                        let (own, connection) = try await fixture.connect()
                        _ = try await own.startContainer(name: id)
                        await connection.close()
                    }
                }
                try await group.waitForAll()
            }
            var addresses: Set<String> = []
            for id in ids {
                let state = try await client.inspectContainer(name: id).container.state
                #expect(state.status == .running)
                if let ip = state.networks.first?.ip { addresses.insert(ip) }
            }
            #expect(addresses.count == 20, "every container has an address of its own: \(addresses)")
            for id in ids { _ = try await client.removeContainer(name: id, force: true) }
            let namespaces = await ChildProcess.run(["ip", "netns", "list"])
            #expect(!ids.contains { namespaces.output.contains("podlink-" + $0.prefix(16)) })
        }
    }

    @Test func conflictsAreTypedAndLeaveNothingSetUp() async throws {
        try await PodlinkdFixture.withClient { fixture, client in
            let network = try await client.createNetwork(network: .init(name: "fixed", subnet: nil)).network
            await #expect(throws: IoPodlinkError.subnetOverlap(subnet: network.subnet, network: "fixed")) {
                try await client.createNetwork(network: .init(name: "again", subnet: network.subnet))
            }
            await #expect(throws: IoPodlinkError.networkNotFound(name: "nowhere")) {
                try await client.createContainer(
                    create: .init(image: "test:latest", network: .bridge, networks: [.init(name: "nowhere")]))
            }
            await #expect {
                try await client.createContainer(
                    create: .init(
                        image: "test:latest", network: .bridge, networks: [.init(name: "fixed", ip: "192.0.2.7")]))
            } throws: { error in
                guard case .addressUnavailable(let address, "fixed", _) = error as? IoPodlinkError else { return false }
                return address == "192.0.2.7"
            }
            // An address held by a running container.
            let first = try await Self.webServer(client, name: "first", networks: [.init(name: "fixed")])
            let held = try #require(first.state.networks.first?.ip)
            _ = try await client.createContainer(
                create: .init(
                    image: "test:latest", name: "second", command: ["sleep", "1000"], network: .bridge,
                    networks: [.init(name: "fixed", ip: held)]))
            await #expect {
                try await client.startContainer(name: "second")
            } throws: { error in
                if case .addressUnavailable(held, "fixed", _) = error as? IoPodlinkError { true } else { false }
            }
            // A port a process of the host listens on.
            let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(listener) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(listener, $0, length) + listen(listener, 1) + getsockname(listener, $0, &length)
                }
            }
            let taken = Int(UInt16(bigEndian: address.sin_port))
            let blocked = try await client.createContainer(
                create: .init(
                    image: "test:latest", command: ["sleep", "1000"],
                    ports: [.init(hostIp: "127.0.0.1", hostPort: taken, containerPort: 80)])
            ).container
            await #expect(
                throws: IoPodlinkError.portInUse(
                    hostIp: "127.0.0.1", hostPort: taken, protocol: "tcp", holder: "the host")
            ) { try await client.startContainer(name: blocked) }
            for name in ["second", blocked] {
                let state = try await client.inspectContainer(name: name).container.state
                #expect(state.status == .configured && state.networks.isEmpty && state.ports.isEmpty)
                let namespaces = await ChildProcess.run(["ip", "netns", "list"])
                let id = try await client.inspectContainer(name: name).container.id
                #expect(!namespaces.output.contains("podlink-" + id.prefix(16)))
            }
            // A network in use is kept unless forced.
            await #expect(throws: IoPodlinkError.networkInUse(name: "fixed", containers: ["first", "second"])) {
                try await client.removeNetwork(name: "fixed")
            }
            #expect(try await client.removeNetwork(name: "fixed", force: true).name == "fixed")
            #expect(
                try await client.listContainers().containers.allSatisfy { $0.name != "first" && $0.name != "second" })
            #expect(await Self.leftovers(fixture, id: first.id, ip: held).isEmpty)
        }
    }
}

extension PodlinkdFixture {
    /// Whether services can set up bridge networks here.
    static var networksAvailable: Bool {
        available && FileManager.default.isExecutableFile(atPath: "/usr/lib/podman/netavark")
    }
}
