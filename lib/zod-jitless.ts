// Imported first by every module that builds zod schemas for the browser:
// zod's JIT feature-detects eval with `new Function`, which the CSP blocks and
// reports as a violation (docs/security.md). The interpreter is fast enough
// for the shop's small forms.
//
// Only in the browser: zod's config is global, and these modules are also
// part of the server bundle, where no CSP applies and every request parses
// the session data with zod. Interpreted, that parse allocated twice what the
// JIT's compiled object check does (docs/benchmarks.md §16).
import { z } from "zod";

if (typeof window !== "undefined") z.config({ jitless: true });
