/// `org.varlink.service`, answered by the runtime for every service from what the service was made with.
struct OrgVarlinkServiceImplementation: OrgVarlinkServiceService {
    let info: VarlinkService.Info
    /// Interface names in the order GetInfo lists them (this one first).
    let names: [String]
    /// Interface texts by name.
    let descriptions: [String: String]

    init(info: VarlinkService.Info, interfaces: [any VarlinkInterfaceHandler]) {
        self.info = info
        self.names = [OrgVarlinkService.interfaceName] + interfaces.map(\.interfaceName)
        var descriptions = [OrgVarlinkService.interfaceName: OrgVarlinkService.interfaceDescription]
        for interface in interfaces { descriptions[interface.interfaceName] = interface.interfaceDescription }
        self.descriptions = descriptions
    }

    func getInfo(
        _ parameters: OrgVarlinkService.GetInfo.Parameters,
        context: VarlinkCallContext<OrgVarlinkService.GetInfo.Reply>
    ) async throws -> OrgVarlinkService.GetInfo.Reply {
        .init(vendor: info.vendor, product: info.product, version: info.version, url: info.url, interfaces: names)
    }

    func getInterfaceDescription(
        _ parameters: OrgVarlinkService.GetInterfaceDescription.Parameters,
        context: VarlinkCallContext<OrgVarlinkService.GetInterfaceDescription.Reply>
    ) async throws -> OrgVarlinkService.GetInterfaceDescription.Reply {
        guard let description = descriptions[parameters.interface] else {
            throw OrgVarlinkServiceError.interfaceNotFound(interface: parameters.interface)
        }
        return .init(description: description)
    }
}
