// React binding: useLavaCheckout keeps the latest callbacks and closes an open checkout when
// the component unmounts.
import { useCallback, useEffect, useRef } from "react";
import { openCheckout } from "./checkout.js";

export { openCheckout, decodeCheckoutToken, checkoutUrl } from "./checkout.js";

/** Returns {open(token)}, which opens the checkout and reports to the given callbacks. */
export function useLavaCheckout(callbacks = {}) {
  const latest = useRef(callbacks);
  const handle = useRef(null);

  useEffect(() => {
    latest.current = callbacks;
  });

  useEffect(() => () => handle.current?.close(), []);

  const open = useCallback((token) => {
    handle.current?.close();
    handle.current = openCheckout(token, {
      onSuccess: (result) => latest.current.onSuccess?.(result),
      onCancel: (result) => latest.current.onCancel?.(result),
      onError: (error) => latest.current.onError?.(error),
    });
  }, []);

  return { open };
}
