// sotay search. Folds Vietnamese exactly as the build does (src/text.rs: NFD, drop
// marks, đ→d, lowercase), loads only the index files a query needs (as <script>s,
// so it works from file:// too), ranks, and shows the results. The index format is
// described in src/search/mod.rs.
(function () {
  'use strict';
  var MARKS = /\p{M}/gu;
  var WORD = /[\p{Alphabetic}\p{N}\p{M}]+/gu;
  var LETTERS = /^\p{Alphabetic}+$/u;
  var B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  var PAGE = 10;
  var COMPLETIONS = 8;

  function fold(s) {
    return s.normalize('NFD').replace(MARKS, '').replace(/[đĐ]/g, 'd').toLowerCase();
  }
  // The index key of one word (src/search/spelling.rs): folded, and a final y after
  // a consonant or "qu" written i, so kí/ký, lí/lý, quí/quý are one word.
  var FINAL_Y = /([bcdghklmnpqrstvx]|qu)y$/;
  function key(w) {
    return fold(w).replace(FINAL_Y, '$1i');
  }
  function words(s) {
    return s.match(WORD) || [];
  }

  if (typeof document === 'undefined') {
    // Loaded by the tests under Node: expose the folding, nothing else.
    globalThis.sotaySearch = { fold: fold, key: key, words: words };
    return;
  }

  var data = JSON.parse(document.getElementById('search-data').textContent);
  // The index format this script reads (src/search/mod.rs, FORMAT).
  var FORMAT = 3;
  var vocab = data.vocab ? data.vocab.split(' ') : [];
  var vocabSet = new Set(vocab);
  var lead = data.lead || '';
  var text = data.text;
  var form = document.getElementById('search-form');
  var input = document.getElementById('q');
  var status = document.getElementById('search-status');
  var results = document.getElementById('search-results');
  var FILTERS = ['field', 'level', 'audience', 'online'];
  if (data.format !== FORMAT) {
    // A page and index from different sotay versions: say so rather than misread.
    status.textContent = text.outdated;
    return;
  }

  // ---- loading index files --------------------------------------------------

  var files = {};
  var pending = {};
  window.__sotaySearch = function (name, value) {
    files[name] = value;
    (pending[name] || []).forEach(function (p) { p[0](); });
    delete pending[name];
  };
  function load(names) {
    return Promise.all(names.map(function (name) {
      if (name in files) return null;
      return new Promise(function (resolve, reject) {
        if (!pending[name]) {
          pending[name] = [];
          var script = document.createElement('script');
          script.src = name + '.js?v=' + data.version;
          script.onerror = function () {
            (pending[name] || []).forEach(function (p) { p[1](new Error(name)); });
            delete pending[name];
            script.remove();
          };
          document.head.appendChild(script);
        }
        pending[name].push([resolve, reject]);
      });
    }));
  }

  function shardOf(key) {
    var lo = 0, hi = data.shards.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (data.shards[mid] <= key) lo = mid; else hi = mid - 1;
    }
    return lo;
  }
  function entry(key) {
    var shard = files['i' + shardOf(key)];
    return shard && Object.prototype.hasOwnProperty.call(shard, key) ? shard[key] : null;
  }

  var decoded = new Map();
  function ids(list) {
    var out = decoded.get(list);
    if (out) return out;
    out = [];
    if (typeof list === 'string') {
      for (var i = 0; i < list.length; i++) {
        var v = B64.indexOf(list[i]);
        for (var b = 0; b < 6; b++) if (v & (1 << b)) out.push(i * 6 + b);
      }
    } else {
      var id = 0;
      for (var j = 0; j < list.length; j++) { id += list[j]; out.push(id); }
    }
    decoded.set(list, out);
    return out;
  }

  // ---- the query ------------------------------------------------------------

  function lowerBound(list, key) {
    var lo = 0, hi = list.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (list[mid] < key) lo = mid + 1; else hi = mid;
    }
    return lo;
  }
  function oneEdit(a, b) {
    if (Math.abs(a.length - b.length) > 1 || a === b) return false;
    var i = 0, j = 0, edits = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) { i++; j++; continue; }
      if (++edits > 1) return false;
      if (a.length > b.length) i++;
      else if (b.length > a.length) j++;
      else if (a[i + 1] === b[j] && a[i] === b[j + 1] && a.slice(i + 2) === b.slice(j + 2)) return true;
      else { i++; j++; }
    }
    return edits + (a.length - i) + (b.length - j) <= 1;
  }

  // Each word typed, with the index words it may stand for: itself (kind 0), a
  // completion while it is being typed (1), or a one-letter typo fix (2).
  function parse(q) {
    var typed = words(q.normalize('NFC'));
    var typing = !/\s$/.test(q);
    return typed.map(function (w, i) {
      var f = key(w);
      var token = { raw: w.toLowerCase(), f: f, marked: f !== w.toLowerCase(), cands: [{ t: f, kind: 0 }] };
      var letters = LETTERS.test(f);
      if (letters && !vocabSet.has(f)) {
        vocab.forEach(function (v) {
          if (Math.max(v.length, f.length) >= 4 && oneEdit(f, v)) token.cands.push({ t: v, kind: 2 });
        });
      }
      if (typing && i === typed.length - 1 && letters) {
        // The word being typed: completed from the titles where it follows the
        // previous word (their index files come with that word's), and from the
        // few shortest words it begins, so a keystroke never fetches dozens of files.
        token.pairPrefix = i > 0;
        if (f.length >= 2) {
          var more = [];
          for (var k = lowerBound(vocab, f); k < vocab.length && vocab[k].startsWith(f); k++) {
            if (vocab[k] !== f) more.push(vocab[k]);
          }
          more.sort(function (a, b) { return a.length - b.length || (a < b ? -1 : 1); });
          more.slice(0, COMPLETIONS).forEach(function (w) { token.cands.push({ t: w, kind: 1 }); });
        }
      }
      return token;
    });
  }

  // Slips of typing without Telex and of regional speech: an h dropped after t, n,
  // c, g, k or p ("tong" for "thong"), and tr/ch, s/x, d/gi/r, l/n at a word's start.
  var SWAPS = [['tr', 'ch'], ['ch', 'tr'], ['s', 'x'], ['x', 's'], ['gi', 'd'], ['gi', 'r'],
    ['d', 'gi'], ['d', 'r'], ['r', 'd'], ['r', 'gi'], ['l', 'n'], ['n', 'l']];
  function slips(f) {
    var out = [];
    for (var i = 0; i < f.length; i++) {
      if ('tncgkp'.indexOf(f[i]) >= 0 && f[i + 1] !== 'h') out.push(f.slice(0, i + 1) + 'h' + f.slice(i + 1));
    }
    SWAPS.forEach(function (swap) {
      if (f.startsWith(swap[0])) out.push(swap[1] + f.slice(swap[0].length));
    });
    return out;
  }

  // When no title has every word: the words that some title has all the others
  // of may be slips, and may also stand for their slips and for the words one letter
  // away, even when they are words of the index themselves ("tong" is "tổng", but a
  // citizen typing "tong tin" meant "thông tin"). Only those words are widened, so a
  // long query fetches a few more index files, not dozens. True if any was added.
  // `per`: each word's matches, as the first ranking found them.
  function widen(tokens, per) {
    var titles = per.map(function (found) {
      var ids = new Set();
      found.forEach(function (m, id) { if (m.cls === 0) ids.add(id); });
      return ids;
    });
    var added = false;
    tokens.forEach(function (token, i) {
      if (!LETTERS.test(token.f) || !othersShareATitle(titles, i)) return;
      var has = function (t) { return token.cands.some(function (c) { return c.t === t; }); };
      var add = function (t) {
        if (t !== token.f && vocabSet.has(t) && !has(t)) { token.cands.push({ t: t, kind: 2 }); added = true; }
      };
      slips(token.f).forEach(add);
      if (token.f.length >= 4) vocab.forEach(function (v) { if (oneEdit(token.f, v)) add(v); });
    });
    return added;
  }
  // Whether some title has every word but the i-th.
  function othersShareATitle(titles, i) {
    var others = titles.filter(function (_, j) { return j !== i; });
    if (!others.length) return true;
    var smallest = others.reduce(function (a, b) { return b.size < a.size ? b : a; });
    for (var id of smallest) if (others.every(function (set) { return set.has(id); })) return true;
    return false;
  }

  // The index files of every word's candidates, without the pairs: enough to count
  // how many words each procedure has.
  function wordFiles(tokens) {
    var shards = new Set();
    tokens.forEach(function (token) {
      token.cands.forEach(function (c) { if (!c.pair) shards.add('i' + shardOf(c.t)); });
    });
    return Array.from(shards);
  }

  function codeKey(q) {
    if (!/\d/.test(q)) return null;
    var digits = fold(q).replace(/[^\p{Alphabetic}\p{N}]/gu, '');
    return digits.length >= 5 ? '#' + digits : null;
  }

  function pairKeys(a, b) {
    var keys = [];
    a.cands.forEach(function (x) {
      b.cands.forEach(function (y) { keys.push(x.t + ' ' + y.t); });
    });
    return keys;
  }

  function neededFiles(tokens, code, filtered) {
    var shards = new Set();
    var add = function (key) { shards.add('i' + shardOf(key)); };
    if (code) add(code);
    tokens.forEach(function (token, i) {
      token.cands.forEach(function (c) { add(c.t); });
      if (i > 0) {
        if (token.pairPrefix) {
          tokens[i - 1].cands.forEach(function (c) {
            var lo = shardOf(c.t + ' ' + token.f), hi = shardOf(c.t + ' ' + token.f + '\uffff');
            for (var s = lo; s <= hi; s++) shards.add('i' + s);
          });
        } else {
          pairKeys(tokens[i - 1], token).forEach(add);
        }
      }
    });
    var names = Array.from(shards);
    if (filtered) names.push('facets');
    return names;
  }

  // A one-letter last word: the words that follow the previous one in some title.
  function completeFromPairs(prev, token) {
    prev.cands.forEach(function (c) {
      var start = c.t + ' ' + token.f;
      var lo = shardOf(start), hi = shardOf(start + '\uffff');
      for (var s = lo; s <= hi; s++) {
        Object.keys(files['i' + s] || {}).forEach(function (key) {
          if (key.startsWith(start) && key.indexOf(' ') === c.t.length) {
            var w = key.slice(c.t.length + 1);
            if (!token.cands.some(function (x) { return x.t === w; })) token.cands.push({ t: w, kind: 1, pair: true });
          }
        });
      }
    });
  }

  // doc id → best match of one typed word: class (0 title … 3 body), kind, accents.
  // `only`: when given, the documents to consider (the others are left out). One
  // match object serves every document of a list: they are only read.
  function matches(token, prev, only) {
    var found = new Map();
    var add = function (list, m) {
      ids(list).forEach(function (id) {
        if (only && !only.has(id)) return;
        var old = found.get(id);
        if (!old || m.cls < old.cls || (m.cls === old.cls && (m.kind < old.kind || (m.kind === old.kind && m.acc && !old.acc)))) found.set(id, m);
      });
    };
    token.cands.forEach(function (c) {
      if (c.pair) {
        // Completed from the previous word's title pairs: only those are loaded.
        pairKeys(prev, { cands: [c] }).forEach(function (key) {
          var p = entry(key);
          if (p && p.t) add(p.t[0], { cls: 0, kind: 1, acc: false, t: c.t });
        });
        return;
      }
      var e = entry(c.t);
      if (!e || e.c !== undefined) return;
      (e.t || []).forEach(function (list, v) {
        add(list, { cls: 0, kind: c.kind, acc: token.marked && !!e.v && e.v[v] === token.raw, t: c.t });
      });
      ['f', 'd', 'b'].forEach(function (name, k) {
        if (e[name]) add(e[name], { cls: k + 1, kind: c.kind, acc: false, t: c.t });
      });
    });
    return found;
  }

  // Each keystroke asks again for the words before the one being typed, and a
  // word in thousands of records costs milliseconds: the last answers are kept.
  // Every file a query's words need is loaded before it is ranked, so the same
  // candidates always give the same matches.
  var matchCache = new Map();
  function matchesOnce(token, prev) {
    var sig = function (t) {
      return t ? t.raw + (t.marked ? '!' : '') + ':' + t.cands.map(function (c) { return c.t + c.kind + (c.pair ? 'p' : ''); }).join() : '';
    };
    var id = sig(token) + '|' + (token.cands.some(function (c) { return c.pair; }) ? sig(prev) : '');
    var found = matchCache.get(id);
    if (!found) {
      if (matchCache.size > 64) matchCache.clear();
      found = matches(token, prev);
      matchCache.set(id, found);
    }
    return found;
  }

  function pairSet(a, b) {
    var set = new Set();
    pairKeys(a, b).forEach(function (key) {
      var e = entry(key);
      if (e && e.t) ids(e.t[0]).forEach(function (id) { set.add(id); });
    });
    return set;
  }

  function titleLength(id) {
    return lowerBound(data.lens, id + 1) - 1;
  }

  // The facets file decoded once: one typed array per filter, indexed by record.
  // Its columns and their widths in base64 digits come with the manifest.
  var facets = null;
  function facetsOf(id) {
    if (!facets) {
      var s = files.facets, d = function (i) { return B64.indexOf(s[i]); };
      var stride = data.facets.reduce(function (sum, c) { return sum + c[1]; }, 0);
      var n = s.length / stride;
      facets = {};
      data.facets.forEach(function (c) { facets[c[0]] = new Int32Array(n); });
      for (var r = 0, o = 0; r < n; r++) {
        data.facets.forEach(function (c) {
          var v = 0;
          for (var k = 0; k < c[1]; k++) v = v * 64 + d(o++);
          facets[c[0]][r] = v;
        });
      }
    }
    var out = {};
    FILTERS.forEach(function (name) { out[name] = facets[name][id]; });
    return out;
  }
  function passes(id, filters, except) {
    var f = facetsOf(id);
    return FILTERS.every(function (name) {
      var want = filters[name];
      if (name === except || want === undefined) return true;
      if (name === 'field' || name === 'online') return f[name] === want;
      return (f[name] & (1 << want)) !== 0;
    });
  }

  // Ranks the documents every word matched. Lower sorts first.
  function rank(docs, tokens, pairs, codeDoc) {
    var n = tokens.length;
    return docs.map(function (d) {
      if (d.id === codeDoc) return { id: d.id, key: [0, 0, 0, 0, 0, d.id], m: d.m };
      var m = d.m, title = 0, worst = 0, inexact = 0, accMiss = 0, phrase = 0;
      m.forEach(function (x, i) {
        if (x.cls === 0) title++;
        worst = Math.max(worst, x.cls);
        if (x.kind) inexact++;
        if (tokens[i].marked && !x.acc) accMiss++;
      });
      pairs.forEach(function (set) { if (set.has(d.id)) phrase++; });
      var tier;
      if (title === n && phrase === n - 1) tier = titleLength(d.id) === n ? 1 : 2;
      else if (title === n) tier = 3;
      else tier = 3 + worst;
      return { id: d.id, key: [tier, inexact, accMiss, -phrase, -title, d.id], m: m };
    }).sort(function (a, b) {
      for (var i = 0; i < a.key.length; i++) if (a.key[i] !== b.key[i]) return a.key[i] - b.key[i];
      return 0;
    });
  }

  function search(q, filters) {
    var tokens = parse(q);
    var code = codeKey(q);
    var filtered = FILTERS.some(function (f) { return filters[f] !== undefined; });
    if (!tokens.length && !filtered) return Promise.resolve(null);
    return load(neededFiles(tokens, code, filtered)).then(function () {
      tokens.forEach(function (t, i) { if (t.pairPrefix) completeFromPairs(tokens[i - 1], t); });
      var codeEntry = code && entry(code);
      var codeDoc = codeEntry && codeEntry.c !== undefined ? codeEntry.c : -1;
      var keep = function (id) { return !filtered || passes(id, filters); };
      var out = { tokens: tokens, ranked: [], partial: null, missing: [], codeDoc: codeDoc };
      var finish = function () {
        out.hits = out.ranked.filter(function (d) { return keep(d.id); });
        // What a filter's options would leave, with the other filters applied.
        out.all = function (except) {
          return out.ranked.filter(function (d) { return !filtered || passes(d.id, filters, except); });
        };
        return out;
      };
      if (!tokens.length) {
        for (var id = 0; id < data.records; id++) out.ranked.push({ id: id, m: [] });
        return finish();
      }
      rankQuery(out, tokens, codeDoc, keep);
      // Every word in some title: the query says what it means. Otherwise a slip
      // may hide the title it was typed for ("ky that" for "kỹ thuật").
      var titled = out.ranked.length && out.ranked[0].key[0] <= 3;
      if (titled || !widen(tokens, out.per)) return finish();
      return load(wordFiles(tokens)).then(function () {
        rankQuery(out, tokens, codeDoc, keep);
        return finish();
      });
    });
  }

  function rankQuery(out, tokens, codeDoc, keep) {
    out.partial = null;
    // The word being typed changes at each keystroke and its completions are in
    // thousands of records: first only those the other words all matched.
    var n = tokens.length;
    var per = tokens.map(function (t, i) { return i < n - 1 || n === 1 ? matchesOnce(t, tokens[i - 1]) : null; });
    if (n > 1) {
      var others = per.slice(0, n - 1).reduce(function (a, b) { return b.size < a.size ? b : a; });
      per[n - 1] = matches(tokens[n - 1], tokens[n - 2], others);
    }
    out.per = per;
    var pairs = [];
    for (var i = 1; i < tokens.length; i++) pairs.push(pairSet(tokens[i - 1], tokens[i]));
    var smallest = per.reduce(function (a, b) { return b.size < a.size ? b : a; });
    var docs = [];
    smallest.forEach(function (_, id) {
      if (per.every(function (p) { return p.has(id); })) docs.push({ id: id, m: per.map(function (p) { return p.get(id); }) });
    });
    if (codeDoc >= 0 && !docs.some(function (d) { return d.id === codeDoc; })) {
      docs.push({ id: codeDoc, m: [] });
    }
    out.ranked = rank(docs, tokens, pairs, codeDoc);
    if (n > 1 && !(out.ranked.length && out.ranked[0].key[0] <= 3)) {
      // Missing words, slips and the closest records look at every record the
      // typed word matched.
      per[n - 1] = matchesOnce(tokens[n - 1], tokens[n - 2]);
    }
    out.missing = tokens.filter(function (t, i) { return per[i].size === 0; });
    if (!out.ranked.length && tokens.length > 1) {
      // Nothing has every word: the documents with the most of them, said plainly.
      var counts = new Map();
      per.forEach(function (p) { p.forEach(function (_, id) { counts.set(id, (counts.get(id) || 0) + 1); }); });
      var best = 0;
      counts.forEach(function (c) { best = Math.max(best, c); });
      var close = [];
      counts.forEach(function (c, id) {
        if (c === best) close.push({ id: id, m: per.map(function (p) { return p.get(id) || { cls: 4, kind: 3, acc: false }; }) });
      });
      out.partial = rank(close, tokens, pairs, -1).filter(function (d) { return keep(d.id); });
    }
  }

  // ---- the first results from one lead file ----------------------------------

  // Results with every word in their title rank first. A word found in few titles
  // has a lead file with all of those records (src/search/mod.rs): one request that
  // ranks them exactly as rankQuery would, so they show while the index files load.
  // Null when no word qualifies (filters, a code, words in many titles or unknown),
  // or when every index file the query needs is already here.
  function quick(q, filters) {
    if (FILTERS.some(function (f) { return filters[f] !== undefined; })) return null;
    var tokens = parse(q);
    var code = codeKey(q);
    if (!tokens.length || neededFiles(tokens, code, false).every(function (n) { return n in files; })) return null;
    if (code) {
      // A code's entry carries its procedure's row, and a code ranks first.
      return load(['i' + shardOf(code)]).then(function () {
        var e = entry(code);
        if (!e || e.c === undefined) return null;
        leadRows.set(e.c, e.r);
        return { tokens: tokens, ranked: [{ id: e.c, m: [] }], codeDoc: e.c };
      }, function () { return null; });
    }
    var chosen = leadFor(tokens);
    if (!chosen) return null;
    return load([chosen.name]).then(function () {
      var docs = [];
      var pairs = tokens.slice(1).map(function () { return new Set(); });
      files[chosen.name].r.forEach(function (r) {
        var m = titleMatches(r, tokens, pairs);
        if (!m) return;
        docs.push({ id: r[0], m: m });
        leadRows.set(r[0], r.slice(1, 8));
      });
      var ranked = rank(docs, tokens, pairs, -1);
      // A pair's file holds every result with all the words as a phrase (tiers 1
      // and 2), not every one with them all somewhere in the title.
      if (chosen.phrases) ranked = ranked.filter(function (d) { return d.key[0] <= 2; });
      return ranked.length ? { tokens: tokens, ranked: ranked, codeDoc: -1 } : null;
    }, function () { return null; }); // offline, or a pair no title has as written
  }

  // The lead file to fetch: the word in fewest titles that has one; failing that,
  // the adjacent pair of words likely in fewest titles together. A word's lead
  // digit (src/search/mod.rs, lead_digit) is 1–9 when it has a file, with about
  // 2^(digit-1) titles, or 10 and up without one, with about 2^(digit-11).
  function leadFor(tokens) {
    var places = tokens.map(function (t) {
      // A typo's fixes are not in the word's file; the completions of a word being
      // typed are.
      if (t.cands.some(function (c) { return c.kind === 2; })) return -1;
      var i = lowerBound(vocab, t.f);
      return vocab[i] === t.f ? i : -1;
    });
    var digit = function (place) { return place < 0 ? 0 : B64.indexOf(lead[place]); };
    var titles = function (place) {
      var d = digit(place);
      return d >= 1 && d <= 9 ? Math.pow(2, d - 1) : d > 10 ? Math.pow(2, d - 11) : 0;
    };
    var best = null;
    places.forEach(function (place) {
      var d = digit(place);
      if (d >= 1 && d <= 9 && (!best || titles(place) < best.titles)) best = { name: 'w/' + leadName(vocab[place]), titles: titles(place) };
    });
    if (best) return best;
    for (var i = 1; i < places.length; i++) {
      var guess = titles(places[i - 1]) * titles(places[i]);
      var first = places[i - 1] < 0 ? '' : vocab[places[i - 1]];
      var second = places[i] < 0 ? '' : vocab[places[i]];
      if (guess > 0 && LEAD_NAME.test(first) && LEAD_NAME.test(second) && (!best || guess < best.guess)) {
        best = { name: 'w/' + first + '-' + second, guess: guess, phrases: true };
      }
    }
    return best;
  }

  // Lead files are named by their word (src/search/mod.rs, lead_name): ASCII
  // letters only, with a '-' after a name Windows keeps for a device.
  var LEAD_NAME = /^[a-z]{1,40}$/;
  function leadName(word) {
    return /^(con|prn|aux|nul)$/.test(word) ? word + '-' : word;
  }

  // How each typed word matches the title of lead row `r`, as `matches` would find
  // it in the index; null unless every word does. Adds r to the phrase sets.
  function titleMatches(r, tokens, pairs) {
    var forms = new Map(); // title key → its forms as written, lowercase
    var adjacent = [];
    var add = function (k, form, prev) {
      if (!forms.has(k)) forms.set(k, new Set());
      forms.get(k).add(form);
      if (prev !== null) adjacent.push([prev, k]);
    };
    var prev = null;
    words(r[2].normalize('NFC')).forEach(function (w) {
      var form = w.toLowerCase(), k = key(form);
      add(k, form, prev);
      prev = k;
    });
    // Everyday names the title's wording stands for count as title words.
    (r[8] || []).forEach(function (alias) {
      alias.forEach(function (k, i) { add(k, k, i ? alias[i - 1] : null); });
    });
    var m = [];
    for (var i = 0; i < tokens.length; i++) {
      var t = tokens[i], found = null;
      var consider = function (x) {
        if (!found || x.kind < found.kind || (x.kind === found.kind && x.acc && !found.acc)) found = x;
      };
      t.cands.forEach(function (c) {
        var f = forms.get(c.t);
        if (f) consider({ cls: 0, kind: c.kind, acc: t.marked && f.has(t.raw), t: c.t });
      });
      var before = i ? tokens[i - 1].cands : [];
      var follows = function (p) {
        return before.some(function (c) { return c.t === p[0]; });
      };
      if (t.pairPrefix) {
        // Completed from the words that follow the previous one in a title.
        adjacent.forEach(function (p) {
          if (follows(p) && p[1].startsWith(t.f) && !t.cands.some(function (c) { return c.t === p[1]; })) {
            consider({ cls: 0, kind: 1, acc: false, t: p[1] });
          }
        });
      }
      if (!found) return null;
      m.push(found);
      if (i && adjacent.some(function (p) {
        return follows(p) && (t.cands.some(function (c) { return c.t === p[1]; }) || (t.pairPrefix && p[1].startsWith(t.f)));
      })) pairs[i - 1].add(r[0]);
    }
    return m;
  }

  function suggestions(tokens) {
    // For each word found nowhere, the index words closest to it.
    var fixed = tokens.map(function (t) {
      if (!LETTERS.test(t.f) || t.cands.length > 1) return null;
      var best = null, bestD = 3;
      vocab.forEach(function (v) {
        if (Math.abs(v.length - t.f.length) > 2) return;
        var d = distance(t.f, v);
        if (d < bestD) { best = v; bestD = d; }
      });
      return best;
    });
    return fixed;
  }
  function distance(a, b) {
    var row = [];
    for (var j = 0; j <= b.length; j++) row.push(j);
    for (var i = 1; i <= a.length; i++) {
      var prev = row[0]; row[0] = i;
      for (var k = 1; k <= b.length; k++) {
        var cur = row[k];
        row[k] = Math.min(row[k] + 1, row[k - 1] + 1, prev + (a[i - 1] === b[k - 1] ? 0 : 1));
        prev = cur;
      }
    }
    return row[b.length];
  }

  // ---- showing the results --------------------------------------------------

  function el(tag, cls, content) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (content !== undefined) e.textContent = content;
    return e;
  }

  // Text with the words the query matched wrapped in <mark>.
  function highlighted(parent, s, matched) {
    var last = 0, m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(s))) {
      if (matched.has(key(m[0]))) {
        parent.appendChild(document.createTextNode(s.slice(last, m.index)));
        parent.appendChild(el('mark', '', m[0]));
        last = m.index + m[0].length;
      }
    }
    parent.appendChild(document.createTextNode(s.slice(last)));
  }

  // Display rows from the lead files, by record id.
  var leadRows = new Map();
  function row(id) {
    if (leadRows.has(id)) return leadRows.get(id);
    var chunk = files['d' + Math.floor(id / data.chunk)];
    return chunk[id % data.chunk];
  }

  function item(hit, matched, codeDoc) {
    var r = row(hit.id);
    var li = el('li');
    li.dataset.code = r[2];
    var a = el('a', 'title');
    a.href = '../' + r[0];
    highlighted(a, r[1], matched);
    li.appendChild(a);
    var meta = el('span', 'meta');
    var code = el('span', 'code', text.code + ' ');
    if (hit.id === codeDoc) code.appendChild(el('mark', '', r[2])); else code.appendChild(document.createTextNode(r[2]));
    var field = el('span', 'field');
    highlighted(field, data.fields[r[3]], matched);
    var online = data.online.find(function (o) { return o[0] === r[6]; }) || [r[6], r[6], ''];
    var badge = el('span', 'badge badge-' + r[6], online[1]);
    badge.title = online[2];
    [code, field, el('span', 'time', r[4]), el('span', 'fee', r[5]), badge].forEach(function (part, i) {
      if (i) meta.appendChild(document.createTextNode(' · '));
      meta.appendChild(part);
    });
    li.appendChild(meta);
    return li;
  }

  function matchedWords(out) {
    var set = new Set();
    (out.ranked || []).concat(out.partial || []).slice(0, 200).forEach(function (d) {
      (d.m || []).forEach(function (x) { if (x && x.t) set.add(x.t); });
    });
    out.tokens.forEach(function (t) { set.add(t.f); });
    return set;
  }

  function fmt(s, values) {
    return s.replace(/\{(\w+)\}/g, function (_, k) { return values[k]; });
  }

  var current = 0;
  var shown = null;

  function show(out, filters, seq) {
    if (seq !== current) return Promise.resolve();
    if (!out) {
      status.textContent = text.prompt;
      results.replaceChildren();
      shown = null;
      updateCounts(null, filters);
      return Promise.resolve();
    }
    var list = out.hits.length ? out.hits : out.partial || [];
    var first = list.slice(0, PAGE);
    return loadRows(first).then(function () {
      if (seq !== current) return;
      var matched = matchedWords(out);
      var parts = [];
      if (out.hits.length) {
        status.textContent = fmt(text.results, { n: out.hits.length });
      } else if (out.ranked.length) {
        // The words were found; the filters left nothing.
        status.textContent = fmt(text.filtered, { n: out.ranked.length });
      } else {
        status.textContent = text.none;
        var missing = out.missing.map(function (t) { return '“' + t.raw + '”'; }).join(', ');
        if (missing) parts.push(el('p', 'missing', fmt(text.missing, { words: missing })));
        var fixes = suggestions(out.tokens);
        if (fixes.some(function (f, i) { return f && f !== out.tokens[i].f; })) {
          var p = el('p', 'did-you-mean', text.did_you_mean + ' ');
          var fixedQ = out.tokens.map(function (t, i) { return fixes[i] || t.raw; }).join(' ');
          var a = el('a', '', fixedQ);
          a.href = '?' + params(fixedQ, filters);
          p.appendChild(a);
          parts.push(p);
        }
        if (list.length) parts.push(el('p', 'closest', fmt(text.closest, { n: list.length })));
      }
      var ol = el('ol', 'procedures');
      first.forEach(function (hit) { ol.appendChild(item(hit, matched, out.codeDoc)); });
      if (list.length) parts.push(ol);
      results.replaceChildren.apply(results, parts);
      if (performance.mark) performance.mark('sotay-results');
      shown = { list: list, ol: ol, matched: matched, codeDoc: out.codeDoc, count: first.length };
      moreButton();
      updateCounts(out, filters);
    });
  }

  // While typing, files the next keystroke will likely need load in the background:
  // the result lines of the first results (another letter narrows them), and the
  // index files of the shortest words the last word begins (the completions offered
  // first) and of the titles where it follows the previous word.
  var PREFETCH = 24;
  var AHEAD = 40;
  function prefetch(q, out) {
    var names = new Set();
    var list = out ? (out.hits.length ? out.hits : out.partial || []) : [];
    list.slice(0, AHEAD).forEach(function (h) {
      if (!leadRows.has(h.id)) names.add('d' + Math.floor(h.id / data.chunk));
    });
    var typed = words(q.normalize('NFC')).map(key);
    var f = typed.length ? typed[typed.length - 1] : '';
    if (!/\s$/.test(q) && LETTERS.test(f)) {
      var begun = [];
      for (var k = lowerBound(vocab, f); k < vocab.length && vocab[k].startsWith(f); k++) begun.push(vocab[k]);
      begun.sort(function (a, b) { return a.length - b.length || (a < b ? -1 : 1); });
      begun.slice(0, PREFETCH).forEach(function (w) { names.add('i' + shardOf(w)); });
      if (typed.length > 1) {
        var start = typed[typed.length - 2] + ' ' + f;
        for (var s = shardOf(start), hi = Math.min(shardOf(start + '\uffff'), s + 4); s <= hi; s++) names.add('i' + s);
      }
    }
    load(Array.from(names)).catch(function () {});
  }

  // The lead file's results, shown until the index files give every result.
  function showQuick(out, seq) {
    if (seq !== current) return;
    var first = out.ranked.slice(0, PAGE);
    var matched = matchedWords(out);
    status.textContent = fmt(text.so_far, { n: out.ranked.length });
    var ol = el('ol', 'procedures');
    first.forEach(function (hit) { ol.appendChild(item(hit, matched, out.codeDoc)); });
    results.replaceChildren(ol);
    if (performance.mark) performance.mark('sotay-results');
    shown = { list: out.ranked, ol: ol, matched: matched, codeDoc: out.codeDoc, count: first.length };
    moreButton();
  }

  function loadRows(hits) {
    var chunks = new Set();
    hits.forEach(function (h) { if (!leadRows.has(h.id)) chunks.add('d' + Math.floor(h.id / data.chunk)); });
    return load(Array.from(chunks));
  }

  function moreButton() {
    if (!shown || shown.count >= shown.list.length) return;
    var button = el('button', 'more', text.more);
    button.type = 'button';
    button.addEventListener('click', function () {
      var next = shown.list.slice(shown.count, shown.count + PAGE);
      loadRows(next).then(function () {
        next.forEach(function (hit) { shown.ol.appendChild(item(hit, shown.matched, shown.codeDoc)); });
        shown.count += next.length;
        button.remove();
        moreButton();
      });
    });
    results.appendChild(button);
  }

  // Filter options show how many results each would leave, given the other filters.
  function updateCounts(out, filters) {
    var counting = function () {
      FILTERS.forEach(function (name) {
        var select = form.elements[name];
        if (!select) return;
        var counts = {};
        var pool = out ? out.all(name) : null;
        var tally = function (id) {
          var f = facetsOf(id);
          var values = name === 'field' || name === 'online' ? [f[name]] : bitsOf(f[name]);
          values.forEach(function (v) { counts[v] = (counts[v] || 0) + 1; });
        };
        if (pool) pool.forEach(function (d) { tally(d.id); });
        else for (var id = 0; id < data.records; id++) tally(id);
        Array.prototype.forEach.call(select.options, function (option) {
          if (!option.value) return;
          var index = valueIndex(name, option.value);
          option.textContent = option.dataset.label + ' (' + (counts[index] || 0) + ')';
        });
      });
    };
    if (!out && !files.facets) return; // the page's own counts are right
    if (files.facets) counting(); else load(['facets']).then(counting, function () {});
  }
  function bitsOf(mask) {
    var out = [];
    for (var b = 0; b < 16; b++) if (mask & (1 << b)) out.push(b);
    return out;
  }
  function valueIndex(name, value) {
    if (name === 'field') return data.fields.indexOf(value);
    var list = { level: data.levels, audience: data.audiences, online: data.online }[name];
    return list.findIndex(function (o) { return o[0] === value; });
  }

  // ---- the URL is the state ---------------------------------------------------

  function params(q, filters) {
    var p = new URLSearchParams();
    if (q) p.set('q', q);
    FILTERS.forEach(function (name) {
      var select = form.elements[name];
      if (filters[name] !== undefined && select) p.set(name, select.value);
    });
    return p.toString();
  }

  function readForm() {
    var filters = {};
    FILTERS.forEach(function (name) {
      var select = form.elements[name];
      if (select && select.value) {
        var index = valueIndex(name, select.value);
        if (index >= 0) filters[name] = index;
      }
    });
    return filters;
  }

  function fromUrl() {
    var p = new URLSearchParams(location.search);
    input.value = p.get('q') || '';
    var details = form.querySelector('details');
    if (details && FILTERS.some(function (name) { return p.get(name); })) details.open = true;
    FILTERS.forEach(function (name) {
      var select = form.elements[name];
      if (select) select.value = p.get(name) || '';
      if (select && select.selectedIndex < 0) select.value = '';
    });
  }

  function run(push, typing) {
    var q = input.value;
    var filters = readForm();
    var seq = ++current;
    var url = '?' + params(q.trim(), filters);
    if (push === true) history.pushState(null, '', url);
    else if (push === false) history.replaceState(null, '', url);
    // The latest search, for tests and benchmarks to wait on.
    // On arrival, the first results come from a lead file alone, one request after
    // the page on a slow line; the index files follow. While typing, the index
    // files are mostly here already (see prefetch).
    var first = typing ? null : quick(q, filters);
    var shownFirst = first ? first.then(function (out) { if (out) showQuick(out, seq); }) : Promise.resolve();
    window.sotaySearchDone = shownFirst.then(function () {
      return search(q, filters);
    }).then(function (out) {
      if (typing) prefetch(q, out);
      return show(out, filters, seq);
    }).catch(function () {
      if (seq === current) status.textContent = text.error;
    });
    return window.sotaySearchDone;
  }

  Array.prototype.forEach.call(form.querySelectorAll('select option'), function (option) {
    option.dataset.label = option.textContent.replace(/ \(\d+\)$/, '');
  });
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    run(true);
  });
  input.addEventListener('input', function () { run(false, true); });
  FILTERS.forEach(function (name) {
    if (form.elements[name]) form.elements[name].addEventListener('change', function () { run(true); });
  });
  window.addEventListener('popstate', function () {
    fromUrl();
    run();
  });
  fromUrl();
  run();
})();
