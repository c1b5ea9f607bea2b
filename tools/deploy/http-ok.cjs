// The containers' health check (node:*-slim has no curl): exits 0 when the URL answers 2xx
// within 3 s, else 1. Usage: node tools/deploy/http-ok.cjs http://127.0.0.1:8082/health/ready
fetch(process.argv[2], { signal: AbortSignal.timeout(3000) }).then(
  (answer) => process.exit(answer.ok ? 0 : 1),
  () => process.exit(1),
);
