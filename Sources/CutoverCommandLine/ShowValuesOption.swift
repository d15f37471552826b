import ArgumentParser

/// `--show-values`: let error messages show users' values (a server's DETAIL such as
/// `Key (email)=(…)`), which cutover leaves out by default.
public struct ShowValuesOption: ParsableArguments {
  @Flag(help: "Show users' values in error messages (server DETAIL lines); left out by default.")
  public var showValues = false

  public init() {}
}

/// A command that offers `--show-values`; the exit-status mapping asks it how to print errors.
public protocol ShowsValues {
  var values: ShowValuesOption { get }
}
