internal import FoundationEssentials
internal import Synchronization

/// A container as stored: its config and its state.
struct ContainerRecord: Sendable {
    var config: ContainerConfig
    var state: ContainerState
}

extension StateStore {
    /// Inserts a new container and its `create` event; fails with ``EngineError/Code/nameInUse``.
    func insertContainer(_ record: ContainerRecord) throws(EngineError) {
        let config = try Self.encode(record.config)
        let state = try Self.encode(record.state)
        try write { (db) throws(EngineError) in
            let taken = try db.query("SELECT 1 FROM containers WHERE name = ?", .text(record.config.name))
            guard taken.isEmpty else { throw .nameInUse(record.config.name) }
            try db.run(
                "INSERT INTO containers (id, name, image_id, config, state, created) VALUES (?, ?, ?, ?, ?, ?)",
                .text(record.config.id), .text(record.config.name), .text(record.config.imageID), .text(config),
                .text(state), .real(record.config.createdAt.timeIntervalSince1970))
            try Self.appendEvent(
                db, kind: .container, action: .create, id: record.config.id, name: record.config.name,
                attributes: ["image": record.config.imageName])
        }
    }

    /// Saves a container's state, with an event when `action` is given, in one transaction.
    func saveState(
        _ config: ContainerConfig, _ state: ContainerState, event action: EngineEvent.Action? = nil,
        attributes: [String: String] = [:]
    ) throws(EngineError) {
        let text = try Self.encode(state)
        try write { (db) throws(EngineError) in
            let changed = try db.run("UPDATE containers SET state = ? WHERE id = ?", .text(text), .text(config.id))
            guard changed == 1 else { throw .noSuchContainer(config.name) }
            if let action {
                try Self.appendEvent(
                    db, kind: .container, action: action, id: config.id, name: config.name, attributes: attributes)
            }
        }
    }

    /// Deletes a container, its exec sessions, and appends its `remove` event.
    func deleteContainer(_ config: ContainerConfig) throws(EngineError) {
        defer { decodedContainers.withLock { _ = $0.removeValue(forKey: config.id) } }
        try write { (db) throws(EngineError) in
            try db.run("DELETE FROM containers WHERE id = ?", .text(config.id))
            try db.run("DELETE FROM exec_sessions WHERE container_id = ?", .text(config.id))
            try Self.appendEvent(db, kind: .container, action: .remove, id: config.id, name: config.name)
        }
    }

    /// The record of an `id, config, state` row; one decoded before from the same text comes from the cache (a
    /// config never changes after create; a state's text changes with every save).
    private func decodeContainer(_ row: [SQLiteValue]) throws(EngineError) -> ContainerRecord {
        let id = row[0].text ?? ""
        let configText = row[1].text ?? ""
        let stateText = row[2].text ?? ""
        let cached = decodedContainers.withLock { $0[id] }
        if let cached, cached.config == configText, cached.state == stateText { return cached.record }
        let config: ContainerConfig
        if let cached, cached.config == configText {
            config = cached.record.config
        } else {
            config = try Self.decode(ContainerConfig.self, configText)
        }
        let record = ContainerRecord(config: config, state: try Self.decode(ContainerState.self, stateText))
        decodedContainers.withLock { $0[id] = (configText, stateText, record) }
        return record
    }

    /// The container whose id, name, or unique id prefix is `reference`.
    func container(_ reference: String) throws(EngineError) -> ContainerRecord {
        let rows = try read { (db) throws(EngineError) -> [[SQLiteValue]] in
            var rows = try db.query(
                "SELECT id, config, state FROM containers WHERE id = ? OR name = ?", .text(reference), .text(reference))
            if rows.isEmpty && !reference.isEmpty && reference.allSatisfy(\.isHexDigit) {
                rows = try db.query(
                    "SELECT id, config, state FROM containers WHERE id LIKE ? LIMIT 2", .text(reference + "%"))
                if rows.count > 1 {
                    throw EngineError.invalidArgument("container", "the id prefix \(reference) is ambiguous")
                }
            }
            return rows
        }
        guard let row = rows.first else { throw .noSuchContainer(reference) }
        return try decodeContainer(row)
    }

    /// Every container, oldest first.
    func allContainers() throws(EngineError) -> [ContainerRecord] {
        let rows = try read { (db) throws(EngineError) in
            try db.query("SELECT id, config, state FROM containers ORDER BY created")
        }
        var records: [ContainerRecord] = []
        for row in rows { records.append(try decodeContainer(row)) }
        return records
    }

    /// Ids and names of containers created from `imageID`.
    func containers(usingImage imageID: String) throws(EngineError) -> [String] {
        try read { (db) throws(EngineError) in
            try db.query("SELECT name FROM containers WHERE image_id = ?", .text(imageID)).compactMap { $0[0].text }
        }
    }

    /// Names of the containers of every image that has some, by image id.
    func containerNamesByImage() throws(EngineError) -> [String: [String]] {
        let rows = try read { (db) throws(EngineError) in
            try db.query("SELECT image_id, name FROM containers ORDER BY created")
        }
        var names: [String: [String]] = [:]
        for row in rows {
            guard let image = row[0].text, let name = row[1].text else { continue }
            names[image, default: []].append(name)
        }
        return names
    }

    /// Names of the containers that list `id` as a dependency.
    func dependents(of id: String) throws(EngineError) -> [String] {
        try allContainers().filter { $0.config.dependencies.contains(id) }.map(\.config.name)
    }

    // MARK: Exec sessions

    /// Records or updates an exec session.
    func saveExecSession(_ session: ExecSession, event: Bool, containerName: String = "") throws(EngineError) {
        let text = try Self.encode(session)
        try write { (db) throws(EngineError) in
            try db.run(
                "INSERT INTO exec_sessions (id, container_id, session) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET session = excluded.session",
                .text(session.id), .text(session.containerID), .text(text))
            if event {
                try Self.appendEvent(
                    db, kind: .container, action: .exec, id: session.containerID, name: containerName,
                    attributes: ["execID": session.id, "command": session.command.joined(separator: " ")])
            }
        }
    }

    /// Updates an exec session that is still recorded; one removed meanwhile stays removed.
    func updateExecSession(_ session: ExecSession) throws(EngineError) {
        let text = try Self.encode(session)
        try write { (db) throws(EngineError) in
            _ = try db.run("UPDATE exec_sessions SET session = ? WHERE id = ?", .text(text), .text(session.id))
        }
    }

    /// Forgets an exec session.
    func deleteExecSession(_ id: String) throws(EngineError) {
        try write { (db) throws(EngineError) in _ = try db.run("DELETE FROM exec_sessions WHERE id = ?", .text(id)) }
    }

    /// The exec sessions of a container.
    func execSessions(of containerID: String) throws(EngineError) -> [ExecSession] {
        let rows = try read { (db) throws(EngineError) in
            try db.query("SELECT session FROM exec_sessions WHERE container_id = ?", .text(containerID))
        }
        var sessions: [ExecSession] = []
        for row in rows { sessions.append(try Self.decode(ExecSession.self, row[0].text)) }
        return sessions
    }

    /// One exec session by id.
    func execSession(_ id: String) throws(EngineError) -> ExecSession {
        let rows = try read { (db) throws(EngineError) in
            try db.query("SELECT session FROM exec_sessions WHERE id = ?", .text(id))
        }
        guard let row = rows.first else { throw .noSuchExecSession(id) }
        return try Self.decode(ExecSession.self, row[0].text)
    }
}
