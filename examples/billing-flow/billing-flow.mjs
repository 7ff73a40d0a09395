// The whole billing flow with the official SDKs: a meter and a plan, a customer who subscribes
// through checkout, two metered chat completions (one streamed) made with the customer's forward
// token, then the recorded usage and the credit left.
//
// Environment:
//   TOLLGATE_BASE_URL    API base URL, default http://127.0.0.1:8080/v1/
//   TOLLGATE_SECRET_KEY  a sandbox secret key (aks_test_...), required
//   CUSTOMER_PHONE       phone number of the customer, default +12025550123
import { Lava } from '@lavapayments/nodejs';
import OpenAI from 'openai';

const baseUrl = process.env.TOLLGATE_BASE_URL ?? 'http://127.0.0.1:8080/v1/';
const secretKey = process.env.TOLLGATE_SECRET_KEY;
const phone = process.env.CUSTOMER_PHONE ?? '+12025550123';
if (!secretKey?.startsWith('aks_test_')) {
  console.error('Set TOLLGATE_SECRET_KEY to a sandbox key (aks_test_...), printed by ./tollgate serve.');
  process.exit(2);
}

const lava = new Lava(secretKey, { baseUrl });

const meter = await lava.meters.create({
  name: `Chat tokens ${Date.now()}`,
  rate_type: 'fixed',
  tier_type: 'tokens_1m',
  tiers: [{ start: '0', rate: '2.00' }],
});
const plan = await lava.subscriptions.createPlan({
  name: 'Pro',
  period_amount: '25.00',
  included_credit: '10.00',
  billing_interval: 'month',
  meter_ids: [meter.meter_id],
});
console.log(`meter ${meter.meter_slug} at $2.00 per million tokens, plan ${plan.plan_id}`);

// The embedded checkout page collects the phone number and the card. In sandbox, this helper
// completes the session the same way, with the test card that always succeeds.
const session = await lava.checkoutSessions.create({
  checkout_mode: 'subscription',
  origin_url: 'https://shop.example',
  plan_id: plan.plan_id,
});
const completed = await post(`test_helpers/checkout_sessions/${session.checkout_session_id}/complete`,
  { phone, card_number: '4242 4242 4242 4242' });
const customerId = completed.customer_id;

const customers = await lava.customers.list({ limit: 100 });
const customer = customers.data.find((c) => c.customer_id === customerId);
console.log(`customer ${customer.customer_id} (${customer.contact.phone}) on ${customer.subscription.name}`);

const token = lava.generateForwardToken({ customer_id: customerId, meter_slug: meter.meter_slug });
const openai = new OpenAI({ apiKey: token, baseURL: lava.providers.openai });

const reply = await openai.chat.completions.create({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Say hello in five words.' }],
});
console.log(`reply: ${reply.choices[0].message.content}`);

const stream = await openai.chat.completions.create({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Count to three.' }],
  stream: true,
});
let streamed = '';
for await (const chunk of stream) {
  streamed += chunk.choices[0]?.delta?.content ?? '';
}
console.log(`streamed: ${streamed}`);

const requests = await lava.requests.list({ customer_id: customerId });
for (const request of requests.data) {
  const usage = request.model_usage;
  console.log(`${request.request_id}: ${usage.input_tokens} in + ${usage.output_tokens} out,`
    + ` charged ${request.charge.amount}`);
}
const { subscription } = await lava.customers.getSubscription(customerId);
console.log(`credit left: ${subscription.credits.total_remaining}`);

console.log('RESULT ' + JSON.stringify({
  customer_id: customerId,
  charges: requests.data.map((r) => r.charge.amount),
  tokens: requests.data.map((r) => r.model_usage.total_tokens),
  total_remaining: subscription.credits.total_remaining,
}));

async function post(path, body) {
  const response = await fetch(new URL(path, baseUrl), {
    method: 'POST',
    headers: { Authorization: `Bearer ${secretKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) {
    throw new Error(`${path} failed: ${response.status} ${JSON.stringify(json)}`);
  }
  return json;
}
