// Drives Tollgate's MCP server at /mcp over Streamable HTTP with the official MCP TypeScript
// client: initializes, lists the tools, calls management tools, checks that a prompt is metered
// and charged like any gateway request, and that a missing or wrong secret key gets 401 and a
// second merchant's key can read none of the first merchant's objects.
//
// Environment: TOLLGATE_URL (http://127.0.0.1:PORT), TOLLGATE_SANDBOX_KEY, and
// TOLLGATE_OTHER_KEY, a sandbox key of another merchant on the same server.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  StreamableHTTPClientTransport, StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const serverUrl = process.env.TOLLGATE_URL;
const sandboxKey = process.env.TOLLGATE_SANDBOX_KEY;
const otherKey = process.env.TOLLGATE_OTHER_KEY;
assert.ok(serverUrl && sandboxKey && otherKey,
  'set TOLLGATE_URL, TOLLGATE_SANDBOX_KEY and TOLLGATE_OTHER_KEY');
const mcpUrl = new URL('/mcp', serverUrl);

async function connect(key) {
  const headers = key === undefined ? {} : { Authorization: `Bearer ${key}` };
  const transport = new StreamableHTTPClientTransport(mcpUrl, { requestInit: { headers } });
  const client = new Client({ name: 'tollgate-mcp-http-test', version: '0.0.0' });
  await client.connect(transport);
  return client;
}

async function api(method, path, body) {
  const response = await fetch(new URL(path, serverUrl), {
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

async function assertUnauthorized(key) {
  await assert.rejects(connect(key), (error) => {
    assert.ok(error instanceof StreamableHTTPError, `unexpected error ${error}`);
    assert.equal(error.code, 401);
    assert.match(error.message, /invalid_api_key/);
    return true;
  });
}

describe('tollgate MCP over Streamable HTTP', () => {
  let client;

  before(async () => {
    client = await connect(sandboxKey);
  });

  after(async () => {
    await client?.close();
  });

  it('initializes and lists the tools without login', async () => {
    assert.equal(client.getServerVersion().name, 'tollgate');
    const { tools } = await client.listTools();
    const names = tools.map((tool) => tool.name);
    for (const expected of ['prompt', 'call', 'search', 'meters_list', 'meters_get',
      'meters_create', 'meters_delete', 'plans_list', 'plans_get', 'plans_create',
      'checkout_sessions_create', 'customers_list', 'customers_get', 'customers_create',
      'subscriptions_list', 'subscriptions_get', 'usage_get', 'requests_list', 'requests_get',
      'forward_token_create']) {
      assert.ok(names.includes(expected), `missing tool ${expected} in ${names}`);
    }
    assert.ok(!names.includes('login'), 'login needs a browser on the server, not over HTTP');
    for (const tool of tools) {
      assert.equal(tool.inputSchema.type, 'object', tool.name);
    }
  });

  it('rejects a missing or wrong secret key with 401', async () => {
    await assertUnauthorized(undefined);
    await assertUnauthorized(`aks_test_${'W'.repeat(40)}`);
    await assertUnauthorized('not-a-key');

    const response = await fetch(mcpUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate'), /^Bearer/);
    const body = await response.json();
    assert.equal(body.error.type, 'authentication_error');
    assert.match(body.error.message, /Authorization: Bearer/);
  });

  it('rejects invalid arguments naming them', async () => {
    const cases = [
      ['meters_get', {}, 'meter_id'],
      ['meters_list', { limit: 'ten' }, 'limit'],
      ['meters_create', { name: 'x', rate_type: 'flat', tier_type: 'requests', tiers: [] },
        'rate_type'],
      ['prompt', { model: 'gpt-4o-mini' }, 'messages'],
      ['prompt', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }],
        fallbacks: 'gpt-4o' }, 'fallbacks'],
      ['usage_get', {}, 'start'],
    ];
    for (const [name, args, argument] of cases) {
      failsNaming(await client.callTool({ name, arguments: args }), argument);
    }
  });

  it('manages meters', async () => {
    const meter = ok(await client.callTool({ name: 'meters_create', arguments: {
      name: 'HTTP chat', rate_type: 'fixed', tier_type: 'tokens_1m',
      tiers: [{ start: '0', rate: '2' }] } }));
    assert.match(meter.meter_id, /^prd_test_/);
    assert.equal(ok(await client.callTool({ name: 'meters_get',
      arguments: { meter_id: meter.meter_id } })).name, 'HTTP chat');
    const meters = ok(await client.callTool({ name: 'meters_list', arguments: { limit: 100 } }));
    assert.ok(meters.data.some((m) => m.meter_id === meter.meter_id));
    const fetched = await api('GET', `/v1/meters/${meter.meter_id}`);
    assert.equal(fetched.meter_id, meter.meter_id);
  });

  it('meters and charges a prompt', async () => {
    const meter = await api('POST', '/v1/meters', { name: 'HTTP prompt meter',
      rate_type: 'fixed', tier_type: 'tokens_1m', tiers: [{ start: '0', rate: '2' }] });
    const plan = await api('POST', '/v1/plans', { name: 'HTTP prompt plan',
      period_amount: '10.00', included_credit: '10.00', billing_interval: 'month',
      meter_ids: [meter.meter_id] });
    const session = await api('POST', '/v1/checkout_sessions', { checkout_mode: 'subscription',
      origin_url: 'https://shop.example', plan_id: plan.plan_id });
    const completed = await api('POST',
      `/v1/test_helpers/checkout_sessions/${session.checkout_session_id}/complete`,
      { phone: '+12025550178', card_number: '4242424242424242' });
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
    assert.equal(record.charge.amount, (tokens * 2 / 1e6).toFixed(10));
    const subscription = await api('GET', `/v1/customers/${customerId}/subscription`);
    assert.equal(subscription.subscription.credits.total_remaining,
      (10 - tokens * 2 / 1e6).toFixed(10));
    const usage = ok(await client.callTool({ name: 'usage_get', arguments: {
      start: new Date(Date.now() - 86400000).toISOString(), customer_id: customerId } }));
    assert.equal(usage.totals.total_requests, 1);
  });

  it("hides one merchant's objects from another", async () => {
    const meter = ok(await client.callTool({ name: 'meters_create', arguments: {
      name: 'Private meter', rate_type: 'fixed', tier_type: 'requests',
      tiers: [{ start: '0', rate: '1' }] } }));
    const customer = ok(await client.callTool({ name: 'customers_create',
      arguments: { reference_id: 'http-private-1' } }));
    const reply = ok(await client.callTool({ name: 'prompt', arguments: {
      model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] } }));

    const other = await connect(otherKey);
    try {
      const hiddenMeter = await other.callTool({ name: 'meters_get',
        arguments: { meter_id: meter.meter_id } });
      assert.equal(hiddenMeter.isError, true);
      assert.match(text(hiddenMeter), /HTTP 404/);
      const hiddenCustomer = await other.callTool({ name: 'customers_get',
        arguments: { customer_id: customer.customer_id } });
      assert.equal(hiddenCustomer.isError, true);
      assert.match(text(hiddenCustomer), /HTTP 404/);
      const hiddenRequest = await other.callTool({ name: 'requests_get',
        arguments: { request_id: reply.request_id } });
      assert.equal(hiddenRequest.isError, true);
      assert.match(text(hiddenRequest), /HTTP 404/);

      const meters = ok(await other.callTool({ name: 'meters_list', arguments: { limit: 100 } }));
      assert.ok(!meters.data.some((m) => m.meter_id === meter.meter_id));
      const customers = ok(await other.callTool({ name: 'customers_list',
        arguments: { limit: 100 } }));
      assert.ok(!customers.data.some((c) => c.customer_id === customer.customer_id));
      const requests = ok(await other.callTool({ name: 'requests_list',
        arguments: { limit: 100 } }));
      assert.ok(!requests.data.some((r) => r.request_id === reply.request_id));
    } finally {
      await other.close();
    }
  });
});
