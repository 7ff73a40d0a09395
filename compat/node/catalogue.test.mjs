// Runs the official @lavapayments/nodejs SDK (pinned in package.json) against a running
// Tollgate server and checks every catalogue call: meters, plans, credit bundles, customers,
// secret keys, API errors and the separation of sandbox and live data.
//
// Environment:
//   TOLLGATE_BASE_URL     API base URL ending in /v1/, such as http://127.0.0.1:8080/v1/
//   TOLLGATE_SANDBOX_KEY  a sandbox secret key (aks_test_...)
//   TOLLGATE_LIVE_KEY     a live secret key (aks_live_...) of the same merchant
//
// The Maven build runs this file against SQLite and PostgreSQL through
// LavaSdkCompatibilityTest. To run it by hand against a server of your own:
//   npm ci && TOLLGATE_BASE_URL=... TOLLGATE_SANDBOX_KEY=... TOLLGATE_LIVE_KEY=... npm test
//
// The tests create objects with names unique to this run, so they can run more than once
// against one server. Pagination checks assume that nothing else writes to the server while
// they run, because they rely on newest-first order.

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { Lava } from '@lavapayments/nodejs';

const baseUrl = requiredEnv('TOLLGATE_BASE_URL');
const sandboxKey = requiredEnv('TOLLGATE_SANDBOX_KEY');
const liveKey = requiredEnv('TOLLGATE_LIVE_KEY');

if (!baseUrl.endsWith('/v1/')) {
  throw new Error(`TOLLGATE_BASE_URL must end with /v1/, got '${baseUrl}'.`);
}

const sandbox = new Lava(sandboxKey, { baseUrl });
const live = new Lava(liveKey, { baseUrl });

// Lowercase letters and digits, so that it also fits in meter slugs.
const runTag = `${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;

const ULID = '[0-9A-HJKMNP-TV-Z]{26}';
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

function requiredEnv(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`Environment variable ${name} is missing. Set it before running these tests.`);
  }
  return value;
}

/** Asserts that `value` is an id with `prefix` (such as `prd_test_`) followed by a ULID. */
function assertId(value, prefix) {
  assert.equal(typeof value, 'string', `expected an id starting ${prefix}, got ${value}`);
  assert.match(value, new RegExp(`^${prefix}${ULID}$`));
}

function assertTimestamp(value) {
  assert.equal(typeof value, 'string', `expected an ISO-8601 timestamp, got ${value}`);
  assert.match(value, ISO_UTC);
  assert.ok(!Number.isNaN(Date.parse(value)), `unparseable timestamp ${value}`);
}

function assertListShape(page) {
  assert.ok(Array.isArray(page.data), 'data must be an array');
  assert.equal(typeof page.has_more, 'boolean');
  if (page.has_more) {
    assert.equal(typeof page.next_cursor, 'string');
  } else {
    assert.equal(page.next_cursor, null);
  }
}

/**
 * Awaits a call that must fail and returns the API error object that the SDK put in the
 * message, after checking the SDK's format `Lava API Error: <status> <text> - <json>`.
 */
async function apiError(promise, expectedStatus) {
  const error = await promise.then(
    (result) => assert.fail(
      `expected HTTP ${expectedStatus}, got success: ${JSON.stringify(result)}`),
    (rejection) => rejection,
  );
  assert.ok(error instanceof Error, `expected an Error, got ${error}`);
  const match = /^Lava API Error: (\d{3}) (.*?) - (\{.*\})$/s.exec(error.message);
  assert.ok(match, `unexpected SDK error message: ${error.message}`);
  assert.equal(Number(match[1]), expectedStatus, error.message);
  const body = JSON.parse(match[3]);
  assert.equal(typeof body.type, 'string', error.message);
  assert.equal(typeof body.code, 'string', error.message);
  assert.equal(typeof body.message, 'string', error.message);
  assert.ok('param' in body, `error JSON has no param field: ${error.message}`);
  return body;
}

/** Returns every item of a list, following `next_cursor` with pages of 100. */
async function listAll(listPage, extraParams = {}) {
  const items = [];
  let cursor;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await listPage({ ...extraParams, limit: 100, cursor });
    assertListShape(page);
    items.push(...page.data);
    if (!page.has_more) {
      return items;
    }
    cursor = page.next_cursor;
  }
  throw new Error(
    'list did not end after 1000 pages: next_cursor probably repeats an earlier page.');
}

function assertMeterShape(meter) {
  assertId(meter.meter_id, 'prd_test_');
  assert.equal(typeof meter.meter_slug, 'string');
  assert.equal(typeof meter.name, 'string');
  assert.ok(['fixed', 'percentage'].includes(meter.rate_type), `rate_type ${meter.rate_type}`);
  assert.ok(Array.isArray(meter.tiers));
  for (const tier of meter.tiers) {
    assert.equal(typeof tier.start, 'number');
    assert.equal(typeof tier.rate, 'string');
    assert.ok(['tokens_1m', 'characters_1m', 'minutes', 'requests'].includes(tier.type),
      `tier type ${tier.type}`);
  }
  assertTimestamp(meter.created_at);
}

function assertPlanShape(plan, idPrefix = 'pln_test_') {
  assertId(plan.plan_id, idPrefix);
  assert.equal(typeof plan.merchant_id, 'string');
  assert.equal(typeof plan.name, 'string');
  assert.match(plan.period_amount, /^\d+\.\d{2,}$/);
  assert.match(plan.included_credit, /^\d+\.\d{2,}$/);
  assert.ok(['day', 'week', 'month', 'year'].includes(plan.billing_interval));
  assert.ok(['full', 'none'].includes(plan.rollover_type));
  assert.ok(['full', 'none'].includes(plan.bundle_rollover_type));
  assert.ok(plan.default_auto_top_up_bundle_id === null
    || typeof plan.default_auto_top_up_bundle_id === 'string');
  assert.ok(Array.isArray(plan.linked_meters));
  assert.ok(Array.isArray(plan.credit_bundles));
  for (const bundle of plan.credit_bundles) {
    assertId(bundle.credit_bundle_id, idPrefix === 'pln_test_' ? 'cb_test_' : 'cb_');
    assert.equal(typeof bundle.name, 'string');
    assert.equal(typeof bundle.cost, 'string');
    assert.equal(typeof bundle.credit_amount, 'string');
  }
  assertTimestamp(plan.created_at);
}

function assertCustomerShape(customer) {
  assertId(customer.customer_id, 'con_test_');
  assert.ok(customer.reference_id === null || typeof customer.reference_id === 'string');
  assert.equal(typeof customer.contact, 'object');
  assert.notEqual(customer.contact, null);
  for (const field of ['phone', 'email', 'first_name', 'last_name']) {
    assert.ok(field in customer.contact, `contact has no ${field}`);
  }
  assert.ok('subscription' in customer, 'customer has no subscription field');
  assert.ok('metadata' in customer, 'customer has no metadata field');
  assertTimestamp(customer.created_at);
}

function meterParams(overrides = {}) {
  return {
    name: `Chat Tokens ${runTag}`,
    rate_type: 'fixed',
    tier_type: 'tokens_1m',
    tiers: [
      { start: '0', rate: '5' },
      { start: '1000000', rate: '3' },
      { start: '10000000', rate: '1' },
    ],
    ...overrides,
  };
}

describe('meters', () => {
  let slugged;
  let derived;

  it('creates meter with given slug', async () => {
    slugged = await sandbox.meters.create(meterParams({
      name: `Search Requests ${runTag}`,
      meter_slug: `search-${runTag}`,
      rate_type: 'percentage',
      tier_type: 'requests',
      tiers: [{ start: '0', rate: '10' }],
    }));

    assertMeterShape(slugged);
    assert.equal(slugged.meter_slug, `search-${runTag}`);
    assert.equal(slugged.name, `Search Requests ${runTag}`);
    assert.equal(slugged.rate_type, 'percentage');
    assert.deepEqual(slugged.tiers, [{ start: 0, rate: '10', type: 'requests' }]);
  });

  it('derives slug from name', async () => {
    derived = await sandbox.meters.create(meterParams());

    assertMeterShape(derived);
    assert.equal(derived.meter_slug, `chat-tokens-${runTag}`);
    assert.equal(derived.rate_type, 'fixed');
    assert.deepEqual(derived.tiers, [
      { start: 0, rate: '5', type: 'tokens_1m' },
      { start: 1000000, rate: '3', type: 'tokens_1m' },
      { start: 10000000, rate: '1', type: 'tokens_1m' },
    ]);
  });

  it('derives distinct slug for repeated name', async () => {
    const twin = await sandbox.meters.create(meterParams());

    assert.equal(twin.meter_slug, `chat-tokens-${runTag}-2`);
    assert.notEqual(twin.meter_id, derived.meter_id);
    await sandbox.meters.delete(twin.meter_id);
  });

  it('rejects taken slug with 409', async () => {
    const error = await apiError(
      sandbox.meters.create(meterParams({ meter_slug: slugged.meter_slug })), 409);

    assert.equal(error.param, 'meter_slug');
  });

  it('lists meters newest first', async () => {
    const page = await sandbox.meters.list();

    assertListShape(page);
    const ids = page.data.map((meter) => meter.meter_id);
    assert.ok(ids.includes(slugged.meter_id));
    assert.ok(ids.includes(derived.meter_id));
    assert.ok(ids.indexOf(derived.meter_id) < ids.indexOf(slugged.meter_id),
      'the newer meter must come first');
    page.data.forEach(assertMeterShape);
  });

  it('paginates meters with limit and cursor', async () => {
    const first = await sandbox.meters.list({ limit: 1 });

    assertListShape(first);
    assert.equal(first.data.length, 1);
    assert.equal(first.has_more, true);
    assert.equal(typeof first.next_cursor, 'string');
    assert.equal(first.data[0].meter_id, derived.meter_id);

    const second = await sandbox.meters.list({ limit: 1, cursor: first.next_cursor });

    assertListShape(second);
    assert.equal(second.data.length, 1);
    assert.equal(second.data[0].meter_id, slugged.meter_id);
  });

  it('retrieves meter by id', async () => {
    const meter = await sandbox.meters.retrieve(derived.meter_id);

    assert.deepEqual(meter, derived);
  });

  it('updates name and tiers', async () => {
    const updated = await sandbox.meters.update(derived.meter_id, {
      name: `Chat Tokens Renamed ${runTag}`,
      tiers: [{ start: '0', rate: '4' }, { start: '2000000', rate: '2.5' }],
    });

    assertMeterShape(updated);
    assert.equal(updated.meter_id, derived.meter_id);
    assert.equal(updated.name, `Chat Tokens Renamed ${runTag}`);
    assert.equal(updated.meter_slug, derived.meter_slug, 'renaming keeps the slug');
    assert.deepEqual(updated.tiers, [
      { start: 0, rate: '4', type: 'tokens_1m' },
      { start: 2000000, rate: '2.5', type: 'tokens_1m' },
    ]);
    assert.equal(updated.created_at, derived.created_at);

    const stored = await sandbox.meters.retrieve(derived.meter_id);
    assert.deepEqual(stored, updated);
  });

  it('updates name alone', async () => {
    const updated = await sandbox.meters.update(slugged.meter_id, { name: `Search ${runTag}` });

    assert.equal(updated.name, `Search ${runTag}`);
    assert.deepEqual(updated.tiers, slugged.tiers);
  });

  it('deletes meter', async () => {
    const extra = await sandbox.meters.create(meterParams({ name: `Doomed ${runTag}` }));

    const deleted = await sandbox.meters.delete(extra.meter_id);

    assert.deepEqual(deleted, { id: extra.meter_id, deleted: true });
    const error = await apiError(sandbox.meters.retrieve(extra.meter_id), 404);
    assert.equal(error.code, 'resource_missing');
    const remaining = await listAll((params) => sandbox.meters.list(params));
    assert.ok(!remaining.some((meter) => meter.meter_id === extra.meter_id));
  });

  it('rejects bad tiers naming param', async () => {
    const promise = sandbox.meters.create(meterParams({
      name: `Bad Tiers ${runTag}`,
      tiers: [{ start: '0', rate: '1' }, { start: '0', rate: '2' }],
    }));
    const error = await promise.catch((rejection) => rejection);

    assert.ok(error instanceof Error);
    assert.match(error.message, /^Lava API Error: 400 /);
    assert.ok(error.message.includes('"param":"tiers[1].start"'), error.message);
    const body = await apiError(Promise.reject(error), 400);
    assert.equal(body.type, 'invalid_request_error');
    assert.equal(body.param, 'tiers[1].start');
  });

  it('lists ten meters by default', async () => {
    for (let i = 0; i < 10; i++) {
      await sandbox.meters.create(meterParams({ name: `Filler ${i} ${runTag}` }));
    }

    const page = await sandbox.meters.list();

    assert.equal(page.data.length, 10);
    assert.equal(page.has_more, true);
    assert.equal(page.next_cursor, page.data[9].meter_id);
  });

  it('pages stably across inserts', async () => {
    const first = await sandbox.meters.list({ limit: 3 });
    const inserted = await sandbox.meters.create(meterParams({ name: `Late ${runTag}` }));

    const second = await sandbox.meters.list({ limit: 3, cursor: first.next_cursor });

    const firstIds = first.data.map((meter) => meter.meter_id);
    const secondIds = second.data.map((meter) => meter.meter_id);
    assert.equal(secondIds.length, 3);
    assert.ok(!secondIds.includes(inserted.meter_id), 'a newer meter must not join older pages');
    assert.ok(secondIds.every((id) => !firstIds.includes(id)), 'pages must not overlap');
    const all = (await listAll((params) => sandbox.meters.list(params)))
      .map((meter) => meter.meter_id);
    assert.equal(all[0], inserted.meter_id);
    assert.deepEqual(all.slice(1, 7), [...firstIds, ...secondIds]);
  });

  it('rejects limit over 100', async () => {
    const error = await apiError(sandbox.meters.list({ limit: 101 }), 400);

    assert.equal(error.param, 'limit');
  });
});

describe('plans', () => {
  let chatMeter;
  let imageMeter;
  let plan;

  before(async () => {
    chatMeter = await sandbox.meters.create(meterParams({ name: `Plan Chat ${runTag}` }));
    imageMeter = await sandbox.meters.create(meterParams({
      name: `Plan Images ${runTag}`,
      tier_type: 'requests',
      tiers: [{ start: '0', rate: '0.04' }],
    }));
  });

  it('creates plan with meters and bundles', async () => {
    plan = await sandbox.subscriptions.createPlan({
      name: `Pro ${runTag}`,
      period_amount: '25.00',
      billing_interval: 'month',
      meter_ids: [chatMeter.meter_id],
      credit_bundles: [
        { name: 'Small top-up', cost: '10.00', credit_amount: '10.00' },
        { name: 'Large top-up', cost: '45.00', credit_amount: '50.00' },
      ],
      default_auto_top_up_bundle_index: 1,
    });

    assertPlanShape(plan);
    assert.equal(plan.name, `Pro ${runTag}`);
    assert.equal(plan.period_amount, '25.00');
    assert.equal(plan.included_credit, '25.00', 'included_credit defaults to period_amount');
    assert.equal(plan.billing_interval, 'month');
    assert.equal(plan.rollover_type, 'none');
    assert.equal(plan.bundle_rollover_type, 'full');
    assert.deepEqual(plan.linked_meters, [{ meter_id: chatMeter.meter_id, name: chatMeter.name }]);
    assert.equal(plan.credit_bundles.length, 2);
    assert.deepEqual(plan.credit_bundles.map(({ name, cost, credit_amount }) =>
      ({ name, cost, credit_amount })), [
      { name: 'Small top-up', cost: '10.00', credit_amount: '10.00' },
      { name: 'Large top-up', cost: '45.00', credit_amount: '50.00' },
    ]);
    assert.equal(plan.default_auto_top_up_bundle_id, plan.credit_bundles[1].credit_bundle_id);
  });

  it('creates plan with explicit options', async () => {
    const yearly = await sandbox.subscriptions.createPlan({
      name: `Yearly ${runTag}`,
      period_amount: '120.50',
      included_credit: '150.125',
      billing_interval: 'year',
      rollover_type: 'full',
      bundle_rollover_type: 'none',
    });

    assertPlanShape(yearly);
    assert.equal(yearly.period_amount, '120.50');
    assert.equal(yearly.included_credit, '150.125');
    assert.equal(yearly.billing_interval, 'year');
    assert.equal(yearly.rollover_type, 'full');
    assert.equal(yearly.bundle_rollover_type, 'none');
    assert.deepEqual(yearly.linked_meters, []);
    assert.deepEqual(yearly.credit_bundles, []);
    assert.equal(yearly.default_auto_top_up_bundle_id, null);
    await sandbox.subscriptions.deletePlan(yearly.plan_id);
  });

  it('rejects plan without period_amount', async () => {
    const error = await apiError(sandbox.subscriptions.createPlan({
      name: `Broken ${runTag}`,
      billing_interval: 'month',
    }), 400);

    assert.equal(error.param, 'period_amount');
  });

  it('rejects unknown meter id', async () => {
    const error = await apiError(sandbox.subscriptions.createPlan({
      name: `Broken ${runTag}`,
      period_amount: '1.00',
      billing_interval: 'month',
      meter_ids: [chatMeter.meter_id, 'prd_test_01ARZ3NDEKTSV4RRFFQ69G5FAV'],
    }), 400);

    assert.equal(error.param, 'meter_ids[1]');
  });

  it('rejects bundle index out of range', async () => {
    const error = await apiError(sandbox.subscriptions.createPlan({
      name: `Broken ${runTag}`,
      period_amount: '1.00',
      billing_interval: 'month',
      credit_bundles: [{ name: 'Only bundle', cost: '1.00', credit_amount: '1.00' }],
      default_auto_top_up_bundle_index: 1,
    }), 400);

    assert.equal(error.param, 'default_auto_top_up_bundle_index');
  });

  it('retrieves plan by id', async () => {
    const stored = await sandbox.subscriptions.retrievePlan(plan.plan_id);

    assert.deepEqual(stored, plan);
  });

  it('lists plans including Free plan', async () => {
    const plans = await listAll((params) => sandbox.subscriptions.listPlans(params));

    plans.forEach((item) => assertPlanShape(item));
    const free = plans.filter((item) => item.name === 'Free');
    assert.equal(free.length, 1, 'exactly one Free plan');
    assert.equal(free[0].period_amount, '0.00');
    assert.equal(free[0].included_credit, '0.00');
    assert.ok(plans.some((item) => item.plan_id === plan.plan_id));
  });

  it('paginates plans with limit and cursor', async () => {
    const first = await sandbox.subscriptions.listPlans({ limit: 1 });

    assertListShape(first);
    assert.equal(first.data.length, 1);
    assert.equal(first.has_more, true);
    assert.equal(first.data[0].plan_id, plan.plan_id);

    const second = await sandbox.subscriptions.listPlans({ limit: 1, cursor: first.next_cursor });

    assert.equal(second.data.length, 1);
    assert.notEqual(second.data[0].plan_id, plan.plan_id);
  });

  it('reconciles bundles and replaces meters', async () => {
    const [small, large] = plan.credit_bundles;

    const updated = await sandbox.subscriptions.updatePlan(plan.plan_id, {
      name: `Pro Plus ${runTag}`,
      rollover_type: 'full',
      included_credit: '30.00',
      meter_ids: [imageMeter.meter_id, chatMeter.meter_id],
      credit_bundles: [
        { credit_bundle_id: small.credit_bundle_id, name: 'Small top-up v2', cost: '12.00',
          credit_amount: '12.50' },
        { credit_bundle_id: large.credit_bundle_id, name: large.name, cost: large.cost,
          credit_amount: large.credit_amount, is_deleted: true },
        { name: 'Huge top-up', cost: '90.00', credit_amount: '100.00' },
      ],
    });

    assertPlanShape(updated);
    assert.equal(updated.plan_id, plan.plan_id);
    assert.equal(updated.name, `Pro Plus ${runTag}`);
    assert.equal(updated.rollover_type, 'full');
    assert.equal(updated.included_credit, '30.00');
    assert.equal(updated.period_amount, '25.00');
    assert.deepEqual(updated.linked_meters, [
      { meter_id: imageMeter.meter_id, name: imageMeter.name },
      { meter_id: chatMeter.meter_id, name: chatMeter.name },
    ]);
    const bundleIds = updated.credit_bundles.map((bundle) => bundle.credit_bundle_id);
    assert.equal(updated.credit_bundles.length, 2);
    assert.ok(bundleIds.includes(small.credit_bundle_id));
    assert.ok(!bundleIds.includes(large.credit_bundle_id), 'the deleted bundle must be gone');
    const renamed = updated.credit_bundles
      .find((bundle) => bundle.credit_bundle_id === small.credit_bundle_id);
    assert.deepEqual(renamed, { credit_bundle_id: small.credit_bundle_id, name: 'Small top-up v2',
      cost: '12.00', credit_amount: '12.50' });
    const added = updated.credit_bundles
      .find((bundle) => bundle.credit_bundle_id !== small.credit_bundle_id);
    assertId(added.credit_bundle_id, 'cb_test_');
    assert.equal(added.name, 'Huge top-up');
    assert.equal(added.cost, '90.00');
    assert.equal(added.credit_amount, '100.00');
    assert.equal(updated.default_auto_top_up_bundle_id, null,
      'deleting the default bundle clears the default');
    plan = updated;
  });

  it('sets default auto top-up bundle', async () => {
    const huge = plan.credit_bundles.find((bundle) => bundle.name === 'Huge top-up');

    const updated = await sandbox.subscriptions.updatePlan(plan.plan_id, {
      default_auto_top_up_bundle_id: huge.credit_bundle_id,
    });

    assert.equal(updated.default_auto_top_up_bundle_id, huge.credit_bundle_id);
    assert.deepEqual(updated.linked_meters, plan.linked_meters, 'absent meter_ids keep the links');
    assert.deepEqual(updated.credit_bundles, plan.credit_bundles);

    const cleared = await sandbox.subscriptions.updatePlan(plan.plan_id, {
      default_auto_top_up_bundle_id: null,
    });
    assert.equal(cleared.default_auto_top_up_bundle_id, null);

    plan = await sandbox.subscriptions.updatePlan(plan.plan_id, {
      default_auto_top_up_bundle_id: huge.credit_bundle_id,
      meter_ids: [chatMeter.meter_id],
    });
    assert.equal(plan.default_auto_top_up_bundle_id, huge.credit_bundle_id);
    assert.deepEqual(plan.linked_meters, [{ meter_id: chatMeter.meter_id, name: chatMeter.name }]);
  });

  it('rejects unknown default bundle', async () => {
    const error = await apiError(sandbox.subscriptions.updatePlan(plan.plan_id, {
      default_auto_top_up_bundle_id: 'cb_test_01ARZ3NDEKTSV4RRFFQ69G5FAV',
    }), 400);

    assert.equal(error.param, 'default_auto_top_up_bundle_id');
  });

  it('rejects period_amount on update', async () => {
    const error = await apiError(sandbox.subscriptions.updatePlan(plan.plan_id, {
      period_amount: '30.00',
    }), 400);

    assert.equal(error.param, 'period_amount');
    const stored = await sandbox.subscriptions.retrievePlan(plan.plan_id);
    assert.equal(stored.period_amount, '25.00');
  });

  it('rejects deleting linked meter', async () => {
    const error = await apiError(sandbox.meters.delete(chatMeter.meter_id), 409);

    assert.ok(error.message.includes(plan.plan_id), error.message);
  });

  it('deletes plan', async () => {
    const extra = await sandbox.subscriptions.createPlan({
      name: `Short-lived ${runTag}`,
      period_amount: '5.00',
      billing_interval: 'week',
      credit_bundles: [{ name: 'Only bundle', cost: '1.00', credit_amount: '1.00' }],
    });
    const bundleId = extra.credit_bundles[0].credit_bundle_id;

    const deleted = await sandbox.subscriptions.deletePlan(extra.plan_id);

    assert.deepEqual(deleted, { id: extra.plan_id, deleted: true });
    await apiError(sandbox.subscriptions.retrievePlan(extra.plan_id), 404);
    await apiError(sandbox.creditBundles.retrieve(bundleId), 404);
  });

  it('rejects deleting Free plan', async () => {
    const plans = await listAll((params) => sandbox.subscriptions.listPlans(params));
    const free = plans.find((item) => item.name === 'Free');

    await apiError(sandbox.subscriptions.deletePlan(free.plan_id), 409);
  });

  describe('credit bundles', () => {
    it('lists bundles of all plans', async () => {
      const bundles = await listAll((params) => sandbox.creditBundles.list(params));

      for (const bundle of plan.credit_bundles) {
        const listed = bundles.find((item) => item.credit_bundle_id === bundle.credit_bundle_id);
        assert.ok(listed, `bundle ${bundle.credit_bundle_id} is missing from the list`);
        assert.equal(listed.plan_id, plan.plan_id);
      }
    });

    it('filters bundles by plan', async () => {
      const other = await sandbox.subscriptions.createPlan({
        name: `Other ${runTag}`,
        period_amount: '9.00',
        billing_interval: 'month',
        credit_bundles: [{ name: 'Other bundle', cost: '3.00', credit_amount: '3.00' }],
      });

      const page = await sandbox.creditBundles.list({ plan_id: plan.plan_id });

      assertListShape(page);
      assert.equal(page.has_more, false);
      assert.deepEqual(page.data.map((bundle) => bundle.credit_bundle_id).sort(),
        plan.credit_bundles.map((bundle) => bundle.credit_bundle_id).sort());
      for (const bundle of page.data) {
        assertId(bundle.credit_bundle_id, 'cb_test_');
        assert.equal(bundle.plan_id, plan.plan_id);
        assertTimestamp(bundle.created_at);
      }

      const first = await sandbox.creditBundles.list({ plan_id: plan.plan_id, limit: 1 });
      assert.equal(first.data.length, 1);
      assert.equal(first.has_more, true);
      const second = await sandbox.creditBundles.list({
        plan_id: plan.plan_id, limit: 1, cursor: first.next_cursor,
      });
      assert.equal(second.data.length, 1);
      assert.notEqual(second.data[0].credit_bundle_id, first.data[0].credit_bundle_id);
      assert.equal(second.has_more, false);

      await sandbox.subscriptions.deletePlan(other.plan_id);
    });

    it('retrieves bundle by id', async () => {
      const expected = plan.credit_bundles.find((bundle) => bundle.name === 'Huge top-up');

      const bundle = await sandbox.creditBundles.retrieve(expected.credit_bundle_id);

      assert.equal(bundle.credit_bundle_id, expected.credit_bundle_id);
      assert.equal(bundle.plan_id, plan.plan_id);
      assert.equal(bundle.name, 'Huge top-up');
      assert.equal(bundle.cost, '90.00');
      assert.equal(bundle.credit_amount, '100.00');
      assertTimestamp(bundle.created_at);
    });

    it('rejects unknown plan filter', async () => {
      await apiError(sandbox.creditBundles.list({ plan_id: 'pln_test_01ARZ3NDEKTSV4RRFFQ69G5FAV' }),
        404);
    });
  });
});

describe('customers', () => {
  const referenceId = `user-${runTag}`;
  let freePlan;
  let customer;
  let anonymous;

  before(async () => {
    const plans = await listAll((params) => sandbox.subscriptions.listPlans(params));
    freePlan = plans.find((item) => item.name === 'Free');
    assert.ok(freePlan, 'the merchant has no Free plan');
  });

  it('creates customer on Free plan', async () => {
    customer = await sandbox.customers.create({
      reference_id: referenceId,
      email: 'ada@example.com',
      phone: '+1 (202) 555-0100',
      name: 'Ada Lovelace',
      metadata: { tier: 'gold', seats: 3, beta: true },
    });

    assertCustomerShape(customer);
    assert.equal(customer.reference_id, referenceId);
    assert.deepEqual(customer.contact, {
      phone: '+12025550100',
      email: 'ada@example.com',
      first_name: 'Ada',
      last_name: 'Lovelace',
    });
    assert.deepEqual(customer.metadata, { tier: 'gold', seats: 3, beta: true });
    assert.notEqual(customer.subscription, null);
    assertId(customer.subscription.subscription_id, 'sub_test_');
    assert.equal(customer.subscription.plan_id, freePlan.plan_id);
    assert.equal(customer.subscription.name, 'Free');
    assert.equal(customer.subscription.status, 'active');
  });

  it('returns same customer for reference_id', async () => {
    const again = await sandbox.customers.create({
      reference_id: referenceId,
      email: 'other@example.com',
    });

    assert.equal(again.customer_id, customer.customer_id);
    assert.equal(again.contact.email, 'ada@example.com', 'a repeated create changes nothing');
  });

  it('creates customer without fields', async () => {
    anonymous = await sandbox.customers.create({});

    assertCustomerShape(anonymous);
    assert.notEqual(anonymous.customer_id, customer.customer_id);
    assert.equal(anonymous.reference_id, null);
    assert.deepEqual(anonymous.contact,
      { phone: null, email: null, first_name: null, last_name: null });
    assert.equal(anonymous.metadata, null);
  });

  it('paginates customers with limit and cursor', async () => {
    const first = await sandbox.customers.list({ limit: 1 });

    assertListShape(first);
    assert.equal(first.data.length, 1);
    assert.equal(first.has_more, true);
    assert.equal(first.data[0].customer_id, anonymous.customer_id);

    const second = await sandbox.customers.list({ limit: 1, cursor: first.next_cursor });

    assert.equal(second.data.length, 1);
    assert.deepEqual(second.data[0], customer);
  });

  it('lists customers', async () => {
    const page = await sandbox.customers.list();

    assertListShape(page);
    page.data.forEach(assertCustomerShape);
    const ids = page.data.map((item) => item.customer_id);
    assert.ok(ids.includes(customer.customer_id));
    assert.ok(ids.includes(anonymous.customer_id));
  });

  it('retrieves customer by id', async () => {
    const stored = await sandbox.customers.retrieve(customer.customer_id);

    assert.deepEqual(stored, customer);
  });

  it('retrieves customer by reference_id', async () => {
    const stored = await sandbox.customers.retrieve(referenceId);

    assert.deepEqual(stored, customer);
  });

  it('updates fields and clears with null', async () => {
    const newReference = `user-${runTag}-renamed`;

    const updated = await sandbox.customers.update(customer.customer_id, {
      reference_id: newReference,
      phone: '+12025550123',
      name: null,
      email: null,
      metadata: null,
    });

    assertCustomerShape(updated);
    assert.equal(updated.customer_id, customer.customer_id);
    assert.equal(updated.reference_id, newReference);
    assert.deepEqual(updated.contact, {
      phone: '+12025550123', email: null, first_name: null, last_name: null,
    });
    assert.equal(updated.metadata, null);
    assert.deepEqual(updated.subscription, customer.subscription);
    assert.equal(updated.created_at, customer.created_at);

    const byReference = await sandbox.customers.update(newReference, {
      name: 'Grace Brewster Hopper',
      metadata: { plan: 'team' },
      reference_id: null,
    });
    assert.equal(byReference.customer_id, customer.customer_id);
    assert.equal(byReference.reference_id, null);
    assert.equal(byReference.contact.first_name, 'Grace');
    assert.equal(byReference.contact.last_name, 'Brewster Hopper');
    assert.equal(byReference.contact.phone, '+12025550123', 'absent fields stay as they are');
    assert.deepEqual(byReference.metadata, { plan: 'team' });

    customer = await sandbox.customers.update(customer.customer_id, { reference_id: referenceId });
    assert.equal(customer.reference_id, referenceId);
  });

  it('rejects invalid email naming param', async () => {
    const error = await apiError(
      sandbox.customers.update(customer.customer_id, { email: 'not-an-address' }), 400);

    assert.equal(error.param, 'email');
  });

  it('rejects non-object metadata', async () => {
    const error = await apiError(
      sandbox.customers.update(customer.customer_id, { metadata: ['not', 'an', 'object'] }), 400);

    assert.equal(error.param, 'metadata');
  });

  it('deletes customer', async () => {
    const deleted = await sandbox.customers.delete(customer.customer_id);

    assert.deepEqual(deleted, { success: true });
    const error = await apiError(sandbox.customers.retrieve(customer.customer_id), 404);
    assert.equal(error.code, 'resource_missing');
    await apiError(sandbox.customers.retrieve(referenceId), 404);
    await apiError(sandbox.customers.delete(customer.customer_id), 404);
    const remaining = await listAll((params) => sandbox.customers.list(params));
    assert.ok(!remaining.some((item) => item.customer_id === customer.customer_id));
  });

  it('frees reference_id after delete', async () => {
    const reborn = await sandbox.customers.create({ reference_id: referenceId });

    assert.notEqual(reborn.customer_id, customer.customer_id);
    assert.equal(reborn.reference_id, referenceId);
  });
});

describe('secret keys', () => {
  let created;

  it('lists keys with four-character hints', async () => {
    const keys = await listAll((params) => sandbox.secretKeys.list(params));

    assert.ok(keys.length >= 1);
    for (const key of keys) {
      assertId(key.secret_key_id, 'sk_test_');
      assert.equal(typeof key.name, 'string');
      assert.equal(typeof key.secret_key_hint, 'string');
      assert.equal(key.secret_key_hint.length, 4);
      assert.ok(!('secret_key' in key), 'a listed key must not contain the secret');
      assertTimestamp(key.created_at);
    }
    assert.ok(keys.some((key) => key.secret_key_hint === sandboxKey.slice(-4)),
      'the key in use is listed by its hint');
  });

  it('creates working sandbox key', async () => {
    created = await sandbox.secretKeys.create({ name: `CI key ${runTag}` });

    assertId(created.secret_key_id, 'sk_test_');
    assert.equal(created.name, `CI key ${runTag}`);
    assert.match(created.secret_key, /^aks_test_[A-Za-z0-9_-]{24,}$/);
    assert.equal(created.secret_key_hint, created.secret_key.slice(-4));
    assertTimestamp(created.created_at);

    const client = new Lava(created.secret_key, { baseUrl });
    const meters = await client.meters.list({ limit: 1 });
    assertListShape(meters);
    const keys = await listAll((params) => client.secretKeys.list(params));
    const listed = keys.find((key) => key.secret_key_id === created.secret_key_id);
    assert.deepEqual(listed, {
      secret_key_id: created.secret_key_id,
      name: created.name,
      secret_key_hint: created.secret_key_hint,
      created_at: created.created_at,
    });
  });

  it('paginates keys with limit and cursor', async () => {
    const first = await sandbox.secretKeys.list({ limit: 1 });

    assertListShape(first);
    assert.equal(first.data.length, 1);
    assert.equal(first.has_more, true);
    assert.equal(first.data[0].secret_key_id, created.secret_key_id);

    const second = await sandbox.secretKeys.list({ limit: 1, cursor: first.next_cursor });

    assert.equal(second.data.length, 1);
    assert.notEqual(second.data[0].secret_key_id, created.secret_key_id);
  });

  it('revokes deleted key at once', async () => {
    const client = new Lava(created.secret_key, { baseUrl });

    const deleted = await sandbox.secretKeys.delete(created.secret_key_id);

    assert.deepEqual(deleted, { id: created.secret_key_id, deleted: true });
    const error = await apiError(client.meters.list(), 401);
    assert.equal(error.type, 'authentication_error');
    const keys = await listAll((params) => sandbox.secretKeys.list(params));
    assert.ok(!keys.some((key) => key.secret_key_id === created.secret_key_id));
    await apiError(sandbox.secretKeys.delete(created.secret_key_id), 404);
  });

  it('rejects unknown key with 401', async () => {
    const stranger = new Lava(`aks_test_${'Z'.repeat(40)}`, { baseUrl });

    const error = await apiError(stranger.meters.list(), 401);

    assert.equal(error.type, 'authentication_error');
  });
});

describe('environment isolation', () => {
  let sandboxMeter;
  let sandboxPlan;
  let sandboxCustomer;

  before(async () => {
    sandboxMeter = await sandbox.meters.create(meterParams({ name: `Isolated ${runTag}` }));
    sandboxPlan = await sandbox.subscriptions.createPlan({
      name: `Isolated ${runTag}`,
      period_amount: '7.00',
      billing_interval: 'day',
      credit_bundles: [{ name: 'Isolated bundle', cost: '2.00', credit_amount: '2.00' }],
    });
    sandboxCustomer = await sandbox.customers.create({ reference_id: `isolated-${runTag}` });
  });

  it('hides sandbox objects from live key', async () => {
    await apiError(live.meters.retrieve(sandboxMeter.meter_id), 404);
    await apiError(live.subscriptions.retrievePlan(sandboxPlan.plan_id), 404);
    const sandboxBundleId = sandboxPlan.credit_bundles[0].credit_bundle_id;
    await apiError(live.creditBundles.retrieve(sandboxBundleId), 404);
    await apiError(live.customers.retrieve(sandboxCustomer.customer_id), 404);
    await apiError(live.customers.retrieve(`isolated-${runTag}`), 404);
    await apiError(live.meters.update(sandboxMeter.meter_id, { name: 'Hijacked' }), 404);
    await apiError(live.meters.delete(sandboxMeter.meter_id), 404);

    const liveMeters = await listAll((params) => live.meters.list(params));
    assert.ok(!liveMeters.some((meter) => meter.meter_id === sandboxMeter.meter_id));
    const liveCustomers = await listAll((params) => live.customers.list(params));
    assert.ok(!liveCustomers.some((item) => item.customer_id === sandboxCustomer.customer_id));
  });

  it('gives live objects live ids', async () => {
    const liveMeter = await live.meters.create(meterParams({ name: `Live ${runTag}` }));
    const liveCustomer = await live.customers.create({ reference_id: `isolated-${runTag}` });
    const livePlans = await listAll((params) => live.subscriptions.listPlans(params));

    assertId(liveMeter.meter_id, 'prd_');
    assert.equal(liveMeter.meter_slug, `live-${runTag}`);
    assertId(liveCustomer.customer_id, 'con_');
    assert.notEqual(liveCustomer.customer_id, sandboxCustomer.customer_id,
      'the same reference_id names a different customer in live');
    livePlans.forEach((item) => assertPlanShape(item, 'pln_'));
    const liveFree = livePlans.find((item) => item.name === 'Free');
    assert.ok(liveFree, 'live has its own Free plan');
    assertId(liveCustomer.subscription.subscription_id, 'sub_');
    assert.equal(liveCustomer.subscription.plan_id, liveFree.plan_id);

    await apiError(sandbox.meters.retrieve(liveMeter.meter_id), 404);
    await apiError(sandbox.customers.retrieve(liveCustomer.customer_id), 404);
    await apiError(sandbox.subscriptions.retrievePlan(liveFree.plan_id), 404);
  });

  it('lists only live secret keys', async () => {
    const keys = await listAll((params) => live.secretKeys.list(params));

    assert.ok(keys.length >= 1);
    keys.forEach((key) => assertId(key.secret_key_id, 'sk_'));
    assert.ok(keys.some((key) => key.secret_key_hint === liveKey.slice(-4)));

    const created = await live.secretKeys.create({ name: `Live key ${runTag}` });
    assert.match(created.secret_key, /^aks_live_/);
    assertId(created.secret_key_id, 'sk_');
    await apiError(sandbox.secretKeys.delete(created.secret_key_id), 404);
    assert.deepEqual(await live.secretKeys.delete(created.secret_key_id),
      { id: created.secret_key_id, deleted: true });
  });
});
