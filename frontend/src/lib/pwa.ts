/**
 * Registers the service worker (public/sw.js) that makes the app installable
 * and its shell available offline. The worker never touches /api/* (no
 * caching of API responses, images or the SSE streams).
 */
export function registerServiceWorker(): void {
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
  if (import.meta.env.DEV) return; // Vite serves modules; a worker would only get in the way.
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {
      // Not installable then, but the app works the same.
    });
  });
}
