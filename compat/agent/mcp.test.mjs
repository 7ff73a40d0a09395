// Drives Tollgate's MCP server over stdio with the official MCP TypeScript client: lists the
// tools, calls each with valid and invalid arguments, checks that a prompt is metered and
// charged like any gateway request, and signs in with the login tool (approved in a headless
// Chromium through bin/xdg-open).
//
// Environment: TOLLGATE_URL (http://127.0.0.1:PORT), TOLLGATE_SANDBOX_KEY, and
// TOLLGATE_MCP_COMMAND, a JSON array with the command that starts `tollgate mcp`.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const serverUrl = process.env.TOLLGATE_URL;
const sandboxKey = process.env.TOLLGATE_SANDBOX_KEY;
const command = JSON.parse(process.env.TOLLGATE_MCP_COMMAND || 'null');
assert.ok(serverUrl && sandboxKey && command,
  'set TOLLGATE_URL, TOLLGATE_SANDBOX_KEY and TOLLGATE_MCP_COMMAND');
const here = dirname(fileURLToPath(import.meta.url));

async function connect(extraEnv) {
  const env = { ...process.env, TOLLGATE_URL: serverUrl, ...extraEnv };
  delete env.TOLLGATE_SECRET_KEY;
  delete env.LAVA_SECRET_KEY;
  Object.assign(env, extraEnv);
  const transport = new StdioClientTransport({
    command: command[0], args: [...command.slice(1), 'mcp'], env, stderr: 'inherit',
  });
  const client = new Client({ name: 'tollgate-mcp-test', version: '0.0.0' });
  await client.connect(transport);
  return client;
}

async function api(method, path, body) {
  const response = await fetch(`${serverUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${sandboxKey}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  assert.ok(response.status < 300, `${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

function text(result) {
  return result.content.map((part) => part.text).join('\n');
}

function ok(result) {
  assert.equal(result.isError, false, text(result));
  return JSON.parse(text(result));
}

function failsNaming(result, argument) {
  assert.equal(result.isError, true, `expected a tool error, got ${text(result)}`);
  assert.match(text(result), new RegExp(`'${argument}'`));
}

describe('tollgate mcp over stdio', () => {
  let client;
  let configDir;

  before(async () => {
    configDir = mkdtempSync(join(tmpdir(), 'tollgate-mcp-'));
    client = await connect({ TOLLGATE_SECRET_KEY: sandboxKey, XDG_CONFIG_HOME: configDir });
  });

  after(async () => {
    await client?.close();
    rmSync(configDir, { recursive: true, force: true });
  });

  it('lists every tool with a schema', async () => {
    const { tools } = await client.listTools();
    const names = tools.map((tool) => tool.name);
    for (const expected of ['login', 'prompt', 'call', 'search', 'meters_list', 'meters_get',
      'meters_create', 'meters_delete', 'plans_list', 'plans_get', 'plans_create',
      'checkout_sessions_create', 'customers_list', 'customers_get', 'customers_create',
      'subscriptions_list', 'subscriptions_get', 'usage_get', 'requests_list', 'requests_get',
      'forward_token_create']) {
      assert.ok(names.includes(expected), `missing tool ${expected} in ${names}`);
    }
    for (const tool of tools) {
      assert.equal(tool.inputSchema.type, 'object', tool.name);
      assert.ok(tool.description, tool.name);
    }
  });

  it('rejects invalid arguments naming them', async () => {
    const cases = [
      ['meters_get', {}, 'meter_id'],
      ['meters_get', { meter_id: 42 }, 'meter_id'],
      ['meters_list', { limit: 'ten' }, 'limit'],
      ['meters_list', { colour: 'red' }, 'colour'],
      ['meters_create', { name: 'x', rate_type: 'flat', tier_type: 'requests', tiers: [] },
        'rate_type'],
      ['plans_create', { name: 'x', period_amount: '1.00' }, 'billing_interval'],
      ['plans_get', {}, 'plan_id'],
      ['checkout_sessions_create', { origin_url: 'https://shop.example' }, 'checkout_mode'],
      ['customers_get', {}, 'customer_id'],
      ['subscriptions_get', {}, 'customer_id'],
      ['usage_get', {}, 'start'],
      ['requests_get', {}, 'request_id'],
      ['requests_list', { limit: 1.5 }, 'limit'],
      ['prompt', { model: 'gpt-4o-mini' }, 'messages'],
      ['prompt', { messages: [{ role: 'user', content: 'Hi' }] }, 'model'],
      ['prompt', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }],
        customer_id: 'con_x' }, 'meter_slug'],
      ['prompt', { model: 'no-such-model', messages: [{ role: 'user', content: 'Hi' }] },
        'model'],
      ['call', {}, 'url'],
      ['call', { url: 'https://api.openai.com/v1/models', method: 'TRACE' }, 'method'],
      ['search', { query: 7 }, 'query'],
      ['forward_token_create', { customer_id: 'con_x' }, 'meter_slug'],
    ];
    for (const [name, args, argument] of cases) {
      failsNaming(await client.callTool({ name, arguments: args }), argument);
    }
  });

  it('reports API errors as tool errors', async () => {
    const missing = await client.callTool({ name: 'meters_get',
      arguments: { meter_id: 'prd_test_01ARZ3NDEKTSV4RRFFQ69G5FAV' } });
    assert.equal(missing.isError, true);
    assert.match(text(missing), /HTTP 404/);
    const badTier = await client.callTool({ name: 'meters_create', arguments: {
      name: 'Bad', rate_type: 'fixed', tier_type: 'requests', tiers: [{ start: '0' }] } });
    assert.equal(badTier.isError, true);
    assert.match(text(badTier), /tiers\[0\]\.rate/);
  });

  it('manages meters, plans, customers and checkout', async () => {
    const meter = ok(await client.callTool({ name: 'meters_create', arguments: {
      name: 'MCP chat', rate_type: 'fixed', tier_type: 'tokens_1m',
      tiers: [{ start: '0', rate: '2' }] } }));
    assert.match(meter.meter_id, /^prd_test_/);
    assert.equal(ok(await client.callTool({ name: 'meters_get',
      arguments: { meter_id: meter.meter_id } })).meter_id, meter.meter_id);
    const meters = ok(await client.callTool({ name: 'meters_list', arguments: { limit: 100 } }));
    assert.ok(meters.data.some((m) => m.meter_id === meter.meter_id));

    const plan = ok(await client.callTool({ name: 'plans_create', arguments: {
      name: 'MCP plan', period_amount: '10.00', included_credit: '10.00',
      billing_interval: 'month', meter_ids: [meter.meter_id] } }));
    assert.match(plan.plan_id, /^pln_test_/);
    assert.equal(ok(await client.callTool({ name: 'plans_get',
      arguments: { plan_id: plan.plan_id } })).plan_id, plan.plan_id);
    assert.ok(ok(await client.callTool({ name: 'plans_list', arguments: {} })).data.length > 0);

    const session = ok(await client.callTool({ name: 'checkout_sessions_create', arguments: {
      checkout_mode: 'subscription', origin_url: 'https://shop.example', plan_id: plan.plan_id } }));
    assert.match(session.checkout_session_id, /^cs_test_/);

    const customer = ok(await client.callTool({ name: 'customers_create',
      arguments: { reference_id: 'mcp-user-1', email: 'mcp@example.com' } }));
    assert.equal(ok(await client.callTool({ name: 'customers_get',
      arguments: { customer_id: customer.customer_id } })).customer_id, customer.customer_id);
    assert.ok(Array.isArray(ok(await client.callTool({ name: 'customers_list',
      arguments: {} })).data));
    assert.ok(Array.isArray(ok(await client.callTool({ name: 'subscriptions_list',
      arguments: {} })).data));

    const spare = ok(await client.callTool({ name: 'meters_create', arguments: {
      name: 'Spare', rate_type: 'fixed', tier_type: 'requests', tiers: [{ start: '0', rate: '1' }] } }));
    const deleted = ok(await client.callTool({ name: 'meters_delete',
      arguments: { meter_id: spare.meter_id } }));
    assert.equal(deleted.deleted, true);
  });

  it('searches models with prices', async () => {
    const found = ok(await client.callTool({ name: 'search', arguments: { query: 'gpt-4o-mini' } }));
    assert.ok(found.count > 0);
    assert.equal(found.models[0].provider, 'openai');
    assert.ok(found.models[0].input_per_million);
    const none = ok(await client.callTool({ name: 'search', arguments: { query: 'zzz-none' } }));
    assert.equal(none.count, 0);
  });

  it('meters and charges a prompt', async () => {
    const meter = await api('POST', '/v1/meters', { name: 'Prompt meter', rate_type: 'fixed',
      tier_type: 'tokens_1m', tiers: [{ start: '0', rate: '2' }] });
    const plan = await api('POST', '/v1/plans', { name: 'Prompt plan', period_amount: '10.00',
      included_credit: '10.00', billing_interval: 'month', meter_ids: [meter.meter_id] });
    const session = await api('POST', '/v1/checkout_sessions', { checkout_mode: 'subscription',
      origin_url: 'https://shop.example', plan_id: plan.plan_id });
    const completed = await api('POST',
      `/v1/test_helpers/checkout_sessions/${session.checkout_session_id}/complete`,
      { phone: '+12025550177', card_number: '4242424242424242' });
    const customerId = completed.customer_id;

    const reply = ok(await client.callTool({ name: 'prompt', arguments: {
      model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hi' }], max_tokens: 50,
      customer_id: customerId, meter_slug: meter.meter_slug } }));

    assert.ok(reply.content.length > 0);
    assert.match(reply.request_id, /^req_test_/);
    const record = await api('GET', `/v1/requests/${reply.request_id}`);
    assert.equal(record.customer_id, customerId);
    assert.equal(record.meter_id, meter.meter_id);
    assert.equal(record.status, 'completed');
    const tokens = record.model_usage.total_tokens;
    assert.ok(tokens > 0);
    // 2 dollars per million tokens, rounded once to 10 digits.
    const charge = (tokens * 2 / 1e6).toFixed(10);
    assert.equal(record.charge.amount, charge);
    const subscription = await api('GET', `/v1/customers/${customerId}/subscription`);
    assert.equal(subscription.subscription.credits.total_remaining,
      (10 - tokens * 2 / 1e6).toFixed(10));

    const requests = ok(await client.callTool({ name: 'requests_list',
      arguments: { customer_id: customerId } }));
    assert.equal(requests.data[0].request_id, reply.request_id);
    assert.equal(ok(await client.callTool({ name: 'requests_get',
      arguments: { request_id: reply.request_id } })).request_id, reply.request_id);
    const usage = ok(await client.callTool({ name: 'usage_get', arguments: {
      start: new Date(Date.now() - 86400000).toISOString(), customer_id: customerId } }));
    assert.equal(usage.totals.total_requests, 1);
  });

  it('sends a provider call through the gateway', async () => {
    const reply = ok(await client.callTool({ name: 'call', arguments: {
      url: 'https://api.openai.com/v1/chat/completions',
      body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] } } }));
    assert.equal(reply.status, 200);
    assert.match(reply.request_id, /^req_test_/);
    assert.ok(reply.body.choices.length > 0);
  });

  it('builds a forward token', async () => {
    const result = ok(await client.callTool({ name: 'forward_token_create',
      arguments: { customer_id: 'con_x', meter_slug: 'chat' } }));
    const token = JSON.parse(Buffer.from(result.forward_token, 'base64').toString('utf8'));
    assert.equal(token.secret_key, sandboxKey);
    assert.equal(token.customer_id, 'con_x');
    assert.equal(token.meter_slug, 'chat');
  });

  it('signs in with the login tool', async () => {
    const loginDir = mkdtempSync(join(tmpdir(), 'tollgate-mcp-login-'));
    const loggedOut = await connect({
      XDG_CONFIG_HOME: loginDir,
      PATH: `${join(here, 'bin')}:${process.env.PATH}`,
      TOLLGATE_APPROVE_KEY: sandboxKey,
      TOLLGATE_LOGIN_MODE: 'approve',
    });
    try {
      const before = await loggedOut.callTool({ name: 'meters_list', arguments: {} });
      assert.equal(before.isError, true);
      assert.match(text(before), /TOLLGATE_SECRET_KEY|401/);

      const login = ok(await loggedOut.callTool({ name: 'login', arguments: {} },
        undefined, { timeout: 120_000 }));

      assert.match(login.secret_key_id, /^sk_test_/);
      assert.equal(login.environment, 'sandbox');
      const file = join(loginDir, 'tollgate', 'credentials.json');
      assert.equal(statSync(file).mode & 0o777, 0o600);
      const stored = JSON.parse(readFileSync(file, 'utf8'));
      assert.match(stored.secret_key, /^aks_test_/);
      assert.notEqual(stored.secret_key, sandboxKey);
      assert.equal(stored.secret_key_id, login.secret_key_id);
      assert.ok(Array.isArray(ok(await loggedOut.callTool({ name: 'meters_list',
        arguments: {} })).data));
    } finally {
      await loggedOut.close();
      rmSync(loginDir, { recursive: true, force: true });
    }
  });
});
