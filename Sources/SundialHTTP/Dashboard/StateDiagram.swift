import Foundation
import SundialEngine

/// The state diagram of a workflow type drawn as inline SVG, with one instance's path on it.
/// States come from the type's definition (its `State` enum, in declaration order); edges from
/// the definition's declared graph (``WorkflowDefinition/edges``) and from the transitions seen
/// in the type's history, so a type that declares no graph still gets a useful picture. The
/// instance's visited states and transitions are highlighted and its current state marked.
///
/// The layout is layered: a state's column is its distance from the initial state along the
/// edges, its row its place among the states of that column. Forward edges are straight, edges
/// back or within a column curve below, a state that repeats gets a loop on top. Exists so the
/// dashboard needs no graph library and no script.
struct StateDiagram {
    let states: [String]
    let initial: String
    let declared: [StateEdge]
    let observed: [StateEdge]
    let visitedStates: Set<String>
    let visitedEdges: Set<StateEdge>
    let current: String
    /// The instance failed (its current state is drawn red rather than orange).
    let failed: Bool

    private static let boxWidth = 138.0
    private static let boxHeight = 38.0
    private static let columnGap = 62.0
    private static let rowGap = 34.0
    private static let margin = 26.0

    /// Every edge to draw: declared first, then those only observed.
    var edges: [(edge: StateEdge, declared: Bool)] {
        var result = declared.map { ($0, true) }
        let known = Set(declared)
        for edge in observed where !known.contains(edge) { result.append((edge, false)) }
        // A transition the instance made that neither lists (an older definition) is drawn too.
        for edge in visitedEdges.sorted(by: { ($0.from, $0.to) < ($1.from, $1.to) })
        where !known.contains(edge) && !observed.contains(edge) { result.append((edge, false)) }
        return result.filter { states.contains($0.0.from) && states.contains($0.0.to) }
    }

    /// Column of each state: breadth-first distance from the initial state; states it cannot
    /// reach go in a last column.
    func columns() -> [String: Int] {
        var column: [String: Int] = [initial: 0]
        var queue = [initial]
        let all = edges.map(\.edge)
        while !queue.isEmpty {
            let state = queue.removeFirst()
            for edge in all where edge.from == state && column[edge.to] == nil {
                column[edge.to] = column[state]! + 1
                queue.append(edge.to)
            }
        }
        let last = (column.values.max() ?? 0) + 1
        for state in states where column[state] == nil { column[state] = last }
        return column
    }

    func svg() -> HTML {
        let column = columns()
        var rows: [Int: [String]] = [:]
        for state in states { rows[column[state]!, default: []].append(state) }
        let columnCount = (column.values.max() ?? 0) + 1
        let rowCount = rows.values.map(\.count).max() ?? 1
        var position: [String: (x: Double, y: Double)] = [:]
        for (index, names) in rows {
            for (row, name) in names.enumerated() {
                // Columns with fewer states are centred vertically.
                let offset = Double(rowCount - names.count) * (Self.boxHeight + Self.rowGap) / 2
                position[name] = (Self.margin + Double(index) * (Self.boxWidth + Self.columnGap),
                                  Self.margin + 22 + offset + Double(row) * (Self.boxHeight + Self.rowGap))
            }
        }
        let width = Self.margin * 2 + Double(columnCount) * Self.boxWidth + Double(columnCount - 1) * Self.columnGap
        // Edges back to an earlier column run in lanes below every box, one lane each.
        let backEdges = edges.map(\.edge).filter { column[$0.to]! < column[$0.from]! }
        let boxesBottom = Self.margin + 22 + Double(rowCount) * Self.boxHeight + Double(rowCount - 1) * Self.rowGap
        let laneGap = 9.0
        let height = boxesBottom + Self.margin + (backEdges.isEmpty ? 0 : 14 + laneGap * Double(backEdges.count))

        var parts: [HTML] = []
        for (edge, isDeclared) in edges {
            guard let a = position[edge.from], let b = position[edge.to] else { continue }
            let visited = visitedEdges.contains(edge)
            let kind = visited ? "visited" : (isDeclared ? "declared" : "seen")
            let stroke = visited ? "#1f5fbf" : (isDeclared ? "#8894a8" : "#a3adbd")
            let widthAttr = visited ? 2.6 : 1.4
            let dash: HTML = isDeclared || visited ? "" : " stroke-dasharray=\"5 4\""
            let path: String
            if edge.from == edge.to {
                let x1 = a.x + Self.boxWidth * 0.62, x2 = a.x + Self.boxWidth * 0.38
                path = "M \(f(x1)) \(f(a.y)) C \(f(x1 + 10)) \(f(a.y - 30)) \(f(x2 - 10)) \(f(a.y - 30)) \(f(x2)) \(f(a.y - 1))"
            } else if column[edge.to]! > column[edge.from]! {
                path = "M \(f(a.x + Self.boxWidth)) \(f(a.y + Self.boxHeight / 2)) L \(f(b.x - 2)) \(f(b.y + Self.boxHeight / 2))"
            } else if a.x == b.x {
                // Same column: a curve on the right side, wider for an edge going up.
                let bulge = a.x + Self.boxWidth + (b.y > a.y ? 30 : 46)
                let (fromY, toY) = b.y > a.y ? (a.y + Self.boxHeight * 0.7, b.y + Self.boxHeight * 0.3) : (a.y + Self.boxHeight * 0.3, b.y + Self.boxHeight * 0.7)
                path = "M \(f(a.x + Self.boxWidth)) \(f(fromY)) Q \(f(bulge)) \(f((fromY + toY) / 2)) \(f(b.x + Self.boxWidth + 2)) \(f(toY))"
            } else {
                // Backwards: out of the source's left side into the gap before its column, down to
                // its own lane below the boxes, across, and up the gap after the target's column
                // into the target's right side.
                let lane = boxesBottom + 14 + laneGap * Double(backEdges.firstIndex(of: edge) ?? 0)
                let exitX = a.x - Self.columnGap / 2 + 6, entryX = b.x + Self.boxWidth + Self.columnGap / 2 - 6
                let fromY = a.y + Self.boxHeight * 0.75, toY = b.y + Self.boxHeight * 0.75
                path = "M \(f(a.x)) \(f(fromY)) L \(f(exitX + 6)) \(f(fromY)) Q \(f(exitX)) \(f(fromY)) \(f(exitX)) \(f(fromY + 6)) "
                    + "L \(f(exitX)) \(f(lane - 6)) Q \(f(exitX)) \(f(lane)) \(f(exitX - 6)) \(f(lane)) "
                    + "L \(f(entryX + 6)) \(f(lane)) Q \(f(entryX)) \(f(lane)) \(f(entryX)) \(f(lane - 6)) "
                    + "L \(f(entryX)) \(f(toY + 6)) Q \(f(entryX)) \(f(toY)) \(f(entryX - 6)) \(f(toY)) L \(f(b.x + Self.boxWidth + 2)) \(f(toY))"
            }
            parts.append("<path class=\"edge \(kind)\" d=\"\(path)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(widthAttr)\"\(dash) marker-end=\"url(#arrow-\(kind))\"><title>\(edge.from) → \(edge.to)\(isDeclared ? String() : String(" (seen in history)"))</title></path>")
        }
        for state in states {
            guard let p = position[state] else { continue }
            let isCurrent = state == current
            let visited = visitedStates.contains(state)
            let fill = isCurrent ? (failed ? "#fbd9d3" : "#fde2c4") : (visited ? "#dde9fb" : "#ffffff")
            let stroke = isCurrent ? (failed ? "#b3261e" : "#c2570c") : (visited ? "#1f5fbf" : "#8894a8")
            let strokeWidth = isCurrent ? 3.0 : 1.4
            let classes = ["state", isCurrent ? "current" : nil, visited ? "visited" : nil].compactMap { $0 }.joined(separator: " ")
            parts.append("""
                <g class="\(classes)" data-state="\(state)"><rect x="\(p.x)" y="\(p.y)" width="\(Self.boxWidth)" height="\(Self.boxHeight)" rx="8" \
                fill="\(fill)" stroke="\(stroke)" stroke-width="\(strokeWidth)"/>\
                <text x="\(p.x + Self.boxWidth / 2)" y="\(p.y + Self.boxHeight / 2 + 4.5)" text-anchor="middle" font-size="13" \
                font-family="system-ui, sans-serif" fill="#1d2433"\(isCurrent ? HTML(" font-weight=\"700\"") : .empty)>\(state)</text></g>
                """)
            if state == initial {
                parts.append("<text x=\"\(p.x)\" y=\"\(p.y - 6)\" font-size=\"11\" fill=\"#5b6578\" font-family=\"system-ui, sans-serif\">start</text>")
            }
        }
        let markers = [("visited", "#1f5fbf"), ("declared", "#8894a8"), ("seen", "#a3adbd")].map { kind, color -> HTML in
            "<marker id=\"arrow-\(kind)\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"9\" markerHeight=\"9\" markerUnits=\"userSpaceOnUse\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"\(color)\"/></marker>"
        }
        return """
            <svg class="state-diagram" xmlns="http://www.w3.org/2000/svg" role="img" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" \
            aria-label="State diagram; current state \(current)"><defs>\(markers)</defs>\(parts)</svg>
            """
    }

    private func f(_ value: Double) -> String { String(format: "%.1f", value) }
}
