import Foundation
import Sandbox
import Sundial
import SundialEngine
import Workflows

/// The SFTP side of the chaos run: the loopback OpenSSH server `ops/sshd` runs, reached through
/// a ``DroppingTCPProxy`` that cuts the nightly batch's upload mid-transfer and refuses
/// connections for a few seconds after, an import folder of this run's own, and the check that
/// every batch run's file arrived whole, exactly once.
struct ChaosSFTP: Sendable {
    let proxy: DroppingTCPProxy
    let folder: URL
    /// The SFTP server's log (`sftp-server -l INFO`), where every rename is recorded.
    let serverLog: URL
    /// What the workers need to reach the server through the proxy.
    let workerEnvironment: [String: String]

    /// Reads the server's settings from `ops/sshd env` (exported by `ops/chaos`).
    init(environment: [String: String], run: String) throws {
        func required(_ name: String) throws -> String {
            guard let value = environment[name], !value.isEmpty else {
                throw ChaosFailure("\(name) is not set: ops/chaos starts the SFTP server and exports ops/sshd env")
            }
            return value
        }
        guard let sshPort = Int(try required("SUNDIAL_TEST_SSH_PORT")) else { throw ChaosFailure("SUNDIAL_TEST_SSH_PORT is not a port") }
        proxy = try DroppingTCPProxy(targetPort: sshPort)
        folder = URL(fileURLWithPath: try required("SUNDIAL_TEST_SFTP_DIR")).appendingPathComponent(run, isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        serverLog = URL(fileURLWithPath: try required("SUNDIAL_TEST_SFTP_LOG"))
        workerEnvironment = [
            "SUNDIAL_SFTP_HOST": "127.0.0.1",
            "SUNDIAL_SFTP_PORT": "\(proxy.port)",
            "SUNDIAL_SFTP_USER": try required("SUNDIAL_TEST_SSH_USER"),
            "SUNDIAL_SFTP_KEY_FILE": try required("SUNDIAL_TEST_SSH_KEY"),
            "SUNDIAL_SFTP_HOST_KEY": try required("SUNDIAL_TEST_SSH_HOST_KEY"),
            "SUNDIAL_SFTP_FOLDER": folder.path,
        ]
    }

    /// Starts a run of the nightly batch for today's business date with the next upload armed to
    /// be cut after `dropAfter` bytes (past the SSH handshake, inside the file), the server then
    /// unreachable for `outage` seconds. Returns the business date.
    func startBatchWithDrop(sundial: URL, dropAfter: Int, outage: TimeInterval) async throws -> String {
        let date = try StoreCalendar(timeZone: StoreCalendar.defaultTimeZone).businessDate(of: Date())
        proxy.arm(dropAfter: dropAfter, outage: outage)
        try await ChaosCommand.shell("'\(sundial.path)' batches rerun \(QuickBooksDailyWorkflow.name) --date \(date) --reason 'chaos run: SFTP dropped mid-upload' --actor chaos >/dev/null")
        return date
    }

    /// What the check looks at: each batch run, the folder, the server's renames, the cut.
    struct Evidence {
        struct Run {
            let id: UUID
            let status: WorkflowStatus
            let state: String
            let lastError: String?
            let fileName: String?
            let fileBytes: Int
        }

        var runs: [Run]
        /// The folder's file names and sizes.
        var files: [String: Int]
        /// How many times the server renamed a file into place, by file name.
        var renames: [String: Int]
        var cuts: Int
        var stillArmed: Bool

        /// Every batch run completed and its file is in the folder whole (the size its context
        /// recorded), renamed into place exactly once by the server's own log, with no
        /// temporary file left; and the drop really cut an upload.
        func check() -> ChaosInvariants.Check {
            var check = ChaosInvariants.Check(name: "the nightly file uploaded once per batch run, whole, despite the SFTP drop")
            if runs.isEmpty { check.breaches.append("no batch run was started") }
            if cuts == 0 { check.breaches.append("the SFTP drop never cut an upload (armed: \(stillArmed))") }
            for name in files.keys.sorted() where name.hasSuffix(".part") { check.breaches.append("temporary file \(name) left behind") }
            for run in runs {
                check.checked += 1
                guard run.status == .completed else {
                    check.breaches.append("run \(run.id.uuidString.lowercased()) is \(run.status.rawValue) in \(run.state): \(run.lastError ?? "")")
                    continue
                }
                guard let name = run.fileName else {
                    check.breaches.append("run \(run.id.uuidString.lowercased()) completed without a file name")
                    continue
                }
                if files[name] != run.fileBytes {
                    check.breaches.append("\(name): \(files[name].map { "\($0) bytes" } ?? "missing"), the run wrote \(run.fileBytes)")
                }
                if renames[name] != 1 { check.breaches.append("\(name) was renamed into place \(renames[name] ?? 0) times") }
            }
            return check
        }
    }

    func evidence(store: WorkflowStore) async throws -> Evidence {
        let runs = try await store.snapshots(type: QuickBooksDailyWorkflow.name).map { run in
            let context = try? JSONDecoder.sundial.decode(QuickBooksDailyContext.self, from: Data(run.context.utf8))
            return Evidence.Run(id: run.id, status: run.status, state: run.state, lastError: run.lastError,
                                fileName: context?.fileName, fileBytes: context?.fileBytes ?? 0)
        }
        var files: [String: Int] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] {
            files[name] = (try? FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).path)[.size] as? Int) ?? nil
        }
        var renames: [String: Int] = [:]
        let prefix = "new \"\(folder.path)/"
        for line in ((try? String(contentsOf: serverLog, encoding: .utf8)) ?? "").split(separator: "\n") where line.contains("rename old") {
            guard let range = line.range(of: prefix) else { continue }
            let name = line[range.upperBound...].prefix { $0 != "\"" }
            renames[String(name), default: 0] += 1
        }
        return Evidence(runs: runs, files: files, renames: renames, cuts: proxy.dropped, stillArmed: proxy.isArmed)
    }
}
