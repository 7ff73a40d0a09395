import { test } from "node:test";
import assert from "node:assert/strict";
import { checkoutUrl, decodeCheckoutToken } from "../src/checkout.js";

const encode = (value) => Buffer.from(JSON.stringify(value)).toString("base64");

test("decodes a valid token", () => {
  const token = encode({ secret: "css_abc123", base: "https://billing.example/" });
  assert.deepEqual(decodeCheckoutToken(token), {
    secret: "css_abc123",
    base: "https://billing.example/",
  });
  assert.equal(checkoutUrl(token), "https://billing.example/embed/checkout/css_abc123");
});

test("keeps a base path", () => {
  const token = encode({ secret: "css_abc", base: "http://127.0.0.1:8080/tollgate/" });
  assert.equal(checkoutUrl(token), "http://127.0.0.1:8080/tollgate/embed/checkout/css_abc");
});

test("rejects invalid tokens", () => {
  const cases = [
    "",
    "not base64 !!",
    Buffer.from("plain text").toString("base64"),
    encode({ base: "https://billing.example/" }),
    encode({ secret: "sk_live", base: "https://billing.example/" }),
    encode({ secret: "css_a/../b", base: "https://billing.example/" }),
    encode({ secret: "css_abc" }),
    encode({ secret: "css_abc", base: "javascript:alert(1)" }),
  ];
  for (const token of cases) {
    assert.throws(() => decodeCheckoutToken(token), /Invalid checkout token/, token);
  }
  assert.throws(() => decodeCheckoutToken(undefined), /Invalid checkout token/);
});
