/// Lets hot-path SQL be written with named placeholders (`{state}::text`) and turned into the
/// numbered ones (`$1`) a prepared statement needs, in the order its bindings are appended.
/// Every placeholder carries a cast, so the server infers exactly the type the binding encodes.
enum SQLTemplate {
    static func render(_ sql: String, parameters: [String]) -> String {
        var rendered = sql
        for (index, name) in parameters.enumerated() {
            let placeholder = "{\(name)}"
            precondition(rendered.contains(placeholder), "placeholder \(placeholder) is not used in the statement")
            rendered = rendered.replacingOccurrences(of: placeholder, with: "$\(index + 1)")
        }
        precondition(!rendered.contains("{") || !rendered.contains("}::"), "a placeholder has no parameter: \(rendered)")
        return rendered
    }
}
