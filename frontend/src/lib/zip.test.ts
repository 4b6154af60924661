import { describe, expect, it } from "vitest";
import { buildZip, crc32, readStoredZip, safeEntryNames } from "./zip";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("crc32", () => {
  it("matches the standard check values", () => {
    expect(crc32(bytes(""))).toBe(0);
    expect(crc32(bytes("123456789"))).toBe(0xcbf43926);
    expect(crc32(bytes("The quick brown fox jumps over the lazy dog"))).toBe(0x414fa339);
  });
});

describe("buildZip", () => {
  it("writes a valid stored archive that reads back byte for byte", () => {
    const a = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]);
    const b = bytes("second file ✓");
    const zip = buildZip([
      { name: "job/a.png", data: a, date: new Date(2026, 0, 2, 3, 4, 6) },
      { name: "job/图像 b.txt", data: b },
    ]);
    // Signatures: local header first, end-of-central-directory last.
    const view = new DataView(zip.buffer);
    expect(view.getUint32(0, true)).toBe(0x04034b50);
    expect(view.getUint32(zip.length - 22, true)).toBe(0x06054b50);
    expect(view.getUint16(zip.length - 22 + 10, true)).toBe(2);

    const entries = readStoredZip(zip);
    expect(entries.map((e) => e.name)).toEqual(["job/a.png", "job/图像 b.txt"]);
    expect([...entries[0]!.data]).toEqual([...a]);
    expect(new TextDecoder().decode(entries[1]!.data)).toBe("second file ✓");
    expect(entries[0]!.crc).toBe(crc32(a));
  });

  it("stores the DOS date and time", () => {
    const zip = buildZip([{ name: "x", data: bytes("x"), date: new Date(2026, 0, 2, 3, 4, 6) }]);
    const view = new DataView(zip.buffer);
    expect(view.getUint16(10, true)).toBe((3 << 11) | (4 << 5) | 3);
    expect(view.getUint16(12, true)).toBe(((2026 - 1980) << 9) | (1 << 5) | 2);
  });

  it("an empty archive is just the end record", () => {
    expect(buildZip([]).length).toBe(22);
    expect(readStoredZip(buildZip([]))).toEqual([]);
  });
});

describe("safeEntryNames", () => {
  it("strips traversal and illegal characters and de-duplicates", () => {
    expect(safeEntryNames(["../../etc/passwd", "/abs/a.png", "a:b?.png", "x.png", "X.png", "x.png"])).toEqual([
      "etc/passwd",
      "abs/a.png",
      "a-b-.png",
      "x.png",
      "X-2.png",
      "x-3.png",
    ]);
    expect(safeEntryNames(["", ".."])).toEqual(["file", "file-2"]);
  });
});
