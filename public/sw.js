// Novi's service worker: keeps the app shell (stylesheet, bundles, icons) and the last copy
// of each page, so the dashboard installs to a phone's home screen and still opens when the
// network is down. Everything comes from the network first, as pages are rendered per user
// and per moment; the API, server functions and the live feed are never cached.
const SHELL = "novi-shell-v1";
const PAGES = "novi-pages-v1";
const SHELL_FILES = [
  "/pkg/novi.css",
  "/pkg/frontend.js",
  "/pkg/frontend_bg.wasm",
  "/favicon.svg",
  "/icon-192.png",
  "/manifest.webmanifest",
];

self.addEventListener("install", (event) => {
  // A file that cannot be fetched now is cached on its next use instead of failing the install.
  event.waitUntil(
    caches
      .open(SHELL)
      .then((cache) => Promise.allSettled(SHELL_FILES.map((file) => cache.add(file))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name !== SHELL && name !== PAGES).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (["/api/", "/rpc/", "/dev/", "/t/"].some((root) => url.pathname.startsWith(root))) return;

  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone();
            caches.open(PAGES).then((cache) => cache.put(request, copy));
          }
          return response;
        })
        .catch(() => caches.match(request).then((cached) => cached || caches.match("/orders"))),
    );
    return;
  }

  // The page and its bundle must come from the same release, so the network answers first;
  // the cached copy serves only when it cannot.
  if (url.pathname.startsWith("/pkg/") || SHELL_FILES.includes(url.pathname)) {
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone();
            caches.open(SHELL).then((cache) => cache.put(request, copy));
          }
          return response;
        })
        .catch(() => caches.match(request)),
    );
  }
});
