/**
 * The HTML reports in a real browser. Real ocpp-rpc stations talk through the relay with the KPI and store addons
 * (embedded chDB); the audit then writes its HTML page against CityCharge's certified profile (a fixture in this
 * folder, imported from its certification report), and Debian's chromium, driven headless by playwright-core with
 * the network off, opens it.
 *
 * - HTML-SLOW answers GetConfiguration in 1.2 s (certified max 1 s, declared 8 s) → slower_than_certified; it boots
 *   with firmware 1.0.0, then again with 1.1.0 (a marker on the timeline), and gets a SetChargingProfile
 *   (Smart Charging is "Not Tested": an uncertified_action finding with its frames);
 * - HTML-FAST answers at once → within_certified.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RPCClient } from 'ocpp-rpc';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startRelay, type Relay } from '../../src/core/relay.js';
import { createKpiAddon } from '../../src/kpi/index.js';
import { createStoreAddon, type StoreAddon } from '../../src/store/index.js';
import { writeAuditHtml } from '../../src/profiles/audit-command.js';
import type { AuditReport } from '../../src/profiles/audit-types.js';
import { fieldHtmlReport } from '../../src/store/html/field-report.js';
import { renderHtmlReport } from '../../src/store/html/html-page.js';
import type { HtmlReport } from '../../src/store/html/html-model.js';
import { pageData } from './page-data.js';
import { writeFileSync } from 'node:fs';
import { createControlAddon } from '../../src/control/control-server.js';
import { execFile } from 'node:child_process';
import { connectStation, startCsms, type TestCsms } from '../support/ocpp-peers.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const PROFILE = fileURLToPath(new URL('./fixtures/citycharge-2.1-ocpp16.profile.json', import.meta.url));
const SLOW_MS = 1200;

const dir = mkdtempSync(join(tmpdir(), 'html-report-'));
const dataDir = join(dir, 'data');
const auditFile = join(dir, 'audit.html');
const reportFile = join(dir, 'report.html');
let csms: TestCsms | undefined;
let relay: Relay | undefined;
let store: StoreAddon;
const stations: RPCClient[] = [];
let audit: AuditReport;
let context: BrowserContext | undefined;
/** Requests the pages tried beyond their own file (there must be none). */
const network: string[] = [];

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function record(): Promise<void> {
  csms = await startCsms({ protocols: ['ocpp1.6'] });
  store = createStoreAddon({ dataDir, flushMs: 50 });
  // The control API lets the CLI read the store while this proxy holds the chDB folder.
  relay = await startRelay({ upstream: csms.url, dataDir, addons: [createKpiAddon(), store, createControlAddon({ dataDir })] });
  const boot = (st: RPCClient, firmwareVersion: string) =>
    st.call('BootNotification', { chargePointVendor: 'CityCharge', chargePointModel: 'CityCharge 2.1', firmwareVersion });
  for (const [identity, delay] of [['HTML-FAST', 0], ['HTML-SLOW', SLOW_MS]] as const) {
    const st = await connectStation({
      url: `${relay.url}/ocpp`,
      identity,
      handlers: {
        GetConfiguration: async () => (await sleep(delay), { configurationKey: [] }),
        SetChargingProfile: () => ({ status: 'Accepted' }),
      },
    });
    stations.push(st);
    await boot(st, '1.0.0');
    const server = await csms.waitForClient(identity);
    const getConfiguration = () => server.call('GetConfiguration', { key: ['HeartbeatInterval'] });
    await getConfiguration();
    await getConfiguration();
    if (identity === 'HTML-SLOW') {
      await boot(st, '1.1.0');
      await server.call('SetChargingProfile', {
        connectorId: 1,
        csChargingProfiles: {
          chargingProfileId: 1, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Absolute',
          chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
        },
      });
    }
    await getConfiguration();
  }
  // Samples reach the store off the relay path: wait for all seven (FAST 3 GetConfiguration; SLOW 3 and a SetChargingProfile).
  const deadline = Date.now() + 15_000;
  for (;;) {
    await store.flush();
    const rows = await store.reader().kpiSamples({});
    if (rows.filter((r) => r.kpi === 'response_time').length >= 7 || Date.now() > deadline) break;
    await sleep(100);
  }
  audit = await writeAuditHtml(auditFile, { profile: PROFILE, source: { dataDir } }, store.reader());
  writeFileSync(reportFile, renderHtmlReport(await fieldHtmlReport(store.reader(), {}, `data folder ${dataDir}`)));
}

before(async () => {
  await record();
  if (!haveChromium) return;
  context = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
    executablePath: CHROMIUM,
    headless: true,
    offline: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-dev-shm-usage'],
    viewport: { width: 1280, height: 900 },
  });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
    network.push(url);
    return route.abort();
  });
});

after(async () => {
  await context?.close();
  for (const st of stations) await st.close({ force: true });
  await relay?.close();
  await csms?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Opens a report; returns the page and the errors its console and scripts gave. */
async function open(file: string): Promise<{ page: Page; errors: string[] }> {
  const page = await context!.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('body[data-charts="drawn"]', { timeout: 30_000 });
  return { page, errors };
}

/** Share of pixels that are not the page's white, and how many colours, of a PNG, measured by the browser itself. */
async function inkOf(page: Page, png: Buffer): Promise<{ inked: number; colours: number }> {
  return page.evaluate(async (b64) => {
    // Runs in the page: its DOM globals, which this file's Node typings do not declare.
    const { Image, document } = globalThis as unknown as { Image: new () => any; document: any };
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width;
    canvas.height = img.height;
    const g = canvas.getContext('2d');
    g.drawImage(img, 0, 0);
    const px = g.getImageData(0, 0, img.width, img.height).data;
    let inked = 0;
    const colours = new Set<number>();
    for (let i = 0; i < px.length; i += 4) {
      if (px[i]! < 240 || px[i + 1]! < 240 || px[i + 2]! < 240) inked++;
      colours.add((px[i]! << 16) | (px[i + 1]! << 8) | px[i + 2]!);
    }
    return { inked: inked / (px.length / 4), colours: colours.size };
  }, png.toString('base64'));
}

test('the audit behind the page gives the verdicts the recorded delays imply', () => {
  const rt = (id: string) => audit.stations.find((s) => s.station === id)?.kpis.find((k) => k.kpi === 'response_time');
  assert.equal(rt('HTML-SLOW')?.verdict, 'slower_than_certified', JSON.stringify(rt('HTML-SLOW')));
  assert.equal(rt('HTML-FAST')?.verdict, 'within_certified', JSON.stringify(rt('HTML-FAST')));
});

test('the audit page opens offline without errors and shows the slow station against its certificate', { skip: !haveChromium && `${CHROMIUM} not installed` }, async () => {
  const size = statSync(auditFile).size;
  assert.ok(size > 400_000 && size < 3_000_000, `one file with the chart libraries inlined: ${size} bytes`);
  const { page, errors } = await open(auditFile);
  assert.deepEqual(errors, [], 'no console error');

  const slow = page.locator('figure.dist[data-station="HTML-SLOW"][data-kpi="response_time"]');
  assert.equal(await slow.count(), 1, 'a distribution for the slow station\'s slow KPI');
  assert.match(await slow.locator('figcaption').innerText(), /slower_than_certified/);
  assert.match(await slow.locator('figcaption').innerText(), /slower than certified/, 'the verdict in words');
  assert.ok((await slow.locator('.chart svg rect').count()) > 0, 'histogram bars drawn');
  const svgText = await slow.locator('.chart svg').textContent();
  assert.match(svgText ?? '', /cert\. max 1 s/, 'the certified maximum is marked on the plot');
  assert.match(svgText ?? '', /cert\. avg 0\.09 s/);

  const fast = page.locator('figure.dist[data-station="HTML-FAST"][data-kpi="response_time"] figcaption');
  assert.match(await fast.innerText(), /within_certified/);

  // The fleet table: coloured by verdict and saying it in words; filtering hides the other station.
  const slowRow = page.locator('#fleet-table tbody tr', { hasText: 'HTML-SLOW' });
  assert.match(await slowRow.locator('td.v-slower_than_certified').innerText(), /slower than certified/);
  await page.fill('#fleet-filter', 'FAST');
  assert.equal(await slowRow.isHidden(), true, 'filtered out');
  await page.fill('#fleet-filter', '');
  await page.selectOption('#verdict-filter', 'slower_than_certified');
  assert.equal(await page.locator('#fleet-table tbody tr', { hasText: 'HTML-FAST' }).isHidden(), true);
  await page.selectOption('#verdict-filter', '');
  // Sorting by response_time puts the worst verdict first.
  await page.click('#fleet-table th:has-text("response_time")');
  assert.match(await page.locator('#fleet-table tbody tr').first().innerText(), /HTML-SLOW/);

  // The finding, with the frames that show it.
  const finding = page.locator('.finding', { hasText: 'uncertified_action' });
  assert.ok((await finding.count()) >= 1, 'the uncertified SetChargingProfile is a finding');
  assert.match(await finding.first().locator('pre').first().innerText(), /"SetChargingProfile"/);
  const kpiFinding = page.locator('.finding', { hasText: 'kpi_slower_than_certified' });
  assert.match(await kpiFinding.innerText(), /GetConfiguration/, 'the slowest measurement\'s exchange is shown');

  // KPIs over time: a line per station and the firmware change as a marker.
  const timeline = page.locator('figure.timeline[data-kpi="response_time"] .chart');
  assert.match((await timeline.textContent()) ?? '', /HTML-SLOW: 1\.0\.0 → 1\.1\.0/);

  // Printing hides the controls and keeps the content.
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('.controls').isHidden(), true);
  assert.equal(await slow.isVisible(), true);
  await page.emulateMedia({ media: 'screen' });

  const shot = join(dir, 'audit.png');
  await slow.scrollIntoViewIfNeeded();
  const png = await page.screenshot({ path: shot, fullPage: false });
  // For a look by eye: KEEP_SCREENSHOT=/tmp/x keeps this shot and the whole page beside it.
  if (process.env.KEEP_SCREENSHOT) {
    writeFileSync(`${process.env.KEEP_SCREENSHOT}.png`, png);
    await page.screenshot({ path: `${process.env.KEEP_SCREENSHOT}-full.png`, fullPage: true });
    writeFileSync(`${process.env.KEEP_SCREENSHOT}.html`, readFileSync(auditFile));
  }
  assert.ok(statSync(shot).size > 5000, 'a screenshot was saved');
  const ink = await inkOf(page, png);
  assert.ok(ink.inked > 0.02 && ink.colours > 20, `the screenshot is not blank: ${JSON.stringify(ink)}`);
  assert.deepEqual(errors, [], 'still no console error');
  assert.deepEqual(network, [], 'the page asked for nothing over the network');
  await page.close();
});

test('the report page (field figures only) opens offline too', { skip: !haveChromium && `${CHROMIUM} not installed` }, async () => {
  assert.ok(readFileSync(reportFile, 'utf8').includes('field_only'), 'verdicts say no certificate is bound');
  const { page, errors } = await open(reportFile);
  assert.deepEqual(errors, []);
  const fig = page.locator('figure.dist[data-station="HTML-SLOW"][data-kpi="response_time"]');
  assert.ok((await fig.locator('.chart svg rect').count()) > 0);
  assert.doesNotMatch((await fig.locator('.chart').textContent()) ?? '', /cert\./, 'no certificate, no certified marks');
  assert.equal(await page.locator('.finding').count(), 0);
  assert.deepEqual(network, []);
  await page.close();
});

test('audit --html from the CLI, reading the running proxy\'s store through its control API', async () => {
  const file = join(dir, 'cli-audit.html');
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const argv = ['--import', 'tsx', 'test/profiles/run-cli.ts', 'audit', '--data', dataDir, '--profile', PROFILE, '--html', file];
  const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, argv, { cwd: root }, (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }));
  });
  assert.equal(run.code, 2, `an error finding (the uncertified SetChargingProfile) gates: ${run.stderr}`);
  assert.match(run.stderr, /wrote .*cli-audit\.html/);
  assert.match(run.stdout, /kpi_slower_than_certified/, 'the table still goes to stdout');
  const html = readFileSync(file, 'utf8');
  const data = pageData(html);
  const slow = data.samples.filter((s) => s.station === 'HTML-SLOW' && s.kpi === 'response_time');
  assert.equal(slow.length, 4, 'the samples came through /api/kpi-samples');
  assert.ok(html.includes('<code>slower_than_certified</code>'));
});

test('a fleet page: histograms drawn as they scroll into view (all before printing), the timeline thinned to p95 per slot', { skip: !haveChromium && `${CHROMIUM} not installed` }, async () => {
  const kpis = ['response_time', 'triggered_function'] as const;
  const t0 = Date.UTC(2026, 0, 1) * 1000;
  const model: HtmlReport = {
    mode: 'report',
    title: 'fleet',
    generatedAt: new Date(0).toISOString(),
    source: 'test',
    kpis: [...kpis],
    stations: Array.from({ length: 150 }, (_, i) => ({
      station: `FLEET-${String(i).padStart(3, '0')}`,
      firmwareChanges: [],
      kpis: kpis.map((kpi) => ({ kpi, field: { count: 60, timeouts: 0, minMs: 1, avgMs: 50, p95Ms: 90, maxMs: 99 }, certified: null, verdict: 'field_only' as const, reason: '' })),
    })),
    samples: Array.from({ length: 18_000 }, (_, i) => ({ station: `FLEET-${String(i % 150).padStart(3, '0')}`, kpi: kpis[Math.floor(i / 150) % 2]!, at: t0 + i * 1e6, valueMs: i % 100, messageId: '' })),
  };
  const file = join(dir, 'fleet.html');
  writeFileSync(file, renderHtmlReport(model));
  const { page, errors } = await open(file);
  const figures = page.locator('figure.dist');
  assert.equal(await figures.count(), 300);
  const drawn = () => page.locator('figure.dist[data-drawn] .chart svg').count();
  assert.equal(await drawn(), 0, 'the stations lie below the fleet table: nothing drawn yet');
  const far = figures.nth(200);
  await far.scrollIntoViewIfNeeded();
  await far.locator('.chart svg').waitFor({ timeout: 10_000 });
  const early = await drawn();
  assert.ok(early > 0 && early < 300, `only the figures near the view are drawn: ${early}`);
  assert.match((await page.locator('figure.timeline[data-kpi="response_time"]').textContent()) ?? '', /9000 samples: each point is a station's p95 over \d+ s/);
  await page.evaluate(() => (globalThis as unknown as { dispatchEvent(e: Event): boolean }).dispatchEvent(new Event('beforeprint')));
  assert.equal(await drawn(), 300, 'every histogram before printing');
  assert.deepEqual(errors, []);
  await page.close();
});
