// Script of the hosted checkout page. It walks the customer through phone number, one-time
// code, card and confirmation, calling this server's JSON steps, and reports the result to the
// page that framed it with postMessage, addressed only to the merchant's origin.

const SUCCESS = "lava_checkout_success";
const CANCEL = "lava_checkout_cancel";

const root = document.getElementById("checkout");
const errorRoot = document.getElementById("checkout-error");

function notifyParent(message, origin) {
  if (window.parent !== window && origin) {
    window.parent.postMessage(message, origin);
  }
}

if (errorRoot) {
  const origin = errorRoot.dataset.origin;
  const close = document.getElementById("close");
  const cancel = () => notifyParent({ type: CANCEL, checkoutSessionId: null }, origin);
  close.addEventListener("click", cancel);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") cancel();
  });
  close.focus();
}

if (root) {
  startCheckout(root);
}

function startCheckout(root) {
  const origin = root.dataset.origin;
  const sessionId = root.dataset.sessionId;
  const sandbox = root.dataset.sandbox === "true";
  const phoneEnding = root.dataset.phoneOnFileEnding;
  const base = window.location.pathname.replace(/\/$/, "");
  const status = document.getElementById("status");
  const steps = ["step-phone", "step-code", "step-card", "step-confirm", "step-result"];
  let cardNumber = "";
  let finished = false;

  showExpiry(root.dataset.expiresAt);
  if (sandbox) {
    for (const id of ["sandbox-badge", "code-hint", "card-hint"]) {
      document.getElementById(id).hidden = false;
    }
  }
  if (phoneEnding) {
    document.getElementById("phone-entry").hidden = true;
    document.getElementById("phone-on-file").hidden = false;
    document.getElementById("phone-ending").textContent = phoneEnding;
  }

  function show(stepId) {
    for (const id of steps) {
      document.getElementById(id).hidden = id !== stepId;
    }
    const step = document.getElementById(stepId);
    const field = step.querySelector("input:not([hidden])");
    const visibleField = field && field.offsetParent !== null ? field : null;
    (visibleField || step.querySelector("h2")).focus();
  }

  function say(text) {
    status.textContent = text;
  }

  async function post(step, body) {
    const response = await fetch(`${base}/${step}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const message = data.error && data.error.message
        ? data.error.message
        : `The request failed with status ${response.status}. Try again.`;
      const error = new Error(message);
      error.status = response.status;
      error.code = data.error && data.error.code;
      throw error;
    }
    return data;
  }

  async function run(form, work) {
    const buttons = form.querySelectorAll("button");
    buttons.forEach((button) => (button.disabled = true));
    say("");
    try {
      await work();
    } catch (error) {
      say(error.message);
      if (error.status === 409 || error.status === 410) {
        lockForm();
      }
    } finally {
      buttons.forEach((button) => (button.disabled = false));
    }
  }

  function lockForm() {
    for (const id of steps) {
      document.getElementById(id).hidden = true;
    }
    document.getElementById("cancel").textContent = "Close";
    document.getElementById("cancel").focus();
  }

  document.getElementById("step-phone").addEventListener("submit", (event) => {
    event.preventDefault();
    run(event.currentTarget, async () => {
      const phone = phoneEnding ? "" : document.getElementById("phone").value.trim();
      if (!phoneEnding && !phone) {
        throw new Error("Enter your phone number, starting with + and the country code.");
      }
      await post("phone", phone ? { phone } : {});
      show("step-code");
      say("We sent a code to your phone.");
    });
  });

  document.getElementById("resend").addEventListener("click", (event) => {
    run(document.getElementById("step-code"), async () => {
      const phone = phoneEnding ? "" : document.getElementById("phone").value.trim();
      await post("phone", phone ? { phone } : {});
      say("We sent a new code.");
    });
  });

  document.getElementById("step-code").addEventListener("submit", (event) => {
    event.preventDefault();
    run(event.currentTarget, async () => {
      const code = document.getElementById("code").value.trim();
      const result = await post("code", { code });
      show("step-card");
      say(result.returning_customer ? "Welcome back. Your phone number is verified."
        : "Your phone number is verified.");
    });
  });

  document.getElementById("step-card").addEventListener("submit", (event) => {
    event.preventDefault();
    run(event.currentTarget, async () => {
      const digits = document.getElementById("card").value.replace(/[\s-]/g, "");
      if (!/^[0-9]{12,19}$/.test(digits)) {
        throw new Error("Enter the card number: 12 to 19 digits.");
      }
      cardNumber = digits;
      document.getElementById("confirm-last4").textContent = digits.slice(-4);
      show("step-confirm");
    });
  });

  document.getElementById("change-card").addEventListener("click", () => {
    say("");
    show("step-card");
  });

  document.getElementById("step-confirm").addEventListener("submit", (event) => {
    event.preventDefault();
    run(event.currentTarget, async () => {
      let result;
      try {
        result = await post("payment", { card_number: cardNumber });
      } catch (error) {
        if (error.status === 402 || error.code === "invalid_value") {
          document.getElementById("card").value = "";
          show("step-card");
        }
        throw error;
      }
      cardNumber = "";
      finished = true;
      show("step-result");
      say("Payment complete.");
      document.getElementById("cancel").hidden = true;
      const message = {
        type: SUCCESS,
        checkoutSessionId: result.checkout_session_id,
        connectionId: result.connection_id,
        customerId: result.customer_id,
      };
      document.getElementById("done").addEventListener("click", () => notifyParent(message, origin));
    });
  });

  const cancel = () => {
    if (!finished) {
      notifyParent({ type: CANCEL, checkoutSessionId: sessionId }, origin);
    }
  };
  document.getElementById("cancel").addEventListener("click", cancel);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") cancel();
  });

  show("step-phone");
}

function showExpiry(expiresAt) {
  const time = new Date(expiresAt);
  if (Number.isNaN(time.getTime())) return;
  const formatted = time.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  document.getElementById("expiry").textContent =
    `This checkout link expires at ${formatted}, 60 minutes after it was created.`;
}
