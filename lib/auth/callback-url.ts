// Where to go after signing in: only a path on this site. Shared by the
// sign-in page (server) and the sign-in form (client, before router.push), so
// both apply the same rule. Parsed the way a browser would (WHATWG URL), after
// refusing control and non-ASCII characters that browsers strip or fold
// ("/\t/evil.example" becomes "//evil.example", "/%E3%80%82" an ideographic dot).

const PLACEHOLDER_ORIGIN = "http://callback.invalid";
const MAX_LENGTH = 2048;

/** A same-origin path (+ query and hash) to return to, or `fallback`. Never throws. */
export function safeCallbackUrl(value: unknown, fallback = "/"): string {
  if (Array.isArray(value)) value = value[0];
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_LENGTH) return fallback;
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return fallback;
  // Printable ASCII only, before and after percent-decoding.
  if (!/^[\x21-\x7e]*$/.test(value)) return fallback;
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    return fallback;
  }
  if (!/^[\x20-\x7e]*$/.test(decoded) || decoded.startsWith("//") || decoded.startsWith("/\\")) return fallback;
  let url: URL;
  try {
    url = new URL(value, PLACEHOLDER_ORIGIN);
  } catch {
    return fallback;
  }
  if (url.origin !== PLACEHOLDER_ORIGIN) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
