// Drives the gateway's web chat page like a user, with playwright-core and the system Chromium.
// Usage: node webchat-browser.mjs <pageURL> <screenshot.png> <message> [<message>...]
// The first message is sent with Enter, every further one by clicking Send, all in the same page.
// Prints one JSON object: { reply, replies, session, updates, screenshot }.
// Exits non-zero when a reply does not come in time or the page logs an error (console error,
// uncaught exception, failed request or an HTTP error answer).
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [url, screenshot, ...messages] = process.argv.slice(2);
if (!url || !screenshot || messages.length === 0) {
  console.error('usage: node webchat-browser.mjs <pageURL> <screenshot.png> <message> [<message>...]');
  process.exit(64);
}
const STEP_MS = 15_000;
// A last resort: never outlive the caller's patience, whatever the browser does.
const watchdog = setTimeout(() => {
  console.error('webchat-browser: gave up after 90 s');
  process.exit(3);
}, 90_000);

const problems = [];
const userDataDir = mkdtempSync(join(tmpdir(), 'gatehouse-webchat-'));
let context;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.GATEHOUSE_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: { width: 900, height: 640 },
    colorScheme: 'light',
    timeout: 30_000,
  });
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()} (${m.location().url || 'page'})`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  // Counts how often an agent bubble changes while it is still streaming, i.e. deltas shown one by one.
  await page.addInitScript(() => {
    window.__updates = 0;
    new MutationObserver((records) => {
      for (const r of records) {
        const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
        if (el && el.matches('.msg.agent.streaming')) window.__updates++;
      }
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });

  await page.goto(url, { waitUntil: 'load' });
  await page.locator('#status.online').waitFor({ state: 'visible' });
  const input = page.locator('#input');
  const replies = [];
  for (const [i, message] of messages.entries()) {
    await input.click();
    await input.pressSequentially(message);
    if (i === 0) {
      await input.press('Enter');
    } else {
      await page.locator('#send').click();
    }
    const expected = `echo: ${message}`;
    // The reply is the agent bubble of this turn, complete once it is no longer streaming.
    const bubble = page.locator('#log .msg.agent').nth(i);
    await page.waitForFunction(([n, want]) => {
      const el = document.querySelectorAll('#log .msg.agent')[n];
      return el && !el.classList.contains('streaming') && el.textContent === want;
    }, [i, expected], { timeout: STEP_MS }).catch(async () => {
      const seen = await page.locator('#log').innerText().catch(() => '?');
      throw new Error(`no reply "${expected}" within ${STEP_MS} ms; the conversation shows:\n${seen}`);
    });
    replies.push(await bubble.textContent());
    if ((await input.inputValue()) !== '') throw new Error('the input was not cleared after sending');
  }
  const userBubbles = await page.locator('#log .msg.user').allTextContents();
  if (JSON.stringify(userBubbles) !== JSON.stringify(messages)) {
    throw new Error(`the conversation shows user messages ${JSON.stringify(userBubbles)}`);
  }
  const session = await page.evaluate(() => localStorage.getItem('gatehouse.webchat.session'));
  const updates = await page.evaluate(() => window.__updates);
  await page.screenshot({ path: screenshot, fullPage: true });
  if (problems.length) throw new Error('the page reported problems');
  console.log(JSON.stringify({ reply: replies[0], replies, session, updates, screenshot, bytes: statSync(screenshot).size }));
} catch (e) {
  console.error(`webchat-browser: ${e.message}`);
  if (problems.length) console.error(`page problems:\n  ${problems.join('\n  ')}`);
  process.exitCode = 1;
} finally {
  if (context) await context.close().catch(() => {});
  rmSync(userDataDir, { recursive: true, force: true });
  clearTimeout(watchdog);
}
