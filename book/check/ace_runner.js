#!/usr/bin/env node
// Run Ace by DAISY on one EPUB and print its findings as one JSON object.
//
// Usage: node ace_runner.js BOOK.epub OUTDIR
//
// make_book's checks (book/check/ace.py) start this script with Node.  Ace's
// own `ace` command needs Electron; its library runs axe-core in a
// Puppeteer-driven Chromium instead, which works headless on servers.  The
// browser comes from the system (PUPPETEER_EXECUTABLE_PATH), never from
// Puppeteer's download.  Modules resolve from NODE_PATH, set by the caller to
// the node_modules folder that holds @daisy/ace-core.
//
// Output (stdout): {"ace": version, "axe": axe-core version, "violations": [...]},
// each violation {rule, impact, file, title, description, help, location,
// html}.  Exit 0 when Ace ran (whatever it found), 2 when it could not run.
'use strict';

const fs = require('fs');
const path = require('path');

function fail(message) {
  process.stderr.write(`ace_runner: ${message}\n`);
  process.exit(2);
}

const [epubPath, outdir] = process.argv.slice(2);
if (!epubPath || !outdir) {
  fail('usage: node ace_runner.js BOOK.epub OUTDIR');
}

let ace;
let runner;
let aceVersion = '';
let axeVersion = '';
try {
  ace = require('@daisy/ace-core');
  runner = require('@daisy/ace-axe-runner-puppeteer');
  aceVersion = require('@daisy/ace-core/package.json').version;
} catch (err) {
  fail(`cannot load Ace: ${err.message}`);
}
try {
  axeVersion = require('@daisy/axe-core-for-ace/package.json').version;
} catch (err) {
  axeVersion = '';
}

function text(value) {
  if (Array.isArray(value)) return value.map(text).join(' ');
  if (value === undefined || value === null) return '';
  return String(value);
}

// Ace nests assertions: one per file (earl:testSubject), each holding the
// individual rule results.  Flatten the failed ones.
function violations(report) {
  const found = [];
  for (const fileAssertion of report.assertions || []) {
    const subject = fileAssertion['earl:testSubject'] || {};
    const file = text(subject.url);
    for (const item of fileAssertion.assertions || []) {
      const result = item['earl:result'] || {};
      if (result['earl:outcome'] !== 'fail') continue;
      const test = item['earl:test'] || {};
      const pointer = result['earl:pointer'] || {};
      found.push({
        rule: text(test['dct:title']),
        impact: text(test['earl:impact']),
        file,
        title: text(test['dct:description']),
        description: text(result['dct:description']),
        help: text((test['help'] || {}).url),
        location: text(pointer.css),
        html: text(result['html']).slice(0, 300),
      });
    }
  }
  return found;
}

ace(path.resolve(epubPath), {
  cwd: process.cwd(),
  outdir: path.resolve(outdir),
  silent: true,
  initLogger: true,
  lang: 'en',
}, runner)
  .then(([, report]) => {
    const out = {
      ace: aceVersion,
      axe: axeVersion,
      violations: violations(report),
    };
    fs.writeSync(1, JSON.stringify(out));
    process.exit(0);
  })
  .catch((err) => fail(`Ace failed: ${(err && err.message) || err}`));
