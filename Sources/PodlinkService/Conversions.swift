import Engine
import FoundationEssentials
import PodlinkAPI
import PodlinkShared

extension IoPodlink.ContainerStatus {
    init(_ status: ContainerStatus) {
        switch status {
        case .configured: self = .configured
        case .created: self = .created
        case .running: self = .running
        case .paused: self = .paused
        case .stopped: self = .stopped
        case .exited: self = .exited
        case .removing: self = .removing
        }
    }
}

/// RFC 3339 times, as the interface writes them (to the microsecond) and reads them.
enum Time {
    static func format(_ date: Date) -> String { RFC3339.string(from: date, fractionalDigits: 6) }

    static func parse(_ text: String?, argument: String) throws(IoPodlinkError) -> Date? {
        guard let text else { return nil }
        guard let date = RFC3339.parse(text) else {
            throw .invalidArgument(argument: argument, reason: "'\(text)' is not an RFC 3339 time")
        }
        return date
    }
}

extension ContainerBatch.Operation {
    init(_ operation: IoPodlink.BatchOperation) {
        switch operation.operation {
        case .init_: self = .initialize
        case .start: self = .start
        case .stop: self = .stop(timeout: operation.timeout)
        case .kill: self = .kill(signal: operation.signal ?? 9)
        case .pause: self = .pause
        case .unpause: self = .unpause
        case .restart: self = .restart(timeout: operation.timeout)
        case .sync: self = .sync
        }
    }
}

extension IoPodlink.Container {
    init(_ summary: ContainerSummary) {
        self.init(
            id: summary.id, name: summary.name, image: summary.image, command: summary.command,
            status: .init(summary.status), exitCode: summary.exitCode.map(Int.init),
            created: Time.format(summary.createdAt),
            labels: summary.labels, ports: summary.ports.map(IoPodlink.PortMapping.init))
    }
}

extension IoPodlink.Mount {
    init(_ mount: BindMount) {
        self.init(source: mount.source, destination: mount.destination, readOnly: mount.readOnly)
    }
}

extension IoPodlink.ContainerConfig {
    init(_ config: ContainerConfig) {
        self.init(
            imageId: config.imageID, image: config.imageName, command: config.command, env: config.environment,
            workdir: config.workingDirectory, user: config.user, labels: config.labels, hostname: config.hostname,
            tty: config.tty, stdin: config.stdin, network: .init(rawValue: config.network.rawValue) ?? .none,
            networks: (config.networks ?? []).map(IoPodlink.NetworkJoin.init),
            ports: (config.ports ?? []).map(IoPodlink.PortMapping.init),
            mounts: config.mounts.map(IoPodlink.Mount.init), memory: config.limits.memoryBytes.map(Int.init),
            pids: config.limits.pids.map(Int.init), cpus: config.limits.cpus, stopSignal: Int(config.stopSignal),
            stopTimeout: Int(config.stopTimeout), readOnly: config.readOnlyRootfs, dependencies: config.dependencies,
            restart: config.restartPolicy?.description ?? "no", seccomp: config.seccompProfile ?? "default",
            noNewPrivileges: config.noNewPrivileges ?? false)
    }
}

extension IoPodlink.ContainerState {
    init(_ state: ContainerState) {
        self.init(
            status: .init(state.status), pid: Int(state.pid), conmonPid: Int(state.conmonPID),
            exitCode: state.exitCode.map(Int.init), oomKilled: state.oomKilled,
            started: state.startedAt.map(Time.format),
            finished: state.finishedAt.map(Time.format), mountPoint: state.mountPoint, mountCount: state.mountCount,
            rootfs: state.rootfsKind.map { $0 == .overlay ? .overlay : .copy }, restartCount: state.restartCount,
            stoppedByUser: state.stoppedByUser, checkpointed: state.checkpointed,
            checkpointedAt: state.checkpointedAt.map(Time.format), checkpointPath: state.checkpointPath,
            networks: state.networks.map(IoPodlink.NetworkStatus.init),
            ports: state.ports.map(IoPodlink.PortMapping.init))
    }
}

extension IoPodlink.ContainerInspect {
    init(_ inspect: ContainerInspect) {
        self.init(
            id: inspect.config.id, name: inspect.config.name, created: Time.format(inspect.config.createdAt),
            config: .init(inspect.config), state: .init(inspect.state), logPath: inspect.logPath,
            bundlePath: inspect.bundlePath, runtime: inspect.runtime, dependencyNames: inspect.dependencyNames,
            execSessions: inspect.execSessions.map(IoPodlink.ExecSession.init))
    }
}

extension IoPodlink.ExecSession {
    init(_ session: ExecSession) {
        self.init(
            id: session.id, container: session.containerID, command: session.command, tty: session.tty,
            stdin: session.stdin, state: .init(rawValue: session.state.rawValue) ?? .exited, pid: Int(session.pid),
            running: session.running, exitCode: session.exitCode.map(Int.init))
    }
}

extension IoPodlink.Image {
    init(_ image: ImageRecord, containers: [String]) {
        self.init(
            id: image.id, names: image.names, digest: image.manifestDigest, created: image.created.map(Time.format),
            size: Int(image.size), layers: image.layers, command: image.config.cmd, entrypoint: image.config.entrypoint,
            env: image.config.env, workdir: image.config.workingDir, user: image.config.user,
            labels: image.config.labels, architecture: image.architecture, os: image.os, containers: containers)
    }
}

extension IoPodlink.LogLine {
    init(_ line: LogLine) {
        self.init(time: Time.format(line.time), stream: line.stream == .stdout ? .stdout : .stderr, text: line.text)
    }
}

extension IoPodlink.Event {
    init(_ event: EngineEvent) {
        self.init(
            time: Time.format(event.time), type: .init(rawValue: event.kind.rawValue) ?? .container,
            action: event.action.rawValue,
            id: event.id, name: event.name, attributes: event.attributes)
    }
}

extension IoPodlink.PortMapping {
    init(_ port: PortMapping) {
        self.init(
            hostIp: port.hostIP, hostPort: port.hostPort, containerPort: port.containerPort,
            protocol: port.protocol == .udp ? .udp : .tcp, range: port.range)
    }
}

extension PortMapping {
    init(_ port: IoPodlink.PortMapping) {
        self.init(
            hostIP: port.hostIp ?? "", hostPort: port.hostPort, containerPort: port.containerPort,
            protocol: port.protocol == .udp ? .udp : .tcp, range: port.range ?? 1)
    }
}

extension NetworkJoin {
    init(_ join: IoPodlink.NetworkJoin) throws(IoPodlinkError) {
        var address: IPv4Address?
        if let text = join.ip {
            guard let parsed = IPv4Address(text) else {
                throw .invalidArgument(argument: "ip", reason: "\(text) is not an IPv4 address")
            }
            address = parsed
        }
        self.init(name: join.name, aliases: join.aliases ?? [], ip: address)
    }
}

extension IoPodlink.NetworkJoin {
    init(_ join: NetworkJoin) {
        self.init(name: join.name, aliases: join.aliases, ip: join.ip?.description)
    }
}

extension IoPodlink.NetworkStatus {
    init(_ status: NetworkStatus) {
        self.init(
            network: status.network, interface: status.interface, ip: status.ip.description,
            prefixLength: status.prefixLength, gateway: status.gateway.description, mac: status.mac,
            aliases: status.aliases)
    }
}

extension IoPodlink.Network {
    init(_ network: NetworkRecord, containers: [String]) {
        self.init(
            name: network.name, id: network.id, interface: network.interface, subnet: network.subnet.description,
            gateway: network.gateway.description, internal: network.internal, dnsEnabled: network.dnsEnabled,
            created: Time.format(network.createdAt), containers: containers)
    }
}
