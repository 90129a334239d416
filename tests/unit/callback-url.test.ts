import { describe, expect, it } from "vitest";
import { safeCallbackUrl } from "@/lib/auth/callback-url";

describe("safeCallbackUrl", () => {
  it.each(["/", "/account", "/cart?x=1#top", "/products/ethiopia-yirgacheffe", "/a%20b"])("keeps the same-site path %s", (value) => {
    expect(safeCallbackUrl(value, "/fallback")).toBe(value);
  });

  it.each([
    "/\t/evil.example", "/%09/evil.example", "/\n", "/%0a", "/%0d%0a", "/%E3%80%82", "/\u3002evil", "/é",
    "//evil.example", "/\\evil.example", "/%2F/evil.example", "/%5Cevil.example", "https://evil.example/",
    "javascript:alert(1)", "evil.example", "", "/%", "/%zz", " /account", "/" + "a".repeat(3000),
  ])("refuses %j", (value) => {
    expect(safeCallbackUrl(value, "/fallback")).toBe("/fallback");
  });

  it("refuses what is not a string, and takes the first of repeated parameters", () => {
    expect(safeCallbackUrl(undefined, "/f")).toBe("/f");
    expect(safeCallbackUrl(42, "/f")).toBe("/f");
    expect(safeCallbackUrl(["/cart", "//evil"], "/f")).toBe("/cart");
  });

  it("normalises dot segments without leaving the site", () => {
    expect(safeCallbackUrl("/a/../../account", "/f")).toBe("/account");
  });
});
