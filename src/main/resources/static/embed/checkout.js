// Script of the hosted checkout page. It walks the customer through phone number, one-time
// code, card and confirmation, calling this server's JSON steps, and reports the result to the
// page that framed it with postMessage, addressed only to the merchant's origin. Sandbox pages
// take a test card number. Live pages load Stripe.js, whose card Element turns the card into a
// payment method id, so the card number never reaches this server.

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
  const stripeCard = sandbox ? null : stripeCardForm(root.dataset.stripeJsUrl,
    root.dataset.stripeKey);
  // The payment step's body: {card_number} in sandbox, {payment_method_id} live.
  let payment = null;
  let paymentDue = true;
  let finished = false;

  showExpiry(root.dataset.expiresAt);
  if (sandbox) {
    for (const id of ["sandbox-badge", "code-hint", "card-hint"]) {
      document.getElementById(id).hidden = false;
    }
  }
  if (stripeCard) {
    document.getElementById("card-entry").hidden = true;
    document.getElementById("card-element-entry").hidden = false;
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
    const field = [...step.querySelectorAll("input")].find((input) => input.offsetParent !== null);
    (field || step.querySelector("h2")).focus();
    // Stripe's card fields live in a frame that no selector here reaches.
    if (stepId === "step-card" && stripeCard && !field) stripeCard.focus();
  }

  function showConfirm(last4) {
    document.getElementById("confirm-paid").hidden = !paymentDue;
    document.getElementById("confirm-free").hidden = paymentDue;
    document.getElementById("change-card").hidden = !paymentDue;
    if (paymentDue) {
      document.getElementById("confirm-last4").textContent = last4 || "";
      document.getElementById("confirm-card").hidden = !last4;
    } else {
      document.getElementById("pay").textContent = "Confirm";
    }
    show("step-confirm");
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
      paymentDue = result.payment_due !== false;
      if (paymentDue) {
        show("step-card");
      } else {
        showConfirm("");
      }
      say(result.returning_customer ? "Welcome back. Your phone number is verified."
        : "Your phone number is verified.");
    });
  });

  document.getElementById("step-card").addEventListener("submit", (event) => {
    event.preventDefault();
    run(event.currentTarget, async () => {
      if (stripeCard) {
        const method = await stripeCard.createPaymentMethod();
        payment = { payment_method_id: method.id };
        showConfirm(method.card && method.card.last4);
        return;
      }
      const digits = document.getElementById("card").value.replace(/[\s-]/g, "");
      if (!/^[0-9]{12,19}$/.test(digits)) {
        throw new Error("Enter the card number: 12 to 19 digits.");
      }
      payment = { card_number: digits };
      showConfirm(digits.slice(-4));
    });
  });

  function askForAnotherCard() {
    payment = null;
    if (stripeCard) {
      stripeCard.clear();
    } else {
      document.getElementById("card").value = "";
    }
    show("step-card");
  }

  document.getElementById("change-card").addEventListener("click", () => {
    say("");
    show("step-card");
  });

  document.getElementById("step-confirm").addEventListener("submit", (event) => {
    event.preventDefault();
    run(event.currentTarget, async () => {
      let result;
      try {
        result = await post("payment", paymentDue ? payment : {});
      } catch (error) {
        if (error.status === 402 || error.code === "invalid_value") {
          askForAnotherCard();
        }
        throw error;
      }
      payment = null;
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

// Loads Stripe.js and mounts its card Element in #card-element. Returns the calls the page
// needs; createPaymentMethod resolves to Stripe's PaymentMethod object ({id: "pm_...", card}).
function stripeCardForm(scriptUrl, publishableKey) {
  let element = null;
  const ready = loadScript(scriptUrl).then(() => {
    const stripe = window.Stripe(publishableKey);
    element = stripe.elements().create("card");
    element.mount("#card-element");
    return stripe;
  });
  // The failure is reported when the customer submits the card, not as an unhandled rejection.
  ready.catch(() => {});
  return {
    focus() {
      if (element) element.focus();
    },
    clear() {
      if (element) element.clear();
    },
    async createPaymentMethod() {
      let stripe;
      try {
        stripe = await ready;
      } catch {
        throw new Error("The card form could not be loaded. Check your connection and reload"
          + " the page.");
      }
      const result = await stripe.createPaymentMethod({ type: "card", card: element });
      if (result.error) {
        throw new Error(result.error.message || "Check the card details and try again.");
      }
      return result.paymentMethod;
    },
  };
}

function loadScript(url) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = url;
    script.addEventListener("load", resolve);
    script.addEventListener("error", () => reject(new Error(`Loading ${url} failed`)));
    document.head.append(script);
  });
}

function showExpiry(expiresAt) {
  const time = new Date(expiresAt);
  if (Number.isNaN(time.getTime())) return;
  const formatted = time.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  document.getElementById("expiry").textContent =
    `This checkout link expires at ${formatted}, 60 minutes after it was created.`;
}
