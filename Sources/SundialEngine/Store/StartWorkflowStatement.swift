import Foundation
import PostgresNIO

/// The idempotent start as a prepared statement (see ``WorkflowStore/startWorkflow``).
struct StartWorkflowStatement: PostgresPreparedStatement {
    typealias Row = (UUID, Bool, Bool, String)

    static let sql = SQLTemplate.render("""
        WITH inserted AS (
            INSERT INTO workflows (id, type, version, business_key, state, status, input, context, run_at)
            VALUES ({id}::uuid, {type}::text, {version}::int8, {key}::text, {state}::text, 'runnable',
                    {input}::text::jsonb, {context}::text::jsonb, now())
            ON CONFLICT (type, business_key) DO NOTHING
            RETURNING id, status
        ), history AS (
            INSERT INTO workflow_history (workflow_id, visit, event, to_state)
            SELECT id, 1, 'started', {state}::text FROM inserted
        ), notified AS (
            SELECT pg_notify({channel}::text, '') FROM inserted
        )
        SELECT i.id, true, true, i.status FROM inserted i, (SELECT count(*) FROM notified) n
        UNION ALL
        SELECT w.id, false, w.input = {input}::text::jsonb, w.status FROM workflows w
        WHERE w.type = {type}::text AND w.business_key = {key}::text AND NOT EXISTS (SELECT 1 FROM inserted)
        """, parameters: ["id", "type", "version", "key", "state", "input", "context", "channel"])

    let id: UUID
    let type: String
    let version: Int
    let key: String
    let state: String
    let input: String
    let context: String
    let channel: String

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 8)
        bindings.append(id)
        bindings.append(type)
        bindings.append(version)
        bindings.append(key)
        bindings.append(state)
        bindings.append(input)
        bindings.append(context)
        bindings.append(channel)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}
