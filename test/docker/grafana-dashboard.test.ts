/**
 * The Grafana board (docker/grafana) without Grafana, which cannot run here. Its files are checked for what can be
 * checked: the dashboard JSON against a schema of the Grafana dashboard model's parts it uses (Ajv), panels on the
 * 24-column grid without overlaps, every query on the provisioned ClickHouse data source, the compose file mounting
 * the provisioning. Then every panel's SQL runs, its Grafana macros expanded as the plugin would, against a
 * clickhouse-server 18.16 this test starts, on traffic recorded through the real relay (validation, KPI, rules and
 * store addons) and the certified figures `audit --publish` writes, and must return the columns the panel reads.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import type { RPCClient } from 'ocpp-rpc';
import { PACKAGE_ROOT } from '../../src/package-info.js';
import { startRelay, type Relay } from '../../src/core/relay.js';
import { createKpiAddon } from '../../src/kpi/index.js';
import { createStoreAddon, type StoreAddon } from '../../src/store/index.js';
import { createValidationAddon } from '../../src/validation/index.js';
import { RulesAddon } from '../../src/rules/rules-addon.js';
import { auditFromStore, writeAuditHtml } from '../../src/profiles/audit-command.js';
import { pageData } from '../report-html/page-data.js';
import { publishCertified } from '../../src/profiles/publish-certified.js';
import { openServer } from '../../src/store/server-backend.js';
import { parseClickhouseTarget } from '../../src/store/clickhouse-url.js';
import type { CertifiedProfile } from '../../src/profiles/profile-types.js';
import { connectRawStation, connectStation, startCsms, type RawStation, type TestCsms } from '../support/ocpp-peers.js';
import { clickhouseBin, SKIP_MESSAGE, TestClickhouse, waitFor } from '../store/clickhouse-support.js';

const GRAFANA = join(PACKAGE_ROOT, 'docker', 'grafana');
const dashboard = JSON.parse(readFileSync(join(GRAFANA, 'dashboards', 'ocpp-mitm.json'), 'utf8'));
const datasources = parseYaml(readFileSync(join(GRAFANA, 'provisioning', 'datasources', 'clickhouse.yaml'), 'utf8'));
const providers = parseYaml(readFileSync(join(GRAFANA, 'provisioning', 'dashboards', 'ocpp-mitm.yaml'), 'utf8'));
const compose = parseYaml(readFileSync(join(PACKAGE_ROOT, 'docker', 'compose.grafana.yml'), 'utf8'));

/** What each panel reads, by title: the columns its query must return, in order. */
const COLUMNS: Record<string, string[]> = {
  'Frames/s by OCPP version and message type': ['time', 'version_type', 'frames_per_s'],
  'Stations seen': ['stations', 'frames'],
  'Invalid and malformed frames': ['time', 'version', 'invalid', 'malformed'],
  'Where invalid frames come from': ['station', 'version', 'message', 'error_code', 'frames', 'last_seen'],
  'KPI percentiles per station against certified figures': ['station', 'kpi', 'n', 'p50_s', 'p95_s', 'p99_s', 'field_max_s', 'cert_avg_s', 'cert_max_s', 'declared_max_s', 'verdict'],
  'KPI p95 over time (${kpi})': ['time', 'station', 'p95_s'],
  'Rule hits over time': ['time', 'rule', 'hits'],
  'Rule hits': ['rule', 'hits', 'stations', 'dropped', 'modified', 'injected'],
  'Seconds since the last frame was stored': ['lag_s'],
  'Rows stored per table': ['time', 'tbl', 'stored_rows'],
  'Tables on disk': ['table', 'table_rows', 'parts', 'bytes_on_disk'],
};

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: Array<{ refId: string; rawSql: string; queryType: string; format: number; editorType: string; datasource: { type: string; uid: string } }>;
}
const panels = dashboard.panels as Panel[];
const queried = panels.filter((p) => p.type !== 'row');

/**
 * The parts of Grafana's dashboard model (schemaVersion 39) this board uses, as a JSON Schema: Grafana publishes
 * its model as CUE/TypeScript, not as a JSON Schema, so this one is written from it.
 */
const DASHBOARD_SCHEMA = {
  type: 'object',
  required: ['uid', 'title', 'schemaVersion', 'panels', 'time', 'templating'],
  properties: {
    uid: { type: 'string', pattern: '^[a-zA-Z0-9_-]{1,40}$' },
    title: { type: 'string', minLength: 1 },
    schemaVersion: { type: 'integer', minimum: 36 },
    version: { type: 'integer' },
    editable: { type: 'boolean' },
    graphTooltip: { enum: [0, 1, 2] },
    refresh: { type: 'string', pattern: '^(\\d+[smhd])?$' },
    timezone: { enum: ['browser', 'utc', ''] },
    tags: { type: 'array', items: { type: 'string' } },
    time: { type: 'object', required: ['from', 'to'], properties: { from: { type: 'string' }, to: { type: 'string' } } },
    templating: {
      type: 'object',
      required: ['list'],
      properties: {
        list: {
          type: 'array',
          items: {
            type: 'object',
            required: ['name', 'type'],
            properties: { name: { type: 'string', pattern: '^[a-z_]+$' }, type: { enum: ['query', 'custom', 'textbox', 'constant', 'datasource', 'interval', 'adhoc'] } },
          },
        },
      },
    },
    annotations: { type: 'object', properties: { list: { type: 'array' } } },
    panels: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['id', 'type', 'title', 'gridPos'],
        properties: {
          id: { type: 'integer', minimum: 1 },
          type: { enum: ['row', 'timeseries', 'table', 'stat', 'barchart', 'gauge', 'bargauge'] },
          title: { type: 'string', minLength: 1 },
          description: { type: 'string' },
          gridPos: {
            type: 'object',
            required: ['x', 'y', 'w', 'h'],
            additionalProperties: false,
            properties: { x: { type: 'integer', minimum: 0, maximum: 23 }, y: { type: 'integer', minimum: 0 }, w: { type: 'integer', minimum: 1, maximum: 24 }, h: { type: 'integer', minimum: 1 } },
          },
          datasource: { type: 'object', required: ['type', 'uid'] },
          targets: {
            type: 'array',
            items: {
              type: 'object',
              required: ['refId', 'rawSql', 'editorType', 'queryType', 'format', 'datasource'],
              properties: {
                refId: { type: 'string' },
                rawSql: { type: 'string', minLength: 10 },
                editorType: { const: 'sql' },
                queryType: { enum: ['timeseries', 'table'] },
                // The plugin's Format: 0 time series, 1 table.
                format: { enum: [0, 1] },
              },
            },
          },
          fieldConfig: { type: 'object', required: ['defaults', 'overrides'] },
          options: { type: 'object' },
          collapsed: { type: 'boolean' },
          panels: { type: 'array' },
        },
      },
    },
  },
};

describe('Grafana provisioning files', () => {
  test('the dashboard follows the dashboard model', () => {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(DASHBOARD_SCHEMA);
    assert.ok(validate(dashboard), JSON.stringify(validate.errors, null, 2));
    const ids = panels.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, 'panel ids are unique');
  });

  test('panels sit on the 24-column grid without overlapping', () => {
    for (const p of panels) assert.ok(p.gridPos.x + p.gridPos.w <= 24, `${p.title} runs past column 24`);
    for (const a of panels) {
      for (const b of panels) {
        if (a === b) continue;
        const apart = a.gridPos.x + a.gridPos.w <= b.gridPos.x || b.gridPos.x + b.gridPos.w <= a.gridPos.x || a.gridPos.y + a.gridPos.h <= b.gridPos.y || b.gridPos.y + b.gridPos.h <= a.gridPos.y;
        assert.ok(apart, `"${a.title}" overlaps "${b.title}"`);
      }
    }
  });

  test('every query goes to the provisioned ClickHouse data source, with a format that fits its panel', () => {
    const ds = datasources.datasources[0];
    assert.equal(ds.type, 'grafana-clickhouse-datasource', 'the official plugin');
    assert.equal(ds.jsonData.protocol, 'http');
    assert.equal(ds.secureJsonData.password, '${CLICKHOUSE_PASSWORD}', 'the password comes from the environment');
    for (const p of queried) {
      assert.deepEqual(p.datasource, { type: ds.type, uid: ds.uid }, p.title);
      assert.ok(p.targets && p.targets.length > 0, `${p.title} has a query`);
      for (const t of p.targets) {
        assert.deepEqual(t.datasource, p.datasource);
        assert.equal(t.format, p.type === 'timeseries' ? 0 : 1, `${p.title}: time series panels read the time-series format`);
        if (p.type === 'timeseries') assert.match(t.rawSql, /AS time\b/, `${p.title}: the plugin takes the time column by its name`);
      }
    }
    assert.deepEqual(queried.map((p) => p.title).sort(), Object.keys(COLUMNS).sort(), 'each panel has its expected columns here');
    const vars = new Set((dashboard.templating.list as Array<{ name: string }>).map((v) => v.name));
    for (const p of queried) for (const m of JSON.stringify(p).matchAll(/\$\{(\w+)\}/g)) assert.ok(vars.has(m[1]!), `${p.title} uses an undefined variable ${m[1]}`);
  });

  test('compose mounts the provisioning and the dashboards where the provider looks, and installs the plugin', () => {
    const g = compose.services.grafana;
    assert.match(g.environment.GF_INSTALL_PLUGINS, /grafana-clickhouse-datasource/);
    assert.ok(g.volumes.includes('./grafana/provisioning:/etc/grafana/provisioning:ro'));
    const dashMount = (g.volumes as string[]).find((v) => v.startsWith('./grafana/dashboards:'))!;
    assert.equal(dashMount.split(':')[1], providers.providers[0].options.path);
    assert.equal(g.depends_on.clickhouse.condition, 'service_healthy', 'it runs beside the compose file that has clickhouse');
    for (const v of ['CLICKHOUSE_HOST', 'CLICKHOUSE_PORT', 'CLICKHOUSE_USER', 'CLICKHOUSE_PASSWORD', 'CLICKHOUSE_DATABASE']) assert.ok(v in g.environment, `${v} reaches the provisioning`);
  });
});

/** The plugin's macros and the board's variables, expanded as Grafana would for the last hour. */
function expand(sql: string, fromS: number, toS: number): string {
  return sql
    .replaceAll('$__fromTime', `toDateTime(${fromS})`)
    .replaceAll('$__toTime', `toDateTime(${toS})`)
    .replaceAll('$__interval_s', '10')
    .replaceAll('${station}', '.*')
    .replaceAll('${kpi}', 'response_time');
}

const PROFILE = fileURLToPath(new URL('../report-html/fixtures/citycharge-2.1-ocpp16.profile.json', import.meta.url));

describe('every panel query on recorded traffic (clickhouse-server 18.16)', () => {
  let ch: TestClickhouse | undefined;
  let dir = '';
  let csms: TestCsms | undefined;
  let relay: Relay | undefined;
  let store: StoreAddon | undefined;
  const stations: RPCClient[] = [];
  let raw: RawStation | undefined;
  const results = new Map<string, { meta: Array<{ name: string }>; data: Array<Record<string, unknown>> }>();

  before(async () => {
    ch = await TestClickhouse.launch();
    if (!ch) return;
    dir = await mkdtemp(join(tmpdir(), 'grafana-board-'));
    // CityCharge's certificate with its response-time maximum edited to 0.1 s: GF-SLOW answers in 300 ms.
    const city = JSON.parse(readFileSync(PROFILE, 'utf8')) as CertifiedProfile;
    writeFileSync(join(dir, 'profile.json'), JSON.stringify({ ...city, kpis: { ...city.kpis, response_time: { ...city.kpis!.response_time!, maxS: 0.1 } } }));
    mkdirSync(join(dir, 'rules'));
    writeFileSync(
      join(dir, 'rules', 'late-heartbeat.yaml'),
      ['rules:', '  - id: heartbeat-answer-late', '    match: { direction: to-station, type: CALLRESULT, action: Heartbeat }', '    actions:', '      - delay: { ms: 5 }'].join('\n'),
    );
    csms = await startCsms({ protocols: ['ocpp1.6', 'ocpp2.0.1'], strict: false });
    store = createStoreAddon({ dataDir: join(dir, 'data'), clickhouse: ch.url, flushMs: 50 });
    relay = await startRelay({
      upstream: csms.url,
      dataDir: join(dir, 'data'),
      addons: [createValidationAddon({ mode: 'observe' }), createKpiAddon(), new RulesAddon({ dir: join(dir, 'rules'), watch: false }), store],
    });
    const slow = await connectStation({
      url: `${relay.url}/ocpp`,
      identity: 'GF-SLOW',
      handlers: { GetConfiguration: async () => (await new Promise((r) => setTimeout(r, 300)), { configurationKey: [] }) },
    });
    stations.push(slow);
    await slow.call('BootNotification', { chargePointVendor: 'CityCharge', chargePointModel: 'CityCharge 2.1', firmwareVersion: '1.0' });
    for (let i = 0; i < 2; i++) await slow.call('Heartbeat', {});
    const server = await csms.waitForClient('GF-SLOW');
    for (let i = 0; i < 3; i++) await server.call('GetConfiguration', { key: ['HeartbeatInterval'] });
    const v201 = await connectStation({ url: `${relay.url}/ocpp`, identity: 'GF-201', protocols: ['ocpp2.0.1'] });
    stations.push(v201);
    await v201.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'V', model: 'M' } });
    await v201.call('Heartbeat', {});
    // A station that sends a Heartbeat with a field OCPP does not have, then text that is no OCPP-J at all.
    raw = await connectRawStation(`${relay.url}/ocpp/GF-RAW`, ['ocpp1.6']);
    raw.send(JSON.stringify([2, 'bad-1', 'Heartbeat', { bogus: 1 }]));
    await raw.next();
    raw.send('not json');

    const count = async (sql: string): Promise<number> => Number(await ch!.query(sql));
    await waitFor(
      'the recorded traffic in ClickHouse',
      async () => {
        await store!.flush();
        return (await count("SELECT count() FROM kpi_samples WHERE identity = 'GF-SLOW' AND kpi = 'response_time'")) >= 3 && (await count("SELECT count() FROM frames WHERE malformed != ''")) >= 1;
      },
      30_000,
    );
    // audit --publish, as the CLI runs it: the audit over the server, its certified figures written back.
    const report = await auditFromStore({ profile: join(dir, 'profile.json'), source: { clickhouse: ch.url } });
    const backend = await openServer(parseClickhouseTarget({ clickhouse: ch.url }));
    try {
      assert.ok((await publishCertified(backend, report)) > 0, 'certified rows written');
    } finally {
      await backend.close();
    }

    // The HTML audit from the same server: its samples query must run on 18.16 too.
    await writeAuditHtml(join(dir, 'audit.html'), { profile: join(dir, 'profile.json'), source: { clickhouse: ch.url } });

    const nowS = Math.floor(Date.now() / 1000);
    for (const p of queried) {
      const sql = expand(p.targets![0]!.rawSql, nowS - 3600, nowS + 60);
      const res = await fetch(`${ch.url}/?default_format=JSON`, { method: 'POST', body: sql });
      const text = await res.text();
      if (!res.ok) throw new Error(`panel "${p.title}": ClickHouse refused its SQL: ${text.slice(0, 600)}\n${sql}`);
      results.set(p.title, JSON.parse(text));
    }
  });

  after(async () => {
    for (const s of stations) await s.close({ force: true });
    raw?.close();
    await relay?.close();
    await csms?.close();
    await ch?.destroy();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const noServer = clickhouseBin() === undefined && SKIP_MESSAGE;

  test('each panel returns the columns it reads, in order', { skip: noServer }, () => {
    assert.equal(results.size, queried.length);
    for (const [title, r] of results) assert.deepEqual(r.meta.map((m) => m.name), COLUMNS[title], title);
  });

  test('audit --html reads a ClickHouse server too', { skip: noServer }, () => {
    const data = pageData(readFileSync(join(dir, 'audit.html'), 'utf8'));
    assert.equal(data.samples.filter((x) => x.station === 'GF-SLOW' && x.kpi === 'response_time').length, 3);
    assert.equal(data.stations.find((x) => x.station === 'GF-SLOW')?.kpis.find((k) => k.kpi === 'response_time')?.verdict, 'slower_than_certified');
  });

  test('the figures are those of the recorded traffic', { skip: noServer }, () => {
    const rows = (title: string) => results.get(title)!.data;
    const series = new Set(rows('Frames/s by OCPP version and message type').map((r) => r.version_type));
    for (const s of ['1.6 CALL', '1.6 CALLRESULT', '2.0.1 CALL', '2.0.1 CALLRESULT']) assert.ok(series.has(s), `${s} in ${[...series].join(', ')}`);
    assert.equal(Number(rows('Stations seen')[0]!.stations), 3);

    const invalid = rows('Invalid and malformed frames').reduce((n, r) => n + Number(r.invalid), 0);
    const malformed = rows('Invalid and malformed frames').reduce((n, r) => n + Number(r.malformed), 0);
    assert.ok(invalid >= 1 && malformed >= 1, `invalid ${invalid}, malformed ${malformed}`);
    assert.ok(rows('Where invalid frames come from').some((r) => r.station === 'GF-RAW' && r.message === 'Heartbeat'), 'the bad Heartbeat, by station and action');

    const kpi = rows('KPI percentiles per station against certified figures').find((r) => r.station === 'GF-SLOW' && r.kpi === 'response_time');
    assert.ok(kpi, 'GF-SLOW response_time');
    assert.equal(Number(kpi.n), 3);
    assert.ok(Number(kpi.p95_s) >= 0.3, `p95 ${kpi.p95_s} s`);
    assert.equal(Number(kpi.cert_max_s), 0.1, 'the published certified maximum');
    assert.equal(Number(kpi.declared_max_s), 8);
    assert.equal(kpi.verdict, 'slower_than_certified', 'the verdict the audit gives');
    assert.ok(rows('KPI p95 over time (${kpi})').some((r) => r.station === 'GF-SLOW'));

    const hits = rows('Rule hits').find((r) => r.rule === 'heartbeat-answer-late');
    assert.ok(hits && Number(hits.hits) >= 3, `rule hits: ${JSON.stringify(rows('Rule hits'))}`);
    assert.ok(rows('Rule hits over time').some((r) => r.rule === 'heartbeat-answer-late'));

    const lag = Number(rows('Seconds since the last frame was stored')[0]!.lag_s);
    assert.ok(lag >= 0 && lag < 600, `lag ${lag} s`);
    const tables = new Set(rows('Rows stored per table').map((r) => r.tbl));
    for (const t of ['frames', 'calls', 'kpi_samples', 'sessions']) assert.ok(tables.has(t), `${t} rows stored`);
    const disk = rows('Tables on disk').find((r) => r.table === 'frames');
    assert.ok(disk && Number(disk.table_rows) > 0 && Number(disk.parts) > 0);
  });
});
