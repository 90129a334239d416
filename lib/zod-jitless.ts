// Imported first by every module that builds zod schemas for the browser:
// zod's JIT feature-detects eval with `new Function`, which the CSP blocks and
// reports as a violation (docs/security.md). The interpreter is fast enough
// for the shop's small forms.
import { z } from "zod";

z.config({ jitless: true });
