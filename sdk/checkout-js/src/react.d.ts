import type { CheckoutCallbacks } from "./checkout.js";

export * from "./checkout.js";

export function useLavaCheckout(callbacks?: CheckoutCallbacks): { open(token: string): void };
