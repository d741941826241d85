import Foundation
@testable import SundialEngine
import Testing

@Suite("Time-ordered workflow ids")
struct TimeOrderedUUIDTests {
    @Test("a version 7 UUID: its first 48 bits are the Unix milliseconds, then version 7 and the RFC 9562 variant")
    func layout() {
        let date = Date(timeIntervalSince1970: 1_795_700_000.125)
        let id = UUID.timeOrdered(at: date)
        let bytes = withUnsafeBytes(of: id.uuid) { Array($0) }
        let milliseconds = bytes[0..<6].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        #expect(milliseconds == 1_795_700_000_125)
        #expect(bytes[6] >> 4 == 7)
        #expect(bytes[8] >> 6 == 0b10)
    }

    @Test("ids made in later milliseconds sort after earlier ones, as Postgres orders uuids; ids are distinct")
    func ordering() {
        let start = Date(timeIntervalSince1970: 1_795_700_000)
        // The middle of each millisecond, so floating-point rounding cannot land two in one.
        let ids = (0..<1000).map { UUID.timeOrdered(at: start.addingTimeInterval((Double($0) + 0.5) / 1000)) }
        // Postgres compares uuids bytewise, as the lowercase text sorts.
        let texts = ids.map { $0.uuidString.lowercased() }
        #expect(texts == texts.sorted())
        #expect(Set(ids).count == ids.count)
        #expect(Set((0..<1000).map { _ in UUID.timeOrdered(at: start) }).count == 1000)
    }
}
