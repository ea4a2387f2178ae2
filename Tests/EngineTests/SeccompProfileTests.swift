import FoundationEssentials
import Glibc
import Testing

@testable import Engine

@Suite("Seccomp profile")
struct SeccompProfileTests {
    /// Whether containers-common's default profile is installed.
    static let haveDefault = access(SeccompProfile.defaultPath, R_OK) == 0

    /// The rules of `spec` naming `name` whose action is `action`.
    static func rules(_ spec: OCISeccomp, _ name: String, _ action: String) -> [OCISeccomp.Rule] {
        spec.syscalls.filter { $0.names.contains(name) && $0.action == action }
    }

    /// The JSON of `value`, keys sorted.
    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Runs `body` with a fresh directory under the tests' temporary root (/dev/shm), removed afterwards.
    static func withDirectory(_ body: (String) throws -> Void) throws {
        var template = Array((TestEngine.root + "/podlink-seccomp-XXXXXX").utf8CString)
        let made = mkdtemp(&template)
        let pointer = try #require(made)
        let directory = String(cString: pointer)
        defer { try? FileSystem.removeTree(directory) }
        try body(directory)
    }

    @Test(
        "the default profile denies with an errno by default",
        .enabled(if: SeccompProfileTests.haveDefault, "needs containers-common's seccomp profile"))
    func defaultAction() throws {
        let spec = try SeccompProfile.load(path: SeccompProfile.defaultPath).spec(capabilities: [])
        #expect(spec.defaultAction == "SCMP_ACT_ERRNO")
        #expect(spec.defaultErrnoRet != nil)
        #expect(spec.syscalls.count > 10)
        #expect(!Self.rules(spec, "read", "SCMP_ACT_ALLOW").isEmpty)
    }

    @Test(
        "an architecture brings its sub-architectures and rules",
        .enabled(if: SeccompProfileTests.haveDefault, "needs containers-common's seccomp profile"))
    func architectures() throws {
        let profile = try SeccompProfile.load(path: SeccompProfile.defaultPath)
        let intel = profile.spec(capabilities: [], architecture: "x86_64")
        #expect(intel.architectures.first == "SCMP_ARCH_X86_64")
        #expect(Set(intel.architectures).isSuperset(of: ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]))
        #expect(!Self.rules(intel, "arch_prctl", "SCMP_ACT_ALLOW").isEmpty)
        let arm = profile.spec(capabilities: [], architecture: "aarch64")
        #expect(arm.architectures == ["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"])
        #expect(Self.rules(arm, "arch_prctl", "SCMP_ACT_ALLOW").isEmpty)
        #expect(!Self.rules(arm, "set_tls", "SCMP_ACT_ALLOW").isEmpty)
        #expect(Self.rules(intel, "set_tls", "SCMP_ACT_ALLOW").isEmpty)
    }

    @Test(
        "includes.caps: bpf and sethostname need CAP_SYS_ADMIN",
        .enabled(if: SeccompProfileTests.haveDefault, "needs containers-common's seccomp profile"))
    func includedCapability() throws {
        let profile = try SeccompProfile.load(path: SeccompProfile.defaultPath)
        let defaults = Set(OCISpec.defaultCapabilities)
        let without = profile.spec(capabilities: defaults, architecture: "x86_64")
        let with = profile.spec(capabilities: defaults.union(["CAP_SYS_ADMIN"]), architecture: "x86_64")
        for name in ["bpf", "sethostname", "perf_event_open"] {
            #expect(Self.rules(without, name, "SCMP_ACT_ALLOW").isEmpty)
            #expect(!Self.rules(with, name, "SCMP_ACT_ALLOW").isEmpty)
        }
    }

    @Test(
        "excludes.caps: denials go away with the capability",
        .enabled(if: SeccompProfileTests.haveDefault, "needs containers-common's seccomp profile"))
    func excludedCapability() throws {
        let profile = try SeccompProfile.load(path: SeccompProfile.defaultPath)
        let without = profile.spec(capabilities: [], architecture: "x86_64")
        let admin = profile.spec(capabilities: ["CAP_SYS_ADMIN"], architecture: "x86_64")
        let denied = try #require(Self.rules(without, "bpf", "SCMP_ACT_ERRNO").first)
        #expect(denied.errnoRet == UInt32(EPERM))
        #expect(Self.rules(admin, "bpf", "SCMP_ACT_ERRNO").isEmpty)
        // socket(AF_NETLINK, _, NETLINK_AUDIT) fails with EINVAL unless CAP_AUDIT_WRITE; with it, socket is allowed.
        let audit = profile.spec(capabilities: ["CAP_AUDIT_WRITE"], architecture: "x86_64")
        let netlink = try #require(Self.rules(without, "socket", "SCMP_ACT_ERRNO").first)
        #expect(netlink.errnoRet == UInt32(EINVAL))
        #expect(netlink.args?.map(\.index) == [0, 2])
        #expect(netlink.args?.allSatisfy { $0.valueTwo == nil && $0.op == "SCMP_CMP_EQ" } == true)
        #expect(Self.rules(audit, "socket", "SCMP_ACT_ERRNO").isEmpty)
        #expect(Self.rules(audit, "socket", "SCMP_ACT_ALLOW").contains { $0.args == nil })
    }

    @Test("the JSON has the runtime spec's keys and no nil fields")
    func encoding() throws {
        let spec = OCISeccomp(
            defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: nil, architectures: ["SCMP_ARCH_X86_64"],
            syscalls: [
                .init(names: ["read"], action: "SCMP_ACT_ALLOW", errnoRet: nil, args: nil),
                .init(
                    names: ["personality"], action: "SCMP_ACT_ERRNO", errnoRet: 1,
                    args: [.init(index: 0, value: 8, valueTwo: nil, op: "SCMP_CMP_EQ")]),
            ])
        #expect(
            try Self.json(spec) == #"{"architectures":["SCMP_ARCH_X86_64"],"defaultAction":"SCMP_ACT_ERRNO","#
                + #""syscalls":[{"action":"SCMP_ACT_ALLOW","names":["read"]},{"action":"SCMP_ACT_ERRNO","#
                + #""args":[{"index":0,"op":"SCMP_CMP_EQ","value":8}],"errnoRet":1,"names":["personality"]}]}"#)
    }

    @Test(
        "the default profile's JSON has only spec keys",
        .enabled(if: SeccompProfileTests.haveDefault, "needs containers-common's seccomp profile"))
    func defaultEncoding() throws {
        let text = try Self.json(try SeccompProfile.load(path: SeccompProfile.defaultPath).spec(capabilities: []))
        for key in [
            "defaultAction", "defaultErrnoRet", "architectures", "syscalls", "names", "action", "errnoRet", "args",
            "index", "value", "op",
        ] {
            #expect(text.contains("\"\(key)\":"))
        }
        for absent in ["\"errno\":", "includes", "excludes", "comment", "archMap", "valueTwo", "null", "\"args\":[]"] {
            #expect(!text.contains(absent))
        }
    }

    @Test("minKernel, errno names and a profile without archMap")
    func minimumKernel() throws {
        try Self.withDirectory { directory in
            let path = directory + "/profile.json"
            try FileSystem.write(
                path,
                #"{"defaultAction":"SCMP_ACT_ERRNO","syscalls":["#
                    + #"{"names":["close_range"],"action":"SCMP_ACT_ALLOW","includes":{"minKernel":"5.9"}},"#
                    + #"{"names":["close_range"],"action":"SCMP_ACT_ERRNO","errno":"ENOSYS","#
                    + #""excludes":{"minKernel":"5.9"}}]}"#)
            let profile = try SeccompProfile.load(path: path)
            let old = profile.spec(capabilities: [], architecture: "x86_64", kernel: (5, 4))
            #expect(old.syscalls.map(\.action) == ["SCMP_ACT_ERRNO"])
            #expect(old.syscalls.first?.errnoRet == UInt32(ENOSYS))
            #expect(old.defaultErrnoRet == nil)
            #expect(old.architectures.isEmpty)
            let new = profile.spec(capabilities: [], architecture: "x86_64", kernel: (5, 10))
            #expect(new.syscalls.map(\.action) == ["SCMP_ACT_ALLOW"])
        }
    }

    @Test(
        "a malformed profile is an EngineError",
        arguments: [
            #"{"defaultAction": "#, "[]", #"{"defaultAction": 5}"#, #"{"syscalls": []}"#,
            #"{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["x"]}]}"#,
            #"{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["x"],"action":"SCMP_ACT_ALLOW","#
                + #""args":[{"index":0,"value":1}]}]}"#,
            #"{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["x"],"action":"SCMP_ACT_ALLOW","#
                + #""includes":{"minKernel":"new"}}]}"#,
        ])
    func malformed(_ text: String) throws {
        try Self.withDirectory { directory in
            let path = directory + "/profile.json"
            try FileSystem.write(path, text)
            let error = #expect(throws: EngineError.self) { try SeccompProfile.load(path: path) }
            #expect(error?.code == .invalidArgument)
        }
    }

    @Test("an oversized, missing or non-regular profile is an EngineError")
    func unreadable() throws {
        try Self.withDirectory { directory in
            let path = directory + "/big.json"
            try FileSystem.write(path, "{}" + String(repeating: " ", count: SeccompProfile.maximumSize))
            let big = #expect(throws: EngineError.self) { try SeccompProfile.load(path: path) }
            #expect(big?.code == .invalidArgument)
            #expect(big?.message.contains("more than") == true)
            #expect(throws: EngineError.self) { try SeccompProfile.load(path: directory + "/missing.json") }
            #expect(throws: EngineError.self) { try SeccompProfile.load(path: directory) }
        }
    }
}
