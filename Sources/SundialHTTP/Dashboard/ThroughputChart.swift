import Foundation
import SundialEngine

/// The overview's throughput chart: workflows finished per minute over the last hour as inline
/// SVG bars, completed stacked under the other endings (failed, compensated, cancelled), with
/// the hour's totals beside it. Exists so the chart is readable without JavaScript.
struct ThroughputChart {
    let buckets: [FinishedPerMinute]
    let now: Date
    let minutes = 60

    private static let colors: [(WorkflowStatus, String)] = [
        (.completed, "#2f9e4f"), (.failed, "#c93a2b"), (.compensated, "#c79a2e"), (.cancelled, "#8b7a5a"),
    ]

    func svg() -> HTML {
        let width = 720.0, height = 180.0, left = 40.0, bottom = 24.0, top = 10.0
        let start = floor(now.timeIntervalSince1970 / 60) * 60 - Double(minutes - 1) * 60
        var perMinute: [Int: [WorkflowStatus: Int]] = [:]
        for bucket in buckets {
            let index = Int(((bucket.minute.timeIntervalSince1970 - start) / 60).rounded())
            guard (0..<minutes).contains(index) else { continue }
            perMinute[index, default: [:]][bucket.status, default: 0] += bucket.count
        }
        let peak = max(1, perMinute.values.map { $0.values.reduce(0, +) }.max() ?? 0)
        let plotHeight = height - bottom - top
        let barWidth = (width - left - 10) / Double(minutes)
        var parts: [HTML] = []
        // Axis and gridlines at 0, half and the peak.
        for fraction in [0.0, 0.5, 1.0] {
            let y = top + plotHeight * (1 - fraction)
            let label = fraction == 0.5 && peak < 2 ? "" : String(Int((Double(peak) * fraction).rounded()))
            parts.append("<line x1=\"\(left)\" y1=\"\(y)\" x2=\"\(width - 10)\" y2=\"\(y)\" stroke=\"#e3e7ee\"/><text x=\"\(left - 6)\" y=\"\(y + 4)\" text-anchor=\"end\" font-size=\"11\" fill=\"#5b6578\">\(label)</text>")
        }
        for index in 0..<minutes {
            guard let counts = perMinute[index] else { continue }
            var y = top + plotHeight
            let x = left + Double(index) * barWidth + 1
            for (status, color) in Self.colors {
                guard let count = counts[status], count > 0 else { continue }
                let h = plotHeight * Double(count) / Double(peak)
                y -= h
                let minute = Date(timeIntervalSince1970: start + Double(index) * 60)
                parts.append("<rect x=\"\(x)\" y=\"\(y)\" width=\"\(max(1, barWidth - 2))\" height=\"\(h)\" fill=\"\(color)\"><title>\(DashboardLayout.time(minute)): \(count) \(status.rawValue)</title></rect>")
            }
        }
        for (index, label) in [(0, "−60 min"), (30, "−30 min"), (minutes - 1, "now")] {
            let x = left + Double(index) * barWidth + barWidth / 2
            parts.append("<text x=\"\(x)\" y=\"\(height - 6)\" text-anchor=\"middle\" font-size=\"11\" fill=\"#5b6578\">\(label)</text>")
        }
        let totals = Self.colors.map { status, _ in (status, buckets.filter { $0.status == status }.map(\.count).reduce(0, +)) }
        let legend = Self.colors.map { status, color -> HTML in
            let total = totals.first { $0.0 == status }?.1 ?? 0
            return "<span><svg width=\"12\" height=\"12\" aria-hidden=\"true\"><rect width=\"12\" height=\"12\" fill=\"\(color)\"/></svg> \(status.rawValue): \(total)</span>"
        }
        return """
            <svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" \
            aria-label="Workflows finished per minute over the last hour">\(parts)</svg>
            <div class="legend">\(legend)</div>
            """
    }
}
