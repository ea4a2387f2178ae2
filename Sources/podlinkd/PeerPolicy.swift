import Varlink

#if canImport(Glibc)
import Glibc
#endif

/// Who may call: root, and members of one configured group. Decided once per connection from the peer's
/// credentials alone, with reentrant lookups (safe on any thread, never sharing a static buffer). A peer whose
/// credentials cannot be read is refused, unless the admin accepted unauthenticated listeners.
struct PeerPolicy: Sendable {
    /// The group whose members may call, besides root.
    let groupID: gid_t?
    /// Whether peers without credentials (TCP) are let in: only with `--insecure-listener`.
    let allowsUnidentified: Bool

    init(groupName: String?, allowsUnidentified: Bool = false) throws {
        self.allowsUnidentified = allowsUnidentified
        guard let groupName, !groupName.isEmpty else {
            groupID = nil
            return
        }
        guard let gid = Self.groupID(named: groupName) else {
            throw PodlinkdError(description: "no group named '\(groupName)'")
        }
        groupID = gid
    }

    func allows(_ peer: VarlinkPeer?) -> Bool {
        // Bridge mode has no peer: whoever runs `podlinkd --bridge` already has the privileges it runs with.
        guard let peer else { return true }
        guard peer.isIdentified else { return allowsUnidentified }
        if peer.uid == 0 { return true }
        guard let groupID else { return false }
        if peer.gid == groupID { return true }
        return Self.groups(of: peer.uid).contains(groupID)
    }

    /// The gid of a group, by a reentrant lookup.
    static func groupID(named name: String) -> gid_t? {
        var group = Glibc.group()
        var result: UnsafeMutablePointer<Glibc.group>?
        var storage = [CChar](repeating: 0, count: 16384)
        let status = storage.withUnsafeMutableBufferPointer { buffer in
            getgrnam_r(name, &group, buffer.baseAddress!, buffer.count, &result)
        }
        return status == 0 && result != nil ? group.gr_gid : nil
    }

    /// The groups `uid` belongs to (its primary group and supplementary ones), by reentrant lookups.
    static func groups(of uid: uid_t) -> [gid_t] {
        var storage = [CChar](repeating: 0, count: 16384)
        return storage.withUnsafeMutableBufferPointer { buffer -> [gid_t] in
            var user = passwd()
            var result: UnsafeMutablePointer<passwd>?
            // The name points into `buffer`, valid inside this closure.
            guard getpwuid_r(uid, &user, buffer.baseAddress!, buffer.count, &result) == 0, result != nil,
                let name = user.pw_name
            else { return [] }
            var count: Int32 = 64
            var groups = [gid_t](repeating: 0, count: Int(count))
            if getgrouplist(name, user.pw_gid, &groups, &count) < 0 {
                groups = [gid_t](repeating: 0, count: Int(count))
                guard getgrouplist(name, user.pw_gid, &groups, &count) >= 0 else { return [] }
            }
            return Array(groups.prefix(Int(max(count, 0))))
        }
    }
}

/// A failure to start the service.
struct PodlinkdError: Error, CustomStringConvertible {
    var description: String
}
