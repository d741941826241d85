import Foundation
import Integrations
import Logging
import Sundial
import SundialEngine
import Workflows

/// How a worker runs the nightly accounting batch: the store time zone its dates and schedule
/// are read in, the SFTP import folder the sales summary goes to, and the chunk size. Exists so
/// `sundial worker` reads it from the environment once and tests build it directly; turned into
/// ``BatchServices`` with the engine's records and the guarded QuickBooks client.
public struct BatchIntegrations: Sendable {
    /// IANA zone of the store (`SUNDIAL_STORE_TIME_ZONE`, default `America/Chicago`).
    public var storeTimeZone: String
    /// Nil when SFTP is not configured: the batch's upload step then fails with that reason.
    public var sftp: SFTPConfiguration?
    public var settings: BatchSettings

    public init(storeTimeZone: String = StoreCalendar.defaultTimeZone, sftp: SFTPConfiguration?, settings: BatchSettings = BatchSettings()) {
        self.storeTimeZone = storeTimeZone
        self.sftp = sftp
        self.settings = settings
    }

    /// `SUNDIAL_STORE_TIME_ZONE`, `SUNDIAL_BATCH_CHUNK_SIZE` and the SFTP settings:
    /// `SUNDIAL_SFTP_HOST`, `_PORT` (22), `_USER`, `_KEY_FILE` (ed25519/ECDSA, optional
    /// `_KEY_PASSPHRASE`) or `_PASSWORD`, `_HOST_KEY` (a known_hosts line or a `SHA256:`
    /// fingerprint) and `_FOLDER`. Without `SUNDIAL_SFTP_HOST` there is no SFTP; with it, the rest
    /// is required and checked.
    public static func fromEnvironment(_ reader: EnvironmentReader = EnvironmentReader()) throws -> BatchIntegrations {
        let zone = reader.string("SUNDIAL_STORE_TIME_ZONE") ?? StoreCalendar.defaultTimeZone
        guard (try? StoreCalendar(timeZone: zone)) != nil else {
            throw ConfigurationError(setting: "SUNDIAL_STORE_TIME_ZONE", problem: "'\(zone)' is not a known IANA time zone (e.g. America/Chicago)")
        }
        var settings = BatchSettings()
        settings.chunkSize = try reader.int("SUNDIAL_BATCH_CHUNK_SIZE", default: 25, range: 1...500)
        return BatchIntegrations(storeTimeZone: zone, sftp: try sftpConfiguration(reader), settings: settings)
    }

    static func sftpConfiguration(_ reader: EnvironmentReader) throws -> SFTPConfiguration? {
        guard let host = reader.string("SUNDIAL_SFTP_HOST"), !host.isEmpty else { return nil }
        func required(_ name: String) throws -> String {
            guard let value = reader.string(name), !value.isEmpty else {
                throw ConfigurationError(setting: name, problem: "is required when SUNDIAL_SFTP_HOST is set")
            }
            return value
        }
        let authentication: SFTPConfiguration.Authentication
        switch (reader.string("SUNDIAL_SFTP_KEY_FILE"), reader.string("SUNDIAL_SFTP_PASSWORD")) {
        case (let key?, nil):
            guard FileManager.default.isReadableFile(atPath: key) else {
                throw ConfigurationError(setting: "SUNDIAL_SFTP_KEY_FILE", problem: "cannot read '\(key)'")
            }
            authentication = .privateKey(path: key, passphrase: reader.string("SUNDIAL_SFTP_KEY_PASSPHRASE"))
        case (nil, let password?): authentication = .password(password)
        case (nil, nil): throw ConfigurationError(setting: "SUNDIAL_SFTP_KEY_FILE", problem: "set it or SUNDIAL_SFTP_PASSWORD")
        case (_?, _?): throw ConfigurationError(setting: "SUNDIAL_SFTP_PASSWORD", problem: "set either it or SUNDIAL_SFTP_KEY_FILE, not both")
        }
        let hostKeyText = try required("SUNDIAL_SFTP_HOST_KEY")
        guard let hostKey = KnownHostsEntry(hostKeyText) else {
            throw ConfigurationError(setting: "SUNDIAL_SFTP_HOST_KEY",
                                     problem: "expected a known_hosts line ('host ssh-ed25519 AAAA…') or a SHA256: fingerprint")
        }
        return SFTPConfiguration(
            host: host, port: try reader.int("SUNDIAL_SFTP_PORT", default: 22, range: 1...65_535), username: try required("SUNDIAL_SFTP_USER"),
            authentication: authentication, hostKeyFingerprint: hostKey.fingerprint, directory: try required("SUNDIAL_SFTP_FOLDER"))
    }

    /// The schedules in the store's time zone.
    public func schedules() throws -> [ScheduleDeclaration] { try SunStyleWorkflows.schedules(storeTimeZone: storeTimeZone) }

    /// The batch's services: the engine's records, the SFTP drop and `accounting` (the guarded
    /// QuickBooks client of the order integrations, or an unavailable one).
    public func batchServices(records: any WorkflowRecords, accounting: (any AccountingSystem)?, logger: Logger) -> BatchServices {
        let files: any FileDrop = sftp.map { SFTPFileDrop(configuration: $0, logger: logger) }
            ?? BatchServices.unconfiguredFileDrop("SFTP is not configured on this worker (SUNDIAL_SFTP_HOST …)")
        let unavailable = BatchServices.unavailable
        return BatchServices(records: records, files: files, accounting: accounting ?? unavailable.accounting, settings: settings)
    }
}
