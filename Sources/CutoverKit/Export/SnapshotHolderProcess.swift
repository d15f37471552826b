import Foundation

/// The export's snapshot kept by a process of its own, so it outlives crashed workers.
///
/// An exported snapshot lives only while the transaction that exported it is open. The export
/// starts `cutover export --hold-snapshot` (in a session of its own, so a Ctrl-C at
/// the terminal does not reach it); that process exports the snapshot, writes `holder.json`
/// (pid, snapshot, start) in the export directory and keeps an exclusive `flock` on it for
/// its whole life — so a `holder.json` whose lock can be taken belongs to a dead holder. Each
/// export that uses the snapshot holds a shared `flock` on `holder.attach`; the holder checks
/// every half second and ends by itself once no export has been attached for its idle time.
///
/// A holder is an open transaction on production (it holds back vacuum): it ends on the
/// export's success, on a failure that cannot resume, on `cutover export --abandon`, when its
/// connection fails, and when idle. Ending it (`SIGTERM`, or any crash) closes its
/// connection, which ends the transaction on the server.
public enum SnapshotHolderProcess {
  /// The holder's record and liveness lock.
  public static let recordFileName = "holder.json"
  /// Shared-locked by every export attached to the holder.
  public static let attachFileName = "holder.attach"

  /// What `holder.json` says.
  public struct Record: Codable, Sendable, Equatable {
    public var pid: Int32
    public var snapshot: String
    public var startedAt: Date
    /// Seconds without an attached export after which the holder ends.
    public var idleTimeout: Int

    /// "holder process 123 (snapshot …, started 42 s ago)".
    public var text: String {
      let age = Int(Date().timeIntervalSince(startedAt))
      return
        "snapshot holder process \(pid) (snapshot \(snapshot), started \(age) s ago, ends after \(idleTimeout) s unused)"
    }
  }

  /// How to start a holder: the `cutover` executable and the source as the operator wrote it.
  ///
  /// The source is handed to the child in `SOURCE_DATABASE_URL`, never on its command line.
  public struct Launch: Sendable {
    public var executable: URL
    public var source: String

    public init(executable: URL, source: String) {
      self.executable = executable
      self.source = source
    }
  }

  /// The live holder of `directory`, `nil` when there is none (no record, or its lock is free).
  public static func live(in directory: URL) -> Record? {
    let path = directory.appendingPathComponent(recordFileName).path
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    guard flock(fd, LOCK_SH | LOCK_NB) != 0, errno == EWOULDBLOCK else { return nil }
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    return try? JournalEntry.decoder.decode(Record.self, from: data)
  }

  /// Starts a holder for `directory` and waits (up to 60 s) until it holds its snapshot.
  /// - Throws: `ExportError` (`.source`) when it does not come up.
  static func start(_ launch: Launch, directory: URL, idleTimeout: Int) throws -> Record {
    // A dead holder's record (SIGKILL leaves it) must go first: the new holder locks the
    // file before it writes its own record, and meanwhile the old one would read as live —
    // with a snapshot that ended with its holder.
    unlink(directory.appendingPathComponent(recordFileName).path)
    var environment = ProcessInfo.processInfo.environment
    environment["SOURCE_DATABASE_URL"] = launch.source
    let pid = try spawnInOwnSession(
      launch.executable.path,
      arguments: [
        "export", "--hold-snapshot", "--export-dir", directory.path,
        "--holder-idle-timeout", String(idleTimeout),
      ],
      environment: environment)
    let began = Date()
    while Date().timeIntervalSince(began) < 60 {
      if let record = live(in: directory) { return record }
      var status: Int32 = 0
      if waitpid(pid, &status, WNOHANG) == pid {
        throw ExportError(
          .source,
          "the snapshot holder process ended (status \(status >> 8 & 0xff)) before taking a snapshot",
          nextStep: "check the source with `cutover doctor`, then run the export again")
      }
      // Every export waits here before its first COPY: poll often (a stat and a lock test).
      usleep(5_000)
    }
    throw ExportError(
      .source, "the snapshot holder process did not take a snapshot within 60 s",
      nextStep: "check the source with `cutover doctor`, then run the export again")
  }

  /// Starts `path` in a session of its own (so a Ctrl-C at the terminal does not reach it),
  /// standard streams on `/dev/null`, default signal handling; returns its pid.
  ///
  /// `posix_spawn`, not Foundation's `Process`: that closes every descriptor up to the
  /// limit one by one before `exec` (40 ms at a limit of 20,000, on every export). The holder
  /// closes what it inherits instead (`serve`).
  /// - Throws: `ExportError` (`.io`) naming the executable when it cannot be started.
  static func spawnInOwnSession(_ path: String, arguments: [String], environment: [String: String]) throws
    -> pid_t
  {
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for number in [SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT] { sigaddset(&defaults, number) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    var mask = sigset_t()
    sigemptyset(&mask)
    posix_spawnattr_setsigmask(&attributes, &mask)
    // glibc's POSIX_SPAWN_SETSID (0x80, a GNU extension Swift does not import).
    let setSession: Int32 = 0x80
    posix_spawnattr_setflags(&attributes, Int16(setSession | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      for pointer in argv + envp { free(pointer) }
    }
    var pid: pid_t = 0
    let code = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
    guard code == 0 else {
      throw ExportError(
        .io, "cannot start the snapshot holder process \(path): \(String(cString: strerror(code)))",
        nextStep: "check that \(path) exists and is executable")
    }
    return pid
  }

  /// Ends the holder (`SIGTERM`; `SIGKILL` after 2 s, which is as safe: the server ends a
  /// read-only transaction whose connection drops) and waits until its lock is free.
  static func end(_ record: Record, directory: URL) {
    guard live(in: directory)?.pid == record.pid else { return }
    kill(record.pid, SIGTERM)
    let began = Date()
    while live(in: directory) != nil && Date().timeIntervalSince(began) < 2 { usleep(2_000) }
    if live(in: directory) != nil {
      kill(record.pid, SIGKILL)
      while live(in: directory) != nil && Date().timeIntervalSince(began) < 12 { usleep(20_000) }
    }
    unlink(directory.appendingPathComponent(recordFileName).path)
    // Reaped when this process started it (else `ECHILD`, nothing to do).
    var status: Int32 = 0
    _ = waitpid(record.pid, &status, WNOHANG)
  }

  /// A shared lock on `holder.attach` for as long as the value lives: the holder does not
  /// end as idle meanwhile.
  final class Attachment {
    private let fd: Int32

    init(directory: URL) throws {
      let path = directory.appendingPathComponent(attachFileName).path
      let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
      guard fd >= 0, flock(fd, LOCK_SH) == 0 else {
        throw ExportError(
          .io, "cannot attach to the snapshot holder (\(path)): \(String(cString: strerror(errno)))",
          nextStep: "check the export directory's permissions")
      }
      self.fd = fd
    }

    deinit { close(fd) }
  }

  /// The holder process's body: exports a snapshot, records itself, and waits until it is
  /// idle for `idleTimeout` seconds, its connection fails, or it is ended by a signal.
  ///
  /// Blocks for the holder's whole life.
  /// - Throws: `PostgresError` when the snapshot cannot be taken; `ExportError` (`.io`).
  public static func serve(target: ConnectionTarget, directory: URL, idleTimeout: Int) throws {
    // Asked to end by a signal (`end`, Ctrl-C), the loop below wakes at once (the handler
    // writes to `wake`), ends the transaction and closes the connection: the server logs no
    // "unexpected EOF on client connection with an open transaction" at the end of every
    // export. (The command line turns these signals into task cancellation, which this
    // blocking loop would not see; `end` still kills a holder that does not go within 2 s,
    // which is as safe.)
    // Descriptors the starting export left open by mistake (not close-on-exec) would live as
    // long as the holder.
    closefrom(3)
    holderEndRequested = 0
    var wake: [Int32] = [-1, -1]
    guard pipe(&wake) == 0,
      fcntl(wake[0], F_SETFD, FD_CLOEXEC) == 0, fcntl(wake[1], F_SETFD, FD_CLOEXEC) == 0,
      fcntl(wake[1], F_SETFL, O_NONBLOCK) == 0
    else {
      throw ExportError(
        .io, "cannot make the snapshot holder's wake-up pipe: \(String(cString: strerror(errno)))")
    }
    defer {
      close(wake[0])
      close(wake[1])
    }
    holderWakeWriteEnd = wake[1]
    for number in [SIGTERM, SIGINT, SIGHUP] {
      signal(number) { _ in
        holderEndRequested = 1
        var byte: UInt8 = 1
        _ = write(holderWakeWriteEnd, &byte, 1)
      }
    }
    let connection = try PGConnection(target, applicationName: "cutover snapshot holder")
    try connection.prepareLongRunningSession()
    let snapshot = try connection.exportSnapshot()
    let path = directory.appendingPathComponent(recordFileName).path
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    guard fd >= 0, flock(fd, LOCK_EX | LOCK_NB) == 0 else {
      throw ExportError(
        .busy, "another snapshot holder holds \(path)",
        nextStep: "use it, or end it with `cutover export --abandon`")
    }
    defer {
      unlink(path)
      close(fd)
    }
    let record = Record(pid: getpid(), snapshot: snapshot, startedAt: Date(), idleTimeout: idleTimeout)
    let data = try JSONOutput.encoder().encode(record)
    guard ftruncate(fd, 0) == 0 else { throw ExportError(.io, "cannot write \(path)") }
    try data.withUnsafeBytes { try DurableFile.writeAll(fd, $0, file: path) }
    let attachPath = directory.appendingPathComponent(attachFileName).path
    var idleSince = Date()
    var lastPing = Date()
    while holderEndRequested == 0 {
      // The handler's byte ends the wait at once: a signal interrupts only the thread it
      // lands on, which is rarely this one (an export waited 0.45 s here for its holder to end).
      var waiting = pollfd(fd: wake[0], events: Int16(POLLIN), revents: 0)
      _ = poll(&waiting, 1, 500)
      if holderEndRequested != 0 { break }
      let probe = open(attachPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
      if probe >= 0 {
        if flock(probe, LOCK_EX | LOCK_NB) == 0 {
          if Date().timeIntervalSince(idleSince) >= Double(idleTimeout) { close(probe); break }
        } else {
          idleSince = Date()
        }
        close(probe)
      }
      if Date().timeIntervalSince(lastPing) >= 10 {
        lastPing = Date()
        // Inside the transaction: the snapshot is unchanged. A lost connection ends the holder.
        try connection.execute("SELECT 1", doing: "checking the snapshot holder's connection")
      }
    }
    _ = try? connection.execute("COMMIT", doing: "ending the snapshot holder's transaction")
  }
}

/// Set by the holder's signal handler, read by its loop.
///
/// A plain word: the handler only stores to it, and it is initialized before the handler is
/// installed.
nonisolated(unsafe) private var holderEndRequested: Int32 = 0

/// The write end of the holder's wake-up pipe, for its signal handler (set before the handler
/// is installed).
nonisolated(unsafe) private var holderWakeWriteEnd: Int32 = -1
