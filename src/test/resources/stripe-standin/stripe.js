// A stand-in for Stripe.js v3 in browser tests, served by StripeStandIn on 127.0.0.1. It has
// only what the checkout page calls: Stripe(publishableKey), elements().create("card") with
// mount, focus and clear, and createPaymentMethod. The card Element is a plain input in the
// page rather than a frame, and a payment method id carries the typed digits
// (pm_standin_<digits>_<n>) so that the API stand-in can choose the charge outcome.
(function () {
  let created = 0;

  function createCardElement() {
    const input = document.createElement("input");
    input.id = "standin-card";
    input.type = "text";
    input.inputMode = "numeric";
    input.autocomplete = "cc-number";
    input.placeholder = "Card number";
    input.setAttribute("aria-label", "Card number");
    return {
      mount(target) {
        const container = typeof target === "string" ? document.querySelector(target) : target;
        if (!container) throw new Error(`mount(): no element matches ${target}`);
        container.append(input);
      },
      focus() {
        input.focus();
      },
      clear() {
        input.value = "";
      },
      // Not part of Stripe.js: createPaymentMethod below reads the digits through it.
      standInDigits() {
        return input.value.replace(/[\s-]/g, "");
      },
    };
  }

  window.Stripe = function Stripe(publishableKey) {
    if (!/^pk_/.test(publishableKey || "")) {
      throw new Error("Stripe(): expected a publishable key (pk_...)");
    }
    window.stripeStandIn = { publishableKey };
    return {
      elements() {
        return {
          create(type) {
            if (type !== "card") throw new Error(`elements().create(): unsupported type ${type}`);
            return createCardElement();
          },
        };
      },
      async createPaymentMethod({ type, card }) {
        const digits = type === "card" && card ? card.standInDigits() : "";
        if (!/^[0-9]{12,19}$/.test(digits)) {
          return { error: { type: "validation_error", code: "incomplete_number",
            message: "Your card number is incomplete." } };
        }
        created += 1;
        return {
          paymentMethod: {
            id: `pm_standin_${digits}_${created}`,
            object: "payment_method",
            type: "card",
            card: { last4: digits.slice(-4) },
          },
        };
      },
    };
  };
})();
