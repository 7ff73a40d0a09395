// Runs the official OpenAI and Anthropic Node clients (pinned in package.json) through the
// Tollgate forward endpoint, with the base URLs of the Lava SDK's `lava.providers`. Each case
// checks the response, then reads the request record with the Lava SDK and checks its tokens
// and charge.
//
// Environment:
//   TOLLGATE_BASE_URL       API base URL ending in /v1/, such as http://127.0.0.1:8080/v1/
//   TOLLGATE_SANDBOX_KEY    the sandbox secret key (aks_test_...) of the merchant
//   TOLLGATE_CUSTOMER_ID    a subscribed customer with enough credit
//   TOLLGATE_FORWARD_TOKEN  the forward token of that customer and a token meter
//   TOLLGATE_EXPECTED       JSON with one entry per case below: the text and usage that the
//                           provider replays, and the charge computed from them, plus
//                           `total_remaining`, the customer's credit after all cases
//
// The Maven build runs this file against SQLite and PostgreSQL through
// GatewaySdkCompatibilityTest, whose fake provider replays the payloads behind TOLLGATE_EXPECTED.
// The cases share one customer and run in order, because the last one checks the credit left.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Lava } from '@lavapayments/nodejs';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';

const baseUrl = requiredEnv('TOLLGATE_BASE_URL');
const sandboxKey = requiredEnv('TOLLGATE_SANDBOX_KEY');
const customerId = requiredEnv('TOLLGATE_CUSTOMER_ID');
const forwardToken = requiredEnv('TOLLGATE_FORWARD_TOKEN');
const expectedCases = JSON.parse(requiredEnv('TOLLGATE_EXPECTED'));

const CLIENT_TIMEOUT_MS = 30_000;

const lava = new Lava(sandboxKey, { baseUrl });
// No retries, so that every call makes exactly one request and one record.
const openai = new OpenAI({
  apiKey: forwardToken,
  baseURL: lava.providers.openai,
  maxRetries: 0,
  timeout: CLIENT_TIMEOUT_MS,
});
const anthropic = new Anthropic({
  apiKey: forwardToken,
  baseURL: lava.providers.anthropic,
  maxRetries: 0,
  timeout: CLIENT_TIMEOUT_MS,
});

function requiredEnv(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`Environment variable ${name} is missing. Set it before running these tests.`);
  }
  return value;
}

/** Returns the gateway's request id from a response, after checking its format. */
function requestIdOf(response) {
  const requestId = response.headers.get('x-request-id');
  assert.match(requestId ?? '', /^req_test_[0-9A-HJKMNP-TV-Z]{26}$/,
    `x-request-id of the gateway response: ${requestId}`);
  return requestId;
}

/**
 * Reads the record of `requestId` with the Lava SDK and checks it against `expected`: the
 * status (`expected.status`, by default `completed`), the provider's endpoint and
 * response id, the token counts and the charge.
 */
async function assertRecord(requestId, expected, endpoint) {
  const record = await lava.requests.retrieve(requestId);
  const recordJson = JSON.stringify(record);
  assert.equal(record.request_id, requestId, recordJson);
  assert.equal(record.status, expected.status ?? 'completed', recordJson);
  assert.equal(record.customer_id, customerId, recordJson);
  assert.equal(record.endpoint, endpoint, recordJson);
  assert.equal(record.response_id, expected.response_id, recordJson);
  assert.equal(record.model_usage.input_tokens, expected.input_tokens, recordJson);
  assert.equal(record.model_usage.output_tokens, expected.output_tokens, recordJson);
  const totalTokens = expected.input_tokens + expected.output_tokens;
  assert.equal(record.model_usage.total_tokens, totalTokens, recordJson);
  assert.equal(record.charge.amount, expected.charge, recordJson);
  return record;
}

/** Collects the chunks of an OpenAI chat stream and the text of their deltas. */
async function readChatStream(stream) {
  const chunks = [];
  let text = '';
  for await (const chunk of stream) {
    chunks.push(chunk);
    text += chunk.choices[0]?.delta?.content ?? '';
  }
  return { chunks, text };
}

describe('OpenAI client through the forward endpoint', () => {
  it('bills a chat completion', async () => {
    const expected = expectedCases.openai_chat;
    const { data: completion, response } = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hello.' }],
    }).withResponse();

    assert.equal(response.status, 200);
    assert.equal(completion.id, expected.response_id);
    assert.equal(completion.choices[0].message.content, expected.text);
    assert.equal(completion.usage.prompt_tokens, expected.input_tokens);
    assert.equal(completion.usage.completion_tokens, expected.output_tokens);
    await assertRecord(requestIdOf(response), expected,
      'POST https://api.openai.com/v1/chat/completions');
  });

  it('hides usage the client did not request', async () => {
    const expected = expectedCases.openai_chat_stream;
    const { data: stream, response } = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hello there.' }],
      stream: true,
    }).withResponse();
    const { chunks, text } = await readChatStream(stream);

    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal(text, expected.text);
    const usageChunks = chunks.filter((chunk) => chunk.usage || chunk.choices.length === 0);
    assert.deepEqual(usageChunks, [], 'the client did not ask for usage, so no chunk carries it');
    assert.equal(chunks.at(-1).choices[0].finish_reason, 'stop');
    await assertRecord(requestIdOf(response), expected,
      'POST https://api.openai.com/v1/chat/completions');
  });

  it('relays usage the client requested', async () => {
    const expected = expectedCases.openai_chat_stream;
    const { data: stream, response } = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hello there.' }],
      stream: true,
      stream_options: { include_usage: true },
    }).withResponse();
    const { chunks, text } = await readChatStream(stream);

    assert.equal(text, expected.text);
    const usageChunks = chunks.filter((chunk) => chunk.usage);
    assert.equal(usageChunks.length, 1, JSON.stringify(chunks));
    assert.deepEqual(usageChunks[0].choices, []);
    assert.equal(usageChunks[0].usage.prompt_tokens, expected.input_tokens);
    assert.equal(usageChunks[0].usage.completion_tokens, expected.output_tokens);
    await assertRecord(requestIdOf(response), expected,
      'POST https://api.openai.com/v1/chat/completions');
  });

  it('bills an embedding', async () => {
    const expected = expectedCases.openai_embeddings;
    const { data: result, response } = await openai.embeddings.create({
      model: 'text-embedding-3-small',
      input: 'The quick brown fox',
    }).withResponse();

    assert.equal(response.status, 200);
    assert.equal(result.data.length, 1);
    // The client requests base64 and decodes it to 32-bit floats.
    assert.deepEqual(Array.from(result.data[0].embedding), expected.embedding);
    assert.equal(result.usage.prompt_tokens, expected.input_tokens);
    await assertRecord(requestIdOf(response), expected,
      'POST https://api.openai.com/v1/embeddings');
  });

  it('relays a model lookup', async () => {
    const expected = expectedCases.openai_model;
    const { data: model, response } = await openai.models.retrieve('gpt-4o-mini').withResponse();

    assert.equal(response.status, 200);
    assert.deepEqual(model, expected.model);
    await assertRecord(requestIdOf(response), expected,
      'GET https://api.openai.com/v1/models/gpt-4o-mini');
  });

  it('relays a provider error', async () => {
    const expected = expectedCases.openai_error;
    const error = await openai.completions.create({
      model: 'gpt-3.5-turbo-instruct',
      prompt: 'Say hello.',
    }).then(
      (result) => assert.fail(`expected HTTP 429, got success: ${JSON.stringify(result)}`),
      (rejection) => rejection,
    );

    assert.ok(error instanceof OpenAI.RateLimitError, `expected a RateLimitError, got ${error}`);
    assert.equal(error.status, 429);
    assert.equal(error.code, 'rate_limit_exceeded');
    await assertRecord(requestIdOf(error), expected, 'POST https://api.openai.com/v1/completions');
  });
});

describe('Anthropic client through the forward endpoint', () => {
  it('bills a message', async () => {
    const expected = expectedCases.anthropic_message;
    const { data: message, response } = await anthropic.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Say hello in French.' }],
    }).withResponse();

    assert.equal(response.status, 200);
    assert.equal(message.id, expected.response_id);
    assert.equal(message.content[0].text, expected.text);
    assert.equal(message.usage.input_tokens, expected.input_tokens);
    assert.equal(message.usage.output_tokens, expected.output_tokens);
    await assertRecord(requestIdOf(response), expected,
      'POST https://api.anthropic.com/v1/messages');
  });

  it('bills a streamed message', async () => {
    const expected = expectedCases.anthropic_stream;
    const stream = anthropic.messages.stream({
      model: 'claude-sonnet-4-5',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Say hello to the world in French.' }],
    });
    const eventTypes = [];
    stream.on('streamEvent', (event) => eventTypes.push(event.type));
    const message = await stream.finalMessage();

    assert.equal(message.id, expected.response_id);
    assert.equal(message.content[0].text, expected.text);
    assert.equal(message.stop_reason, 'end_turn');
    assert.equal(message.usage.input_tokens, expected.input_tokens);
    assert.equal(message.usage.output_tokens, expected.output_tokens);
    assert.equal(eventTypes.at(-1), 'message_stop', eventTypes.join(', '));
    await assertRecord(requestIdOf(stream.response), expected,
      'POST https://api.anthropic.com/v1/messages');
  });
});

describe('customer after the calls', () => {
  it('lists one record per call', async () => {
    const page = await lava.requests.list({ customer_id: customerId, limit: 100 });
    const charges = page.data.map((record) => record.charge.amount);
    const expectedCharges = [
      expectedCases.anthropic_stream.charge,
      expectedCases.anthropic_message.charge,
      expectedCases.openai_error.charge,
      expectedCases.openai_model.charge,
      expectedCases.openai_embeddings.charge,
      expectedCases.openai_chat_stream.charge,
      expectedCases.openai_chat_stream.charge,
      expectedCases.openai_chat.charge,
    ];
    assert.deepEqual(charges, expectedCharges, 'charges, newest first');
  });

  it('has the credit left after the charges', async () => {
    const { subscription } = await lava.customers.getSubscription(customerId);
    assert.equal(subscription.credits.total_remaining, expectedCases.total_remaining);
  });
});
