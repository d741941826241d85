import Foundation
import HTTPTypes
import Sundial
import SundialEngine
import Testing
import Workflows

@Suite("Admin API: every list and history is a bounded page with a cursor")
struct AdminPaginationTests {
    /// Follows `next_cursor` from `path` (which has a `?`) until the last page; returns every
    /// page's `member` rows, checking each answer against the OpenAPI document.
    static func pages(_ h: IntakeHarness, _ path: String, template: String, member: String, token: String) async throws -> [[[String: Any]]] {
        var pages: [[[String: Any]]] = []
        var uri = path
        while pages.count < 50 {
            let answer = try await h.send(.get, uri, token: token, contentType: nil)
            #expect(answer.status == .ok, "\(uri): \(answer.text.prefix(300))")
            try await h.expectDocumented(answer, "GET", template)
            pages.append(answer.object[member] as? [[String: Any]] ?? [])
            guard let next = answer.object["next_cursor"] as? String else { break }
            uri = path + "&cursor=" + next
        }
        return pages
    }

    @Test("history and pending signals: the detail holds the first page and the cursors, .../history and .../signals the rest")
    func historyAndSignals() async throws {
        try await IntakeHarness.with { h in
            let viewer = try await h.adminToken(.viewer)
            let id = try await h.startOrder("SO-PAGE")
            let w = "/admin/v1/workflows/\(id.uuidString.lowercased())"
            // 250 more history entries and 130 pending signals, 7 of them received at the same instant.
            try await h.execute("""
                INSERT INTO workflow_history (workflow_id, visit, event, from_state, to_state, attempt, error)
                SELECT '\(id.uuidString.lowercased())', 1, 'retry', 'pay', 'pay', n, 'attempt ' || n FROM generate_series(1, 250) AS n
                """)
            try await h.execute("""
                INSERT INTO workflow_signals (workflow_id, signal_id, name, payload, received_at)
                SELECT '\(id.uuidString.lowercased())', 'sig-' || lpad(n::text, 3, '0'), 'note', jsonb_build_object('n', n),
                       CASE WHEN n <= 7 THEN timestamptz '2026-11-01T00:00:00Z' ELSE now() - (200 - n) * interval '1 second' END
                FROM generate_series(1, 130) AS n
                """)

            let detail = try await h.send(.get, w, token: viewer, contentType: nil)
            #expect(detail.status == .ok)
            try await h.expectDocumented(detail, "GET", "/admin/v1/workflows/{id}")
            #expect((detail.object["history"] as? [[String: Any]])?.count == PageSize.history.standard)
            #expect(detail.object["history_next_cursor"] is String)
            #expect((detail.object["pending_signals"] as? [[String: Any]])?.count == PageSize.pendingSignals.standard)
            #expect(detail.object["pending_signals_next_cursor"] is String)

            let history = try await Self.pages(h, w + "/history?limit=100", template: "/admin/v1/workflows/{id}/history",
                                               member: "history", token: viewer)
            #expect(history.map(\.count) == [100, 100, 51])
            let ids = history.flatMap { $0 }.compactMap { $0["id"] as? Int }
            #expect(ids.count == 251 && ids == ids.sorted() && Set(ids).count == 251)
            #expect(history.first?.first?["event"] as? String == "started")

            let signals = try await Self.pages(h, w + "/signals?limit=50", template: "/admin/v1/workflows/{id}/signals",
                                               member: "pending_signals", token: viewer)
            #expect(signals.map(\.count) == [50, 50, 30])
            let signalIDs = signals.flatMap { $0 }.compactMap { $0["signal_id"] as? String }
            #expect(signalIDs == (1...130).map { "sig-" + String(format: "%03d", $0) })

            for bad in ["limit=0", "limit=1001", "cursor=abc", "cursor=" + AdminAPITests.cursorToken("c1:0:nope"), "since=1"] {
                let answer = try await h.send(.get, w + "/history?\(bad)", token: viewer, contentType: nil)
                #expect(answer.status == .badRequest && answer.errorCode == "invalid_query", "\(bad): \(answer.text)")
            }
            let unknown = try await h.send(.get, "/admin/v1/workflows/\(UUID().uuidString.lowercased())/signals", token: viewer, contentType: nil)
            #expect(unknown.status == .notFound && unknown.errorCode == "workflow_not_found")
            try await h.expectDocumented(unknown, "GET", "/admin/v1/workflows/{id}/signals")
        }
    }

    @Test("parked outbox, schedules, workers and batch runs page by limit and cursor, each row once")
    func fleetLists() async throws {
        try await IntakeHarness.with { h in
            let viewer = try await h.adminToken(.viewer)
            let owner = try await h.startOrder("SO-OUT")
            try await h.execute("""
                INSERT INTO outbox (workflow_id, topic, dedupe_key, payload, status)
                SELECT '\(owner.uuidString.lowercased())', 'shop', 'k' || n, '{}', CASE WHEN n % 2 = 0 THEN 'parked' ELSE 'delivered' END
                FROM generate_series(1, 14) AS n
                """)
            try await h.execute("""
                INSERT INTO schedules (name, workflow_type, cron, time_zone, misfire, next_fire_at)
                SELECT 'schedule-' || n, 'order', '0 2 * * *', 'UTC', 'skip', now() + interval '1 day' FROM generate_series(1, 5) AS n
                """)
            try await h.execute("""
                INSERT INTO workers (id, host, pid, concurrency, definitions, stopped_at)
                SELECT 'worker-' || n, 'host', n, 4, ARRAY['order@1'], CASE WHEN n = 3 THEN now() END FROM generate_series(1, 6) AS n
                """)
            for day in 20...24 {
                let date = "2026-11-\(day)"
                try await h.workflows.start(QuickBooksDailyWorkflow.self, key: "quickbooks-daily/\(date)",
                                            input: QuickBooksDailyInput(businessDate: date, actor: "scheduler"))
            }

            let parked = try await Self.pages(h, "/admin/v1/outbox/parked?limit=3", template: "/admin/v1/outbox/parked", member: "messages", token: viewer)
            #expect(parked.map(\.count) == [3, 3, 1])
            #expect(parked.flatMap { $0 }.compactMap { $0["dedupe_key"] as? String } == ["k2", "k4", "k6", "k8", "k10", "k12", "k14"])

            let schedules = try await Self.pages(h, "/admin/v1/schedules?limit=2", template: "/admin/v1/schedules", member: "schedules", token: viewer)
            #expect(schedules.flatMap { $0 }.compactMap { $0["name"] as? String } == (1...5).map { "schedule-\($0)" })

            let workers = try await Self.pages(h, "/admin/v1/workers?limit=2", template: "/admin/v1/workers", member: "workers", token: viewer)
            #expect(workers.flatMap { $0 }.compactMap { $0["id"] as? String } == ["worker-1", "worker-2", "worker-4", "worker-5", "worker-6"])

            let runs = try await Self.pages(h, "/admin/v1/batches/quickbooks-daily/runs?limit=2", template: "/admin/v1/batches/{job}/runs",
                                            member: "runs", token: viewer)
            #expect(runs.map(\.count) == [2, 2, 1])
            #expect(runs.flatMap { $0 }.compactMap { $0["business_date"] as? String } == (20...24).reversed().map { "2026-11-\($0)" })
            let oneDate = try await Self.pages(h, "/admin/v1/batches/quickbooks-daily/runs?date=2026-11-22&limit=1",
                                               template: "/admin/v1/batches/{job}/runs", member: "runs", token: viewer)
            #expect(oneDate.map(\.count) == [1])

            for (path, bad) in [("/admin/v1/outbox/parked", "cursor=" + AdminAPITests.cursorToken("c1:0:x")), ("/admin/v1/schedules", "limit=501"),
                                ("/admin/v1/workers", "limit=0"), ("/admin/v1/batches/quickbooks-daily/runs", "cursor=" + AdminAPITests.cursorToken("c1:0:x"))] {
                let answer = try await h.send(.get, path + "?" + bad, token: viewer, contentType: nil)
                #expect(answer.status == .badRequest && answer.errorCode == "invalid_query", "\(path)?\(bad): \(answer.text)")
            }
        }
    }

    @Test("workflow list: a lower time bound in the future or an empty range is a 400 before any row is read")
    func refusedRanges() async throws {
        try await IntakeHarness.with { h in
            let viewer = try await h.adminToken(.viewer)
            let future = ISO8601DateFormatter().string(from: Date().addingTimeInterval(86_400 * 3650))
            for (query, field) in [("updated_from=\(future)", "updated_from"), ("created_from=\(future)", "created_from"),
                                   ("created_from=2026-11-02T00:00:00Z&created_to=2026-11-01T00:00:00Z", "created_to"),
                                   ("updated_from=2026-11-02T00:00:00Z&updated_to=2026-11-02T00:00:00Z", "updated_to")] {
                let answer = try await h.send(.get, "/admin/v1/workflows?\(query)", token: viewer, contentType: nil)
                #expect(answer.status == .badRequest && answer.errorCode == "invalid_query" && answer.fields[field] != nil, "\(query): \(answer.text)")
                try await h.expectDocumented(answer, "GET", "/admin/v1/workflows")
            }
            let recent = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-60))
            #expect(try await h.send(.get, "/admin/v1/workflows?updated_from=\(recent)", token: viewer, contentType: nil).status == .ok)
        }
    }
}
