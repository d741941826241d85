import Foundation
import Logging

/// Chooses the process-wide log format once: JSON lines (`SUNDIAL_LOG_FORMAT=json`, the default
/// for services) or readable text (`text`).
public enum LoggingSetup {
    public static func bootstrap(level: Logger.Level, format: String?) {
        let json = (format ?? "json").lowercased() != "text"
        LoggingSystem.bootstrap { label in
            if json { return JSONLogHandler(label: label, level: level) }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
