import PodlinkAPI

/// `-p/--publish` values in Podman's syntax, `[[hostIP:][hostPort]:]containerPort[-containerPortEnd][/protocol]`,
/// as the port mappings of a Create.
///
/// `80` and `:80` publish container port 80 on a free host port (host port 0), `127.0.0.1::80` too on one
/// address; `8080:80/udp` a given one; `9000-9001:9000-9001` a range (both ranges of one length). An empty host
/// address, or `0.0.0.0`, is every address. IPv6 host addresses (`[::1]:80:80`) are refused.
enum PortSpec {
    /// The mappings of one option value; several values may be separated by commas, as Podman reads them.
    static func parse(_ text: String) throws -> [IoPodlink.PortMapping] {
        try text.split(separator: ",", omittingEmptySubsequences: false).map { try parseOne(String($0), in: text) }
    }

    /// One `[[hostIP:][hostPort]:]containerPort[-end][/protocol]`; `whole` is the option's value, for errors.
    static func parseOne(_ spec: String, in whole: String) throws -> IoPodlink.PortMapping {
        func failure(_ reason: String) -> CLIError { CLIError("invalid --publish \"\(whole)\": \(reason)") }

        let trimmed = spec.trimmingWhitespace
        let slashParts = trimmed.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard slashParts.count <= 2 else { throw failure("protocol can only be specified once") }
        var proto = IoPodlink.PortMapping.Protocol_.tcp
        if slashParts.count == 2 {
            let name = slashParts[1].lowercased()
            guard !name.isEmpty else { throw failure("must provide a non-empty protocol to publish") }
            guard let value = IoPodlink.PortMapping.Protocol_(rawValue: name) else {
                throw failure("protocol \"\(slashParts[1])\" is not supported: give tcp or udp")
            }
            proto = value
        }
        let remainder = slashParts[0]
        if remainder.hasPrefix("[") || remainder.contains("]") { throw failure("IPv6 is not supported") }

        // [[hostIP:][hostPort]:]containerPort: more colons are an IPv6 address without brackets.
        let parts = remainder.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 3 else {
            throw failure("IPv6 is not supported; the format is [[hostIP:][hostPort]:]containerPort[/protocol]")
        }
        let containerPort = parts[parts.count - 1]
        let hostPort: String? = parts.count >= 2 ? parts[parts.count - 2] : nil
        let hostIP: String? = parts.count == 3 ? parts[0] : nil

        guard !containerPort.isEmpty else { throw failure("must provide a non-empty container port to publish") }
        let container = try range(containerPort, allowsZero: false, failure: failure)

        var mapping = IoPodlink.PortMapping(
            hostPort: 0, containerPort: container.start, protocol: proto,
            range: container.count > 1 ? container.count : nil)
        if let hostIP {
            guard !hostIP.isEmpty else { throw failure("must provide a non-empty host IP to publish") }
            guard IPv4Text.isValid(hostIP) else { throw failure("cannot parse \"\(hostIP)\" as an IPv4 address") }
            if hostIP != "0.0.0.0" { mapping.hostIp = hostIP }
        }
        if let hostPort, !hostPort.isEmpty {
            let host = try range(hostPort, allowsZero: true, failure: failure)
            if host.start != 0, host.count != container.count {
                throw failure(
                    "host and container port ranges have different lengths: \(host.count) vs \(container.count)")
            }
            mapping.hostPort = host.start
        }
        // Host port 0 asks the service for one free port; a range needs its host ports given.
        if mapping.hostPort == 0 && container.count > 1 {
            throw failure("a range of container ports needs the host ports it is published on")
        }
        return mapping
    }

    /// `start` or `start-end` as its first port and how many ports it spans; 0 only when `allowsZero`, and then
    /// alone (not as a range's start).
    static func range(
        _ text: String, allowsZero: Bool, failure: (String) -> CLIError
    ) throws -> (start: Int, count: Int) {
        let ends = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard ends.count <= 2 else {
            throw failure("port ranges are formatted as startPort-stopPort, not \"\(text)\"")
        }
        guard !ends[0].isEmpty else { throw failure("port numbers cannot be negative") }
        if ends.count == 1 {
            return (try port(ends[0], allowsZero: allowsZero, failure: failure), 1)
        }
        let start = try port(ends[0], allowsZero: false, failure: failure)
        guard !ends[1].isEmpty else { throw failure("must provide ending number for port range") }
        let end = try port(ends[1], allowsZero: false, failure: failure)
        guard end > start else {
            throw failure(
                "the end port of a range must be higher than the start port - \(end) is not higher than \(start)")
        }
        return (start, end - start + 1)
    }

    /// A port number: 1-65535, or 0 when `allowsZero`.
    static func port(_ text: String, allowsZero: Bool, failure: (String) -> CLIError) throws -> Int {
        guard text.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(text) else {
            throw failure("invalid port number \"\(text)\"")
        }
        guard number <= 65535, number >= (allowsZero ? 0 : 1) else {
            throw failure(
                "port numbers must be between \(allowsZero ? 0 : 1) and 65535 (inclusive), got \(number)")
        }
        return number
    }
}

extension String {
    /// The text without spaces, tabs or line ends around it.
    fileprivate var trimmingWhitespace: String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
