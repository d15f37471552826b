// swift-tools-version: 6.1
import PackageDescription

let package = Package(
  name: "cutover",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "cutover", targets: ["cutover"]),
    .executable(name: "cutover-fixture", targets: ["cutover-fixture"]),
    .library(name: "CutoverKit", targets: ["CutoverKit"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
  ],
  targets: [
    .systemLibrary(
      name: "CLibPQ",
      pkgConfig: "libpq",
      providers: [.apt(["libpq-dev"])]
    ),
    .systemLibrary(
      name: "CZstd",
      pkgConfig: "libzstd",
      providers: [.apt(["libzstd-dev"])]
    ),
    // glibc's mallopt, for the allocator settings every process starts with (HeapSettings).
    .systemLibrary(name: "CMalloc"),
    .target(
      name: "CutoverKit",
      dependencies: [
        "CLibPQ",
        "CZstd",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "Yams", package: "Yams"),
        .product(name: "TOMLKit", package: "TOMLKit"),
      ]
    ),
    .target(
      name: "CutoverFixture",
      dependencies: [
        "CutoverKit",
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
    .target(
      name: "CutoverCommandLine",
      dependencies: [
        "CutoverKit",
        "CMalloc",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
    .executableTarget(
      name: "cutover",
      dependencies: [
        "CutoverKit",
        "CutoverCommandLine",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
    .executableTarget(
      name: "cutover-fixture",
      dependencies: [
        "CutoverKit",
        "CutoverFixture",
        "CutoverCommandLine",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
    .target(
      name: "CutoverTestSupport",
      path: "Tests/CutoverTestSupport"
    ),
    .testTarget(
      name: "CutoverKitTests",
      dependencies: [
        "CutoverKit",
        "CutoverFixture",
        "CutoverTestSupport",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "InMemoryLogging", package: "swift-log"),
      ]
    ),
  ],
  swiftLanguageModes: [.v6]
)
