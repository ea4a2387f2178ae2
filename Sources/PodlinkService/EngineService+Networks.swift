import Engine
public import PodlinkAPI
public import Varlink

extension EngineService {
    /// Serves `io.podlink.CreateNetwork`, as documented in `interfaces/io.podlink.varlink`.
    public func createNetwork(
        _ parameters: IoPodlink.CreateNetwork.Parameters, context: VarlinkCallContext<IoPodlink.CreateNetwork.Reply>
    ) async throws -> IoPodlink.CreateNetwork.Reply {
        let create = parameters.network
        let network = try await engine.createNetwork(
            NetworkCreateOptions(
                name: create.name, subnet: create.subnet, gateway: create.gateway, internal: create.internal ?? false,
                dnsEnabled: create.dns ?? true))
        return .init(network: .init(network, containers: []))
    }

    /// Serves `io.podlink.ListNetworks`, as documented in `interfaces/io.podlink.varlink`.
    public func listNetworks(
        _ parameters: IoPodlink.ListNetworks.Parameters, context: VarlinkCallContext<IoPodlink.ListNetworks.Reply>
    ) async throws -> IoPodlink.ListNetworks.Reply {
        let users = try await engine.containerNamesByNetwork()
        return .init(networks: try await engine.listNetworks().map { .init($0, containers: users[$0.name] ?? []) })
    }

    /// Serves `io.podlink.InspectNetwork`, as documented in `interfaces/io.podlink.varlink`.
    public func inspectNetwork(
        _ parameters: IoPodlink.InspectNetwork.Parameters, context: VarlinkCallContext<IoPodlink.InspectNetwork.Reply>
    ) async throws -> IoPodlink.InspectNetwork.Reply {
        let network = try await engine.inspectNetwork(parameters.name)
        let users = try await engine.containerNamesByNetwork()
        return .init(network: .init(network, containers: users[network.name] ?? []))
    }

    /// Serves `io.podlink.RemoveNetwork`, as documented in `interfaces/io.podlink.varlink`.
    public func removeNetwork(
        _ parameters: IoPodlink.RemoveNetwork.Parameters, context: VarlinkCallContext<IoPodlink.RemoveNetwork.Reply>
    ) async throws -> IoPodlink.RemoveNetwork.Reply {
        .init(name: try await engine.removeNetwork(parameters.name, force: parameters.force ?? false))
    }
}
