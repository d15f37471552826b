import CutoverKit
import CutoverTestSupport
import Foundation

/// One throwaway PostgreSQL 15 cluster per test process, started on first use.
///
/// Debian's `initdb`/`pg_ctl` (not on PATH; `pg_config --bindir` says where) run as the
/// `postgres` user when the process is root. The superuser is `supabase_admin`, as on a
/// Supabase project, with a scram-sha-256 password so redaction tests mean something. A
/// watchdog process stops the cluster and removes its directory when the test process exits,
/// however it exits.
actor TestCluster {
  static let shared = TestCluster()

  /// What a started cluster offers.
  struct Running: Sendable {
    var port: Int
    var directory: URL
    var binDirectory: URL
    var superuser: String
    var password: String

    func url(database: String, user: String? = nil, password: String? = nil) -> String {
      let user = user ?? superuser
      let password = password ?? self.password
      // A loaded machine may take more than libpq's usual 10 s to accept a connection.
      return "postgresql://\(user):\(password)@127.0.0.1:\(port)/\(database)"
        + "?sslmode=disable&connect_timeout=60"
    }
  }

  private var running: Running?
  private var starting: Task<Running, any Error>?
  private var templates: [String: Task<String, any Error>] = [:]

  func start() async throws -> Running {
    if let running { return running }
    if let starting { return try await starting.value }
    let task = Task { try Self.launch() }
    starting = task
    let value = try await task.value
    running = value
    return value
  }

  /// Builds a template database once per run; later calls wait for the same build.
  func template(named name: String, build: @escaping @Sendable (TestDatabase) async throws -> Void)
    async throws -> String
  {
    if let existing = templates[name] { return try await existing.value }
    let task = Task<String, any Error> {
      let cluster = try await self.start()
      let database = "template_\(name)"
      let admin = TestDatabase(name: database, cluster: cluster)
      try await TestDatabase.admin(cluster).execute("CREATE DATABASE \(QualifiedName.quote(database))")
      try await build(admin)
      return database
    }
    templates[name] = task
    return try await task.value
  }

  private static func launch() throws -> Running {
    let bin = try binDirectory()
    let root = URL(fileURLWithPath: NSTemporaryDirectory())
      .appendingPathComponent("cutover-test-\(getpid())-\(UUID().uuidString.prefix(8))")
    let data = root.appendingPathComponent("data")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    let password = "Pw-\(UUID().uuidString)"
    let passwordFile = root.appendingPathComponent("pwfile")
    try Data((password + "\n").utf8).write(to: passwordFile)
    let asRoot = geteuid() == 0
    if asRoot {
      try ShellCommand.run("/bin/chown", ["-R", "postgres:postgres", root.path])
    }
    func asOwner(_ tool: String, _ arguments: [String]) throws {
      let path = bin.appendingPathComponent(tool).path
      if asRoot {
        try ShellCommand.run("/usr/sbin/runuser", ["-u", "postgres", "--", path] + arguments)
      } else {
        try ShellCommand.run(path, arguments)
      }
    }
    try asOwner(
      "initdb",
      [
        "-D", data.path, "-U", "supabase_admin", "--pwfile=\(passwordFile.path)",
        "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync",
      ])
    let port = try FreePort.find()
    let options = [
      "-p \(port)", "-k \(root.path)", "-c listen_addresses=127.0.0.1", "-c fsync=off",
      "-c full_page_writes=off", "-c synchronous_commit=off", "-c max_connections=300",
      "-c shared_buffers=256MB", "-c max_wal_size=4GB",
    ].joined(separator: " ")
    try asOwner(
      "pg_ctl",
      ["-D", data.path, "-l", root.appendingPathComponent("server.log").path, "-o", options, "-w", "start"])
    try startWatchdog(bin: bin, data: data, root: root, asRoot: asRoot)
    // The chain's catalog is cached for this run only (every test's cutover, in process or
    // spawned, shares it), never in the user's own cache.
    let cache = root.appendingPathComponent("chain-cache")
    try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
    setenv("CUTOVER_CACHE_DIR", cache.path, 1)
    return Running(
      port: port, directory: root, binDirectory: bin, superuser: "supabase_admin", password: password)
  }

  /// Stops the cluster when this process is gone, even after a crash.
  private static func startWatchdog(bin: URL, data: URL, root: URL, asRoot: Bool) throws {
    let stop = "\(bin.appendingPathComponent("pg_ctl").path) -D '\(data.path)' -m immediate stop"
    let stopCommand = asRoot ? "/usr/sbin/runuser -u postgres -- \(stop)" : stop
    let script =
      "while kill -0 \(getpid()) 2>/dev/null; do sleep 0.5; done; \(stopCommand) >/dev/null 2>&1; rm -rf '\(root.path)'"
    _ = try ChildProcess.spawn("/usr/bin/setsid", ["/bin/sh", "-c", script])
  }

  /// PostgreSQL 15's programs: `pg_config --bindir`, else Debian's fixed place.
  static func binDirectory() throws -> URL {
    let candidates = [
      (try? ShellCommand.output("/usr/bin/pg_config", ["--bindir"]))?
        .trimmingCharacters(in: .whitespacesAndNewlines),
      "/usr/lib/postgresql/15/bin",
    ].compactMap { $0 }
    for candidate in candidates
    where FileManager.default.isExecutableFile(atPath: candidate + "/initdb") {
      return URL(fileURLWithPath: candidate)
    }
    throw TestSupportError(
      "initdb not found in \(candidates): install postgresql-15 (bash .ci/run does)")
  }
}

/// Finds a free TCP port on the loopback by binding port 0.
enum FreePort {
  static func find() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestSupportError("socket() failed: errno \(errno)") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard bound == 0 else { throw TestSupportError("bind() failed: errno \(errno)") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard named == 0 else { throw TestSupportError("getsockname() failed: errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
  }
}
