// Verifies webhook requests that a Tollgate server sent, as a receiver would: with the
// standardwebhooks package and with a plain HMAC-SHA256 over the raw body. The Java test
// writes the recorded requests to the file named by TOLLGATE_DELIVERIES_FILE as
// {"secret": "whsec_...", "deliveries": [{"headers": {...}, "body_base64": "..."}]}.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Webhook } from 'standardwebhooks';

const recorded = JSON.parse(readFileSync(process.env.TOLLGATE_DELIVERIES_FILE, 'utf8'));
const { secret, deliveries } = recorded;

test('deliveries were recorded', () => {
  assert.ok(deliveries.length >= 2, `expected at least 2 deliveries, got ${deliveries.length}`);
});

for (const [index, delivery] of deliveries.entries()) {
  const raw = Buffer.from(delivery.body_base64, 'base64');

  test(`delivery ${index}: standardwebhooks verifies webhook-signature`, () => {
    const payload = new Webhook(secret).verify(raw.toString('utf8'), delivery.headers);
    assert.equal(payload.id, delivery.headers['webhook-id']);
    assert.ok(payload.event.length > 0);
  });

  test(`delivery ${index}: standardwebhooks rejects a changed body`, () => {
    const changed = raw.toString('utf8').replace('"data"', '"data" ');
    assert.throws(() => new Webhook(secret).verify(changed, delivery.headers));
  });

  test(`delivery ${index}: hex HMAC of the raw body matches X-Webhook-Signature`, () => {
    const expected = Buffer.from(createHmac('sha256', secret).update(raw).digest('hex'));
    const given = Buffer.from(delivery.headers['x-webhook-signature']);
    assert.equal(given.length, expected.length);
    assert.ok(timingSafeEqual(given, expected));
  });
}
