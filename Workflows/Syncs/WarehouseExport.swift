import Foundation
import Integrations
import Sundial

/// The hourly warehouse export (INT-009): orders, shipments and workflow events since the last
/// run, as newline-delimited JSON load files partitioned by hour, plus a manifest per run.
///
/// ```
/// begin ──▶ export ⟲ (one chunk per step) ──▶ manifest ──▶ advance ──▶ completed
///   ⟲ while an earlier run holds the cursor
/// ```
///
/// - **begin** takes the sync cursor (``SyncCursors``, name `warehouse-export`) and fixes the
///   range: after the cursor, before the feed's current horizon. While an earlier run holds the
///   cursor it sleeps and asks again, so runs never overlap.
/// - **export** reads the next chunk of history events in feed order and writes, per table and
///   UTC hour, `<table>/dt=YYYY-MM-DD/hour=HH/part-<run>-<chunk>.ndjson`. The chunk is a pure
///   function of (position, chunk size, horizon), all fixed in the context, so a crash before
///   the checkpoint rewrites the same names with the same bytes. Events go to `events`; an order's ending event (completed,
///   cancelled, compensated) also gives its `orders` row and, with a label, its `shipments` row.
/// - **manifest** writes `manifests/run-<run>.json` (files, rows, cursor range, checksums).
/// - **advance** moves the cursor to the last event written and frees it.
public struct WarehouseExport: Workflow {
    public static let name = "warehouse-export"
    public static let version = 1
    public static let initialState = State.begin
    /// `begin` sleeps and repeats while an earlier run holds the cursor; `export` repeats per chunk.
    public static let stateGraph: [State: [State]] = [.begin: [.begin, .export], .export: [.export, .manifest], .manifest: [.advance]]
    /// The cursor's name in ``SyncCursors``.
    public static let cursorName = "warehouse-export"
    public static let tables = ["orders", "shipments", "events"]

    /// The run's steps, in order (`export` repeats once per chunk).
    public enum State: String, WorkflowState { case begin, export, manifest, advance }
    public typealias Input = SyncRunInput
    public typealias Context = WarehouseExportContext
    public typealias Output = WarehouseExportReport

    let services: SyncServices

    public init(services: SyncServices) { self.services = services }

    public static func makeContext(from input: SyncRunInput) -> WarehouseExportContext { WarehouseExportContext(input: input) }

    public func policy(for state: State) -> StatePolicy<State> {
        StatePolicy(retry: RetryPolicy(initialDelay: .seconds(2), multiplier: 2, maxDelay: .seconds(120), maxAttempts: 8), timeout: .seconds(300))
    }

    public func run(_ state: State, _ ctx: inout Context, _ step: Step<Self>) async throws -> Next {
        switch state {
        case .begin:
            guard try await services.begin(cursor: Self.cursorName, what: "warehouse export", &ctx, step) else {
                return .sleep(for: services.settings.cursorWait, then: .begin)
            }
            ctx.chunkSize = services.settings.exportChunkSize
            ctx.chunk = 0
            ctx.files = []
            return .next(.export)
        case .export:
            return try await exportChunk(&ctx, step)
        case .manifest:
            let report = try self.report(ctx, step)
            _ = try await services.warehouse.write(try LoadFileEncoding.json(report), to: report.manifest)
            return .next(.advance)
        case .advance:
            let report = try self.report(ctx, step)
            let run = try await services.cursors.advance(Self.cursorName, run: step.workflowID, from: ctx.cursorFrom,
                                                         to: report.cursorTo ?? EventPosition.start.text)
            step.logger.info("warehouse export done", metadata: [
                "run": "\(run)", "files": "\(report.files.count)", "events": "\(report.rows["events"] ?? 0)", "orders": "\(report.rows["orders"] ?? 0)",
            ])
            return .complete(report)
        }
    }

    private func exportChunk(_ ctx: inout Context, _ step: Step<Self>) async throws -> Next {
        guard let horizon = ctx.horizon, let run = ctx.runNumber else { throw WorkflowError.permanent("export before begin") }
        let events = try await services.feed.events(after: ctx.readAfter, before: horizon, workflowType: nil, event: nil,
                                                    limit: ctx.chunkSize ?? services.settings.exportChunkSize)
        guard let last = events.last else { return .next(.manifest) }
        var orderRows: [(HourPartition, WarehouseOrderRow)] = []
        var shipmentRows: [(HourPartition, WarehouseShipmentRow)] = []
        let endings = events.filter { $0.workflowType == OrderWorkflow.name && $0.endsWorkflow }
        if !endings.isEmpty {
            let snapshots = Dictionary(try await services.feed.workflows(ids: endings.map(\.workflowID)).map { ($0.id, $0) },
                                       uniquingKeysWith: { first, _ in first })
            for ended in endings {
                guard let snapshot = snapshots[ended.workflowID] else { continue }  // deleted by retention since
                let context = try snapshot.context(as: OrderContext.self)
                let partition = HourPartition(ended.occurredAt)
                orderRows.append((partition, WarehouseOrderRow(snapshot: snapshot, context: context, ended: ended)))
                if let shipment = WarehouseShipmentRow(snapshot: snapshot, context: context, ended: ended) {
                    shipmentRows.append((partition, shipment))
                }
            }
        }
        let eventRows = events.map { (HourPartition($0.occurredAt), WarehouseEventRow($0)) }
        var files: [WarehouseLoadFile] = []
        files += try await write("orders", orderRows, run: run, chunk: ctx.chunk)
        files += try await write("shipments", shipmentRows, run: run, chunk: ctx.chunk)
        files += try await write("events", eventRows, run: run, chunk: ctx.chunk)
        ctx.files += files
        ctx.position = last.position
        ctx.chunk += 1
        return .next(.export)
    }

    /// One file per hour of `rows`, named by run and chunk.
    private func write<Row: Encodable>(_ table: String, _ rows: [(HourPartition, Row)], run: Int, chunk: Int) async throws -> [WarehouseLoadFile] {
        let byHour = Dictionary(grouping: rows, by: \.0)
        var files: [WarehouseLoadFile] = []
        for partition in byHour.keys.sorted() {
            let hourRows = byHour[partition]!.map(\.1)
            let path = "\(table)/\(partition.folder)/part-\(Self.runLabel(run))-\(String(format: "%04d", chunk)).ndjson"
            let stored = try await services.warehouse.write(try LoadFileEncoding.ndjson(hourRows), to: path)
            files.append(WarehouseLoadFile(table: table, path: path, day: partition.day, hour: partition.hour, rows: hourRows.count,
                                           stored: stored, chunk: chunk))
        }
        return files
    }

    private func report(_ ctx: Context, _ step: Step<Self>) throws -> WarehouseExportReport {
        guard let run = ctx.runNumber, let horizon = ctx.horizon else { throw WorkflowError.permanent("report before begin") }
        var rows: [String: Int] = [:]
        for table in Self.tables { rows[table] = ctx.files.filter { $0.table == table }.reduce(0) { $0 + $1.rows } }
        return WarehouseExportReport(
            sync: Self.name, run: run, workflowID: step.workflowID.uuidString.lowercased(), cursorFrom: ctx.cursorFrom,
            cursorTo: ctx.position?.text ?? ctx.cursorFrom, horizon: horizon.text, files: ctx.files, rows: rows,
            manifest: "manifests/run-\(Self.runLabel(run)).json")
    }

    /// `000042`.
    static func runLabel(_ run: Int) -> String { String(format: "%06d", run) }
}
