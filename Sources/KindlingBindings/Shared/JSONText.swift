internal import Foundation

/// Checks on JSON text that crosses a binding as a string (metadata, vars).
enum JSONText {
    /// Whether `text` is one JSON value (object, array, string, number, true, false or null).
    static func isValid(_ text: String) -> Bool {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) != nil
    }
}
