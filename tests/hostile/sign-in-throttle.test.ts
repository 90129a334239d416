// Finding 5: the sign-in throttle holds across web nodes (its state is in the
// database), per account and per client address, answers 429 with
// Retry-After, and is logged. Unique emails and source addresses, so no other
// test's demo accounts or address get locked out.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { Database } from "@/lib/db/database";
import { requestFrom, uniqueLoopbackAddress } from "./support";

const baseUrl = () => inject("baseUrl");
const db = new Database({ urls: inject("databaseUrls"), poolSize: 2 });
afterAll(() => db.end());

const ACCOUNT_LIMIT = 5;
const ADDRESS_LIMIT = 30;
const unique = (label: string) => `${label}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@throttle.example`;

async function createUser(email: string, password: string): Promise<void> {
  await db.query("INSERT INTO users (email, name, password_hash, role, created_at) VALUES (?, ?, ?, 'customer', NOW(3))", [
    email, "Throttle Test", await hashPassword(password),
  ]);
}

/** One sign-in attempt from a given loopback source address, through nginx. */
async function signInFrom(address: string, email: string, password: string) {
  const csrf = await requestFrom(address, `${baseUrl()}/api/auth/csrf`);
  const cookie = ([] as string[]).concat(csrf.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]).join("; ");
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
  return requestFrom(address, `${baseUrl()}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }).toString(),
  });
}

function webLogs(): string {
  const dir = join(process.cwd(), ".cluster", "logs");
  return ["web-1", "web-2", "web-3"].map((name) => join(dir, `${name}.log`)).filter(existsSync).map((file) => readFileSync(file, "utf8")).join("\n");
}

describe("sign-in throttle", () => {
  it("locks an account after 5 failures spread over the web nodes, even for the right password, with Retry-After", async () => {
    const email = unique("account");
    await createUser(email, "right-password-1");
    const address = uniqueLoopbackAddress();
    const statuses: number[] = [];
    const servedBy = new Set<string>();
    for (let i = 0; i < ACCOUNT_LIMIT; i++) {
      const response = await signInFrom(address, email, `wrong-${i}`);
      statuses.push(response.status);
      servedBy.add(String(response.headers["x-served-by"]));
    }
    expect(statuses).toEqual(Array(ACCOUNT_LIMIT).fill(401));
    expect(servedBy.size).toBeGreaterThanOrEqual(2);
    const locked = await signInFrom(address, email, "right-password-1");
    expect(locked.status).toBe(429);
    expect(Number(locked.headers["retry-after"])).toBeGreaterThan(0);
    expect(JSON.parse(locked.body).error.code).toBe("too_many_requests");
    // The lock is per account: another account from the same address still signs in.
    const other = unique("other");
    await createUser(other, "right-password-2");
    expect((await signInFrom(address, other, "right-password-2")).status).toBe(200);
    // Nodes write their log lines in batches, at least every 250 ms.
    if (existsSync(join(process.cwd(), ".cluster", "logs"))) await expect.poll(webLogs, { timeout: 3_000 }).toContain('"event":"sign_in_throttled"');
  });

  it("a success clears the account's failures", async () => {
    const email = unique("reset");
    await createUser(email, "right-password-3");
    const address = uniqueLoopbackAddress();
    for (let i = 0; i < ACCOUNT_LIMIT - 1; i++) expect((await signInFrom(address, email, "nope")).status).toBe(401);
    expect((await signInFrom(address, email, "right-password-3")).status).toBe(200);
    for (let i = 0; i < ACCOUNT_LIMIT - 1; i++) expect((await signInFrom(address, email, "nope")).status).toBe(401);
    expect((await signInFrom(address, email, "right-password-3")).status).toBe(200);
  });

  it("limits one client address guessing many accounts, and only that address", async () => {
    const address = uniqueLoopbackAddress();
    const statuses: number[] = [];
    for (let i = 0; i <= ADDRESS_LIMIT; i++) statuses.push((await signInFrom(address, unique(`spray${i}`), "guess")).status);
    expect(statuses.slice(0, ADDRESS_LIMIT).every((s) => s === 401)).toBe(true);
    expect(statuses[ADDRESS_LIMIT]).toBe(429);
    expect((await signInFrom(uniqueLoopbackAddress(), unique("elsewhere"), "guess")).status).toBe(401);
  });

  it("an attacker's own successful sign-ins do not reset the address's failures", async () => {
    const address = uniqueLoopbackAddress();
    const own = unique("own");
    await createUser(own, "own-password-1");
    for (let i = 0; i < ADDRESS_LIMIT; i++) {
      expect((await signInFrom(address, unique(`mix${i}`), "guess")).status).toBe(401);
      if (i % 10 === 0) expect((await signInFrom(address, own, "own-password-1")).status).toBe(200);
    }
    expect((await signInFrom(address, unique("mix-last"), "guess")).status).toBe(429);
  });

  it("the sign-in form's client gets a readable 429 (next-auth reads `url`)", async () => {
    const address = uniqueLoopbackAddress();
    const email = unique("client");
    for (let i = 0; i < ACCOUNT_LIMIT; i++) await signInFrom(address, email, "x");
    const response = await signInFrom(address, email, "x");
    expect(response.status).toBe(429);
    expect(new URL(JSON.parse(response.body).url).searchParams.get("error")).toBe("TooManyRequests");
  });
});
