import { describe, expect, it } from "vitest";
import { capabilitiesFromSchema, hasRoute, hasRoutePrefix } from "./capabilities";

describe("capabilities", () => {
  const caps = capabilitiesFromSchema({
    paths: {
      "/api/images/edit": { post: {} },
      "/api/jobs/{job_id}": { get: {}, delete: {} },
      "/api/transparent/verify": { post: {} },
    },
  });

  it("lists every documented method and path", () => {
    expect(caps.known).toBe(true);
    expect(hasRoute(caps, "post", "/api/images/edit")).toBe(true);
    expect(hasRoute(caps, "delete", "/api/jobs/{job_id}")).toBe(true);
    expect(hasRoute(caps, "post", "/api/jobs/{job_id}/retry")).toBe(false);
    expect(hasRoutePrefix(caps, "/api/transparent/")).toBe(true);
    expect(hasRoutePrefix(caps, "/api/notifications")).toBe(false);
  });

  it("treats anything else as unknown", () => {
    expect(capabilitiesFromSchema(null).known).toBe(false);
    expect(capabilitiesFromSchema({ paths: 3 }).routes.size).toBe(0);
  });
});
