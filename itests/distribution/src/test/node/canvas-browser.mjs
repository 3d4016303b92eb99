// Opens a canvas page of the gateway in headless Chromium (playwright-core, the system Chromium) and checks
// live reload the way a user sees it: the script rewrites the page's file and the open page must show the new
// content by itself. Every version of the page reports, from inside the page, when it was saved (by this
// script) and when it finished loading (DOMContentLoaded), through a function exposed to the page.
//
// Usage: node canvas-browser.mjs '<json>' where json is
//   { url, file, scenarios: [...], gatehouse?, home?, saves?, write?: "inplace"|"atomic", screenshot? }
// url: the page (e.g. http://127.0.0.1:PORT/canvas/live/index.html); file: its file in the canvas folder.
// Scenarios, run in order in one page:
//   live     one rewrite -> exactly one reload showing it
//   burst    20 quick saves -> one or few reloads, the final content shown, then no further reload
//   torn     a writer that pauses in the middle of the file -> the page never shows the half file
//   restart  gateway:restart (bin/gatehouse shell) -> the page reconnects without reloading, then live-reloads
//   bench    `saves` saves one after the other -> save-to-shown latency of each, measured in the page
// toNavigation: save to the start of the reload's navigation (performance.timeOrigin): the gateway's part (watch,
// settle, broadcast) plus the socket message; the rest of a latency is the browser reloading the page.
// Prints one JSON object: { results: { <scenario>: {...} }, loads, problems }. Exits non-zero when a step fails.
import { chromium } from 'playwright-core';
import { closeSync, mkdtempSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

const cfg = JSON.parse(process.argv[2] ?? '{}');
if (!cfg.url || !cfg.file || !Array.isArray(cfg.scenarios)) {
  console.error('usage: node canvas-browser.mjs \'{"url":...,"file":...,"scenarios":["live",...]}\'');
  process.exit(64);
}
const STEP_MS = 15_000;
const watchdog = setTimeout(() => {
  console.error('canvas-browser: gave up after 170 s');
  process.exit(3);
}, 170_000);

const loads = [];
const problems = [];
const results = {};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let tmpCounter = 0;

/** A version of the page: reports {rev, savedAt, loadedAt, complete} on DOMContentLoaded. */
function pageText(rev, savedAt, padding = 0) {
  return '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>canvas ' + rev + '</title>\n'
    + '<script>document.addEventListener("DOMContentLoaded",function(){var t=Date.now();'
    + 'window.__canvasReport&&window.__canvasReport({rev:' + JSON.stringify(String(rev)) + ',savedAt:' + savedAt
    + ',loadedAt:t,navStart:Math.round(performance.timeOrigin),complete:!!document.getElementById("end")});});</script>\n'
    + '<style>body{font:18px system-ui,sans-serif;margin:2em}</style>\n</head>\n<body>\n'
    + '<h1 id="rev">' + rev + '</h1>\n<p>' + 'Live reload test. '.repeat(padding) + '</p>\n<div id="end"></div>\n</body>\n</html>\n';
}

function save(text) {
  if (cfg.write === 'atomic') {
    const tmp = join(dirname(cfg.file), '.' + basename(cfg.file) + '.' + (tmpCounter++) + '.tmp');
    writeFileSync(tmp, text);
    renameSync(tmp, cfg.file);
  } else {
    writeFileSync(cfg.file, text); // in place: truncate, then write, as many editors and tools do
  }
}

/** Waits (polling, bounded) for a load report matching `pred`, from index `from` on. */
async function loadWhere(pred, from, what, timeoutMs = STEP_MS) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (let i = from; i < loads.length; i++) if (pred(loads[i])) return loads[i];
    if (Date.now() > deadline) {
      throw new Error(`no page load ${what} within ${timeoutMs} ms; loads so far: ${JSON.stringify(loads.slice(from))}`);
    }
    await sleep(2);
  }
}

async function connected(page, min = 1) {
  await page.waitForFunction((n) => window.__gatehouseCanvas && window.__gatehouseCanvas.connected
    && window.__gatehouseCanvas.connects >= n, min, { timeout: 60_000, polling: 5 });
}

const userDataDir = mkdtempSync(join(tmpdir(), 'gatehouse-canvas-'));
let context;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.GATEHOUSE_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding'],
    viewport: { width: 800, height: 500 },
    timeout: 30_000,
  });
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await page.exposeFunction('__canvasReport', (r) => { loads.push(r); });

  save(pageText('start', Date.now()));
  await page.goto(cfg.url, { waitUntil: 'domcontentloaded' });
  await loadWhere((l) => l.rev === 'start', 0, 'of the first version');
  await connected(page);

  for (const scenario of cfg.scenarios) {
    if (scenario === 'live') {
      const from = loads.length;
      const savedAt = Date.now();
      save(pageText('live-1', savedAt));
      const l = await loadWhere((x) => x.rev === 'live-1', from, 'showing the rewrite');
      await connected(page);
      const text = await page.textContent('#rev');
      if (text !== 'live-1') throw new Error(`the page shows "${text}", not the rewrite`);
      results.live = { reloads: loads.length - from, latencyMs: l.loadedAt - l.savedAt };
    } else if (scenario === 'burst') {
      const from = loads.length;
      for (let i = 1; i <= 20; i++) save(pageText('burst-' + i, Date.now()));
      await loadWhere((x) => x.rev === 'burst-20' && x.complete, from, 'showing the last of 20 quick saves');
      await connected(page);
      // the page is current now: nothing more may come (an observation window, not a wait for an effect)
      const settled = loads.length;
      await sleep(400);
      const text = await page.textContent('#rev');
      if (text !== 'burst-20') throw new Error(`after the burst the page shows "${text}"`);
      results.burst = { saves: 20, reloads: loads.length - from, reloadsAfterFinal: loads.length - settled,
        shown: loads.slice(from).map((x) => x.rev) };
    } else if (scenario === 'torn') {
      // The host serves a file without its end after incompleteWaitMs (500 ms), so a writer that never
      // finishes is still shown. The pause here is 150 ms; when the machine stretched it past 400 ms, a
      // half file may rightly be shown, and the attempt is made again (at most 3).
      for (let attempt = 1; ; attempt++) {
        const from = loads.length;
        const rev = 'torn-' + attempt;
        const whole = pageText(rev, Date.now(), 400);
        const cut = Math.floor(whole.length / 2);
        const fd = openSync(cfg.file, 'w');
        writeSync(fd, whole.slice(0, cut));
        const pausedAt = Date.now();
        await sleep(150); // a writer pausing in the middle of the file, longer than any quiet time
        writeSync(fd, whole.slice(cut));
        const pauseMs = Date.now() - pausedAt;
        closeSync(fd);
        await loadWhere((x) => x.rev === rev && x.complete, from, 'showing the whole file');
        await connected(page);
        const torn = loads.slice(from).filter((x) => !x.complete);
        results.torn = { reloads: loads.length - from, tornLoads: torn.length, pauseMs, attempts: attempt };
        if (!torn.length) break;
        if (pauseMs < 400 || attempt === 3) {
          throw new Error(`the page showed a half-written file ${torn.length} time(s) (the writer paused ${pauseMs} ms)`);
        }
      }
    } else if (scenario === 'restart') {
      if (!cfg.gatehouse || !cfg.home) throw new Error('restart needs gatehouse and home');
      const from = loads.length;
      const connects = await page.evaluate(() => window.__gatehouseCanvas.connects);
      const t0 = Date.now();
      execFileSync(cfg.gatehouse, ['--home', cfg.home, 'shell', 'gateway:restart', 'canvas browser test'],
        { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
      await connected(page, connects + 1);
      const reconnectMs = Date.now() - t0;
      const reloadsByRestart = loads.length - from;
      const savedAt = Date.now();
      save(pageText('after-restart', savedAt));
      const l = await loadWhere((x) => x.rev === 'after-restart', from, 'after the restart');
      await connected(page);
      results.restart = { reconnectMs, reloadsByRestart, latencyMs: l.loadedAt - l.savedAt };
    } else if (scenario === 'bench') {
      const n = cfg.saves ?? 50;
      const latencies = [];
      const toNavigation = [];
      let extra = 0;
      for (let i = 1; i <= n; i++) {
        await connected(page);
        const from = loads.length;
        const savedAt = Date.now();
        save(pageText('bench-' + i, savedAt));
        const l = await loadWhere((x) => x.rev === 'bench-' + i, from, `for save ${i}`);
        latencies.push(l.loadedAt - l.savedAt);
        toNavigation.push(l.navStart - l.savedAt);
        extra += loads.length - from - 1;
      }
      await connected(page);
      results.bench = { saves: n, write: cfg.write ?? 'inplace', latencies, toNavigation, extraLoads: extra };
    } else {
      throw new Error(`unknown scenario ${scenario}`);
    }
  }
  if (cfg.screenshot) await page.screenshot({ path: cfg.screenshot });
  if (problems.length) throw new Error('the page reported problems');
  console.log(JSON.stringify({ results, loads: loads.length, problems }));
} catch (e) {
  console.error(`canvas-browser: ${e.message}`);
  if (problems.length) console.error(`page problems:\n  ${problems.join('\n  ')}`);
  console.error(`results so far: ${JSON.stringify(results)}`);
  process.exitCode = 1;
} finally {
  if (context) await context.close().catch(() => {});
  rmSync(userDataDir, { recursive: true, force: true });
  clearTimeout(watchdog);
}
