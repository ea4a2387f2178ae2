internal import Glibc

/// Facts of the machine the engine runs on.
public struct HostInfo: Sendable, Hashable {
    /// The host's name.
    public var hostname: String
    /// The kernel's release (`6.1.0-13-amd64`).
    public var kernel: String
    /// The machine as `uname -m` names it (`x86_64`, `aarch64`).
    public var machine: String
    /// Processors online.
    public var cpus: Int

    /// The architecture as OCI images name it (`amd64`, `arm64`): what an image must be built for to run here.
    public var architecture: String { Self.ociArchitecture(machine) }
    /// The operating system as OCI images name it.
    public var os: String { "linux" }

    /// This machine, as it is now.
    public static func current() -> HostInfo {
        var name = utsname()
        uname(&name)
        func text<T>(_ field: inout T) -> String {
            withUnsafeBytes(of: &field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        return HostInfo(
            hostname: text(&name.nodename), kernel: text(&name.release), machine: text(&name.machine),
            cpus: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// The OCI (Go) name of a `uname -m` machine.
    static func ociArchitecture(_ machine: String) -> String {
        switch machine {
        case "x86_64": "amd64"
        case "aarch64", "arm64": "arm64"
        case "i386", "i686": "386"
        case "armv7l", "armv6l": "arm"
        case "ppc64le": "ppc64le"
        case "s390x": "s390x"
        case "riscv64": "riscv64"
        default: machine
        }
    }
}
