import Foundation
import Sundial
import Testing

@Suite("Cron expression parsing")
struct CronExpressionTests {
    func message(_ text: String) -> String? {
        do {
            _ = try CronExpression(text)
            return nil
        } catch {
            return error.message
        }
    }

    @Test("wildcards, lists, ranges and steps")
    func basicForms() throws {
        let a = try CronExpression("*/15 0,12 1-5 * *")
        #expect(a.minutes == [0, 15, 30, 45])
        #expect(a.hours == [0, 12])
        #expect(a.daysOfMonth == [1, 2, 3, 4, 5])
        #expect(a.months == Array(1...12))
        #expect(a.daysOfWeek == Array(0...6))

        let b = try CronExpression("10-30/10 8-17/3 */10 1,6-7 *")
        #expect(b.minutes == [10, 20, 30])
        #expect(b.hours == [8, 11, 14, 17])
        #expect(b.daysOfMonth == [1, 11, 21, 31])
        #expect(b.months == [1, 6, 7])

        let c = try CronExpression("  5\t4 * * *  ")
        #expect(c.text == "5\t4 * * *")
        #expect(c.minutes == [5] && c.hours == [4])
        #expect(try CronExpression("0-59/60 * * * *").minutes == [0])
    }

    @Test("month and weekday names, any case")
    func names() throws {
        let a = try CronExpression("0 0 * jan-Mar,DEC mon-fri")
        #expect(a.months == [1, 2, 3, 12])
        #expect(a.daysOfWeek == [1, 2, 3, 4, 5])
        let b = try CronExpression("0 0 * * sun,SAT,Wed")
        #expect(b.daysOfWeek == [0, 3, 6])
        let c = try CronExpression("0 0 * may-aug/2 tue-thu/2")
        #expect(c.months == [5, 7])
        #expect(c.daysOfWeek == [2, 4])
    }

    @Test("day-of-week 7 is Sunday, like 0")
    func sundaySeven() throws {
        #expect(try CronExpression("0 0 * * 7").daysOfWeek == [0])
        #expect(try CronExpression("0 0 * * 0").daysOfWeek == [0])
        #expect(try CronExpression("0 0 * * 5-7").daysOfWeek == [0, 5, 6])
        #expect(try CronExpression("0 0 * * 0-7").daysOfWeek == Array(0...6))
    }

    @Test("macros expand to their 5-field forms", arguments: [
        ("@hourly", "0 * * * *"), ("@daily", "0 0 * * *"), ("@midnight", "0 0 * * *"),
        ("@weekly", "0 0 * * 0"), ("@monthly", "0 0 1 * *"), ("@yearly", "0 0 1 1 *"),
        ("@annually", "0 0 1 1 *"), ("@DAILY", "0 0 * * *"),
    ])
    func macros(macro: String, expansion: String) throws {
        let a = try CronExpression(macro)
        let b = try CronExpression(expansion)
        #expect(a.text == macro)
        #expect(a.minutes == b.minutes && a.hours == b.hours && a.daysOfMonth == b.daysOfMonth)
        #expect(a.months == b.months && a.daysOfWeek == b.daysOfWeek)
    }

    @Test("@weekly and @monthly have the exact fields")
    func macroFields() throws {
        let weekly = try CronExpression("@weekly")
        #expect(weekly.minutes == [0] && weekly.hours == [0] && weekly.daysOfWeek == [0])
        #expect(weekly.daysOfMonth == Array(1...31))
        let monthly = try CronExpression("@monthly")
        #expect(monthly.daysOfMonth == [1] && monthly.daysOfWeek == Array(0...6))
    }

    @Test("invalid input throws a CronError naming the field and token", arguments: [
        ("0 24 * * *", "hour: 24 is out of range 0-23"),
        ("60 * * * *", "minute: 60 is out of range 0-59"),
        ("0 0 0 * *", "day-of-month: 0 is out of range 1-31"),
        ("0 0 32 * *", "day-of-month: 32 is out of range 1-31"),
        ("0 0 * 13 *", "month: 13 is out of range 1-12"),
        ("0 0 * 0 *", "month: 0 is out of range 1-12"),
        ("0 0 * * 8", "day-of-week: 8 is out of range 0-7"),
        ("99999999999999999999 * * * *", "minute: 99999999999999999999 is out of range 0-59"),
        ("x * * * *", "minute: x is not a number"),
        ("0 0 * FOO *", "month: FOO is not a number or a month name (JAN-DEC)"),
        ("0 0 * * MONDAY", "day-of-week: MONDAY is not a number or a weekday name (SUN-SAT)"),
        ("0 0 * MON *", "month: MON is not a number or a month name (JAN-DEC)"),
        ("0 0 JAN * *", "day-of-month: JAN is not a number"),
        ("*/0 * * * *", "minute: step 0 in */0 must be at least 1"),
        ("*/x * * * *", "minute: step x in */x is not a number"),
        ("*/ * * * *", "minute: step (empty) in */ is not a number"),
        ("*/2/3 * * * *", "minute: */2/3 has more than one step"),
        ("5/15 * * * *", "minute: 5/15 has a step without a range (write 5-59/15 or */15)"),
        ("0 5-2 * * *", "hour: 5-2 is a reversed range (5 > 2)"),
        ("0 0 * * FRI-MON", "day-of-week: FRI-MON is a reversed range (5 > 1)"),
        ("-5 * * * *", "minute: -5 is not a valid range"),
        ("1-2-3 * * * *", "minute: 1-2-3 is not a valid range"),
        ("1,,2 * * * *", "minute: empty list element in \"1,,2\""),
        ("0 0, * * *", "hour: empty list element in \"0,\""),
        ("+5 * * * *", "minute: +5 is not a number"),
        ("", "expression: expected 5 fields (minute hour day-of-month month day-of-week), got 0 in \"\""),
        ("* * * *", "expression: expected 5 fields (minute hour day-of-month month day-of-week), got 4 in \"* * * *\""),
        ("0 0 * * * 2026", "expression: expected 5 fields (minute hour day-of-month month day-of-week), got 6 in \"0 0 * * * 2026\""),
        ("@reboot", "expression: unknown macro @reboot (use @hourly, @daily, @midnight, @weekly, @monthly, @yearly or @annually)"),
    ])
    func errors(text: String, expected: String) {
        #expect(message(text) == expected)
    }

    @Test("the error names its field")
    func errorField() {
        #expect(throws: CronError(field: "hour", "24 is out of range 0-23")) { try CronExpression("0 24 * * *") }
        #expect(CronError(field: "hour", "24 is out of range 0-23").description == "hour: 24 is out of range 0-23")
    }

    @Test("Codable as the expression text")
    func codable() throws {
        let expression = try CronExpression("0 2 * * MON-FRI")
        let data = try JSONEncoder().encode([expression])
        #expect(String(decoding: data, as: UTF8.self) == #"["0 2 * * MON-FRI"]"#)
        let decoded = try JSONDecoder().decode([CronExpression].self, from: data)
        #expect(decoded == [expression])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([CronExpression].self, from: Data(#"["0 24 * * *"]"#.utf8))
        }
    }
}
