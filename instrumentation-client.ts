import { z } from "zod";

// Runs in the browser before the portal's own code. Zod (in client forms and the grid's URL
// parsing) probes whether `new Function` works when it builds an object schema; under the
// Content-Security-Policy (no 'unsafe-eval', lib/http/security-headers.ts) that probe is refused
// and reported as a violation. Jitless zod parses the same, without the probe.
z.config({ jitless: true });
