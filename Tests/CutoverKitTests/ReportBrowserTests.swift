import CutoverKit
import CutoverTestSupport
import Foundation
import Testing

/// report.html in a real browser: Debian's headless `chromium` runs the page's script, dumps
/// the DOM, prints a PDF and takes a screenshot (into `.build/test-artifacts/report`, or
/// `$CUTOVER_TEST_ARTIFACTS`, and attached to the test).
@Suite(.timeLimit(.minutes(5)))
struct ReportBrowserTests {
  /// Where screenshots and PDFs go.
  static var artifacts: URL {
    if let path = ProcessInfo.processInfo.environment["CUTOVER_TEST_ARTIFACTS"], !path.isEmpty {
      return URL(fileURLWithPath: path).appendingPathComponent("report")
    }
    return MappingFixtures.root.appendingPathComponent(".build/test-artifacts/report")
  }

  /// The first of `names` on `PATH` (or in /usr/bin).
  static func executable(_ names: String...) throws -> String {
    let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/bin:/bin"
    for name in names {
      for directory in path.split(separator: ":") {
        let candidate = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
      }
    }
    throw TestSupportError(
      "\(names.joined(separator: " or ")) is not installed: run scripts/setup.sh (it installs chromium and poppler-utils)"
    )
  }

  /// Runs headless chromium on `url` with `arguments` and returns its stdout (its stderr,
  /// dbus noise mostly, goes to a log beside `scratch`).
  static func chromium(_ arguments: [String], url: String, scratch: URL) throws -> String {
    let browser = try executable("chromium", "chromium-browser")
    let stdout = scratch.appendingPathComponent("chromium-\(UUID().uuidString.prefix(8)).out").path
    let stderr = scratch.appendingPathComponent("chromium.log").path
    let flags = [
      "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
      "--disable-extensions", "--user-data-dir=\(scratch.appendingPathComponent("profile").path)",
    ]
    // A shell only to keep stdout (the DOM) apart from stderr.
    let outcome = try ChildProcess.run(
      "/bin/sh",
      ["-c", "out=$1; err=$2; shift 2; exec \"$@\" >\"$out\" 2>>\"$err\"", "sh", stdout, stderr, browser]
        + flags + arguments + [url])
    let log = (try? String(contentsOfFile: stderr, encoding: .utf8)) ?? ""
    guard outcome.status == 0 else {
      throw TestSupportError("chromium exited \(outcome.status): \(outcome.output)\n\(log.suffix(2_000))")
    }
    return (try? String(contentsOfFile: stdout, encoding: .utf8)) ?? ""
  }

  /// One pixel of a raster.
  struct Pixel {
    var r: UInt8
    var g: UInt8
    var b: UInt8
  }

  /// Decodes a binary PPM (`P6`, maxval 255), as `pdftoppm` writes it, into rows of pixels.
  static func ppm(_ data: Data) throws -> (width: Int, rows: [[Pixel]]) {
    let bytes = [UInt8](data)
    var fields: [Int] = []
    var index = 2
    guard bytes.starts(with: Array("P6".utf8)) else { throw TestSupportError("not a binary PPM") }
    while fields.count < 3, index < bytes.count {
      while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D {
        index += 1
      }
      var value = 0
      while index < bytes.count, (0x30...0x39).contains(bytes[index]) {
        value = value * 10 + Int(bytes[index] - 0x30)
        index += 1
      }
      fields.append(value)
    }
    index += 1  // the one whitespace byte after maxval
    guard fields.count == 3, fields[2] == 255, bytes.count - index >= fields[0] * fields[1] * 3 else {
      throw TestSupportError("unexpected PPM header \(fields)")
    }
    let (width, height) = (fields[0], fields[1])
    let rows = (0..<height).map { y in
      (0..<width).map { x in
        let offset = index + (y * width + x) * 3
        return Pixel(r: bytes[offset], g: bytes[offset + 1], b: bytes[offset + 2])
      }
    }
    return (width, rows)
  }

  /// Writes the red sample report into a fresh directory.
  static func redReport() throws -> (directory: URL, page: URL) {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("cutover-report-browser-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    try ReportWriter.writeAll(ReportSamples.red(), to: directory)
    return (directory, directory.appendingPathComponent(HTMLReport.fileName))
  }

  @Test func `the page sorts and filters from the URL fragment once its script ran`() throws {
    let (directory, page) = try Self.redReport()
    defer { try? FileManager.default.removeItem(at: directory) }
    let dom = try Self.chromium(
      ["--virtual-time-budget=5000", "--dump-dom"], url: page.absoluteString + "#sort=rows&filter=failed",
      scratch: directory)

    #expect(dom.contains("data-ready=\"true\""), "the page's script did not finish")
    let summary = try ReportAgreement.summary(ofHTML: dom)
    #expect(summary == ReportAgreement.summary(of: ReportSamples.red()))

    let rows = ReportAgreement.tableRows(ofHTML: dom)
    let report = ReportSamples.red()
    #expect(rows.count == report.tables.count)
    // Sorted by rows, largest first, over all rows (hidden ones too).
    #expect(rows.map(\.rows) == rows.map(\.rows).sorted(by: >), "\(rows.map(\.rows))")
    // Only the failed rows are shown, in that order.
    let shown = rows.filter { !$0.hidden }
    let failed = report.tables.filter { !$0.status.isGreen }
      .sorted { ($0.targetRows ?? $0.sourceRows ?? -1) > ($1.targetRows ?? $1.sourceRows ?? -1) }
    #expect(shown.map(\.table) == failed.map(\.target.description))
    #expect(shown.allSatisfy { $0.status == "differs" || $0.status == "not checked" })
    #expect(dom.contains("3 of 9 tables shown"))
    #expect(dom.contains("data-key=\"rows\" aria-sort=\"descending\""))
    // The hostile name stayed text: the page's own script is the only script element.
    #expect(dom.components(separatedBy: "<script").count == 2)
    #expect(!dom.contains("<img"))
  }

  @Test func `another fragment: matching tables only, smallest bytes first`() throws {
    let (directory, page) = try Self.redReport()
    defer { try? FileManager.default.removeItem(at: directory) }
    let dom = try Self.chromium(
      ["--virtual-time-budget=5000", "--dump-dom"],
      url: page.absoluteString + "#sort=bytes&dir=asc&filter=match",
      scratch: directory)
    let rows = ReportAgreement.tableRows(ofHTML: dom)
    #expect(rows.map(\.bytes) == rows.map(\.bytes).sorted(), "\(rows.map(\.bytes))")
    let shown = rows.filter { !$0.hidden }
    #expect(shown.count == ReportSamples.red().tables.filter { $0.status == .match }.count)
    #expect(shown.allSatisfy { $0.status == "match" })
    #expect(dom.contains("data-key=\"bytes\" aria-sort=\"ascending\""))
    #expect(dom.contains("<option value=\"match\" selected") || dom.contains("data-filter=\"match\""))
  }

  @Test func `printed, nothing is clipped and the banner keeps its colour; a screenshot is saved`() throws {
    let (directory, page) = try Self.redReport()
    defer { try? FileManager.default.removeItem(at: directory) }
    try FileManager.default.createDirectory(at: Self.artifacts, withIntermediateDirectories: true)
    let pdf = Self.artifacts.appendingPathComponent("report-red.pdf")
    let png = Self.artifacts.appendingPathComponent("report-red.png")
    try? FileManager.default.removeItem(at: pdf)
    try? FileManager.default.removeItem(at: png)
    // The rendered files too, for people to open from the CI's artifacts.
    for name in [HTMLReport.fileName, MarkdownReport.fileName, ParityReport.fileName] {
      let kept = Self.artifacts.appendingPathComponent(
        name.replacingOccurrences(of: "report.", with: "report-red."))
      try? FileManager.default.removeItem(at: kept)
      try FileManager.default.copyItem(at: directory.appendingPathComponent(name), to: kept)
    }

    _ = try Self.chromium(
      ["--virtual-time-budget=5000", "--no-pdf-header-footer", "--print-to-pdf=\(pdf.path)"],
      url: page.absoluteString, scratch: directory)
    let info = try ShellCommand.output(try Self.executable("pdfinfo"), [pdf.path])
    let size = try #require(info.firstMatch(of: /Page size:\s+([0-9.]+) x ([0-9.]+) pts/), "\(info)")
    let pageWidth = try #require(Double(size.output.1))
    let boxes = try ShellCommand.output(try Self.executable("pdftotext"), ["-bbox", pdf.path, "-"])
    var words: [(text: String, xMax: Double)] = []
    for match in boxes.matches(
      of: /<word xMin="([0-9.]+)" yMin="[0-9.]+" xMax="([0-9.]+)" yMax="[0-9.]+">([^<]*)<\/word>/)
    {
      words.append(
        (ReportAgreement.decodeEntities(String(match.output.3)), Double(match.output.2) ?? .infinity))
    }
    try #require(!words.isEmpty, "pdftotext found no text")
    // Every word lies on the page, and the per-table table's last column (the digests) is there:
    // chromium and pdftotext drop text that a clipped or too-wide table pushes off the page, so
    // a matching table's digest (shown nowhere else) goes missing when the table is clipped.
    let outside = words.filter { $0.xMax > pageWidth }
    #expect(
      outside.isEmpty, "text beyond the page's right edge (\(pageWidth) pt): \(outside.prefix(5).map(\.text))"
    )
    let text = words.map(\.text).joined()
    for table in ReportSamples.red().tables {
      if let digest = table.targetDigest ?? table.sourceDigest {
        #expect(
          words.contains { $0.text.contains(digest.prefix(12)) },
          "\(table.target)'s digest column is not in the PDF")
      }
    }
    // (Words of wrapped cells interleave in pdftotext's order, so only short texts are looked for.)
    for expected in ["RED", "Donotswitch.", "Digest", "Notmovedbycutover", "pg_cronjobs"] {
      #expect(text.contains(expected), "\(expected) is not in the PDF")
    }
    // The red banner survives printing (print-color-adjust): the first page's top holds red.
    let raster = directory.appendingPathComponent("page")
    try ShellCommand.run(
      try Self.executable("pdftoppm"),
      ["-r", "24", "-f", "1", "-l", "1", "-singlefile", pdf.path, raster.path])
    let pixels = try Self.ppm(Data(contentsOf: raster.appendingPathExtension("ppm")))
    let top = pixels.rows.prefix(pixels.rows.count / 6).joined()
    let red = top.filter { $0.r > 150 && $0.g < 90 && $0.b < 90 }.count
    #expect(red * 5 > top.count, "the banner lost its colour in print: \(red) of \(top.count) pixels red")
    Attachment.record(try Data(contentsOf: pdf), named: "report-red.pdf")

    _ = try Self.chromium(
      [
        "--virtual-time-budget=5000", "--hide-scrollbars", "--window-size=1366,1000",
        "--screenshot=\(png.path)",
      ],
      url: page.absoluteString, scratch: directory)
    let image = try Data(contentsOf: png)
    #expect(image.starts(with: [0x89, 0x50, 0x4E, 0x47]), "not a PNG")
    Attachment.record(image, named: "report-red.png")
  }
}
