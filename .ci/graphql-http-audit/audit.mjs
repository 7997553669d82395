// Runs the GraphQL-over-HTTP audit (the spec's own suite, graphql-http's auditServer) against
// $URL/graphql and prints every result. Exits non-zero when a MUST or a SHOULD fails; MAY
// items that are not met (GraphQL over GET, which Boomerang does not serve) are listed but
// do not fail. The last line is "N passed, N failed".
import { auditServer } from 'graphql-http';

const base = process.env.URL;
if (!base) {
  console.error('URL is not set (e.g. URL=http://127.0.0.1:8080)');
  process.exit(2);
}
const url = `${base.replace(/\/+$/, '')}/graphql`;
console.log(`GraphQL-over-HTTP audit of ${url}`);

const results = await auditServer({ url });
let passed = 0;
let failed = 0;
const optional = [];
for (const result of results) {
  if (result.status === 'ok') {
    passed += 1;
    console.log(`ok      ${result.id} ${result.name}`);
    continue;
  }
  const status = result.response ? ` (HTTP ${result.response.status})` : '';
  const line = `${result.id} ${result.name}: ${result.reason}${status}`;
  if (result.status === 'notice') {
    optional.push(result.id);
    console.log(`notice  ${line}`);
  } else {
    failed += 1;
    console.log(`FAILED  ${line}`);
  }
}
if (optional.length > 0) {
  console.log(`${optional.length} optional (MAY) items not met: ${optional.join(', ')}`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
