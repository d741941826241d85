import ArgumentParser
import Foundation
import SundialEngine

/// `sundial apis list`: the fleet's shared limits of each outside API and its circuit breaker,
/// as every worker sees them (read from Postgres).
struct APIsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apis", abstract: "Show outside APIs' shared limits and circuit breakers.", subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One line per API: rate, calls in flight, circuit.")
        @OptionGroup var common: CommonOptions
        @Flag(help: "JSON for scripts instead of a table.") var json = false

        func run() async throws {
            let states = try await WorkflowsCommand.withClient(common) { client in try await client.store.apiLimitStates() }
            if json { return try WorkflowsCommand.printJSON(states) }
            print("API         RATE              IN FLIGHT   CIRCUIT     FAILURES  OPENED  UNTIL")
            for state in states {
                let rate = "\(state.rateCapacity)/\(Self.window(state.rateWindowMilliseconds))"
                let flight = state.maxConcurrent.map { "\(state.inFlight)/\($0)" } ?? "\(state.inFlight)"
                let until = state.circuitUntil.map { ISO8601DateFormatter().string(from: $0) } ?? "-"
                print([state.api.padding(12), rate.padding(18), flight.padding(12), state.circuit.padding(12),
                       "\(state.consecutiveFailures)".padding(10), "\(state.openedCount)".padding(8), until].joined())
            }
        }

        static func window(_ milliseconds: Int) -> String {
            if milliseconds % 3_600_000 == 0 { return "\(milliseconds / 3_600_000)h" }
            if milliseconds % 60_000 == 0 { return "\(milliseconds / 60_000)m" }
            if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
            return "\(milliseconds)ms"
        }
    }
}

extension String {
    /// Left-aligned in a column of `width` characters (at least one space after).
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
