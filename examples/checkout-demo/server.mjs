// A merchant site for the embedded checkout. The backend creates checkout sessions with the
// official Lava Node SDK pointed at Tollgate. The page opens them with Tollgate's browser SDK,
// which it loads from the Tollgate server at /js/checkout.js.
//
//   TOLLGATE_URL=http://127.0.0.1:8080/ TOLLGATE_SECRET_KEY=aks_test_... \
//   DEMO_PLAN_ID=pln_test_... node server.mjs
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { Lava } from "@lavapayments/nodejs";

const PAGE = fileURLToPath(new URL("./public/index.html", import.meta.url));
const MAX_BODY_BYTES = 16 * 1024;

/**
 * Starts the demo on 127.0.0.1. Options: tollgateUrl (server origin ending in "/"), secretKey,
 * planId, port (0 picks a free one). Resolves to {url, close()}.
 */
export async function startDemo({ tollgateUrl, secretKey, planId, port = 0 }) {
  const lava = new Lava(secretKey, { baseUrl: new URL("v1/", tollgateUrl).href });
  const page = await readFile(PAGE, "utf8");
  let origin = "";

  const server = createServer(async (request, response) => {
    try {
      await route(request, response);
    } catch (error) {
      const status = error.status ?? 500;
      send(response, status, { error: error.message });
    }
  });

  async function route(request, response) {
    const path = new URL(request.url, origin).pathname;
    if (request.method === "GET" && path === "/") {
      const html = page
        .replaceAll("{{TOLLGATE_URL}}", escapeHtml(tollgateUrl))
        .replaceAll("{{PLAN_ID}}", escapeHtml(planId));
      response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      response.end(html);
      return;
    }
    if (request.method === "POST" && path === "/api/checkout") {
      const body = await readJson(request);
      send(response, 200, await createSession(body));
      return;
    }
    send(response, 404, { error: `No route for ${request.method} ${path}` });
  }

  async function createSession(body) {
    if (body.mode === "credit_bundle") {
      // A real site takes the customer id from its own login session, not from the request.
      const customerId = String(body.customer_id ?? "");
      const { subscription } = await lava.customers.getSubscription(customerId);
      if (!subscription) {
        throw Object.assign(new Error("The customer has no subscription."), { status: 409 });
      }
      const bundles = await lava.creditBundles.list({ plan_id: subscription.plan_id });
      if (bundles.data.length === 0) {
        throw Object.assign(new Error("The plan has no credit bundle."), { status: 409 });
      }
      const session = await lava.checkoutSessions.create({
        checkout_mode: "credit_bundle",
        origin_url: origin + "/",
        customer_id: customerId,
        credit_bundle_id: bundles.data[0].credit_bundle_id,
      });
      return { token: session.checkout_session_token };
    }
    const session = await lava.checkoutSessions.create({
      checkout_mode: "subscription",
      origin_url: origin + "/",
      plan_id: planId,
    });
    return { token: session.checkout_session_token };
  }

  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  return {
    url: origin + "/",
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

async function readJson(request) {
  let size = 0;
  const chunks = [];
  for await (const chunk of request) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      throw Object.assign(new Error("Request body is too large."), { status: 413 });
    }
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
  } catch {
    throw Object.assign(new Error("Request body is not valid JSON."), { status: 400 });
  }
}

function send(response, status, body) {
  response.writeHead(status, { "Content-Type": "application/json" });
  response.end(JSON.stringify(body));
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const required = ["TOLLGATE_URL", "TOLLGATE_SECRET_KEY", "DEMO_PLAN_ID"];
  const missing = required.filter((name) => !process.env[name]);
  if (missing.length > 0) {
    console.error(`Set ${missing.join(", ")}; see README.md.`);
    process.exit(2);
  }
  const tollgateUrl = process.env.TOLLGATE_URL.replace(/\/?$/, "/");
  const demo = await startDemo({
    tollgateUrl,
    secretKey: process.env.TOLLGATE_SECRET_KEY,
    planId: process.env.DEMO_PLAN_ID,
    port: Number(process.env.DEMO_PORT ?? 3000),
  });
  console.log(`Checkout demo listening on ${demo.url}`);
}
