import Foundation

/// A CSV file as the CRM and the old portal export it (RFC 4180): a header row, then one record
/// per line; fields separated by commas, optionally in double quotes (a quoted field may hold
/// commas, line breaks and `""` for a quote); LF or CRLF; a leading UTF-8 BOM is ignored.
/// Columns are found by header name (trimmed, case-insensitive), so their order does not matter.
public struct CSVTable: Sendable, Equatable {
    /// The header names, lower-cased and trimmed.
    public let columns: [String]
    /// The records, each as long as `columns`, with the line each began on (the header is line 1).
    public let records: [(line: Int, fields: [String])]
    /// Each column's position, so a value is found without scanning the header.
    private let positions: [String: Int]

    public static func == (a: CSVTable, b: CSVTable) -> Bool {
        a.columns == b.columns && a.records.map(\.line) == b.records.map(\.line) && a.records.map(\.fields) == b.records.map(\.fields)
    }

    /// A malformed file: what is wrong and on which line.
    public struct Malformed: Error, Equatable, CustomStringConvertible {
        public let line: Int
        public let reason: String
        public var description: String { "line \(line): \(reason)" }
        public init(line: Int, reason: String) {
            self.line = line
            self.reason = reason
        }
    }

    public init(parsing text: String) throws(Malformed) {
        var rows: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field = ""
        var line = 1
        var rowLine = 1
        var quoted = false
        var afterQuote = false
        var scalars = Substring(text).unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        func endRow() {
            fields.append(field)
            field = ""
            // A blank line is no record.
            if !(fields.count == 1 && fields[0].isEmpty) { rows.append((rowLine, fields)) }
            fields = []
        }
        var index = scalars.startIndex
        while index < scalars.endIndex {
            let c = scalars[index]
            index = scalars.index(after: index)
            if quoted {
                if c == "\"" {
                    if index < scalars.endIndex && scalars[index] == "\"" {
                        field.unicodeScalars.append("\"")
                        index = scalars.index(after: index)
                    } else {
                        quoted = false
                        afterQuote = true
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case ",":
                fields.append(field)
                field = ""
                afterQuote = false
            case "\r":
                guard index < scalars.endIndex && scalars[index] == "\n" else {
                    throw Malformed(line: line, reason: "a carriage return without a line feed")
                }
            case "\n":
                endRow()
                afterQuote = false
                line += 1
                rowLine = line
            case "\"":
                guard field.isEmpty && !afterQuote else {
                    throw Malformed(line: line, reason: "a quote inside an unquoted field (quote the whole field, and double the quote)")
                }
                quoted = true
            default:
                guard !afterQuote else {
                    throw Malformed(line: line, reason: "text after a closing quote")
                }
                field.unicodeScalars.append(c)
            }
        }
        if quoted { throw Malformed(line: rowLine, reason: "a quoted field is never closed") }
        if !field.isEmpty || !fields.isEmpty || afterQuote { endRow() }
        guard let header = rows.first else { throw Malformed(line: 1, reason: "the file is empty (a header row is needed)") }
        let columns = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        // A spreadsheet in a locale with a decimal comma saves "CSV" with semicolons: every row
        // would be one field, and the columns would be reported missing by their names.
        if columns.count == 1, let separator = [(";", "\";\""), ("\t", "tab")].first(where: { columns[0].contains($0.0) }) {
            throw Malformed(line: 1, reason: "the header has one column; it looks \(separator.1)-separated: use commas")
        }
        // One pass with a set: a header of 20,000 columns is checked in milliseconds (comparing
        // each name with every other took 22 s).
        var seen = Set<String>(minimumCapacity: columns.count)
        for name in columns where !seen.insert(name).inserted {
            throw Malformed(line: 1, reason: "column \(name) appears twice")
        }
        for row in rows.dropFirst() where row.fields.count != columns.count {
            throw Malformed(line: row.line, reason: "\(row.fields.count) fields where the header has \(columns.count)")
        }
        self.columns = columns
        positions = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1, $0) })
        records = Array(rows.dropFirst())
    }

    /// Throws unless every one of `names` is a column.
    public func require(_ names: [String]) throws(Malformed) {
        let missing = names.filter { positions[$0] == nil }
        guard missing.isEmpty else {
            throw Malformed(line: 1, reason: "missing column\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", "))")
        }
    }

    /// The value of `column` in `fields` (nil when the column is absent or the value is empty).
    public func value(_ column: String, in fields: [String]) -> String? {
        guard let index = positions[column] else { return nil }
        let value = fields[index].trimmingCharacters(in: .whitespaces)
        return value.isEmpty ? nil : value
    }
}
