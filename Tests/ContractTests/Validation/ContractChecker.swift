import Foundation
import Synchronization

/// Checks recorded exchanges against one vendor's documents: the request a client sent (method,
/// path, path/query/header parameters, credentials, content type and body) and the answer a
/// simulator gave (a documented status, content type, body and required headers).
struct ContractChecker: Sendable {
    let vendor: String
    let documents: [OpenAPIDocument]
    /// Calls no document describes, with the reason (`POST /oauth2/v3/token`: USPS publishes no
    /// OAuth document). Matched on method and path; such exchanges are reported, not validated.
    let undocumented: [String: String]
    /// Statuses a vendor documents in its prose but an operation's document does not list (a
    /// 429 of a rate-limit guide), with the source; their bodies are not validated.
    let statusesDocumentedElsewhere: [Int: String]
    /// Operations (`GET /tracking/{trackingNumber}`) whose answer's `oneOf` alternatives overlap,
    /// with the reason: there a value matching several is accepted.
    let overlappingOneOf: [String: String]

    /// What one exchange came to: the operation it was matched to (nil when none) and every rule broken.
    struct Result: Sendable {
        var exchange: RecordedExchange
        var operation: String?
        var violations: [Violation]
        var undocumentedReason: String?
    }

    init(vendor: String, documents: [String], undocumented: [String: String] = [:], statusesDocumentedElsewhere: [Int: String] = [:],
         overlappingOneOf: [String: String] = [:]) throws {
        self.overlappingOneOf = overlappingOneOf
        self.vendor = vendor
        self.documents = try documents.map { try DocumentCache.shared.document($0) }
        self.undocumented = undocumented
        self.statusesDocumentedElsewhere = statusesDocumentedElsewhere
    }

    func check(_ exchange: RecordedExchange) -> Result {
        if let reason = undocumented["\(exchange.method) \(exchange.path)"] {
            return Result(exchange: exchange, operation: nil, violations: [], undocumentedReason: reason)
        }
        for document in documents {
            guard let (operation, pathParameters) = document.operation(method: exchange.method, path: exchange.path) else { continue }
            var violations = checkRequest(exchange, operation, pathParameters, in: document)
            violations += checkResponse(exchange, operation, in: document)
            return Result(exchange: exchange, operation: "\(operation.title) (\(document.name))", violations: violations)
        }
        let names = documents.map(\.name).joined(separator: ", ")
        return Result(exchange: exchange, operation: nil, violations: [Violation(
            part: "request", path: "", problem: "\(exchange.method) \(exchange.path) is not an operation of the vendor's documents",
            rule: "paths", document: names)])
    }

    // MARK: Request

    private func checkRequest(_ exchange: RecordedExchange, _ operation: OpenAPIDocument.Operation, _ pathValues: [String: String], in document: OpenAPIDocument) -> [Violation] {
        var found: [Violation] = []
        let text = SchemaValidator(document: document, direction: .request, textEncoded: true)
        let rule = "\(operation.title)"
        var declaredQuery: Set<String> = []
        for parameter in parameters(of: operation, in: document) {
            guard let name = parameter["name"]?.string, let place = parameter["in"]?.string else { continue }
            let schema = parameter["schema"] ?? .object([:])
            let required = parameter["required"]?.bool == true
            switch place {
            case "path":
                if let value = pathValues[name] {
                    found += text.validate(.string(value), against: schema, part: "path parameter \(name)", rule: rule)
                }
            case "query":
                declaredQuery.insert(name)
                let values = exchange.query.filter { $0.name == name || $0.name.hasPrefix("\(name)[") }
                if values.isEmpty {
                    if required { found.append(Violation(part: "query parameter \(name)", path: "", problem: "is required", rule: rule, document: document.name)) }
                    continue
                }
                let value: JSON
                if document.resolve(schema).value["type"]?.string == "array" {
                    value = .array(values.map { .string($0.value) })
                } else if values.contains(where: { $0.name != name }) {
                    value = FormBody.parse(values.map { "\(Self.escape($0.name))=\(Self.escape($0.value))" }.joined(separator: "&"))[name] ?? .null
                } else {
                    value = .string(values[0].value)
                }
                found += text.validate(value, against: schema, part: "query parameter \(name)", rule: rule)
            case "header":
                guard let value = exchange.requestHeader(name) else {
                    if required { found.append(Violation(part: "header \(name)", path: "", problem: "is required", rule: rule, document: document.name)) }
                    continue
                }
                found += text.validate(.string(value), against: schema, part: "header \(name)", rule: rule)
            default:
                continue
            }
        }
        // Klaviyo names parameters with brackets (`page[size]`), Stripe nests them (`expand[]`).
        for (name, _) in exchange.query where !declaredQuery.contains(name) && !declaredQuery.contains(FormBody.keyTokens(name)[0]) {
            found.append(Violation(part: "query parameter \(name)", path: "", problem: "is not a parameter of the operation", rule: rule, document: document.name))
        }
        found += checkCredentials(exchange, operation, in: document)
        found += checkRequestBody(exchange, operation, in: document)
        return found
    }

    /// Path-item parameters overridden by the operation's own (same `name` and `in`), resolved.
    private func parameters(of operation: OpenAPIDocument.Operation, in document: OpenAPIDocument) -> [JSON] {
        var byKey: [String: JSON] = [:]
        var order: [String] = []
        for raw in operation.sharedParameters + (operation.definition["parameters"]?.array ?? []) {
            let parameter = document.resolve(raw).value
            let key = "\(parameter["in"]?.string ?? "")/\(parameter["name"]?.string?.lowercased() ?? "")"
            if byKey[key] == nil { order.append(key) }
            byKey[key] = parameter
        }
        return order.compactMap { byKey[$0] }
    }

    /// At least one of the operation's security requirements must be met by the headers sent.
    private func checkCredentials(_ exchange: RecordedExchange, _ operation: OpenAPIDocument.Operation, in document: OpenAPIDocument) -> [Violation] {
        let requirements = (operation.definition["security"] ?? operation.rootSecurity)?.array ?? []
        guard !requirements.isEmpty else { return [] }
        let schemes = document.root["components"]?["securitySchemes"]?.object ?? [:]
        func met(_ name: String) -> Bool {
            guard let scheme = schemes[name].map({ document.resolve($0).value }) else { return true }
            let authorization = exchange.requestHeader("Authorization") ?? ""
            switch scheme["type"]?.string {
            case "http":
                let kind = (scheme["scheme"]?.string ?? "").lowercased()
                return authorization.lowercased().hasPrefix(kind + " ")
            case "oauth2", "openIdConnect":
                return authorization.lowercased().hasPrefix("bearer ")
            case "apiKey":
                guard scheme["in"]?.string == "header", let header = scheme["name"]?.string else { return true }
                return exchange.requestHeader(header).map { !$0.isEmpty } ?? false
            default:
                return true
            }
        }
        let satisfied = requirements.contains { requirement in
            (requirement.object ?? [:]).keys.allSatisfy(met)
        }
        if satisfied { return [] }
        let listed = requirements.map { ($0.object ?? [:]).keys.sorted().joined(separator: "+") }.joined(separator: " or ")
        return [Violation(part: "credentials", path: "", problem: "none of the security requirements is met (\(listed))",
                          rule: "\(operation.title) security", document: document.name)]
    }

    private func checkRequestBody(_ exchange: RecordedExchange, _ operation: OpenAPIDocument.Operation, in document: OpenAPIDocument) -> [Violation] {
        let rule = "\(operation.title) requestBody"
        let declared = operation.definition["requestBody"].map { document.resolve($0).value }
        guard !exchange.requestBody.isEmpty else {
            if declared?["required"]?.bool == true {
                return [Violation(part: "request body", path: "", problem: "is required but none was sent", rule: rule, document: document.name)]
            }
            return []
        }
        guard let declared, let content = declared["content"]?.object else {
            return [Violation(part: "request body", path: "", problem: "was sent, but the operation takes none", rule: rule, document: document.name)]
        }
        let contentType = exchange.requestHeader("Content-Type") ?? ""
        guard let media = Self.media(for: contentType, in: content) else {
            return [Violation(part: "header Content-Type", path: "", problem: "is \"\(contentType)\", not one of [\(content.keys.sorted().joined(separator: ", "))]",
                              rule: rule, document: document.name)]
        }
        let schema = media["schema"] ?? .object([:])
        if Self.essence(contentType) == "application/x-www-form-urlencoded" {
            let validator = SchemaValidator(document: document, direction: .request, textEncoded: true)
            return validator.validate(FormBody.parse(exchange.requestText), against: schema, part: "request body", rule: rule)
        }
        guard let body = try? JSON.parse(exchange.requestBody) else {
            return [Violation(part: "request body", path: "", problem: "is not JSON", rule: rule, document: document.name)]
        }
        return SchemaValidator(document: document, direction: .request, textEncoded: false)
            .validate(body, against: schema, part: "request body", rule: rule)
    }

    // MARK: Response

    private func checkResponse(_ exchange: RecordedExchange, _ operation: OpenAPIDocument.Operation, in document: OpenAPIDocument) -> [Violation] {
        let responses = operation.definition["responses"]?.object ?? [:]
        let status = String(exchange.status)
        let range = "\(exchange.status / 100)XX"
        guard let key = [status, range, range.lowercased(), "default"].first(where: { responses[$0] != nil }) else {
            if statusesDocumentedElsewhere[exchange.status] != nil { return [] }
            return [Violation(part: "response", path: "", problem: "status \(status) is not documented (documented: \(responses.keys.sorted().joined(separator: ", ")))",
                              rule: "\(operation.title) responses", document: document.name)]
        }
        let response = document.resolve(responses[key]!).value
        let rule = "\(operation.title) responses.\(key)"
        let part = "response \(status) body"
        var found: [Violation] = []
        for (name, header) in response["headers"]?.object ?? [:] where document.resolve(header).value["required"]?.bool == true {
            if exchange.responseHeader(name) == nil {
                found.append(Violation(part: "response \(status) header \(name)", path: "", problem: "is required", rule: rule, document: document.name))
            }
        }
        guard let content = response["content"]?.object, !content.isEmpty, !exchange.responseBody.isEmpty else { return found }
        let contentType = exchange.responseHeader("Content-Type") ?? ""
        guard let media = Self.media(for: contentType, in: content) else {
            return found + [Violation(part: "response \(status) header Content-Type", path: "",
                                      problem: "is \"\(contentType)\", not one of [\(content.keys.sorted().joined(separator: ", "))]", rule: rule, document: document.name)]
        }
        guard let schema = media["schema"] else { return found }
        guard let body = try? JSON.parse(exchange.responseBody) else {
            return found + [Violation(part: part, path: "", problem: "is not JSON", rule: rule, document: document.name)]
        }
        var validator = SchemaValidator(document: document, direction: .response, textEncoded: false)
        validator.oneOfMayOverlap = overlappingOneOf[operation.title] != nil
        return found + validator.validate(body, against: schema, part: part, rule: rule)
    }

    // MARK: Helpers

    /// `application/json; charset=utf-8` → `application/json`.
    static func essence(_ contentType: String) -> String {
        contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
    }

    /// The media type object serving `contentType`: an exact key, else `type/*`, else `*/*`.
    static func media(for contentType: String, in content: [String: JSON]) -> JSON? {
        let wanted = essence(contentType)
        let keyed = Dictionary(content.map { (essence($0.key), $0.value) }, uniquingKeysWith: { first, _ in first })
        if let exact = keyed[wanted] { return exact }
        if let major = wanted.split(separator: "/").first, let any = keyed["\(major)/*"] { return any }
        return keyed["*/*"]
    }

    private static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~[]"))) ?? text
    }
}

/// Documents are large (Stripe's is 1.3 MB): each is read once per test run.
final class DocumentCache: Sendable {
    static let shared = DocumentCache()
    private let loaded = Mutex<[String: OpenAPIDocument]>([:])

    func document(_ name: String) throws -> OpenAPIDocument {
        if let cached = loaded.withLock({ $0[name] }) { return cached }
        let document = try OpenAPIDocument.load(name)
        loaded.withLock { $0[name] = document }
        return document
    }
}

extension ContractChecker {
    /// The request body of `exchange` as the validator reads it, with the schema that governs it
    /// and a validator set up for it; nil when there is no body or no operation.
    func requestBody(of exchange: RecordedExchange) -> (body: JSON, schema: JSON, validator: SchemaValidator, document: OpenAPIDocument)? {
        guard !exchange.requestBody.isEmpty else { return nil }
        for document in documents {
            guard let (operation, _) = document.operation(method: exchange.method, path: exchange.path) else { continue }
            guard let declared = operation.definition["requestBody"].map({ document.resolve($0).value }),
                  let content = declared["content"]?.object,
                  let media = Self.media(for: exchange.requestHeader("Content-Type") ?? "", in: content) else { return nil }
            let schema = media["schema"] ?? .object([:])
            if Self.essence(exchange.requestHeader("Content-Type") ?? "") == "application/x-www-form-urlencoded" {
                return (FormBody.parse(exchange.requestText), schema, SchemaValidator(document: document, direction: .request, textEncoded: true), document)
            }
            guard let body = try? JSON.parse(exchange.requestBody) else { return nil }
            return (body, schema, SchemaValidator(document: document, direction: .request, textEncoded: false), document)
        }
        return nil
    }
}
