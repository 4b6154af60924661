import { describe, expect, it } from "vitest";
import { makeJob } from "../../test/fixtures";
import { readStoredZip, buildZip } from "../../lib/zip";
import { jobBaseName, outputExtension, outputFileName, zipEntriesFor } from "./actions";

describe("job export", () => {
  const job = makeJob({
    id: "web-1-7",
    created_at: "1747300000",
    metadata: { prompt: "A lighthouse: at dawn?", format: "webp" },
    outputs: [
      { index: 1, path: "/data/jobs/web-1-7/out-2.webp", bytes: 3 },
      { index: 0, path: null, bytes: 3 },
    ],
  });

  it("names files after the job", () => {
    expect(jobBaseName(job)).toBe("20250515-090640-A-lighthouse-at-dawn-web-1-7");
    expect(outputExtension({ path: "/x/y.JPEG" }, null)).toBe("jpg");
    expect(outputExtension({ path: null }, "webp")).toBe("webp");
    expect(outputFileName(job, job.outputs[0]!)).toBe("web-1-7-2.webp");
  });

  it("zips every output of every job in order, one folder per job", async () => {
    const fetched: string[] = [];
    const entries = await zipEntriesFor([job], async (url) => {
      fetched.push(url);
      return new Blob([new Uint8Array([1, 2, url.endsWith("/0") ? 0 : 1])]);
    });
    expect(fetched).toEqual(["/api/jobs/web-1-7/outputs/0", "/api/jobs/web-1-7/outputs/1"]);
    const zip = readStoredZip(buildZip(entries));
    expect(zip.map((e) => e.name)).toEqual([
      "20250515-090640-A-lighthouse-at-dawn-web-1-7/web-1-7-1.webp",
      "20250515-090640-A-lighthouse-at-dawn-web-1-7/web-1-7-2.webp",
    ]);
    expect([...zip[1]!.data]).toEqual([1, 2, 1]);
  });
});
