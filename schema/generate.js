#!/usr/bin/env node
// Writes schema/analyze-config.json from the zod schema in lib/config/schema.ts (compiled to
// dist/ first: `npm run schema`). test/config/schema.test.ts fails when the two differ.
const fs = require('node:fs');
const path = require('node:path');
const { analyzeConfigSchemaText } = require('../dist/config/json-schema');

const out = path.join(__dirname, 'analyze-config.json');
fs.writeFileSync(out, analyzeConfigSchemaText());
process.stdout.write(`wrote ${path.relative(process.cwd(), out)}\n`);
