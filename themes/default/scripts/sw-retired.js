// This handbook no longer works offline (`offline: false` in sotay.yaml). Browsers
// keep a service worker whose file is gone, so this one takes the old worker's place,
// deletes what it stored and unregisters: pages then come from the network only.
"use strict";

var PREFIX = "sotay " + self.registration.scope + " ";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf(PREFIX) === 0;
    }).map(function (name) {
      return caches.delete(name);
    }));
  }).then(function () {
    return self.registration.unregister();
  }));
});
