import Foundation

/// What a scheduled sync run starts with: the schedule slot that fired it. Exists so each slot's
/// run has its own input (and key); what the run covers comes from the sync's cursor, not the slot.
public struct SyncRunInput: Codable, Sendable, Equatable {
    public var slot: Date

    public init(slot: Date) { self.slot = slot }
}
