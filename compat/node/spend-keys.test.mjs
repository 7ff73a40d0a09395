// Runs the official @lavapayments/nodejs SDK (pinned in package.json) through every spend key
// call, then uses a spend key as the API key of the official `openai` client pointed at
// Tollgate's base URL, and checks the spend that Tollgate recorded.
//
// Environment:
//   TOLLGATE_BASE_URL      API base URL ending in /v1/, such as http://127.0.0.1:8080/v1/
//   TOLLGATE_SANDBOX_KEY   a sandbox secret key (aks_test_...)
//   TOLLGATE_LIVE_KEY      a live secret key (aks_live_...) of the same merchant
//   TOLLGATE_EXPECTED      JSON {text, stream_text, spend}: the replies that the provider
//                          behind Tollgate sends for gpt-4o-mini, and the total provider cost
//                          of one plain and one streamed completion
//
// The Maven build runs this file against SQLite and PostgreSQL through
// SpendKeySdkCompatibilityTest, whose fake provider replays the payloads behind
// TOLLGATE_EXPECTED. The cases run in order and share one key.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Lava } from '@lavapayments/nodejs';
import OpenAI from 'openai';

const baseUrl = requiredEnv('TOLLGATE_BASE_URL');
const sandbox = new Lava(requiredEnv('TOLLGATE_SANDBOX_KEY'), { baseUrl });
const live = new Lava(requiredEnv('TOLLGATE_LIVE_KEY'), { baseUrl });
const expected = JSON.parse(requiredEnv('TOLLGATE_EXPECTED'));

const ULID = '[0-9A-HJKMNP-TV-Z]{26}';
const KEY_PATTERN = /^lava_sk_[A-Za-z0-9]{40}$/;

function requiredEnv(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`Environment variable ${name} is missing. Set it before running these tests.`);
  }
  return value;
}

/** Returns the JSON error body of a rejected SDK call after checking its status. */
async function apiError(promise, expectedStatus) {
  const error = await promise.then(
    (result) => assert.fail(
      `expected HTTP ${expectedStatus}, got success: ${JSON.stringify(result)}`),
    (rejection) => rejection,
  );
  const match = /^Lava API Error: (\d{3}) (.*?) - (\{.*\})$/s.exec(error.message);
  assert.ok(match, `unexpected SDK error message: ${error.message}`);
  assert.equal(Number(match[1]), expectedStatus, error.message);
  return JSON.parse(match[3]);
}

/** Checks every field of a RestSpendKey. */
function assertSpendKeyShape(key) {
  assert.match(key.spend_key_id, new RegExp(`^spk_test_${ULID}$`));
  assert.match(key.key_preview, /^lava_sk_\.\.\.[A-Za-z0-9]{4}$/);
  assert.equal(typeof key.name, 'string');
  assert.ok(['active', 'paused'].includes(key.status), key.status);
  assert.ok(['openai', 'anthropic'].includes(key.request_shape), key.request_shape);
  assert.match(key.wallet_id, new RegExp(`^wal_${ULID}$`));
  assert.match(key.current_spend, /^\d+\.\d{10}$/);
  assert.match(key.total_spend, /^\d+\.\d{10}$/);
  assert.equal(typeof key.current_requests, 'number');
  assert.equal(typeof key.total_requests, 'number');
  assert.ok(!Number.isNaN(Date.parse(key.created_at)), key.created_at);
  for (const field of ['allowed_models', 'allowed_providers', 'spend_limit', 'request_limit',
    'rate_limit', 'expires_at', 'last_used_at']) {
    assert.ok(field in key, `RestSpendKey has no ${field}`);
  }
}

function openaiWith(key) {
  return new OpenAI({ apiKey: key, baseURL: baseUrl, maxRetries: 0, timeout: 30_000 });
}

describe('spend keys through the SDK and the openai client', () => {
  let created;
  let currentKey;

  it('creates a key with limits', async () => {
    created = await sandbox.spendKeys.create({
      name: 'Compat agent',
      allowed_models: ['gpt-4o-mini'],
      spend_limit: { amount: '5.00', cycle: 'monthly' },
      request_limit: { count: 100, cycle: 'daily' },
      rate_limit: { rpm: 600, burst: null },
    });

    assertSpendKeyShape(created);
    assert.match(created.key, KEY_PATTERN);
    assert.ok(created.key.endsWith(created.key_preview.slice(-4)));
    assert.deepEqual(created.allowed_models, ['gpt-4o-mini']);
    assert.deepEqual(created.spend_limit, { amount: '5.00', cycle: 'monthly' });
    assert.deepEqual(created.request_limit, { count: 100, cycle: 'daily' });
    assert.deepEqual(created.rate_limit, { rpm: 600, burst: null });
    assert.equal(created.total_spend, '0.0000000000');
    currentKey = created.key;
  });

  it('lists and retrieves without the key', async () => {
    const page = await sandbox.spendKeys.list({ limit: 100 });
    const listed = page.data.find((key) => key.spend_key_id === created.spend_key_id);
    const retrieved = await sandbox.spendKeys.retrieve(created.spend_key_id);

    assert.equal(typeof page.has_more, 'boolean');
    assert.ok(listed, 'the new key is listed');
    assertSpendKeyShape(listed);
    assert.ok(!('key' in listed));
    assertSpendKeyShape(retrieved);
    assert.ok(!('key' in retrieved));
    assert.equal(retrieved.name, 'Compat agent');
  });

  it('updates with PUT and clears with null', async () => {
    const updated = await sandbox.spendKeys.update(created.spend_key_id, {
      name: 'Compat agent v2',
      request_limit: null,
    });

    assertSpendKeyShape(updated);
    assert.equal(updated.name, 'Compat agent v2');
    assert.equal(updated.request_limit, null);
    assert.deepEqual(updated.allowed_models, ['gpt-4o-mini']);
  });

  it('rejects bad input naming the field', async () => {
    const error = await apiError(sandbox.spendKeys.create({
      name: 'Bad limit', spend_limit: { amount: 'ten', cycle: 'monthly' },
    }), 400);

    assert.equal(error.param, 'spend_limit.amount');
    await apiError(sandbox.spendKeys.retrieve('spk_test_01ARZ3NDEKTSV4RRFFQ69G5FAV'), 404);
  });

  it('hides sandbox keys from live', async () => {
    await apiError(live.spendKeys.retrieve(created.spend_key_id), 404);
    const page = await live.spendKeys.list({ limit: 100 });
    assert.ok(!page.data.some((key) => key.spend_key_id === created.spend_key_id));
  });

  it('lists only allowed models with the openai client', async () => {
    const models = [];
    for await (const model of openaiWith(currentKey).models.list()) {
      models.push(model.id);
    }

    assert.deepEqual(models, ['gpt-4o-mini']);
  });

  it('sends a chat completion with the openai client', async () => {
    const completion = await openaiWith(currentKey).chat.completions.create({
      model: 'gpt-4o-mini',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'Say hello' }],
    });

    assert.equal(completion.choices[0].message.content, expected.text);
  });

  it('streams a chat completion with the openai client', async () => {
    const stream = await openaiWith(currentKey).chat.completions.create({
      model: 'gpt-4o-mini',
      stream: true,
      messages: [{ role: 'user', content: 'Say hello' }],
    });
    let text = '';
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
    }

    assert.equal(text, expected.stream_text);
  });

  it('rejects a model the key does not allow', async () => {
    await assert.rejects(
      openaiWith(currentKey).chat.completions.create({
        model: 'gpt-4.1', messages: [{ role: 'user', content: 'Hi' }],
      }),
      (error) => error instanceof OpenAI.PermissionDeniedError && error.status === 403,
    );
  });

  it('records the spend of both completions', async () => {
    const key = await sandbox.spendKeys.retrieve(created.spend_key_id);

    assert.equal(key.total_spend, expected.spend);
    assert.equal(key.current_spend, expected.spend);
    assert.equal(key.total_requests, 2);
    assert.ok(!Number.isNaN(Date.parse(key.last_used_at)), key.last_used_at);
  });

  it('rotates so the old key stops working', async () => {
    const rotated = await sandbox.spendKeys.rotate(created.spend_key_id);

    assertSpendKeyShape(rotated);
    assert.match(rotated.key, KEY_PATTERN);
    assert.notEqual(rotated.key, currentKey);
    await assert.rejects(
      openaiWith(currentKey).chat.completions.create({
        model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }],
      }),
      (error) => error instanceof OpenAI.AuthenticationError,
    );
    currentKey = rotated.key;
  });

  it('revokes so the key stops working', async () => {
    const revoked = await sandbox.spendKeys.revoke(created.spend_key_id);

    assert.deepEqual(revoked, { success: true });
    await apiError(sandbox.spendKeys.retrieve(created.spend_key_id), 404);
    await assert.rejects(
      openaiWith(currentKey).chat.completions.create({
        model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }],
      }),
      (error) => error instanceof OpenAI.AuthenticationError,
    );
  });
});
