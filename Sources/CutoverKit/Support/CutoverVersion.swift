/// cutover's version, recorded in manifests and reports.
public enum CutoverVersion {
  public static let current = "0.1.0"
}
