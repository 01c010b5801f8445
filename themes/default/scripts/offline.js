// Registers the service worker (sw.js, beside this script) and shows what it stored:
// a banner on a page read from the stored copy, and the "store the whole handbook"
// button with its size. The texts come from the page (data-* attributes), in the
// handbook's language. Nothing happens opened from disk: file:// has no workers,
// and the site already works there.
(function () {
  "use strict";
  var script = document.currentScript;
  var workers = navigator.serviceWorker;
  if (!script || !workers || !/^https?:$/.test(location.protocol)) return;
  var root = new URL(".", script.src).href;

  workers.register(new URL("sw.js", root).href).catch(function () {
    // No worker here (offline switched off, or the preview): retire the old one,
    // or it would keep serving its stored pages.
    workers.getRegistrations().then(function (registrations) {
      registrations.forEach(function (r) {
        if (r.scope === root) r.unregister();
      });
    });
  });

  // Asks the worker controlling this page; `reply` may be called more than once.
  function ask(message, reply) {
    var worker = workers.controller;
    if (!worker) return false;
    var channel = new MessageChannel();
    channel.port1.onmessage = function (event) {
      reply(event.data);
    };
    worker.postMessage(message, [channel.port2]);
    return true;
  }

  function day(ms) {
    var d = new Date(ms);
    function two(n) {
      return (n < 10 ? "0" : "") + n;
    }
    return two(d.getDate()) + "/" + two(d.getMonth() + 1) + "/" + d.getFullYear();
  }

  function size(bytes) {
    var mb = bytes / 1e6;
    var text = mb >= 10 ? Math.round(mb) + " MB"
      : mb >= 0.1 ? mb.toFixed(1) + " MB"
      : Math.max(1, Math.round(bytes / 1e3)) + " KB";
    return document.documentElement.lang === "vi" ? text.replace(".", ",") : text;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, name) {
      return name in values ? values[name] : all;
    });
  }

  var banner = document.querySelector(".offline-banner");
  var saver = document.querySelector(".offline-save");
  var button = saver && saver.querySelector("button");
  var said = saver && saver.querySelector(".offline-save-status");
  var last = null;

  function show(status) {
    last = status;
    if (banner) {
      var stale = status.stored && (status.fromCache || !navigator.onLine);
      banner.textContent = fill(banner.getAttribute("data-text"), { date: day(status.saved) });
      banner.hidden = !stale;
    }
    if (saver && !saving) {
      // Storing needs the connection; once stored, the section says so.
      saver.hidden = !navigator.onLine && !status.all;
      said.textContent = status.all
        ? fill(said.getAttribute("data-stored"), { date: day(status.saved) })
        : fill(said.getAttribute("data-size"), { count: status.count, size: size(status.bytes) });
    }
  }

  function refresh() {
    ask({ type: "status", url: location.href }, show);
  }

  var saving = false;
  if (button) {
    button.addEventListener("click", function () {
      if (saving) return;
      saving = ask({ type: "save-all" }, function (progress) {
        if (!progress.finished) {
          said.textContent = fill(said.getAttribute("data-progress"), progress);
          return;
        }
        saving = false;
        button.disabled = false;
        if (progress.failed === 0) {
          said.textContent = said.getAttribute("data-done");
        } else {
          said.textContent = fill(said.getAttribute("data-failed"), {
            failed: progress.failed < 0 ? (last ? last.count : "") : progress.failed,
          });
        }
      });
      if (saving) button.disabled = true;
    });
  }

  refresh();
  workers.addEventListener("controllerchange", refresh);
  window.addEventListener("offline", refresh);
  window.addEventListener("online", refresh);
})();
