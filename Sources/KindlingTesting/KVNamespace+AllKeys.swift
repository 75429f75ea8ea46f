public import KindlingBindings

extension KVNamespace {
    /// Every key, following cursors page by page.
    public func allKeys(prefix: String? = nil, limit: Int? = nil) throws -> [String] {
        var names: [String] = []
        var cursor: String?
        repeat {
            let page = try list(KVListOptions(prefix: prefix, limit: limit, cursor: cursor))
            names += page.keys.map(\.name)
            cursor = page.cursor
        } while cursor != nil
        return names
    }
}
