import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Who is at the other end of a Unix socket, as the kernel says (SO_PEERCRED and SO_PEERGROUPS,
/// socket(7) and unix(7)).
struct PeerCredentials: Sendable, Equatable {
    var pid: Int32
    var uid: UInt32
    var gid: UInt32
    /// The peer's supplementary groups, when the kernel told them.
    var groups: Set<UInt32> = []
}

/// `struct ucred`'s layout, so NIO can read SO_PEERCRED straight into it.
struct UCred: Sendable {
    var pid: Int32
    var uid: UInt32
    var gid: UInt32
}

/// Room for the answer to SO_PEERGROUPS (socket(7)): up to 32 groups. NIO zeroes the buffer first,
/// so unused slots read as 0; a peer in more groups gets ERANGE, and only its primary group counts.
struct PeerGroups: Sendable {
    var gids: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32,
               UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32,
               UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32,
               UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)

    static let option: Int32 = 59  // SO_PEERGROUPS, Linux 4.13

    var set: Set<UInt32> {
        withUnsafeBytes(of: gids) { Set($0.bindMemory(to: UInt32.self)).subtracting([0]) }
    }
}

/// Who may use the control socket: root, the daemon's own user, and members of the operators'
/// group. The socket's mode (0660, that group) already keeps others out; this check holds even if
/// the mode is loosened by mistake.
struct OperatorPolicy: Sendable {
    /// The operators' group, if it exists on this system.
    let groupID: UInt32?
    let groupName: String

    init(groupName: String) {
        self.groupName = groupName
        groupID = groupName.withCString { name in getgrnam(name).map { $0.pointee.gr_gid } }
    }

    /// Root, kioskd's own user, or a member of the operators' group (primary or supplementary, as
    /// the kernel reported them when the peer connected; no /proc lookup, which systemd's
    /// ProtectProc= would hide and a reused pid could fool).
    func allows(_ peer: PeerCredentials) -> Bool {
        if peer.uid == 0 || peer.uid == getuid() { return true }
        guard let groupID, groupID != 0 else { return false }
        return peer.gid == groupID || peer.groups.contains(groupID)
    }

    /// Gives the socket to the operators' group with mode 0660.
    func secure(socketAt path: String) {
        if let groupID { _ = chown(path, uid_t(bitPattern: -1), groupID) }
        _ = chmod(path, 0o660)
    }
}
