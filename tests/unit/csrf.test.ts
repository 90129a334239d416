import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isValidCsrfToken } from "@/lib/auth/csrf";

const secret = "s".repeat(40);
const cookieFor = (token: string, key = secret) => encodeURIComponent(`${token}|${createHash("sha256").update(`${token}${key}`).digest("hex")}`);

describe("next-auth CSRF check", () => {
  it("accepts the token that matches its signed cookie", () => {
    expect(isValidCsrfToken(cookieFor("abc123"), "abc123", secret)).toBe(true);
  });

  it.each([
    ["no body token", cookieFor("abc123"), undefined],
    ["empty body token", cookieFor("abc123"), ""],
    ["another token", cookieFor("abc123"), "abc124"],
    ["no cookie", undefined, "abc123"],
    ["a cookie signed with another secret", cookieFor("abc123", "other".repeat(10)), "abc123"],
    ["a cookie without its hash", "abc123", "abc123"],
    ["a malformed cookie", "%E0%A4%A", "abc123"],
  ])("refuses %s", (_label, cookie, token) => {
    expect(isValidCsrfToken(cookie, token, secret)).toBe(false);
  });
});
