import Foundation

/// Readable tables for the CLI's default output: columns padded to their widest cell (capped),
/// times in ISO 8601 UTC, `-` for nothing. Exists so every listing command prints alike.
enum TextTable {
    static func print(_ header: [String], _ rows: [[String]], maxWidth: Int = 40) {
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = min(maxWidth, max(widths[i], cell.count)) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                let text = cell.count > maxWidth ? String(cell.prefix(maxWidth - 1)) + "…" : cell
                return i == cells.count - 1 ? text : text.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        Swift.print(line(header))
        for row in rows { Swift.print(line(row)) }
    }

    static func time(_ date: Date?) -> String { date.map { $0.formatted(.iso8601) } ?? "-" }
}

/// The audit actor of CLI actions: `cli:<OS user>`.
enum CLIActor {
    static var name: String {
        let environment = ProcessInfo.processInfo.environment
        if let user = environment["USER"] ?? environment["LOGNAME"], !user.isEmpty { return "cli:" + user }
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return "cli:" + String(cString: name) }
        return "cli:uid-\(getuid())"
    }
}
