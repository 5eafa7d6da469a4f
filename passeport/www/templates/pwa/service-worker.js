{% autoescape off %}/* Passeport's service worker (rendered by passeport/www/public/pwa.py).
 *
 * - The site's look and the offline page are kept ("static" cache).
 * - A holder's last-seen passport and QR codes page are kept in a cache of their own,
 *   named after the opaque key the server sends with them (X-Passeport-Holder); a page of
 *   another holder empties it first, and logging out empties it: never another person's data.
 * - Offline, a page of /mon-espace/ is read from that cache, any other page shows the
 *   offline page.
 */
const VERSION = "{{ version }}";
const STATIC_CACHE = "passeport-static-" + VERSION;
const HOLDER_PREFIX = "passeport-holder-";
const PRECACHE = {{ precache_json }};
const HOLDER_PAGES = {{ holder_pages_json }};
const OFFLINE_PAGE = "/hors-ligne/";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(STATIC_CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((names) => Promise.all(
      names.filter((name) => name.startsWith("passeport-static-") && name !== STATIC_CACHE).map((name) => caches.delete(name))
    )).then(() => self.clients.claim())
  );
});

function clearHolderCaches(except) {
  return caches.keys().then((names) => Promise.all(
    names.filter((name) => name.startsWith(HOLDER_PREFIX) && name !== except).map((name) => caches.delete(name))
  ));
}

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "logout") {
    event.waitUntil(clearHolderCaches(null));
  }
});

async function keepHolderPage(request, response) {
  const holder = response.headers.get("X-Passeport-Holder");
  if (!holder || response.status !== 200 || response.redirected) {
    return;
  }
  const name = HOLDER_PREFIX + holder;
  await clearHolderCaches(name);
  const cache = await caches.open(name);
  await cache.put(new URL(request.url).pathname, response);
}

async function holderPage(path) {
  const names = (await caches.keys()).filter((name) => name.startsWith(HOLDER_PREFIX));
  for (const name of names) {
    const cache = await caches.open(name);
    const hit = await cache.match(path);
    if (hit) {
      return hit;
    }
  }
  return null;
}

async function navigate(event) {
  const request = event.request;
  const path = new URL(request.url).pathname;
  if (request.method !== "GET") {
    if (path.startsWith("/identity/deconnexion")) {
      await clearHolderCaches(null);
    }
    return fetch(request);
  }
  try {
    const response = await fetch(request);
    if (HOLDER_PAGES.includes(path)) {
      event.waitUntil(keepHolderPage(request, response.clone()));
    } else if (path.startsWith("/identity/deconnecte")) {
      event.waitUntil(clearHolderCaches(null));
    }
    return response;
  } catch (error) {
    if (path.startsWith("/mon-espace/")) {
      const kept = (await holderPage(path)) || (await holderPage("/mon-espace/"));
      if (kept) {
        return kept;
      }
    }
    return (await caches.match(OFFLINE_PAGE)) || Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(navigate(event));
  } else if (request.method === "GET" && url.pathname.startsWith("{{ static_prefix }}")) {
    // Static files: from the cache when kept, else fetched and kept.
    event.respondWith(
      caches.open(STATIC_CACHE).then((cache) => cache.match(request).then((hit) => hit || fetch(request).then((response) => {
        if (response.ok) {
          cache.put(request, response.clone());
        }
        return response;
      })))
    );
  }
});
{% endautoescape %}
