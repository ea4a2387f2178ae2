internal import FoundationEssentials

extension StateStore {
    /// Whether the layer `diffID` is recorded (extracted and verified).
    func hasLayer(_ diffID: String) throws(EngineError) -> Bool {
        try read { (db) throws(EngineError) in
            try !db.query("SELECT 1 FROM layers WHERE diff_id = ?", .text(diffID)).isEmpty
        }
    }

    /// Records an extracted layer.
    func insertLayer(diffID: String, size: Int64, compressedDigest: String?) throws(EngineError) {
        try write { (db) throws(EngineError) in
            _ = try db.run(
                "INSERT OR IGNORE INTO layers (diff_id, size, compressed_digest) VALUES (?, ?, ?)", .text(diffID),
                .integer(size), compressedDigest.map { .text($0) } ?? .null)
        }
    }

    /// Saves an image (replacing one with the same id), points its names at it, and appends an event.
    func saveImage(_ image: ImageRecord, event action: EngineEvent.Action) throws(EngineError) {
        try write { (db) throws(EngineError) in
            // Names move to the new image: take them from any other image first.
            for name in image.names {
                if let other = try db.query("SELECT image_id FROM image_names WHERE name = ?", .text(name)).first?
                    .first?.text, other != image.id
                {
                    try Self.removeName(db, name, from: other)
                }
            }
            var merged = image
            if let existing = try db.query("SELECT record FROM images WHERE id = ?", .text(image.id)).first?.first?
                .text
            {
                let old = try Self.decode(ImageRecord.self, existing)
                merged.names = old.names + image.names.filter { !old.names.contains($0) }
                // A load from an archive without a manifest keeps the digest a pull or layout gave.
                merged.manifestDigest = image.manifestDigest ?? old.manifestDigest
            }
            try db.run(
                "INSERT INTO images (id, record, created) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET record = excluded.record",
                .text(image.id), .text(try Self.encode(merged)), .real(Date().timeIntervalSince1970))
            for name in image.names {
                try db.run(
                    "INSERT INTO image_names (name, image_id) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET image_id = excluded.image_id",
                    .text(name), .text(image.id))
            }
            try Self.appendEvent(
                db, kind: .image, action: action, id: image.id, name: image.names.first ?? "")
        }
    }

    private static func removeName(_ db: SQLiteDatabase, _ name: String, from imageID: String) throws(EngineError) {
        try db.run("DELETE FROM image_names WHERE name = ?", .text(name))
        guard let text = try db.query("SELECT record FROM images WHERE id = ?", .text(imageID)).first?.first?.text
        else { return }
        var record = try decode(ImageRecord.self, text)
        record.names.removeAll { $0 == name }
        try db.run("UPDATE images SET record = ? WHERE id = ?", .text(try encode(record)), .text(imageID))
    }

    /// The image whose name, id, or unique id prefix is `reference` (`name` alone means `name:latest`).
    func image(_ reference: String) throws(EngineError) -> ImageRecord {
        let text = try read { (db) throws(EngineError) -> String? in
            var id = reference.hasPrefix("sha256:") ? String(reference.dropFirst(7)) : reference
            for name in ImageStore.candidateNames(reference) {
                if let found = try db.query("SELECT image_id FROM image_names WHERE name = ?", .text(name)).first?
                    .first?.text
                {
                    id = found
                    break
                }
            }
            if let record = try db.query("SELECT record FROM images WHERE id = ?", .text(id)).first?.first?.text {
                return record
            }
            if id.count >= 3 && id.allSatisfy(\.isHexDigit) {
                let rows = try db.query("SELECT record FROM images WHERE id LIKE ? LIMIT 2", .text(id + "%"))
                if rows.count == 1 { return rows[0][0].text }
                if rows.count > 1 { throw EngineError.invalidArgument("image", "the id prefix \(id) is ambiguous") }
            }
            return nil
        }
        guard let text else { throw .noSuchImage(reference) }
        return try Self.decode(ImageRecord.self, text)
    }

    /// Every image.
    func allImages() throws(EngineError) -> [ImageRecord] {
        let rows = try read { (db) throws(EngineError) in try db.query("SELECT record FROM images ORDER BY created") }
        var images: [ImageRecord] = []
        for row in rows { images.append(try Self.decode(ImageRecord.self, row[0].text)) }
        return images
    }

    /// Adds `name` to an image (moving it from another image that had it).
    func tagImage(_ id: String, _ name: String) throws(EngineError) {
        try write { (db) throws(EngineError) in
            if let other = try db.query("SELECT image_id FROM image_names WHERE name = ?", .text(name)).first?.first?
                .text
            {
                if other == id { return }
                try Self.removeName(db, name, from: other)
            }
            guard let text = try db.query("SELECT record FROM images WHERE id = ?", .text(id)).first?.first?.text
            else { throw .noSuchImage(id) }
            var record = try Self.decode(ImageRecord.self, text)
            record.names.append(name)
            try db.run("UPDATE images SET record = ? WHERE id = ?", .text(try Self.encode(record)), .text(id))
            try db.run("INSERT INTO image_names (name, image_id) VALUES (?, ?)", .text(name), .text(id))
            try Self.appendEvent(db, kind: .image, action: .tag, id: id, name: name)
        }
    }

    /// Removes `name` from an image.
    func untagImage(_ id: String, _ name: String) throws(EngineError) {
        try write { (db) throws(EngineError) in
            let owner = try db.query("SELECT image_id FROM image_names WHERE name = ?", .text(name)).first?.first?.text
            guard owner == id else { throw .invalidArgument("name", "\(name) does not name image \(id)") }
            try Self.removeName(db, name, from: id)
            try Self.appendEvent(db, kind: .image, action: .untag, id: id, name: name)
        }
    }

    /// The digest of the blob the layer `diffID` came in, when the store keeps it.
    func layerBlob(_ diffID: String) throws(EngineError) -> String? {
        try read { (db) throws(EngineError) in
            try db.query("SELECT compressed_digest FROM layers WHERE diff_id = ?", .text(diffID)).first?.first?.text
        }
    }

    /// Appends an image event (a push, a save) that changes nothing stored.
    func appendImageEvent(_ image: ImageRecord, action: EngineEvent.Action, name: String) throws(EngineError) {
        try write { (db) throws(EngineError) in
            try Self.appendEvent(db, kind: .image, action: action, id: image.id, name: name)
        }
    }

    /// Records `digest` as the blob the layer `diffID` is kept in.
    func setLayerBlob(_ diffID: String, _ digest: String) throws(EngineError) {
        try write { (db) throws(EngineError) in
            _ = try db.run(
                "UPDATE layers SET compressed_digest = ? WHERE diff_id = ?", .text(digest), .text(diffID))
        }
    }

    /// Deletes an image; returns the diff ids no other image uses any more (their layers can go), and the blobs
    /// that go with them and with the image (its config and manifest).
    func deleteImage(_ image: ImageRecord) throws(EngineError) -> (layers: [String], blobs: [String]) {
        try write { (db) throws(EngineError) -> (layers: [String], blobs: [String]) in
            try db.run("DELETE FROM images WHERE id = ?", .text(image.id))
            try db.run("DELETE FROM image_names WHERE image_id = ?", .text(image.id))
            var used = Set<String>()
            for row in try db.query("SELECT record FROM images") {
                used.formUnion(try Self.decode(ImageRecord.self, row[0].text).layers)
            }
            let unused = Set(image.layers).subtracting(used)
            var blobs = ["sha256:" + image.id] + (image.manifestDigest.map { [$0] } ?? [])
            for diffID in unused {
                if let blob = try db.query("SELECT compressed_digest FROM layers WHERE diff_id = ?", .text(diffID))
                    .first?.first?.text
                {
                    blobs.append(blob)
                }
                try db.run("DELETE FROM layers WHERE diff_id = ?", .text(diffID))
            }
            try Self.appendEvent(db, kind: .image, action: .remove, id: image.id, name: image.names.first ?? "")
            return (Array(unused), blobs)
        }
    }
}
