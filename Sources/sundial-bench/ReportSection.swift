import ArgumentParser
import Foundation

/// `sundial-bench report`: reads the JSON result lines of one `ops/bench` run and writes the
/// Markdown tables and the throughput-versus-workers SVG chart.
struct ReportSection: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Render results.jsonl as Markdown and SVG.")
    @Option var results: String
    @Option var markdown: String
    @Option var svg: String

    func run() throws {
        let lines = try String(contentsOfFile: results, encoding: .utf8).split(separator: "\n")
        let rows = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let report = BenchReport(rows: rows)
        try report.markdown().write(toFile: markdown, atomically: true, encoding: .utf8)
        try report.throughputChart().write(toFile: svg, atomically: true, encoding: .utf8)
        print(report.markdown())
    }
}

/// The tables and chart made from one run's result lines.
struct BenchReport {
    let rows: [[String: Any]]

    func section(_ name: String) -> [[String: Any]] { rows.filter { $0["section"] as? String == name } }

    private func number(_ value: Any?, _ digits: Int = 1) -> String {
        guard let value = value as? Double ?? (value as? Int).map(Double.init) else { return "–" }
        if value.isNaN { return "–" }
        return String(format: "%.\(digits)f", value)
    }

    private func pgbench(clients: Int) -> Double? {
        section("pgbench").first { ($0["clients"] as? Int) == clients }?["tps"] as? Double
    }

    func markdown() -> String {
        var out = "### Throughput: five-step no-op workflows\n\n"
        out += "| workers | finished rows in table | workflows | s | workflows/s | transitions/s | pgbench 1-statement tx/s (same clients) | ratio | write xacts/wf | all xacts/wf (pg_stat_database) | round trips/wf (claims + commits + other + start and its read-back) |\n"
        out += "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n"
        for row in section("throughput") {
            let processes = row["processes"] as? Int ?? 0
            let concurrency = row["concurrency"] as? Int ?? 0
            let clients = processes * concurrency
            let reference = pgbench(clients: clients)
            let transitions = row["transitions_per_s"] as? Double ?? .nan
            let ratio = reference.map { transitions / $0 }
            let trips = "\(number(row["round_trips_per_workflow"], 2)) (\(number(row["claims_per_workflow"], 2)) + \(number(row["commits_per_workflow"], 2)) + \(number(row["other_per_workflow"], 2)) + \(number(row["start_trips_per_workflow"] ?? 1, 2)))"
            out += "| \(processes) × \(concurrency) | \(row["finished_rows_before"] ?? 0) | \(row["workflows"] ?? 0) | \(number(row["seconds"], 2)) | \(number(row["workflows_per_s"], 0)) | \(number(transitions, 0)) | \(reference.map { number($0, 0) } ?? "–") | \(ratio.map { number($0, 2) } ?? "–") | \(number(row["write_xacts_per_workflow"], 2)) | \(number(row["xacts_per_workflow"], 2)) | \(trips) |\n"
        }
        if !section("pgbench").isEmpty {
            out += "\n### pgbench: the same write as one statement (UPDATE ~500 B jsonb + INSERT history)\n\n| clients | tx/s | avg latency ms |\n|---:|---:|---:|\n"
            for row in section("pgbench") {
                out += "| \(row["clients"] ?? 0) | \(number(row["tps"], 0)) | \(number(row["latency_ms"], 3)) |\n"
            }
        }
        if let latency = section("latency").first {
            out += "\n### Latency: one workflow at a time, start to known completion\n\n| n | p50 ms | p95 ms | p99 ms | per transition ms (p50/5) |\n|---:|---:|---:|---:|---:|\n"
            out += "| \(latency["count"] ?? 0) | \(number(latency["p50_ms"], 2)) | \(number(latency["p95_ms"], 2)) | \(number(latency["p99_ms"], 2)) | \(number(latency["per_transition_ms"], 2)) |\n"
        }
        if let timers = section("timers").first {
            out += "\n### Timer lateness\n\n| timers | due over s | p50 ms | p99 ms | max ms | fired early |\n|---:|---:|---:|---:|---:|---:|\n"
            out += "| \(timers["count"] ?? 0) | \(number(timers["spread_s"], 0)) | \(number(timers["p50_ms"], 1)) | \(number(timers["p99_ms"], 1)) | \(number(timers["max_ms"], 1)) | \(timers["early"] ?? 0) |\n"
        }
        if let recovery = section("recovery").first {
            out += "\n### Recovery after kill -9\n\n| workflows in flight | lease s | lease left at kill s | first resumed s | all resumed s |\n|---:|---:|---:|---:|---:|\n"
            out += "| \(recovery["count"] ?? 0) | \(number(recovery["lease_s"], 1)) | \(number(recovery["lease_left_at_kill_s"], 2)) | \(number(recovery["first_resumed_s"], 2)) | \(number(recovery["all_resumed_s"], 2)) |\n"
        }
        let fleetReads = section("fleet-reads")
        if !fleetReads.isEmpty {
            out += "\n### /metrics and dashboard overview reads (latency of the queries)\n\n"
            out += "| rows in workflows | fleet gauges p50 ms | p95 ms | throughput chart p50 ms | p95 ms | replaced GROUP BY p50 ms | replaced chart query p50 ms |\n"
            out += "|---:|---:|---:|---:|---:|---:|---:|\n"
            for row in fleetReads {
                out += "| \(row["rows"] ?? 0) | \(number(row["gauges_p50_ms"], 2)) | \(number(row["gauges_p95_ms"], 2)) | \(number(row["chart_p50_ms"], 2)) | \(number(row["chart_p95_ms"], 2)) | \(number(row["legacy_counts_p50_ms"], 1)) | \(number(row["legacy_chart_p50_ms"], 1)) |\n"
            }
        }
        if let cost = section("count-cost").first {
            out += "\n### What the fleet-count triggers add (PostgreSQL backend CPU per statement, median of \(cost["rounds"] ?? 0) × \(cost["count"] ?? 0))\n\n"
            out += "| statement | without µs | with µs | added µs |\n|---|---:|---:|---:|\n"
            for kind in ["start", "step_same_status", "step_status_change"] {
                out += "| \(kind.replacingOccurrences(of: "_", with: " ")) | \(number(cost["\(kind)_us_without"], 1)) | \(number(cost["\(kind)_us_with"], 1)) | \(number(cost["\(kind)_us_added"], 1)) |\n"
            }
            out += "| fold, per delta row | | | \(number(cost["fold_us_per_delta"], 2)) |\n"
        }
        let peers = section("peer")
        if !peers.isEmpty {
            out += "\n### Peers in the same run (same workflow shape)\n\n| engine | setting | workflows/s | Sundial ÷ peer |\n|---|---|---:|---:|\n"
            let best = section("throughput").filter { ($0["finished_rows_before"] as? Int ?? 0) == 0 }
                .compactMap { $0["workflows_per_s"] as? Double }.max() ?? .nan
            for peer in peers {
                let rate = peer["workflows_per_s"] as? Double ?? .nan
                out += "| \(peer["peer"] ?? "?") | \(peer["setting"] ?? "") | \(number(rate, 1)) | \(number(best / rate, 1)) |\n"
            }
        }
        let peerLatencies = section("peer-latency")
        if !peerLatencies.isEmpty, let own = section("latency").first?["p50_ms"] as? Double {
            out += "\n### Peers' latency in the same run (one workflow at a time, start to the caller holding the result)\n\n"
            out += "| engine | setting | n | p50 ms | p95 ms | p99 ms | peer p50 ÷ Sundial p50 |\n|---|---|---:|---:|---:|---:|---:|\n"
            for peer in peerLatencies {
                let p50 = peer["p50_ms"] as? Double ?? .nan
                out += "| \(peer["peer"] ?? "?") | \(peer["setting"] ?? "") | \(peer["count"] ?? 0) | \(number(p50, 2)) | \(number(peer["p95_ms"], 2)) | \(number(peer["p99_ms"], 2)) | \(number(p50 / own, 2)) |\n"
            }
        }
        return out
    }

    /// Workflows per second against worker count (processes × concurrency), as a small SVG.
    func throughputChart() -> String {
        let points = section("throughput").filter { ($0["finished_rows_before"] as? Int ?? 0) == 0 }.map { row -> (String, Double) in
            ("\(row["processes"] ?? 0)×\(row["concurrency"] ?? 0)", row["workflows_per_s"] as? Double ?? 0)
        }
        let width = 520.0, height = 300.0, left = 60.0, bottom = 40.0, top = 30.0
        let maximum = max(points.map(\.1).max() ?? 1, 1)
        let barWidth = points.isEmpty ? 0 : (width - left - 20) / Double(points.count) * 0.6
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        svg += "<text x=\"\(Int(width / 2))\" y=\"18\" text-anchor=\"middle\" font-size=\"14\">Sundial workflows/s by worker processes × concurrency</text>\n"
        svg += "<line x1=\"\(left)\" y1=\"\(height - bottom)\" x2=\"\(width - 10)\" y2=\"\(height - bottom)\" stroke=\"black\"/>\n"
        svg += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(height - bottom)\" stroke=\"black\"/>\n"
        for (index, point) in points.enumerated() {
            let slot = (width - left - 20) / Double(points.count)
            let x = left + slot * Double(index) + slot * 0.2
            let barHeight = (height - bottom - top) * point.1 / maximum
            let y = height - bottom - barHeight
            svg += "<rect x=\"\(String(format: "%.1f", x))\" y=\"\(String(format: "%.1f", y))\" width=\"\(String(format: "%.1f", barWidth))\" height=\"\(String(format: "%.1f", barHeight))\" fill=\"#e8a33d\"/>\n"
            svg += "<text x=\"\(String(format: "%.1f", x + barWidth / 2))\" y=\"\(String(format: "%.1f", y - 4))\" text-anchor=\"middle\">\(Int(point.1))</text>\n"
            svg += "<text x=\"\(String(format: "%.1f", x + barWidth / 2))\" y=\"\(Int(height - bottom + 16))\" text-anchor=\"middle\">\(point.0)</text>\n"
        }
        svg += "<text x=\"14\" y=\"\(Int(height / 2))\" transform=\"rotate(-90 14 \(Int(height / 2)))\" text-anchor=\"middle\">workflows/s</text>\n"
        svg += "</svg>\n"
        return svg
    }
}
