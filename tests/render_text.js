#!/usr/bin/env node
// Open XHTML files in headless Chromium and print what a reader sees.
//
// Usage: node render_text.js FILE...   (NODE_PATH: the node_modules with
// puppeteer-core, as installed by `npm ci` for Ace; PUPPETEER_EXECUTABLE_PATH:
// the system Chromium).  Output: a JSON list of {file, text, spans, errors}:
// the body's rendered text (innerText), the number of Kobo spans in the DOM,
// and parse errors Chromium reports for the XHTML.
'use strict';

const path = require('path');
const { pathToFileURL } = require('url');
const puppeteer = require('puppeteer-core');

(async () => {
  const browser = await puppeteer.launch({
    executablePath: process.env.PUPPETEER_EXECUTABLE_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const out = [];
  try {
    const page = await browser.newPage();
    for (const file of process.argv.slice(2)) {
      await page.goto(pathToFileURL(path.resolve(file)).href, { waitUntil: 'load' });
      out.push(await page.evaluate((name) => ({
        file: name,
        text: document.body ? document.body.innerText : '',
        spans: document.querySelectorAll('span.koboSpan').length,
        errors: Array.from(document.getElementsByTagName('parsererror')).map((e) => e.textContent),
      }), file));
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(out));
})().catch((err) => {
  process.stderr.write(`render_text: ${(err && err.message) || err}\n`);
  process.exit(2);
});
