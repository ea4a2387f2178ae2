import Varlink

#if canImport(Glibc)
import Glibc
#endif

/// Who may call: root, and members of one configured group.
struct PeerPolicy: Sendable {
    /// The group whose members may call, besides root.
    let groupID: gid_t?

    init(groupName: String?) throws {
        guard let groupName, !groupName.isEmpty else {
            groupID = nil
            return
        }
        guard let group = getgrnam(groupName) else {
            throw PodlinkdError(description: "no group named '\(groupName)'")
        }
        groupID = group.pointee.gr_gid
    }

    func allows(_ peer: VarlinkPeer?) -> Bool {
        // Bridge mode has no peer: whoever runs `podlinkd --bridge` already has the privileges it runs with.
        guard let peer else { return true }
        if peer.uid == 0 { return true }
        guard let groupID else { return false }
        if peer.gid == groupID { return true }
        return Self.groups(of: peer.uid).contains(groupID)
    }

    static func groups(of uid: uid_t) -> [gid_t] {
        guard let user = getpwuid(uid), let name = user.pointee.pw_name else { return [] }
        var count: Int32 = 64
        var groups = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(name, user.pointee.pw_gid, &groups, &count) < 0 {
            groups = [gid_t](repeating: 0, count: Int(count))
            _ = getgrouplist(name, user.pointee.pw_gid, &groups, &count)
        }
        return Array(groups.prefix(Int(max(count, 0))))
    }
}

/// A failure to start the service.
struct PodlinkdError: Error, CustomStringConvertible {
    var description: String
}
