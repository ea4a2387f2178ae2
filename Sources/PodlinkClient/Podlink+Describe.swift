import PodlinkAPI
import Varlink

extension Podlink {
    /// Any error a Podlink call throws, in a person's words: io.podlink's errors as Podman says them, the standard
    /// varlink errors explained, connection failures as they are.
    public static func describe(_ error: any Error) -> String {
        switch error {
        case let error as IoPodlinkError:
            return error.humanDescription
        case let error as VarlinkError:
            return describe(varlinkError: error)
        default:
            return String(describing: error)
        }
    }

    static func describe(varlinkError error: VarlinkError) -> String {
        func parameter(_ key: String) -> String {
            if case .string(let value)? = error.parameters[key] { return value }
            return error.parameters[key].map { String(describing: $0) } ?? "?"
        }
        switch error.name {
        case "org.varlink.service.InterfaceNotFound":
            return "the service does not serve interface \(parameter("interface")): is it a Podlink service?"
        case "org.varlink.service.MethodNotFound":
            return "the service does not know \(parameter("method")): it is older than this client"
        case "org.varlink.service.MethodNotImplemented":
            return "\(parameter("method")) is not implemented by the service"
        case "org.varlink.service.InvalidParameter":
            return "the service refused parameter \(parameter("parameter"))"
        case "org.varlink.service.PermissionDenied":
            return "permission denied by the service: are you root or in its group?"
        case "org.varlink.service.ExpectedMore":
            return "the service expected a streaming call"
        default:
            return error.description
        }
    }
}
