// A tiny HTTP client with a cookie jar, standing in for one browser.
export class Visitor {
  readonly cookies = new Map<string, string>();
  lastServedBy: string | null = null;

  constructor(readonly baseUrl: string) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async request(path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0 && !headers.has("cookie")) headers.set("cookie", this.cookieHeader());
    let body = init.body;
    if (init.json !== undefined) {
      headers.set("content-type", "application/json");
      body = JSON.stringify(init.json);
    }
    const response = await fetch(new URL(path, this.baseUrl), { ...init, headers, body, redirect: "manual" });
    this.lastServedBy = response.headers.get("x-served-by");
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /max-age=0/i.test(a.trim())) || value === "";
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  async json<T = any>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<{ status: number; body: T; response: Response }> {
    const response = await this.request(path, init);
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : (undefined as T), response };
  }

  async signIn(email: string, password: string): Promise<Response> {
    const { body } = await this.json<{ csrfToken: string }>("/api/auth/csrf");
    return this.request("/api/auth/callback/credentials", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken: body.csrfToken, email, password, json: "true" }),
    });
  }

  async signOut(): Promise<Response> {
    const { body } = await this.json<{ csrfToken: string }>("/api/auth/csrf");
    return this.request("/api/auth/signout", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken: body.csrfToken, json: "true" }),
    });
  }

  add(productId: number, quantity = 1, idempotencyKey?: string) {
    return this.json("/api/cart/items", {
      method: "POST",
      json: { productId, quantity },
      headers: idempotencyKey ? { "idempotency-key": idempotencyKey } : {},
    });
  }
}

export const sessionCookie = (visitor: Visitor) => visitor.cookies.get("sid");

let catalogIds: Promise<number[]> | undefined;

/** Real product ids, in catalog order (Galera's auto-increment leaves gaps: 1, 4, 7, …). */
export function productIds(baseUrl: string): Promise<number[]> {
  catalogIds ??= new Visitor(baseUrl).json<{ id: number }[]>("/api/products").then(({ body }) => body.map((p) => p.id));
  return catalogIds;
}
