/// Where one container's files live.
struct ContainerPaths: Sendable {
    /// `<storage>/containers/<id>`.
    let directory: String

    init(storageRoot: String, id: String) {
        directory = storageRoot + "/containers/" + id
    }

    var upper: String { directory + "/upper" }
    var work: String { directory + "/work" }
    var merged: String { directory + "/merged" }
    var bundle: String { directory + "/userdata" }
    var configJSON: String { bundle + "/config.json" }
    var log: String { bundle + "/ctr.log" }
    var pidFile: String { bundle + "/pidfile" }
    var conmonPidFile: String { bundle + "/conmon.pid" }
    var artifacts: String { directory + "/artifacts" }
}
