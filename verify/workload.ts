// The clients of `npm run verify`: each stands in for one browser (its own
// cookie jar) going through nginx, and records every request it makes as an
// invoke event and then ok / fail / unknown (timed out or connection lost).
// They add with unique Idempotency-Keys, change quantities, read, sign in and
// out through next-auth's endpoints, check out, retry keyed requests after
// timeouts with the same key, and on purpose: replay old keys, resend
// requests with a rotated-away cookie, fire adds while a sign-in is in flight
// and concurrent first changes right after the first page view.
import { setTimeout as sleep } from "node:timers/promises";
import { sidFingerprint, type InvokeEvent, type Line, type OpKind, type OrderListing } from "./history";
import type { Recorder } from "./recorder";

export const DEMO_USERS = ["alice@example.com", "bob@example.com", "admin@example.com"];
export const DEMO_PASSWORD = "demo-password";
const SID = "sid";
const NORMAL_TIMEOUT_MS = 5000;
const MAX_KEYED_ATTEMPTS = 5;

/** Small, seedable PRNG (mulberry32): a schedule and a client's choices replay from the seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface WorkloadContext {
  baseUrl: string;
  products: number[];
  recorder: Recorder;
  /** Salt of the session fingerprints in the history. */
  salt: string;
  runTag: string;
}

interface Sent {
  outcome: "ok" | "fail" | "unknown";
  status?: number;
  body?: unknown;
  code?: string;
  setSid?: string | null;
}

type OpFields = Omit<InvokeEvent, "type" | "op" | "wall" | "mono" | "client" | "f" | "sid">;

interface RequestSpec {
  f: OpKind;
  method: string;
  path: string;
  json?: unknown;
  form?: Record<string, string>;
  headers?: Record<string, string>;
  fields?: OpFields;
  /** Send this session cookie instead of the jar's (a rotated-away one). */
  sid?: string;
  /** Take the response's session cookie into the jar (first contact, sign-in, sign-out). */
  adoptSid?: boolean;
  timeoutMs?: number;
  record?: boolean;
}

function cartLines(body: unknown): Line[] | undefined {
  const items = (body as { items?: { productId: number; quantity: number }[] } | undefined)?.items;
  return Array.isArray(items) ? items.map((item) => ({ productId: item.productId, quantity: item.quantity })) : undefined;
}

export class Client {
  private readonly cookies = new Map<string, string>();
  private readonly random: () => number;
  private user: string | null = null;
  private keyCounter = 0;
  /** Acknowledged adds of the current lineage, for deliberate replays. */
  private ackedAdds: { key: string; productId: number; quantity: number }[] = [];
  private ackedCheckouts: string[] = [];
  private rotated: { sid: string; at: number } | null = null;
  private authInFlight: Promise<unknown> | null = null;

  constructor(
    readonly name: string,
    seed: number,
    private readonly ctx: WorkloadContext,
  ) {
    this.random = rng(seed);
  }

  get sid(): string | undefined {
    return this.cookies.get(SID);
  }

  get signedInAs(): string | null {
    return this.user;
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.random() * list.length)]!;
  }

  private chance(p: number): boolean {
    return this.random() < p;
  }

  private newKey(prefix: string): string {
    this.keyCounter += 1;
    return `${prefix}-${this.ctx.runTag}-${this.name}-${this.keyCounter}`;
  }

  private fingerprint(sid: string | undefined): string | undefined {
    return sid === undefined ? undefined : sidFingerprint(this.ctx.salt, sid);
  }

  /** One HTTP request, recorded unless `record` is false. */
  async send(spec: RequestSpec): Promise<Sent> {
    const sentSid = spec.sid ?? this.sid;
    const headers = new Headers(spec.headers);
    const jar = new Map(this.cookies);
    if (sentSid === undefined) jar.delete(SID);
    else jar.set(SID, sentSid);
    if (jar.size > 0) headers.set("cookie", [...jar].map(([k, v]) => `${k}=${v}`).join("; "));
    let body: string | undefined;
    if (spec.json !== undefined) {
      headers.set("content-type", "application/json");
      body = JSON.stringify(spec.json);
    } else if (spec.form) {
      headers.set("content-type", "application/x-www-form-urlencoded");
      body = new URLSearchParams(spec.form).toString();
    }
    const impatient = spec.timeoutMs === undefined && spec.f !== "signin" && spec.f !== "signout" && this.chance(0.04);
    const timeoutMs = spec.timeoutMs ?? (impatient ? 20 + Math.floor(this.random() * 150) : NORMAL_TIMEOUT_MS);
    const record = spec.record !== false;
    const op = record ? this.ctx.recorder.newOpId() : 0;
    if (record) {
      this.ctx.recorder.record({ type: "invoke", op, client: this.name, f: spec.f, ...spec.fields, user: spec.fields?.user ?? this.user ?? undefined, sid: this.fingerprint(sentSid) });
    }
    // A timer of our own: AbortSignal.timeout()'s timer is unreferenced and can be lost with its signal.
    // The race settles the request even where an aborted fetch never does (seen while nodes were killed).
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Error(`timeout ${timeoutMs} ms`));
      }, timeoutMs);
    });
    try {
      const exchange = (async () => {
        const response = await fetch(new URL(spec.path, this.ctx.baseUrl), {
          method: spec.method,
          headers,
          body,
          redirect: "manual",
          signal: controller.signal,
        });
        return { response, text: await response.text() };
      })();
      exchange.catch(() => {});
      const { response, text } = await Promise.race([exchange, deadline]);
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      let setSid: string | null | undefined;
      for (const line of response.headers.getSetCookie()) {
        const [pair, ...attributes] = line.split(";");
        const eq = pair!.indexOf("=");
        const name = pair!.slice(0, eq).trim();
        const value = pair!.slice(eq + 1).trim();
        const expired = value === "" || attributes.some((a) => /max-age=0/i.test(a.trim()));
        if (name === SID) {
          setSid = expired ? null : value;
          if (spec.sid === undefined && (spec.adoptSid || this.sid === undefined) && !expired) this.cookies.set(SID, value);
          continue;
        }
        if (spec.sid !== undefined) continue;
        if (expired) this.cookies.delete(name);
        else this.cookies.set(name, value);
      }
      const outcome = response.status < 400 ? "ok" : "fail";
      const code = (parsed as { error?: { code?: string } } | undefined)?.error?.code;
      const orderId = (parsed as { orderId?: number } | undefined)?.orderId;
      if (record) {
        this.ctx.recorder.record({
          type: outcome,
          op,
          status: response.status,
          code,
          servedBy: response.headers.get("x-served-by") ?? undefined,
          setSid: setSid === undefined ? undefined : setSid === null ? null : this.fingerprint(setSid),
          cart: spec.f === "read" || spec.f === "add" || spec.f === "set" ? cartLines(parsed) : undefined,
          orderId: typeof orderId === "number" ? orderId : undefined,
        });
      }
      return { outcome, status: response.status, body: parsed, code, setSid };
    } catch (error) {
      if (record) this.ctx.recorder.record({ type: "unknown", op, error: controller.signal.aborted ? `timeout ${timeoutMs} ms` : String((error as Error).message) });
      return { outcome: "unknown" };
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * A keyed change: retried with the same key after a timeout or a 5xx, and
   * after one 409 session_rotated with the current cookie (as the shop's client does).
   */
  private async keyed(spec: RequestSpec & { fields: OpFields & { key: string } }): Promise<Sent> {
    let rotatedRetry = false;
    let last: Sent = { outcome: "unknown" };
    for (let attempt = 0, n = 0; n < MAX_KEYED_ATTEMPTS; n++) {
      last = await this.send({ ...spec, fields: { ...spec.fields, attempt }, sid: attempt === 0 ? spec.sid : undefined });
      attempt += 1;
      if (last.outcome === "ok") return last;
      if (last.status === 409 && last.code === "session_rotated") {
        if (rotatedRetry) return last;
        rotatedRetry = true;
        await this.authInFlight;
        continue;
      }
      if (last.outcome === "unknown" || (last.status ?? 0) >= 500) {
        await sleep(Math.min(2000, 150 * 2 ** n) + Math.floor(this.random() * 100));
        continue;
      }
      return last;
    }
    return last;
  }

  private async add(options: { productId?: number; sid?: string; replayOf?: { key: string; productId: number; quantity: number } } = {}): Promise<void> {
    const replay = options.replayOf;
    const productId = replay?.productId ?? options.productId ?? this.pick(this.ctx.products);
    const quantity = replay?.quantity ?? (this.chance(0.8) ? 1 : 2);
    const key = replay?.key ?? this.newKey("a");
    const result = await this.keyed({
      f: "add",
      method: "POST",
      path: "/api/cart/items",
      json: { productId, quantity },
      headers: { "idempotency-key": key },
      fields: { key, productId, quantity, replay: replay ? true : undefined, stale: options.sid ? true : undefined },
      sid: options.sid,
    });
    if (result.outcome === "ok" && !replay) this.ackedAdds.push({ key, productId, quantity });
  }

  private async set(): Promise<void> {
    const productId = this.pick(this.ctx.products);
    const quantity = Math.floor(this.random() * 4);
    const spec: RequestSpec = { f: "set", method: "PATCH", path: `/api/cart/items/${productId}`, json: { quantity }, fields: { productId, quantity } };
    const first = await this.send(spec);
    if (first.outcome === "unknown" || (first.status ?? 0) >= 500) await this.send(spec);
  }

  read(options: { sid?: string } = {}): Promise<Sent> {
    return this.send({ f: "read", method: "GET", path: "/api/cart", sid: options.sid, fields: options.sid ? { stale: true } : undefined });
  }

  /** A new visitor: empty jar, first page view (then GET /api/cart if it set no cookie). */
  async begin(): Promise<void> {
    this.cookies.clear();
    this.user = null;
    this.ackedAdds = [];
    this.ackedCheckouts = [];
    this.rotated = null;
    for (let n = 0; this.sid === undefined; n++) {
      await this.send({ f: "page", method: "GET", path: "/", adoptSid: true });
      if (this.sid === undefined) await this.read();
      if (this.sid === undefined) await sleep(Math.min(2000, 200 * 2 ** n));
    }
    if (this.chance(0.5)) await this.firstChanges();
  }

  /** Concurrent first changes of a fresh session: they must all land in one session. */
  private async firstChanges(): Promise<void> {
    const count = 2 + Math.floor(this.random() * 3);
    await Promise.all(Array.from({ length: count }, () => this.add()));
  }

  private async csrf(): Promise<string | null> {
    const result = await this.send({ f: "page", method: "GET", path: "/api/auth/csrf", record: false, timeoutMs: NORMAL_TIMEOUT_MS });
    const token = (result.body as { csrfToken?: string } | undefined)?.csrfToken;
    return result.outcome === "ok" && token ? token : null;
  }

  private async signIn(): Promise<void> {
    const token = await this.csrf();
    if (!token) return;
    const user = this.pick(DEMO_USERS);
    const before = this.sid;
    const request = this.send({
      f: "signin",
      method: "POST",
      path: "/api/auth/callback/credentials",
      form: { csrfToken: token, email: user, password: DEMO_PASSWORD, json: "true" },
      fields: { user },
      adoptSid: true,
      timeoutMs: 10_000,
    });
    this.authInFlight = request;
    // Changes in flight across the sign-in: each must land once, in the signed-in cart.
    const inFlight = this.chance(0.35) ? Array.from({ length: 2 }, () => this.add()) : [];
    const result = await request;
    this.authInFlight = null;
    await Promise.all(inFlight);
    await this.afterRotation(result, before, user);
  }

  private async signOut(): Promise<void> {
    await this.read();
    const token = await this.csrf();
    if (!token) return;
    const before = this.sid;
    const request = this.send({ f: "signout", method: "POST", path: "/api/auth/signout", form: { csrfToken: token, json: "true" }, adoptSid: true, timeoutMs: 10_000 });
    this.authInFlight = request;
    const result = await request;
    this.authInFlight = null;
    await this.afterRotation(result, before, null);
    if (result.outcome === "ok" && this.chance(0.3)) await this.firstChanges();
  }

  private async afterRotation(result: Sent, before: string | undefined, user: string | null): Promise<void> {
    if (result.outcome === "unknown" || (result.status ?? 0) >= 500) {
      // Whether the id rotated is unknown: start over as a new visitor, as a person would after an error page.
      await this.begin();
      return;
    }
    if (result.outcome !== "ok") return;
    this.user = user;
    if (user === null) {
      this.ackedAdds = [];
      this.ackedCheckouts = [];
    }
    if (before && this.sid !== before) {
      this.rotated = { sid: before, at: Date.now() };
    } else if (typeof result.setSid !== "string") {
      // No new id (a sign-out may just delete the cookie): carry on as a new visitor; the old id stays for stale replays.
      await this.begin();
      if (before && result.setSid === null) this.rotated = { sid: before, at: Date.now() };
    }
  }

  private async checkout(replayKey?: string): Promise<void> {
    const key = replayKey ?? this.newKey("co");
    const result = await this.keyed({ f: "checkout", method: "POST", path: "/api/orders", headers: { "idempotency-key": key }, fields: { key, replay: replayKey ? true : undefined } });
    if (result.outcome === "ok" && !replayKey) this.ackedCheckouts.push(key);
  }

  /** A request with the cookie that the last sign-in or sign-out rotated away: must be refused (409). */
  private async stale(): Promise<void> {
    const sid = this.rotated!.sid;
    if (this.chance(0.6)) await this.add({ sid });
    else await this.read({ sid });
  }

  async step(): Promise<void> {
    const recentRotation = this.rotated !== null && Date.now() - this.rotated.at < 30_000;
    const choices: [number, () => Promise<unknown>][] = [
      [28, () => this.read()],
      [30, () => this.add()],
      [12, () => this.set()],
      [this.ackedAdds.length > 5 ? 4 : 0, () => this.add({ replayOf: this.pick(this.ackedAdds.slice(0, -3)) })],
      [this.user === null ? 5 : 0, () => this.signIn()],
      [this.user !== null ? 3 : 0, () => this.signOut()],
      [this.user !== null ? 5 : 0, () => this.checkout()],
      [this.user !== null && this.ackedCheckouts.length > 0 ? 2 : 0, () => this.checkout(this.pick(this.ackedCheckouts))],
      [recentRotation ? 4 : 0, () => this.stale()],
    ];
    const total = choices.reduce((sum, [weight]) => sum + weight, 0);
    let roll = this.random() * total;
    for (const [weight, run] of choices) {
      roll -= weight;
      if (roll < 0) {
        await run();
        return;
      }
    }
  }

  /** The cart after the faults healed, retried until the shop answers. */
  async finalRead(deadline: number): Promise<{ cart: Line[] | null; setSid?: string | null; servedBy?: string }> {
    while (Date.now() < deadline) {
      const result = await this.send({ f: "read", method: "GET", path: "/api/cart", record: false, timeoutMs: NORMAL_TIMEOUT_MS });
      if (result.outcome === "ok") {
        return { cart: cartLines(result.body) ?? [], setSid: result.setSid === undefined ? undefined : result.setSid === null ? null : this.fingerprint(result.setSid) };
      }
      if (result.status === 409) return { cart: null };
      await sleep(500);
    }
    return { cart: null };
  }

  /** Signs in as `user` on its own session and lists the user's orders (not part of the checked history). */
  async listOrders(user: string, deadline: number): Promise<OrderListing[] | null> {
    while (Date.now() < deadline) {
      this.cookies.clear();
      const page = await this.send({ f: "page", method: "GET", path: "/api/cart", record: false, adoptSid: true });
      const token = page.outcome === "ok" ? await this.csrf() : null;
      if (token) {
        const signedIn = await this.send({
          f: "signin", method: "POST", path: "/api/auth/callback/credentials", record: false, adoptSid: true, timeoutMs: 10_000,
          form: { csrfToken: token, email: user, password: DEMO_PASSWORD, json: "true" },
        });
        if (signedIn.outcome === "ok") {
          const listed = await this.send({ f: "read", method: "GET", path: "/api/orders", record: false, timeoutMs: 10_000 });
          if (listed.outcome === "ok" && Array.isArray(listed.body)) {
            return (listed.body as { id: number; lines: Line[] }[]).map((order) => ({
              id: order.id,
              lines: order.lines.map((line) => ({ productId: line.productId, quantity: line.quantity })),
            }));
          }
        }
      }
      await sleep(500);
    }
    return null;
  }

  fingerprintOfSid(): string | undefined {
    return this.fingerprint(this.sid);
  }
}
