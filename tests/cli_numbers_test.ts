// Strict option values: integers, MAC addresses (six %hhx fields), strerror.
import { assertEquals, assertThrows } from "./cli_assert.ts";
import {
  formatMac,
  OptionValueError,
  parseInteger,
  parseMac,
  parseU64,
} from "../src/cli/numbers.ts";
import { strerror } from "../src/cli/strerror.ts";

Deno.test("parseInteger: digits only, within limits, clear messages", () => {
  assertEquals(parseInteger("-T", "5"), 5);
  assertEquals(parseInteger("-a", "-1", { min: -1 }), -1);
  for (const bad of ["", "1x", "x", " 1", "1.5", "0x10", "+1"]) {
    assertThrows(() => parseInteger("-T", bad), OptionValueError, "-T:");
  }
  assertThrows(() => parseInteger("-C", "0", { min: 1 }), OptionValueError, "out of range");
  assertThrows(() => parseInteger("-C", "2147483648"), OptionValueError, "out of range");
  assertEquals(parseU64("-n", "18446744073709551615"), 18446744073709551615n);
  assertThrows(() => parseU64("-n", "18446744073709551616"), OptionValueError, "2^64");
  assertThrows(() => parseU64("-n", "1k"), OptionValueError, "-n:");
});

Deno.test("parseMac: six hex fields as %hhx reads them, but nothing silently cut", () => {
  assertEquals(formatMac(parseMac("-s", "0:1:2:a:B:ff")), "00:01:02:0a:0b:ff");
  assertEquals(formatMac(parseMac("-s", "0x1:001:2:3:4:5")), "01:01:02:03:04:05");
  for (
    const bad of [
      "",
      "1:2:3:4:5",
      "1:2:3:4:5:6:7",
      "1:2:3:4:5:g",
      "100:1:2:3:4:5",
      "1::2:3:4:5",
      "1:2:3:4:5:6 ",
    ]
  ) {
    assertThrows(() => parseMac("-d", bad), OptionValueError, "invalid MAC address");
  }
});

Deno.test("strerror: glibc's texts", () => {
  assertEquals(strerror(16), "Device or resource busy");
  assertEquals(strerror(-2), "No such file or directory");
  assertEquals(strerror(9999), "Unknown error 9999");
});
