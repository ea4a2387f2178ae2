import FoundationEssentials
import Testing

@testable import Engine

/// The engine's IPv4 arithmetic, which chooses subnets and addresses.
@Suite("IPv4 addresses and subnets")
struct IPv4Tests {
    @Test("addresses read only dotted quads", arguments: ["10.0.0.1", "255.255.255.255", "0.0.0.0"])
    func addresses(_ text: String) throws {
        #expect(try #require(IPv4Address(text)).description == text)
    }

    @Test(
        "anything else is no address",
        arguments: ["", "10.0.0", "10.0.0.256", "010.0.0.1", "1.2.3.4.5", "a.b.c.d", "1..2.3", "١.2.3.4"])
    func notAddresses(_ text: String) {
        #expect(IPv4Address(text) == nil)
    }

    @Test("subnets: CIDR without host bits, their hosts, overlaps")
    func subnets() throws {
        let subnet = try #require(IPv4Subnet("10.90.1.0/24"))
        #expect(subnet.hosts.lowerBound == IPv4Address("10.90.1.1")!.value)
        #expect(subnet.hosts.upperBound == IPv4Address("10.90.1.254")!.value)
        #expect(subnet.broadcast.description == "10.90.1.255")
        #expect(subnet.contains(IPv4Address("10.90.1.77")!) && !subnet.contains(IPv4Address("10.90.2.1")!))
        #expect(
            IPv4Subnet("10.90.1.1/24") == nil && IPv4Subnet("10.90.1.0/33") == nil && IPv4Subnet("10.90.1.0") == nil)
        #expect(subnet.overlaps(IPv4Subnet("10.90.0.0/16")!) && IPv4Subnet("10.90.0.0/16")!.overlaps(subnet))
        #expect(!subnet.overlaps(IPv4Subnet("10.90.2.0/24")!))
        #expect(IPv4Subnet("10.0.0.0/31")!.hosts.count == 2)
    }

    @Test("a free /24 of the pool skips the ones networks hold, and the pool can run out")
    func freeSubnets() throws {
        let pool = IPv4Subnet("10.90.0.0/23")!
        func network(_ subnet: String) -> NetworkRecord {
            NetworkRecord(
                name: subnet, id: "", interface: "", subnet: IPv4Subnet(subnet)!, gateway: IPv4Address(0),
                internal: false, dnsEnabled: true, createdAt: .init(timeIntervalSince1970: 0))
        }
        #expect(try Engine.freeSubnet(in: pool, []).description == "10.90.0.0/24")
        #expect(try Engine.freeSubnet(in: pool, [network("10.90.0.0/24")]).description == "10.90.1.0/24")
        #expect(throws: EngineError.self) {
            try Engine.freeSubnet(in: pool, [network("10.90.0.0/24"), network("10.90.1.0/25")])
        }
    }
}
