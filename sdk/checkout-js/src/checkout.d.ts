export interface CheckoutSuccess {
  checkoutSessionId: string;
  /** The customer's id; Lava's protocol calls a customer a connection. */
  connectionId: string;
  customerId: string;
}

export interface CheckoutCancel {
  checkoutSessionId: string | null;
}

export interface CheckoutCallbacks {
  onSuccess?: (result: CheckoutSuccess) => void;
  onCancel?: (result: CheckoutCancel) => void;
  onError?: (error: Error) => void;
}

export interface CheckoutHandle {
  /** Removes the overlay without calling a callback. */
  close(): void;
}

export function decodeCheckoutToken(token: string): { secret: string; base: string };
export function checkoutUrl(token: string): string;
export function openCheckout(token: string, callbacks?: CheckoutCallbacks): CheckoutHandle;
