import Synchronization

/// `org.varlink.service`, answered by the runtime for every service.
final class OrgVarlinkServiceImplementation: OrgVarlinkServiceService {
    let service = Mutex<Weak<VarlinkService>?>(nil)

    private var owner: VarlinkService {
        get throws(VarlinkError) {
            guard let owner = service.withLock({ $0?.value }) else { throw VarlinkError.methodNotImplemented("") }
            return owner
        }
    }

    func getInfo(
        _ parameters: OrgVarlinkService.GetInfo.Parameters,
        context: VarlinkCallContext<OrgVarlinkService.GetInfo.Reply>
    ) async throws -> OrgVarlinkService.GetInfo.Reply {
        let owner = try owner
        return .init(
            vendor: owner.info.vendor, product: owner.info.product, version: owner.info.version,
            url: owner.info.url, interfaces: owner.interfaceNames)
    }

    func getInterfaceDescription(
        _ parameters: OrgVarlinkService.GetInterfaceDescription.Parameters,
        context: VarlinkCallContext<OrgVarlinkService.GetInterfaceDescription.Reply>
    ) async throws -> OrgVarlinkService.GetInterfaceDescription.Reply {
        guard let description = try owner.description(of: parameters.interface) else {
            throw OrgVarlinkServiceError.interfaceNotFound(interface: parameters.interface)
        }
        return .init(description: description)
    }
}
