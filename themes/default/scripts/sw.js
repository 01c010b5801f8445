// sotay's service worker: the handbook keeps working without a connection.
// The build writes `self.SOTAY` above this script: the build's version, the files
// every visitor stores (`precache`), and the list of the rest (`all`), which the
// reader can store with one button.
//
// - One cache per build: a new build fills a new cache whole, then the old one is
//   deleted, so a reader never sees pages of two builds side by side offline.
// - Pages: the network first (so a reader online sees today's site), the stored copy
//   when the network fails or is slower than PATIENCE with a copy at hand.
// - Other files (CSS, search index) carry the build in their address or are in the
//   precache: the stored copy first.
"use strict";

var BUILD = self.SOTAY;
var SCOPE = self.registration.scope;
var PREFIX = "sotay " + SCOPE + " ";
var CACHE = PREFIX + BUILD.version;
// Not a page of the site: when this cache was filled, and whether the reader asked
// for the whole handbook.
var META = new URL("__sotay/saved", SCOPE).href;
var OFFLINE_PAGE = new URL(BUILD.offline, SCOPE).href;
var PATIENCE = 6000;
// Pages served from the cache, for the page's "saved copy" banner.
var fromCache = new Set();

self.addEventListener("install", function (event) {
  event.waitUntil(install().then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf(PREFIX) === 0 && name !== CACHE;
    }).map(function (name) {
      return caches.delete(name);
    }));
  }).then(function () {
    return self.clients.claim();
  }));
});

// Fills this build's cache: the precache (all or nothing), then again every page
// the reader had stored from an earlier build, now fetched from this one.
function install() {
  return caches.open(CACHE).then(function (cache) {
    var urls = BUILD.precache.map(function (path) {
      return fresh(new URL(path, SCOPE).href);
    });
    return cache.addAll(urls).then(function () {
      return earlier();
    }).then(function (earlier) {
      var wanted = earlier.urls.filter(function (url) {
        return BUILD.precache.indexOf(url.slice(SCOPE.length)) < 0;
      });
      return storeAll(cache, wanted, function () {}).then(function () {
        return writeMeta(cache, { saved: Date.now(), all: earlier.all });
      });
    });
  });
}

// The pages an earlier build's cache holds, and whether the reader stored it all.
function earlier() {
  return caches.keys().then(function (names) {
    var old = names.filter(function (name) {
      return name.indexOf(PREFIX) === 0 && name !== CACHE;
    });
    if (!old.length) return { urls: [], all: false };
    return caches.open(old[old.length - 1]).then(function (cache) {
      return Promise.all([cache.keys(), readMeta(cache)]).then(function (found) {
        return {
          urls: found[0].map(function (r) { return r.url; }).filter(function (url) {
            return url !== META && url.indexOf(SCOPE) === 0 && url.indexOf("?") < 0;
          }),
          all: found[1].all,
        };
      });
    });
  });
}

// A request that asks the server again rather than trusting the browser's cache:
// a file from an earlier build must not slip into this build's cache.
function fresh(url) {
  return new Request(url, { cache: "no-cache", credentials: "same-origin" });
}

function readMeta(cache) {
  return cache.match(META).then(function (response) {
    return response ? response.json() : { saved: 0, all: false };
  });
}

function writeMeta(cache, meta) {
  return cache.put(META, new Response(JSON.stringify(meta), {
    headers: { "content-type": "application/json" },
  }));
}

// Stores `urls` a few at a time; one that fails is skipped and counted.
function storeAll(cache, urls, progress) {
  var next = 0;
  var done = 0;
  var failed = 0;
  function worker() {
    if (next >= urls.length) return Promise.resolve();
    var url = urls[next++];
    return fetch(fresh(url)).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return cache.put(url, response);
    }).catch(function () {
      failed++;
    }).then(function () {
      done++;
      progress(done, urls.length);
      return worker();
    });
  }
  var workers = [];
  for (var i = 0; i < 4; i++) workers.push(worker());
  return Promise.all(workers).then(function () {
    return failed;
  });
}

// Pages are linked as `…/index.html`; an address ending in `/` is the same page,
// and so is one with a query (the search page's `?q=`).
function key(url) {
  var u = new URL(url);
  u.hash = "";
  u.search = "";
  if (u.pathname.slice(-1) === "/") u.pathname += "index.html";
  return u.href;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || request.url.indexOf(SCOPE) !== 0) return;
  if (request.mode === "navigate") {
    event.respondWith(page(request));
  } else {
    event.respondWith(file(request));
  }
});

function page(request) {
  var url = key(request.url);
  return caches.open(CACHE).then(function (cache) {
    return cache.match(url).then(function (stored) {
      var network = fetch(request).then(function (response) {
        if (response.ok && response.type === "basic" && !response.redirected) {
          cache.put(url, response.clone());
        }
        fromCache.delete(url);
        return response;
      });
      var fallback = function () {
        if (stored) {
          fromCache.add(url);
          return stored;
        }
        return cache.match(OFFLINE_PAGE).then(function (offline) {
          if (!offline) return Response.error();
          return Response.redirect(OFFLINE_PAGE, 302);
        });
      };
      if (!stored) return network.catch(fallback);
      // With a copy at hand, a very slow connection is not waited for.
      var slow = new Promise(function (resolve) {
        setTimeout(resolve, PATIENCE);
      }).then(fallback);
      return Promise.race([network.catch(fallback), slow]);
    });
  });
}

function file(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request).then(function (stored) {
      if (stored) return stored;
      return fetch(request).then(function (response) {
        if (response.ok && response.type === "basic") cache.put(request, response.clone());
        return response;
      }, function () {
        // Offline and not stored under this address: any copy of the file will do.
        return cache.match(request, { ignoreSearch: true }).then(function (any) {
          return any || Response.error();
        });
      });
    });
  });
}

// The page asks what to show: whether it came from the cache and when that was
// filled, and how much "store everything" would download. It also asks to store it.
self.addEventListener("message", function (event) {
  var port = event.ports[0];
  var data = event.data || {};
  if (!port) return;
  if (data.type === "status") {
    event.waitUntil(status(data.url).then(function (answer) {
      port.postMessage(answer);
    }));
  } else if (data.type === "save-all") {
    event.waitUntil(saveAll(port));
  }
});

function status(url) {
  url = key(url);
  return caches.open(CACHE).then(function (cache) {
    return Promise.all([readMeta(cache), cache.match(url)]);
  }).then(function (found) {
    var meta = found[0];
    var stored = found[1];
    var date = stored && Date.parse(stored.headers.get("date") || "");
    return {
      fromCache: fromCache.has(url),
      stored: !!stored,
      saved: date || meta.saved,
      all: meta.all,
      count: BUILD.all.count,
      bytes: BUILD.all.bytes,
    };
  });
}

function saveAll(port) {
  return caches.open(CACHE).then(function (cache) {
    return fetch(fresh(new URL(BUILD.all.list, SCOPE).href)).then(function (response) {
      return response.json();
    }).then(function (list) {
      var urls = list.files.map(function (path) {
        return new URL(path, SCOPE).href;
      });
      return storeAll(cache, urls, function (done, total) {
        port.postMessage({ done: done, total: total });
      }).then(function (failed) {
        return readMeta(cache).then(function (meta) {
          meta.all = failed === 0;
          return writeMeta(cache, meta);
        }).then(function () {
          port.postMessage({ finished: true, failed: failed, total: urls.length });
        });
      });
    });
  }).catch(function () {
    port.postMessage({ finished: true, failed: -1 });
  });
}
