import { readFileSync } from 'node:fs';
const sum = (f) => { const m = JSON.parse(readFileSync(f)); const out = Object.entries(m.outputs).find(([k]) => !k.endsWith(".map"))[1]; const by = {};
 for (const [p, v] of Object.entries(out.inputs)) { const mm = p.match(/node_modules\/((@[^/]+\/)?[^/]+)/); const k = mm ? mm[1] : p.split('/').slice(0,2).join('/'); by[k] = (by[k]||0) + v.bytesInOutput; } return by; };
const [a, b] = process.argv.slice(2).map(sum);
const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
const rows = [...keys].map(k => [k, (a[k]||0), (b[k]||0)]).map(([k,x,y]) => [k, x, y, y-x]).filter(r => r[3] !== 0).sort((p,q)=>q[3]-p[3]);
for (const r of rows.slice(0, 40)) console.log(r[0].padEnd(50), (r[1]/1024).toFixed(1).padStart(8), (r[2]/1024).toFixed(1).padStart(8), (r[3]/1024).toFixed(1).padStart(8));
