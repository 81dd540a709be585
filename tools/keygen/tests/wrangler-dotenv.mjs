// Parses a .dev.vars text (stdin) with the dotenv parser bundled in the project's wrangler —
// the very code `wrangler dev` reads .dev.vars with — and prints the variables as JSON.
// The parser is taken from the bundle rather than copied, so a wrangler upgrade that changes
// the grammar is tested as it is (and one that moves the code fails loudly here).
import { readFileSync } from 'node:fs';

const bundlePath = new URL('../../../node_modules/wrangler/wrangler-dist/cli.js', import.meta.url);
const bundle = readFileSync(bundlePath, 'utf8');
const start = bundle.indexOf('node_modules/dotenv/lib/main.js');
if (start < 0) throw new Error('dotenv is no longer bundled in wrangler-dist/cli.js');
const section = bundle.slice(start, start + 4000);
const found = section.match(
  /var LINE = (\/.*\/mg);\s*function (\w+)\(src\) \{([\s\S]*?)\n    \}\n    __name\(\2, "parse"\);/,
);
if (!found) throw new Error("wrangler's bundled dotenv parse() has changed shape");
const LINE = new Function(`return ${found[1]};`)();
const parse = new Function('LINE', 'src', found[3]);

const text = readFileSync(0, 'utf8');
process.stdout.write(JSON.stringify({ vars: parse(LINE, text), line_regex: found[1] }));
