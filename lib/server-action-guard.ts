// Checks a POST to a page (a Server Action, or a no-JS form post of one)
// before Next.js decodes it. Next's own checks answer a foreign Origin and
// many malformed bodies with 500 ("Invalid Server Actions request"); a
// client's mistake must be a 4xx, so proxy.ts refuses those requests first:
// 403 for cross-site, 415 for a content type no action uses, 400 for a body
// React's decoder would choke on. What passes is decoded by Next as usual.

export interface GuardRefusal {
  status: 400 | 403 | 415;
  code: "forbidden" | "unsupported_media_type" | "invalid";
  message: string;
}

const invalid = (message: string): GuardRefusal => ({ status: 400, code: "invalid", message });

/** Inline values React's encodeReply writes for a string-bodied reply; any other "$…" refers to a part that is not there. */
const INLINE_REFERENCE = /^\$(?:\$.*|undefined|NaN|Infinity|-Infinity|-0|D.*|n-?\d+)$/s;
/** A "$X<hex>" reference to another part of a multipart reply ($K1 = form data fields "_1_…", $Q2 = part "2", …). */
const PART_REFERENCE = /^\$[A-Za-z@]?([0-9a-f]+)(?::.*)?$/s;

function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsIn(item, out);
  else if (value !== null && typeof value === "object") for (const item of Object.values(value)) stringsIn(item, out);
  return out;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** A fetch action's text/plain body: a JSON array of arguments with inline values only. */
export function checkTextReply(body: string): GuardRefusal | null {
  const parsed = parseJson(body);
  if (!parsed.ok || !Array.isArray(parsed.value)) return invalid("The action's arguments are not valid.");
  for (const text of stringsIn(parsed.value)) {
    if (text.startsWith("$") && !INLINE_REFERENCE.test(text)) return invalid("The action's arguments are not valid.");
  }
  return null;
}

/** A fetch action's multipart body: numbered parts are JSON, and every reference points at a part that exists. */
export function checkMultipartReply(form: FormData): GuardRefusal | null {
  const names = new Set<string>();
  for (const name of form.keys()) names.add(name);
  if (!names.has("0")) return invalid("The action's arguments are not valid.");
  // React writes a FormData argument's fields as "<prefix>_<id>_<key>" (the prefix is empty in Next.js).
  const prefixes = new Set([...names].map((name) => /^[^_]*_(\d+)_/.exec(name)?.[1]).filter((id): id is string => id !== undefined));
  for (const [name, value] of form.entries()) {
    if (!/^\d+$/.test(name)) continue;
    if (typeof value !== "string") continue;
    const parsed = parseJson(value);
    if (!parsed.ok) return invalid("The action's arguments are not valid.");
    for (const text of stringsIn(parsed.value)) {
      if (!text.startsWith("$") || INLINE_REFERENCE.test(text)) continue;
      const id = PART_REFERENCE.exec(text)?.[1];
      if (id === undefined) return invalid("The action's arguments are not valid.");
      const decimal = String(parseInt(id, 16));
      if (!names.has(decimal) && !prefixes.has(decimal)) return invalid("The action's arguments are not valid.");
    }
  }
  return null;
}

/** A no-JS form post of an action ($ACTION_ID_<id>, or $ACTION_REF_<n> with JSON in $ACTION_<n>:<k>). */
export function checkFormAction(form: FormData): GuardRefusal | null {
  for (const [name, value] of form.entries()) {
    if (/^\$ACTION_\d+:\d+$/.test(name)) {
      if (typeof value !== "string" || !parseJson(value).ok) return invalid("The form is not valid. Reload the page and try again.");
    }
    if (name.startsWith("$ACTION_REF_")) {
      const ref = name.slice("$ACTION_REF_".length);
      const bound = form.get(`$ACTION_${ref}:0`);
      if (typeof bound !== "string") return invalid("The form is not valid. Reload the page and try again.");
      const parsed = parseJson(bound);
      if (!parsed.ok || typeof (parsed.value as { id?: unknown } | null)?.id !== "string") {
        return invalid("The form is not valid. Reload the page and try again.");
      }
    }
  }
  return null;
}

/**
 * Check a POST to a page. `crossSite` is lib/http-forwarded's verdict on its
 * Origin. Reads a clone of the body; the original stays for Next.js.
 */
export async function checkPagePost(request: Request, crossSite: string | null): Promise<GuardRefusal | null> {
  if (crossSite) return { status: 403, code: "forbidden", message: "Cross-site requests are not allowed." };
  const isFetchAction = request.headers.has("next-action");
  const type = (request.headers.get("content-type") ?? "").toLowerCase();
  if (type.startsWith("multipart/form-data") || type.startsWith("application/x-www-form-urlencoded")) {
    let form: FormData;
    try {
      form = await request.clone().formData();
    } catch {
      return invalid("The form body could not be read.");
    }
    return isFetchAction && type.startsWith("multipart/") ? checkMultipartReply(form) : checkFormAction(form);
  }
  if (!isFetchAction) return null;
  if (type !== "" && !type.startsWith("text/plain")) {
    return { status: 415, code: "unsupported_media_type", message: "Unsupported body type for an action." };
  }
  return checkTextReply(await request.clone().text());
}
