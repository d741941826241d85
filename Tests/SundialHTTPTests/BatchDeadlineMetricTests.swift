import Foundation
import HummingbirdTesting
import Logging
import PostgresNIO
import Testing
import Workflows

extension HealthAndMetricsTests {
    @Test("sundial_batch_deadline_missed: 1 while yesterday's batch has no run completed by midnight store time, 0 once one has")
    func batchDeadlineMetric() async throws {
        try await withServer(migrated: true) { client, postgres in
            let logger = Logger(label: "test")
            let calendar = try StoreCalendar()
            let yesterday = try #require(calendar.date(calendar.businessDate(of: Date()), plusDays: -1))
            let deadline = try #require(calendar.deadline(of: yesterday))
            let metric = { (text: String) in
                text.split(separator: "\n").first { $0.hasPrefix(#"sundial_batch_deadline_missed{job="quickbooks-daily"}"#) }.map(String.init)
            }
            // No schedule synced yet: nothing was expected.
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(metric(String(buffer: response.body)) == #"sundial_batch_deadline_missed{job="quickbooks-daily"} 0.0"#)
            }
            // The schedule existed for days; yesterday's run is stuck in invoice (a worker died, say).
            try await postgres.query("""
                INSERT INTO schedules (name, workflow_type, cron, time_zone, misfire, created_at)
                VALUES ('quickbooks-daily', 'quickbooks-daily', '0 23 * * *', 'America/Chicago', 'run_once', now() - interval '5 days')
                """, logger: logger)
            let input = #"{"business_date": "\#(yesterday)", "time_zone": "America/Chicago", "run_number": 1, "previous_run_ids": []}"#
            try await postgres.query("""
                INSERT INTO workflows (id, type, version, business_key, state, status, input, context, run_at)
                VALUES (gen_random_uuid(), 'quickbooks-daily', 1, 'stuck', 'invoice', 'sleeping', \(input)::jsonb, '{}', now() + interval '1 hour')
                """, logger: logger)
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(metric(String(buffer: response.body)) == #"sundial_batch_deadline_missed{job="quickbooks-daily"} 1.0"#)
            }
            // A run that completed before midnight meets the deadline.
            let finished = deadline.addingTimeInterval(-600)
            try await postgres.query("""
                INSERT INTO workflows (id, type, version, business_key, state, status, input, context, finished_at)
                VALUES (gen_random_uuid(), 'quickbooks-daily', 1, 'done', 'reconcile', 'completed', \(input)::jsonb, '{}', \(finished))
                """, logger: logger)
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(metric(String(buffer: response.body)) == #"sundial_batch_deadline_missed{job="quickbooks-daily"} 0.0"#)
            }
        }
    }
}
