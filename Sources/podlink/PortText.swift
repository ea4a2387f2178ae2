import PodlinkAPI

/// Published ports as Podman prints them (an empty host address shows as `0.0.0.0`, an absent protocol as tcp).
enum PortText {
    /// The `podman ps` PORTS cell: `127.0.0.1:8080->80/tcp, 0.0.0.0:9000-9001->9000-9001/udp`; a host port not
    /// chosen yet (0, until the container starts) is left out: `127.0.0.1->80/tcp`.
    static func summary(_ mappings: [IoPodlink.PortMapping]) -> String {
        mappings.map { mapping in
            let count = mapping.portCount
            let ip = hostIP(mapping)
            let proto = name(mapping)
            if count > 1 {
                return "\(ip):\(mapping.hostPort)-\(mapping.hostPort + count - 1)->"
                    + "\(mapping.containerPort)-\(mapping.containerPort + count - 1)/\(proto)"
            }
            // A port to be chosen at start (the container does not run): the address and the container's port.
            if mapping.hostPort == 0 { return "\(ip)->\(mapping.containerPort)/\(proto)" }
            return "\(ip):\(mapping.hostPort)->\(mapping.containerPort)/\(proto)"
        }.joined(separator: ", ")
    }

    /// The `podman port` lines, one per port of each range: `80/tcp -> 127.0.0.1:8080`.
    static func lines(_ mappings: [IoPodlink.PortMapping]) -> [String] {
        mappings.flatMap { mapping in
            (0..<mapping.portCount).map { offset in
                "\(mapping.containerPort + offset)/\(name(mapping)) -> \(hostIP(mapping)):\(mapping.hostPort + offset)"
            }
        }
    }

    /// Where the container's `port` of protocol `proto` is published, as `podman port CONTAINER 80/tcp` prints
    /// them: `127.0.0.1:8080`, one per mapping that covers it.
    static func hosts(
        of port: Int, _ proto: IoPodlink.PortMapping.Protocol_, in mappings: [IoPodlink.PortMapping]
    )
        -> [String]
    {
        mappings.compactMap { mapping in
            guard (mapping.`protocol` ?? .tcp) == proto, mapping.containerPort <= port,
                port < mapping.containerPort + mapping.portCount
            else { return nil }
            return "\(hostIP(mapping)):\(mapping.hostPort + port - mapping.containerPort)"
        }
    }

    /// The host address, `0.0.0.0` for every address.
    static func hostIP(_ mapping: IoPodlink.PortMapping) -> String {
        guard let ip = mapping.hostIp, !ip.isEmpty else { return "0.0.0.0" }
        return ip
    }

    /// The protocol's name, tcp when absent.
    static func name(_ mapping: IoPodlink.PortMapping) -> String { (mapping.`protocol` ?? .tcp).rawValue }
}

extension IoPodlink.PortMapping {
    /// How many consecutive ports it maps (its range, 1 when absent).
    var portCount: Int { Swift.max(range ?? 1, 1) }
}
