internal import CArchive
internal import FoundationEssentials
internal import Glibc

/// A seccomp profile in containers-common's format (`/usr/share/containers/seccomp.json`), which becomes a container's
/// ``OCISeccomp`` once its rules are chosen for the container's capabilities, the architecture and the kernel.
///
/// Rules are chosen as Podman does: a rule is kept when its `includes` hold (every listed capability granted, the
/// architecture listed, the kernel at least `minKernel`) and its `excludes` do not (no listed capability granted, the
/// architecture not listed, the kernel below `minKernel`). Action, operator and architecture names pass through.
struct SeccompProfile: Sendable {
    /// containers-common's default profile.
    static let defaultPath = "/usr/share/containers/seccomp.json"

    /// The largest profile file ``load(path:)`` reads.
    static let maximumSize = 1 << 20

    /// This machine's architecture, as `uname -m` names it (`x86_64`, `aarch64`).
    static let hostMachine: String = HostInfo.current().machine

    /// This machine's kernel version (major, minor), from `uname -r`; (0, 0) when unreadable.
    static let hostKernel: (Int, Int) = kernelVersion(HostInfo.current().kernel) ?? (0, 0)

    /// The decoded file.
    private let profile: Profile

    /// Reads and checks the profile at `path`; a missing, oversized or malformed file is an ``EngineError``.
    static func load(path: String) throws(EngineError) -> SeccompProfile {
        let bytes = try SafeFile.read(path, beneath: "/", .inRoot, limit: maximumSize)
        let profile: Profile
        do {
            profile = try JSONDecoder().decode(Profile.self, from: Data(bytes))
        } catch {
            throw .invalidArgument("seccomp profile", "\(path): \(error)")
        }
        if let problem = profile.problem {
            throw .invalidArgument("seccomp profile", "\(path): \(problem)")
        }
        return SeccompProfile(profile: profile)
    }

    /// The filter for a container granted `capabilities` (as in `CAP_SYS_ADMIN`, the bounding set), on `architecture`
    /// (a `uname -m` name) and a kernel of version `kernel`.
    func spec(
        capabilities: Set<String>, architecture: String = SeccompProfile.hostMachine,
        kernel: (Int, Int) = SeccompProfile.hostKernel
    ) -> OCISeccomp {
        let (native, scmp) = Self.architectureNames(architecture)
        let names = Set([architecture, native])
        var architectures = profile.architectures ?? []
        if let entry = profile.archMap?.first(where: { $0.architecture == scmp }) {
            architectures = [scmp] + (entry.subArchitectures ?? [])
        }
        let rules = (profile.syscalls ?? []).filter { rule in
            if let include = rule.includes {
                if !(include.caps ?? []).allSatisfy({ capabilities.contains($0) }) { return false }
                if let arches = include.arches, !arches.isEmpty, !arches.contains(where: { names.contains($0) }) {
                    return false
                }
                if let minimum = include.minKernel, kernel < (minimum.major, minimum.minor) { return false }
            }
            if let exclude = rule.excludes {
                if (exclude.caps ?? []).contains(where: { capabilities.contains($0) }) { return false }
                if (exclude.arches ?? []).contains(where: { names.contains($0) }) { return false }
                if let minimum = exclude.minKernel, kernel >= (minimum.major, minimum.minor) { return false }
            }
            return true
        }
        return OCISeccomp(
            defaultAction: profile.defaultAction ?? "",
            defaultErrnoRet: profile.defaultErrnoRet ?? profile.defaultErrno.flatMap(Self.errnoNumber),
            architectures: architectures,
            syscalls: rules.map { rule in
                let args = (rule.args ?? []).map { arg in
                    OCISeccomp.Arg(
                        index: arg.index ?? 0, value: arg.value ?? 0,
                        valueTwo: arg.valueTwo == 0 ? nil : arg.valueTwo, op: arg.op ?? "")
                }
                return OCISeccomp.Rule(
                    names: rule.names ?? rule.name.map { [$0] } ?? [], action: rule.action ?? "",
                    errnoRet: rule.errnoRet ?? rule.errno.flatMap(Self.errnoNumber), args: args.isEmpty ? nil : args)
            })
    }

    /// `machine`'s names: libseccomp's (`amd64`, as in `includes.arches`) and the `SCMP_ARCH_*` one.
    private static func architectureNames(_ machine: String) -> (native: String, scmp: String) {
        switch machine {
        case "x86_64", "amd64": ("amd64", "SCMP_ARCH_X86_64")
        case "aarch64", "arm64": ("arm64", "SCMP_ARCH_AARCH64")
        case "i386", "i486", "i586", "i686", "x86": ("x86", "SCMP_ARCH_X86")
        case "armv6l", "armv7l", "armv8l", "arm": ("arm", "SCMP_ARCH_ARM")
        default: (machine, "SCMP_ARCH_" + machine.uppercased())
        }
    }

    /// The number of the errno named `name`, for profiles that give `errno` without `errnoRet`.
    private static func errnoNumber(_ name: String) -> UInt32? {
        let numbers = ["EPERM": EPERM, "ENOENT": ENOENT, "EACCES": EACCES, "EINVAL": EINVAL, "ENOSYS": ENOSYS]
        return numbers[name].map { UInt32($0) }
    }

    /// (major, minor) from a version such as `6.1.0-13-amd64` or `4.8`.
    static func kernelVersion(_ text: String) -> (Int, Int)? {
        let parts = text.split(separator: ".", maxSplits: 2).map { Int($0.prefix(while: \.isNumber)) }
        guard parts.count >= 2, let major = parts[0], let minor = parts[1] else { return nil }
        return (major, minor)
    }

    /// The file as decoded; every key may be missing.
    private struct Profile: Decodable, Sendable {
        /// The action when no rule matches.
        var defaultAction: String?
        /// The errno of the default action.
        var defaultErrnoRet: UInt32?
        /// The errno of the default action by name (`ENOSYS`), used when `defaultErrnoRet` is missing.
        var defaultErrno: String?
        /// The architectures, in older profiles without `archMap`.
        var architectures: [String]?
        /// Each architecture with its sub-architectures.
        var archMap: [Architecture]?
        /// The rules.
        var syscalls: [Syscall]?

        /// What makes the profile unusable, if anything.
        var problem: String? {
            if (defaultAction ?? "").isEmpty { return "no defaultAction" }
            if !(architectures ?? []).isEmpty && !(archMap ?? []).isEmpty { return "both architectures and archMap" }
            for rule in syscalls ?? [] {
                if (rule.action ?? "").isEmpty { return "a rule without an action" }
                if (rule.names ?? []).isEmpty && rule.name == nil { return "a rule without names" }
                if (rule.args ?? []).contains(where: { $0.index == nil || $0.op == nil }) {
                    return "an argument condition without index or op"
                }
            }
            return nil
        }
    }

    /// An `archMap` entry: an architecture and those whose system calls it also accepts.
    private struct Architecture: Decodable, Sendable {
        /// The architecture, as in `SCMP_ARCH_X86_64`.
        var architecture: String?
        /// Those it also accepts, as in `SCMP_ARCH_X86`.
        var subArchitectures: [String]?
    }

    /// A `syscalls` entry.
    private struct Syscall: Decodable, Sendable {
        /// One system call, in older profiles.
        var name: String?
        /// The system calls.
        var names: [String]?
        /// The action.
        var action: String?
        /// The errno of the action.
        var errnoRet: UInt32?
        /// The errno by name (`EPERM`), used when `errnoRet` is missing.
        var errno: String?
        /// Conditions on the arguments.
        var args: [Argument]?
        /// What must hold for the rule to apply.
        var includes: Filter?
        /// What must not hold for the rule to apply.
        var excludes: Filter?
    }

    /// An `args` entry.
    private struct Argument: Decodable, Sendable {
        /// Which argument.
        var index: UInt?
        /// The value compared with.
        var value: UInt64?
        /// The second value, for masked comparisons.
        var valueTwo: UInt64?
        /// The comparison.
        var op: String?
    }

    /// An `includes` or `excludes` condition.
    private struct Filter: Decodable, Sendable {
        /// Capabilities, as in `CAP_SYS_ADMIN`.
        var caps: [String]?
        /// Architectures by libseccomp's names (`amd64`, `arm64`, `x86`, `x32`).
        var arches: [String]?
        /// The kernel version the condition starts at.
        var minKernel: KernelVersion?
    }

    /// A `minKernel` string such as `4.8`.
    private struct KernelVersion: Decodable, Sendable {
        /// The major version.
        var major: Int
        /// The minor version.
        var minor: Int

        /// Decodes and parses the string.
        init(from decoder: any Decoder) throws {
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let version = SeccompProfile.kernelVersion(text) else {
                throw DecodingError.dataCorrupted(
                    DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "bad kernel \(text)"))
            }
            major = version.0
            minor = version.1
        }
    }
}
