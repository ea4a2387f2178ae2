extension StateStore {
    /// Inserts a network and its `create` event; fails with ``EngineError/Code/nameInUse`` for a taken name.
    func insertNetwork(_ network: NetworkRecord) throws(EngineError) {
        let record = try Self.encode(network)
        try write { (db) throws(EngineError) in
            guard try db.query("SELECT 1 FROM networks WHERE name = ?", .text(network.name)).isEmpty else {
                throw .nameInUse(network.name)
            }
            try db.run(
                "INSERT INTO networks (name, id, record) VALUES (?, ?, ?)", .text(network.name), .text(network.id),
                .text(record))
            try Self.appendEvent(db, kind: .network, action: .create, id: network.id, name: network.name)
        }
    }

    /// Every network, oldest first.
    func allNetworks() throws(EngineError) -> [NetworkRecord] {
        let rows = try read { (db) throws(EngineError) in try db.query("SELECT record FROM networks") }
        var networks: [NetworkRecord] = []
        for row in rows { networks.append(try Self.decode(NetworkRecord.self, row[0].text)) }
        return networks.sorted { $0.createdAt < $1.createdAt }
    }

    /// The network whose name, id or unique id prefix is `reference`.
    func network(_ reference: String) throws(EngineError) -> NetworkRecord {
        let rows = try read { (db) throws(EngineError) -> [[SQLiteValue]] in
            var rows = try db.query(
                "SELECT record FROM networks WHERE name = ? OR id = ?", .text(reference), .text(reference))
            if rows.isEmpty && !reference.isEmpty && reference.allSatisfy(\.isHexDigit) {
                rows = try db.query("SELECT record FROM networks WHERE id LIKE ? LIMIT 2", .text(reference + "%"))
                if rows.count > 1 {
                    throw EngineError.invalidArgument("network", "the id prefix \(reference) is ambiguous")
                }
            }
            return rows
        }
        guard let row = rows.first else { throw .noSuchNetwork(reference) }
        return try Self.decode(NetworkRecord.self, row[0].text)
    }

    /// Deletes a network and appends its `remove` event.
    func deleteNetwork(_ network: NetworkRecord) throws(EngineError) {
        try write { (db) throws(EngineError) in
            try db.run("DELETE FROM networks WHERE name = ?", .text(network.name))
            try Self.appendEvent(db, kind: .network, action: .remove, id: network.id, name: network.name)
        }
    }
}
