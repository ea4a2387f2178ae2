import ArgumentParser
import PodlinkAPI

/// `podlink network create`
struct NetworkCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a bridge network for containers.",
        discussion: "Without --subnet, a free 10.90.N.0/24 is chosen; the gateway is the subnet's first address.")

    @OptionGroup var global: GlobalOptions
    @Option(name: .shortAndLong, help: "Driver to manage the network: bridge (the only one).") var driver = "bridge"
    @Option(help: ArgumentHelp("The IPv4 subnet in CIDR format, e.g. 10.89.0.0/24.", valueName: "subnet"))
    var subnet: String?
    @Option(help: ArgumentHelp("The IPv4 gateway for the subnet.", valueName: "ip")) var gateway: String?
    @Flag(help: "Restrict external access from this network.") var `internal` = false
    @Flag(help: "Disable name resolution between its containers.") var disableDns = false
    @Argument(help: "The network's name.") var name: String

    func validate() throws {
        if driver != "bridge" { throw ValidationError("Unsupported driver '\(driver)': podlink supports bridge.") }
        if let gateway, !IPv4Text.isValid(gateway) {
            throw ValidationError("Invalid --gateway '\(gateway)': give an IPv4 address.")
        }
    }

    func run() async throws {
        let create = IoPodlink.NetworkCreate(
            name: name, subnet: subnet, gateway: gateway, internal: `internal` ? true : nil,
            dns: disableDns ? false : nil)
        let network = try await global.withClient { try await $0.createNetwork(network: create).network }
        Console.line(network.name)
    }
}
