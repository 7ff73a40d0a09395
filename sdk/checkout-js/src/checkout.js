// Opens a hosted checkout in a full-page overlay iframe and reports its outcome. Plain ESM
// without dependencies: Tollgate serves this same file at /js/checkout.js.

const SUCCESS = "lava_checkout_success";
const CANCEL = "lava_checkout_cancel";
const OVERLAY_ID = "lava-checkout-overlay";

/**
 * Decodes a checkout session token: standard base64 of JSON {"secret": "css_...", "base":
 * "<server origin>/"}. Throws an Error naming the problem when the token is not one.
 */
export function decodeCheckoutToken(token) {
  if (typeof token !== "string" || token.trim() === "") {
    throw new Error("Invalid checkout token: expected the checkout_session_token string.");
  }
  let fields;
  try {
    fields = JSON.parse(decodeBase64(token.trim()));
  } catch {
    throw new Error("Invalid checkout token: it is not base64-encoded JSON.");
  }
  if (!fields || typeof fields.secret !== "string" || !/^css_[A-Za-z0-9_]+$/.test(fields.secret)) {
    throw new Error("Invalid checkout token: the secret is missing or malformed.");
  }
  let base;
  try {
    base = new URL(fields.base);
  } catch {
    throw new Error("Invalid checkout token: the base URL is missing or malformed.");
  }
  if (base.protocol !== "https:" && base.protocol !== "http:") {
    throw new Error("Invalid checkout token: the base URL must use http or https.");
  }
  return { secret: fields.secret, base: base.href };
}

function decodeBase64(text) {
  if (typeof atob === "function") {
    const binary = atob(text);
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return new TextDecoder().decode(bytes);
  }
  return Buffer.from(text, "base64").toString("utf8");
}

/** Returns the checkout page URL for a token: base + "embed/checkout/" + secret. */
export function checkoutUrl(token) {
  const { secret, base } = decodeCheckoutToken(token);
  return new URL("embed/checkout/" + encodeURIComponent(secret), base).href;
}

/**
 * Opens the checkout for a token in an overlay covering the page. Callbacks:
 * onSuccess({checkoutSessionId, connectionId, customerId}), onCancel({checkoutSessionId}),
 * onError(error) for an invalid token. Only messages from the checkout's own origin and frame
 * are accepted. Returns {close}, which removes the overlay without calling a callback.
 */
export function openCheckout(token, callbacks = {}) {
  let url;
  try {
    url = new URL(checkoutUrl(token));
  } catch (error) {
    callbacks.onError?.(error);
    return { close() {} };
  }
  document.getElementById(OVERLAY_ID)?.remove();
  const previousFocus = document.activeElement;
  const previousOverflow = document.body.style.overflow;
  const overlay = createOverlay(url.href);
  const frame = overlay.querySelector("iframe");

  function close() {
    window.removeEventListener("message", onMessage);
    overlay.remove();
    document.body.style.overflow = previousOverflow;
    if (previousFocus && typeof previousFocus.focus === "function") previousFocus.focus();
  }

  function onMessage(event) {
    if (event.origin !== url.origin || event.source !== frame.contentWindow) return;
    const data = event.data;
    if (!data || typeof data !== "object") return;
    if (data.type === SUCCESS) {
      close();
      callbacks.onSuccess?.({
        checkoutSessionId: data.checkoutSessionId,
        connectionId: data.connectionId,
        customerId: data.customerId,
      });
    } else if (data.type === CANCEL) {
      close();
      callbacks.onCancel?.({ checkoutSessionId: data.checkoutSessionId });
    }
  }

  window.addEventListener("message", onMessage);
  document.body.style.overflow = "hidden";
  document.body.appendChild(overlay);
  frame.focus();
  return { close };
}

function createOverlay(src) {
  const overlay = document.createElement("div");
  overlay.id = OVERLAY_ID;
  overlay.setAttribute("role", "dialog");
  overlay.setAttribute("aria-modal", "true");
  overlay.setAttribute("aria-label", "Checkout");
  Object.assign(overlay.style, {
    position: "fixed",
    inset: "0",
    zIndex: "2147483647",
    background: "rgba(17, 24, 39, 0.55)",
  });
  const frame = document.createElement("iframe");
  frame.src = src;
  frame.title = "Checkout";
  frame.setAttribute("allow", "payment");
  Object.assign(frame.style, { width: "100%", height: "100%", border: "0", display: "block" });
  overlay.appendChild(frame);
  return overlay;
}
