import Foundation

/// Splits a SQL script into single statements, because PostgresNIO sends every query through
/// the extended protocol, which takes one statement at a time.
///
/// Semicolons inside quotes ('...', "..."), dollar-quoted bodies ($$...$$, $tag$...$tag$) and
/// comments (-- and /* */) do not split. Statements that are only comments are dropped.
enum SQLScript {
    static func statements(in script: String) -> [String] {
        let characters = Array(script)
        var statements: [String] = []
        var current = ""
        var hasCode = false
        var index = 0

        func flush() {
            let trimmed = current.trimmingCharacters(in: .whitespacesAndNewlines)
            if hasCode, !trimmed.isEmpty { statements.append(trimmed) }
            current = ""
            hasCode = false
        }

        while index < characters.count {
            let character = characters[index]
            let next: Character? = index + 1 < characters.count ? characters[index + 1] : nil

            if character == "-" && next == "-" {
                while index < characters.count && characters[index] != "\n" {
                    current.append(characters[index]); index += 1
                }
                continue
            }
            if character == "/" && next == "*" {
                var depth = 0
                repeat {
                    if characters[index] == "/" && index + 1 < characters.count && characters[index + 1] == "*" {
                        depth += 1; current.append("/*"); index += 2; continue
                    }
                    if characters[index] == "*" && index + 1 < characters.count && characters[index + 1] == "/" {
                        depth -= 1; current.append("*/"); index += 2; continue
                    }
                    current.append(characters[index]); index += 1
                } while depth > 0 && index < characters.count
                continue
            }
            if character == "'" || character == "\"" {
                hasCode = true
                current.append(character); index += 1
                while index < characters.count {
                    current.append(characters[index])
                    if characters[index] == character {
                        // A doubled quote is an escaped quote, not the end.
                        if index + 1 < characters.count && characters[index + 1] == character {
                            current.append(character); index += 2; continue
                        }
                        index += 1
                        break
                    }
                    index += 1
                }
                continue
            }
            if character == "$", let tag = dollarTag(in: characters, at: index) {
                hasCode = true
                current.append(contentsOf: tag); index += tag.count
                while index < characters.count {
                    if characters[index] == "$", index + tag.count <= characters.count,
                       String(characters[index..<index + tag.count]) == tag {
                        current.append(contentsOf: tag); index += tag.count
                        break
                    }
                    current.append(characters[index]); index += 1
                }
                continue
            }
            if character == ";" {
                flush(); index += 1
                continue
            }
            if !character.isWhitespace { hasCode = true }
            current.append(character); index += 1
        }
        flush()
        return statements
    }

    /// The dollar-quote opener at `index` (`$$` or `$tag$`), if there is one.
    private static func dollarTag(in characters: [Character], at index: Int) -> String? {
        var end = index + 1
        while end < characters.count, characters[end].isLetter || characters[end].isNumber || characters[end] == "_" {
            end += 1
        }
        guard end < characters.count, characters[end] == "$" else { return nil }
        if end > index + 1, characters[index + 1].isNumber { return nil }  // $1 is a parameter
        return String(characters[index...end])
    }
}
