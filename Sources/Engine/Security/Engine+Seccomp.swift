internal import Synchronization

extension Engine {
    /// The seccomp filter a container runs under: containers-common's profile (or the container's own) for the
    /// default capabilities, or none for `unconfined`. A missing default profile fails the start rather than
    /// running a container without a filter.
    func seccompFilter(for config: ContainerConfig) throws(EngineError) -> OCISeccomp? {
        if config.seccompProfile == "unconfined" { return nil }
        let path = config.seccompProfile ?? options.seccompProfilePath
        let profile: SeccompProfile
        if let cached = seccompProfiles.withLock({ $0[path] }) {
            profile = cached
        } else {
            do {
                profile = try SeccompProfile.load(path: path)
            } catch {
                throw .runtimeError(
                    "cannot read the seccomp profile \(path) (\(error.message)); install containers-common's or "
                        + "create the container with seccomp unconfined")
            }
            seccompProfiles.withLock { $0[path] = profile }
        }
        return profile.spec(capabilities: Set(OCISpec.defaultCapabilities))
    }
}
