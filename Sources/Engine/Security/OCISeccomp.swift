/// The OCI runtime spec's `linux.seccomp` object: the system-call filter runc installs in a container.
///
/// Made from a ``SeccompProfile`` for one container's capabilities, architecture and kernel. The property names are
/// the runtime spec's JSON keys; optionals left nil are omitted from the JSON.
struct OCISeccomp: Encodable, Sendable {
    /// A condition on one argument of a system call.
    struct Arg: Encodable, Sendable {
        /// Which argument, from 0.
        var index: UInt
        /// The value the argument is compared with.
        var value: UInt64
        /// The second value, for `SCMP_CMP_MASKED_EQ`; nil when zero.
        var valueTwo: UInt64?
        /// The comparison, as in `SCMP_CMP_EQ`.
        var op: String
    }

    /// What to do when a process makes one of the named system calls (with matching arguments).
    struct Rule: Encodable, Sendable {
        /// The system calls, as in `mount`.
        var names: [String]
        /// The action, as in `SCMP_ACT_ALLOW` or `SCMP_ACT_ERRNO`.
        var action: String
        /// The errno an errno or trace action returns; nil for the runtime's default (EPERM).
        var errnoRet: UInt32?
        /// Conditions on the arguments, all of which must hold; nil for none.
        var args: [Arg]?
    }

    /// The action for system calls no rule matches, as in `SCMP_ACT_ERRNO`.
    var defaultAction: String
    /// The errno the default action returns, when it is an errno or trace action.
    var defaultErrnoRet: UInt32?
    /// The architectures (`SCMP_ARCH_*`) the filter accepts system calls from; empty for the native one only.
    var architectures: [String]
    /// The rules, in the profile's order.
    var syscalls: [Rule]
}
