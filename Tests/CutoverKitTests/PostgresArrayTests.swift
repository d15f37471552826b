import CutoverKit
import Testing

/// Text-format arrays: parsing the server's output, and round trips of our own literals.
struct PostgresArrayTests {
  @Test(arguments: [
    ("{}", [] as [String?]), ("{a}", ["a"]), ("{a,b}", ["a", "b"]), (#"{"a b","c\"d"}"#, ["a b", "c\"d"]),
    ("{NULL,\"NULL\"}", [nil, "NULL"]), (#"{"\\"}"#, ["\\"]), (#"{"",x}"#, ["", "x"]),
  ])
  func `PostgresArray parses the server's array output`(text: String, expected: [String?]) {
    #expect(PostgresArray.parse(text) == expected)
  }

  @Test(arguments: ["", "a", "{", "{a", "{\"a}", "{{1,2}}", "[0:1]={a,b}", "{a,}", "{,a}"])
  func `PostgresArray refuses what is not a one-dimensional array`(text: String) {
    #expect(PostgresArray.parse(text) == nil)
  }

  @Test func `PostgresArray round-trips its own literals`() {
    let values = ["a", "", "b c", "\"", "\\", "{}", "NULL", ",", "ü 漢"]
    #expect(PostgresArray.parse(PostgresArray.literal(values)) == values)
  }
}
