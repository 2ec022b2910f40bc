/*!
 * 客服职业助手 · embeddable chat widget.
 *
 * Embed:  <script src="https://HOST/widget.js" data-server="http://RASA:5005"></script>
 *
 * Plain ES2019, no build step. Talks to Rasa's REST channel, draws salary
 * charts with the vendored Chart.js and never renders message text as HTML.
 * Everything it adds to the host page lives under one `.kefu-root` element and
 * every class it uses starts with `kefu-`.
 */
(function () {
  'use strict';

  // -- where we come from --------------------------------------------------------

  // currentScript is only set while this file is being executed: capture it now.
  var SCRIPT =
    document.currentScript ||
    document.querySelector('script[src*="widget.js"][data-server]') ||
    document.querySelector('script[src*="widget.js"]');

  // Embedded twice (e.g. by a CMS and by hand): keep the first one.
  if (window.KefuWidget && window.KefuWidget.loaded) return;

  var STATIC_BASE = new URL('static/', (SCRIPT && SCRIPT.src) || document.baseURI);
  var SERVER = serverUrl(SCRIPT && SCRIPT.getAttribute('data-server'));
  var ENDPOINT = SERVER + '/webhooks/rest/webhook';

  var TIMEOUT_MS = 15000;
  var MAX_HISTORY = 100;
  var MAX_CHARS = 1000;
  var KEY_SENDER = 'kefu.sender';
  var KEY_HISTORY = 'kefu.history';
  var FONT =
    '-apple-system, BlinkMacSystemFont, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif';
  var PALETTE = ['#1f6feb', '#0f9d8a', '#d4760a', '#8250df', '#cf222e', '#57606a'];
  var PERIOD = {
    month: { word: '月薪', unit: '元/月' },
    year: { word: '年薪', unit: '元/年' },
  };
  var TEXT = {
    launcher: '打开客服职业助手',
    title: '客服职业助手',
    subtitle: '按资料回答薪资、证书、晋升,注明出处',
    close: '关闭对话窗口',
    log: '对话记录',
    inputLabel: '输入您的问题',
    placeholder: '请输入问题,例如:客服主管工资多少',
    send: '发送',
    typing: '正在输入',
    failed: '发送失败,服务器暂时无法连接',
    retry: '重试',
    retrying: '正在重试…',
    limit: '已达到' + MAX_CHARS + '字上限',
    quick: '快捷回复',
    sourcesLabel: '回答的来源',
    sourceClose: '关闭',
    sourceHeading: '原文摘录',
    noQuote: '(该来源没有摘录原文)',
    you: '您:',
    bot: '助手:',
    footer: 'Enter 发送,Shift+Enter 换行',
  };

  window.KefuWidget = { ready: false, loaded: true };

  function serverUrl(value) {
    // An unreplaced placeholder or a missing attribute: the usual local Rasa.
    var url = (value || '').trim();
    if (!url || url.indexOf('__') !== -1) {
      if (window.console) console.warn('[kefu] data-server missing; using http://localhost:5005');
      url = 'http://localhost:5005';
    }
    return url.replace(/\/+$/, '');
  }

  // -- loading our stylesheet and the vendored libraries --------------------------

  function withTimeout(promise, ms) {
    return new Promise(function (resolve, reject) {
      var timer = setTimeout(function () {
        reject(new Error('timeout'));
      }, ms);
      promise.then(
        function (v) {
          clearTimeout(timer);
          resolve(v);
        },
        function (e) {
          clearTimeout(timer);
          reject(e);
        }
      );
    });
  }

  function loadCss(href) {
    return withTimeout(
      new Promise(function (resolve, reject) {
        var link = document.createElement('link');
        link.rel = 'stylesheet';
        link.href = href;
        link.onload = function () {
          resolve(link);
        };
        link.onerror = function () {
          reject(new Error('cannot load ' + href));
        };
        (document.head || document.documentElement).appendChild(link);
      }),
      TIMEOUT_MS
    );
  }

  // Loads a UMD library and keeps a private reference to it. If the host page
  // already had a global of that name (maybe another version), it is put back.
  function loadLibrary(src, globalName) {
    var had = Object.prototype.hasOwnProperty.call(window, globalName);
    var previous = window[globalName];
    return withTimeout(
      new Promise(function (resolve, reject) {
        var el = document.createElement('script');
        el.src = src;
        el.async = true;
        el.onload = function () {
          var lib = window[globalName];
          if (had && lib !== previous) window[globalName] = previous;
          if (lib) resolve(lib);
          else reject(new Error(globalName + ' did not load'));
        };
        el.onerror = function () {
          reject(new Error('cannot load ' + src));
        };
        (document.head || document.documentElement).appendChild(el);
      }),
      TIMEOUT_MS
    );
  }

  var ChartLib = null;
  var Purify = null;

  // -- small helpers ---------------------------------------------------------------

  var uid = Math.random().toString(36).slice(2, 8);

  // createElement with attributes; `text` sets textContent, never HTML.
  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        var value = attrs[key];
        if (value === null || value === undefined || value === false) return;
        if (key === 'class') el.className = value;
        else if (key === 'text') el.textContent = value;
        else if (key.slice(0, 2) === 'on') el.addEventListener(key.slice(2), value);
        else el.setAttribute(key, value === true ? '' : String(value));
      });
    }
    (children || []).forEach(function (child) {
      if (child) el.appendChild(child);
    });
    return el;
  }

  // Static icons built as DOM nodes (no innerHTML anywhere in the widget).
  function icon(paths, size, extraClass) {
    var ns = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('width', String(size || 24));
    svg.setAttribute('height', String(size || 24));
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    svg.setAttribute('class', 'kefu-icon' + (extraClass ? ' ' + extraClass : ''));
    paths.forEach(function (d) {
      var p = document.createElementNS(ns, 'path');
      p.setAttribute('d', d);
      svg.appendChild(p);
    });
    return svg;
  }
  var ICON_CHAT = [
    'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-4.5 3.6A.5.5 0 0 1 4 21.2V18a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z',
  ];
  var ICON_CLOSE = ['M6.4 5l5.6 5.6L17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6 10.6 12 5 6.4z'];
  var ICON_SEND = ['M3.4 20.4l17.45-7.48a1 1 0 0 0 0-1.84L3.4 3.6a.99.99 0 0 0-1.39.91L2 9.12c0 .5.37.93.87.99L17 12 2.87 13.88c-.5.07-.87.5-.87 1l.01 4.61c0 .71.73 1.2 1.39.91z'];

  function pad2(n) {
    return String(n).padStart(2, '0');
  }
  function clock(ms) {
    var d = new Date(ms);
    return pad2(d.getHours()) + ':' + pad2(d.getMinutes());
  }
  function timeEl(ms) {
    var d = new Date(ms);
    return h('time', {
      class: 'kefu-time',
      datetime: d.toISOString(),
      title: d.toLocaleString('zh-CN'),
      text: clock(ms),
    });
  }

  function yuan(n) {
    return Number(n).toLocaleString('zh-CN');
  }
  // Axis ticks in 万 once the axis reaches 10,000 (how Chinese job ads write
  // it: 5000 -> "0.5万", 150000 -> "15万"), plain yuan below that.
  function tick(n, inWan) {
    if (n === 0) return '0';
    if (inWan) return String(Math.round((n / 10000) * 100) / 100) + '万';
    return yuan(n);
  }

  // Titles and quotes come from extracted documents: strip any stray markup,
  // keep the plain text (it is still only ever shown through textContent).
  function plain(value) {
    var s = value === null || value === undefined ? '' : String(value);
    if (!Purify || s.indexOf('<') === -1) return s;
    try {
      return Purify.sanitize(s, { ALLOWED_TAGS: [], KEEP_CONTENT: true, RETURN_DOM_FRAGMENT: true })
        .textContent;
    } catch (e) {
      return s;
    }
  }

  function reducedMotion() {
    return !!(window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches);
  }

  // -- storage (may be unavailable: private mode, sandboxed iframes) -----------------

  var memoryStore = {};
  var store = {
    get: function (key) {
      try {
        return window.localStorage.getItem(key);
      } catch (e) {
        return Object.prototype.hasOwnProperty.call(memoryStore, key) ? memoryStore[key] : null;
      }
    },
    set: function (key, value) {
      try {
        window.localStorage.setItem(key, value);
        return true;
      } catch (e) {
        memoryStore[key] = value;
        return false;
      }
    },
    remove: function (key) {
      try {
        window.localStorage.removeItem(key);
      } catch (e) {
        /* ignore */
      }
      delete memoryStore[key];
    },
  };

  function newSenderId() {
    var c = window.crypto;
    if (c && typeof c.randomUUID === 'function') return c.randomUUID();
    // randomUUID needs a secure context; build a v4 UUID by hand otherwise.
    var bytes = new Uint8Array(16);
    if (c && c.getRandomValues) c.getRandomValues(bytes);
    else for (var i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return pad2(b.toString(16));
    });
    return [
      hex.slice(0, 4).join(''),
      hex.slice(4, 6).join(''),
      hex.slice(6, 8).join(''),
      hex.slice(8, 10).join(''),
      hex.slice(10).join(''),
    ].join('-');
  }

  function loadSender() {
    var id = store.get(KEY_SENDER);
    if (!id) {
      id = newSenderId();
      store.set(KEY_SENDER, id);
    }
    return id;
  }

  // Only plain, well-formed message objects survive a reload.
  function cleanMessage(m) {
    if (!m || typeof m !== 'object' || (m.who !== 'user' && m.who !== 'bot')) return null;
    var out = {
      who: m.who,
      text: typeof m.text === 'string' ? m.text : '',
      buttons: cleanButtons(m.buttons),
      custom: m.custom && typeof m.custom === 'object' && !Array.isArray(m.custom) ? m.custom : null,
      time: typeof m.time === 'number' && isFinite(m.time) ? m.time : Date.now(),
    };
    if (m.who === 'user') {
      if (typeof m.payload === 'string') out.payload = m.payload;
      // A request cut off by the reload may not have reached the server: offer a retry.
      out.status = m.status === 'sent' ? 'sent' : 'failed';
    }
    if (m.used) out.used = true;
    if (!out.text && !out.buttons.length && !out.custom) return null;
    return out;
  }

  function cleanButtons(buttons) {
    if (!Array.isArray(buttons)) return [];
    return buttons
      .filter(function (b) {
        return b && typeof b === 'object' && (b.title || b.payload);
      })
      .map(function (b) {
        var title = String(b.title || b.payload);
        return { title: title, payload: String(b.payload || title) };
      });
  }

  function loadHistory() {
    try {
      var raw = JSON.parse(store.get(KEY_HISTORY) || '[]');
      if (!Array.isArray(raw)) return [];
      return raw.map(cleanMessage).filter(Boolean).slice(-MAX_HISTORY);
    } catch (e) {
      return [];
    }
  }

  function saveHistory() {
    state.history = state.history.slice(-MAX_HISTORY);
    var keep = state.history;
    // On a full quota, keep fewer messages rather than none.
    while (!store.set(KEY_HISTORY, JSON.stringify(keep)) && keep.length > 10) {
      keep = keep.slice(Math.floor(keep.length / 2));
    }
  }

  // -- state -------------------------------------------------------------------------

  var state = {
    sender: null,
    history: [],
    open: false,
    inflight: 0, // requests queued or running (drives the typing indicator)
    queue: Promise.resolve(), // requests run one at a time so replies stay in order
    greeting: false,
    composing: false, // an IME composition is in progress in the textarea
    lastEl: null, // the element of the last rendered message...
    lastWho: null, // ...and who sent it: custom payloads attach to a preceding bot message
    pendingCharts: [], // charts waiting for the panel to be visible (Chart.js needs a size)
    charts: [],
    sourceReturnFocus: null,
  };
  var ui = {};

  // -- talking to Rasa ---------------------------------------------------------------

  async function post(message) {
    var ctrl = new AbortController();
    var timer = setTimeout(function () {
      ctrl.abort();
    }, TIMEOUT_MS);
    try {
      var res = await fetch(ENDPOINT, {
        method: 'POST',
        mode: 'cors',
        credentials: 'omit',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ sender: state.sender, message: message }),
        signal: ctrl.signal,
      });
      if (!res.ok) throw new Error('HTTP ' + res.status);
      var data = await res.json();
      if (!Array.isArray(data)) throw new Error('unexpected response');
      return data;
    } finally {
      clearTimeout(timer);
    }
  }

  // Queue one request; onOk/onFail run in order with every other request.
  function enqueue(message, onOk, onFail) {
    state.inflight += 1;
    updateTyping();
    state.queue = state.queue.then(function () {
      return post(message).then(
        function (replies) {
          state.inflight -= 1;
          updateTyping();
          onOk(replies);
        },
        function (err) {
          state.inflight -= 1;
          updateTyping();
          if (window.console) console.warn('[kefu] request failed:', err && err.message);
          onFail(err);
        }
      );
    }).catch(function (err) {
      // A rendering bug must not stall every later request in the queue.
      if (window.console) console.error('[kefu]', err);
    });
  }

  function sendUser(text, payload) {
    var msg = { who: 'user', text: text, buttons: [], custom: null, time: Date.now(), status: 'sending' };
    if (payload) msg.payload = payload;
    addMessage(msg);
    deliver(msg, state.lastEl);
  }

  function deliver(msg, el) {
    enqueue(
      msg.payload || msg.text,
      function (replies) {
        msg.status = 'sent';
        clearError(el);
        saveHistory();
        handleReplies(replies);
      },
      function () {
        msg.status = 'failed';
        saveHistory();
        showError(el, function () {
          deliver(msg, el);
        });
      }
    );
  }

  // A message the user never sees as a bubble (the /greet that opens a chat).
  function sendHidden(message) {
    state.greeting = true;
    enqueue(
      message,
      function (replies) {
        state.greeting = false;
        handleReplies(replies);
      },
      function () {
        state.greeting = false;
        var notice = h('div', { class: 'kefu-notice' });
        appendToLog(notice);
        showError(notice, function () {
          notice.remove();
          sendHidden(message);
        });
      }
    );
  }

  function handleReplies(replies) {
    replies.forEach(function (r) {
      if (!r || typeof r !== 'object') return;
      var buttons = cleanButtons(r.buttons);
      var text = typeof r.text === 'string' ? r.text : '';
      if (text || buttons.length) {
        addMessage({ who: 'bot', text: text, buttons: buttons, custom: null, time: Date.now() });
      }
      if (r.custom && typeof r.custom === 'object' && !Array.isArray(r.custom)) {
        addMessage({ who: 'bot', text: '', buttons: [], custom: r.custom, time: Date.now() });
      }
    });
  }

  function addMessage(msg) {
    state.history.push(msg);
    saveHistory();
    renderMessage(msg);
    scrollToEnd();
  }

  // -- rendering messages ------------------------------------------------------------

  function renderMessage(msg) {
    if (msg.text || msg.buttons.length) renderBubble(msg);
    if (msg.who === 'bot' && msg.custom) renderCustom(msg);
  }

  function renderBubble(msg) {
    var isUser = msg.who === 'user';
    var bubble = h('div', { class: 'kefu-bubble' }, [h('div', { class: 'kefu-text', text: msg.text })]);
    var body = h('div', { class: 'kefu-body' }, [
      h('span', { class: 'kefu-sr', text: isUser ? TEXT.you : TEXT.bot }),
      bubble,
      isUser ? null : h('div', { class: 'kefu-attach' }),
    ]);
    if (msg.buttons.length) body.appendChild(quickReplies(msg));
    body.appendChild(timeEl(msg.time));
    var el = h('div', { class: 'kefu-msg ' + (isUser ? 'kefu-user' : 'kefu-bot') }, [
      isUser ? null : h('span', { class: 'kefu-avatar', 'aria-hidden': 'true', text: '职' }),
      body,
    ]);
    appendToLog(el);
    state.lastEl = el;
    state.lastWho = msg.who;
    if (!msg.text) bubble.remove(); // buttons-only message
    if (isUser && msg.status === 'failed') {
      showError(el, function () {
        deliver(msg, el);
      });
    }
  }

  function quickReplies(msg) {
    var row = h('div', { class: 'kefu-quick-row', role: 'group', 'aria-label': TEXT.quick });
    msg.buttons.forEach(function (b) {
      var btn = h('button', {
        type: 'button',
        class: 'kefu-quick',
        text: b.title,
        disabled: !!msg.used,
        onclick: function () {
          if (msg.used) return;
          msg.used = true;
          Array.prototype.forEach.call(row.querySelectorAll('button'), function (other) {
            other.disabled = true;
          });
          btn.classList.add('kefu-chosen');
          ui.input.focus();
          sendUser(b.title, b.payload);
        },
      });
      row.appendChild(btn);
    });
    return row;
  }

  // The attachment area of the preceding bot message, or a new bot message.
  function attachTarget(msg) {
    if (state.lastWho === 'bot' && state.lastEl) {
      var existing = state.lastEl.querySelector('.kefu-attach');
      if (existing) return existing;
    }
    var attach = h('div', { class: 'kefu-attach' });
    var el = h('div', { class: 'kefu-msg kefu-bot' }, [
      h('span', { class: 'kefu-avatar', 'aria-hidden': 'true', text: '职' }),
      h('div', { class: 'kefu-body' }, [h('span', { class: 'kefu-sr', text: TEXT.bot }), attach, timeEl(msg.time)]),
    ]);
    appendToLog(el);
    state.lastEl = el;
    state.lastWho = 'bot';
    return attach;
  }

  function salaryParts(custom) {
    if (custom.type === 'salary_ranges') return [custom];
    if (custom.type === 'comparison' && Array.isArray(custom.parts)) {
      return custom.parts.filter(function (p) {
        return p && p.type === 'salary_ranges';
      });
    }
    return [];
  }

  function sourcesOf(custom) {
    var list = [];
    if (['salary_ranges', 'facts', 'sources'].indexOf(custom.type) !== -1) list = custom.sources;
    else if (custom.type === 'comparison' && Array.isArray(custom.parts)) {
      list = [];
      custom.parts.forEach(function (p) {
        if (p && Array.isArray(p.sources)) list = list.concat(p.sources);
      });
    }
    return Array.isArray(list) ? list : [];
  }

  // One chip per document; a document quoted several times shows every quote.
  function groupSources(list) {
    var groups = [];
    var byKey = {};
    list.forEach(function (s) {
      if (!s || typeof s !== 'object') return;
      var title = plain(s.title || s.id || '未命名文档');
      var key = String(s.id || title);
      var quote = plain(s.quote || '');
      if (!byKey[key]) {
        byKey[key] = { title: title, quotes: [] };
        groups.push(byKey[key]);
      }
      if (quote && byKey[key].quotes.indexOf(quote) === -1) byKey[key].quotes.push(quote);
    });
    return groups;
  }

  function renderCustom(msg) {
    var custom = msg.custom;
    var known = ['salary_ranges', 'facts', 'sources', 'comparison'];
    if (!custom || known.indexOf(custom.type) === -1) return; // unknown types: ignored
    var groups = groupSources(sourcesOf(custom));
    var parts = salaryParts(custom).filter(function (p) {
      return validRanges(p).length > 0;
    });
    if (!groups.length && !parts.length) return;
    var attach = attachTarget(msg);
    if (groups.length) attach.appendChild(sourceChips(groups));
    parts.forEach(function (p) {
      salaryCharts(p, custom.type === 'comparison').forEach(function (chart) {
        attach.appendChild(chart);
      });
    });
  }

  function sourceChips(groups) {
    var row = h('div', { class: 'kefu-sources', role: 'group', 'aria-label': TEXT.sourcesLabel });
    groups.forEach(function (g) {
      var chip = h('button', {
        type: 'button',
        class: 'kefu-source',
        'aria-haspopup': 'dialog',
        text: '来源:《' + g.title + '》',
        onclick: function () {
          openSource(g, chip);
        },
      });
      row.appendChild(chip);
    });
    return row;
  }

  // -- salary charts -------------------------------------------------------------------

  function num(v) {
    return typeof v === 'number' && isFinite(v) ? v : null;
  }

  function validRanges(payload) {
    return (Array.isArray(payload.ranges) ? payload.ranges : [])
      .filter(function (r) {
        return r && (num(r.low) !== null || num(r.high) !== null) && PERIOD[r.period];
      })
      .map(function (r) {
        // "8000元起" may have no upper bound: draw it as a point-wide bar.
        var low = num(r.low) !== null ? r.low : r.high;
        var high = num(r.high) !== null ? r.high : r.low;
        return Object.assign({}, r, { low: Math.min(low, high), high: Math.max(low, high) });
      });
  }

  // "一线·入门级(0-2年经验)", "入门级(0-2年经验)", "一线" or "未区分".
  function categoryName(r) {
    var detail = r.label || r.band;
    var parts = [r.tier, detail].filter(function (x) {
      return typeof x === 'string' && x;
    });
    return parts.length ? parts.join('·') : '未区分';
  }

  function sourceName(r) {
    return plain(r.source_title || r.source_id || '未注明来源');
  }

  function qualifierNote(r) {
    var q = Array.isArray(r.qualifiers) ? r.qualifiers.filter(Boolean).map(String) : [];
    return q.length ? '(' + q.join('、') + ')' : '';
  }

  // Monthly and annual figures never share an axis: one chart per period.
  function salaryCharts(payload, withRole) {
    var ranges = validRanges(payload);
    var out = [];
    ['month', 'year'].forEach(function (period) {
      var rs = ranges.filter(function (r) {
        return r.period === period;
      });
      if (rs.length) out.push(salaryChart(payload.role, period, rs, withRole));
    });
    return out;
  }

  function salaryChart(role, period, ranges, withRole) {
    var unit = PERIOD[period].unit;
    var roleName = typeof role === 'string' ? role : '';

    // Categories are tier/experience; each source is a dataset (a colour). Two
    // ranges from the same source in one category get a numbered category.
    var categories = [];
    var sources = [];
    var cells = {}; // source -> {categoryIndex: range}
    ranges.forEach(function (r) {
      var src = sourceName(r);
      if (!cells[src]) {
        cells[src] = {};
        sources.push(src);
      }
      var base = categoryName(r);
      var name = base;
      var n = 2;
      while (categories.indexOf(name) !== -1 && cells[src][categories.indexOf(name)]) {
        name = base + '(' + n++ + ')';
      }
      if (categories.indexOf(name) === -1) categories.push(name);
      cells[src][categories.indexOf(name)] = r;
    });

    var summary =
      (roleName ? roleName : '') +
      PERIOD[period].word +
      '范围图(单位:' +
      unit +
      '):' +
      ranges
        .map(function (r) {
          return (
            categoryName(r) + ' ' + yuan(r.low) + '至' + yuan(r.high) + '元' + qualifierNote(r) + ',来源《' + sourceName(r) + '》'
          );
        })
        .join(';');

    var canvas = h('canvas', { role: 'img', 'aria-label': summary });
    // Fallback content for browsers/AT that ignore the aria-label.
    canvas.appendChild(document.createTextNode(summary));
    var box = h('div', { class: 'kefu-chart-box' }, [canvas]);
    var slots = Math.max(categories.length, 1) * Math.min(Math.max(sources.length, 1), 3);
    box.style.height = Math.min(70 + slots * 26 + (sources.length > 1 ? 24 : 0), 420) + 'px';
    var caption = (withRole && roleName ? roleName + ' · ' : '') + PERIOD[period].word + '(' + unit + ')';
    var figure = h('figure', { class: 'kefu-chart' }, [h('figcaption', { class: 'kefu-chart-title', text: caption }), box]);

    if (!ChartLib) {
      // No Chart.js: show the ranges as a plain list instead of an empty canvas.
      box.remove();
      var list = h('ul', { class: 'kefu-chart-fallback' });
      ranges.forEach(function (r) {
        list.appendChild(
          h('li', {
            text: categoryName(r) + ':' + yuan(r.low) + '–' + yuan(r.high) + unit + qualifierNote(r) + '《' + sourceName(r) + '》',
          })
        );
      });
      figure.appendChild(list);
      return figure;
    }

    var datasets = sources.map(function (src, i) {
      var color = PALETTE[i % PALETTE.length];
      var meta = categories.map(function (_, c) {
        return cells[src][c] || null;
      });
      return {
        label: src,
        data: meta.map(function (r) {
          return r ? [r.low, r.high] : null;
        }),
        kefuMeta: meta, // our own field: the ranges behind each bar, for tooltips
        backgroundColor: color + 'cc',
        borderColor: color,
        borderWidth: 1,
        borderRadius: 4,
        borderSkipped: false,
        minBarLength: 4,
        skipNull: true,
        barPercentage: 0.85,
        categoryPercentage: 0.8,
      };
    });

    var config = {
      type: 'bar',
      data: {
        // Long labels wrap at the "·" between tier and experience.
        labels: categories.map(function (c) {
          return c.indexOf('·') !== -1 ? c.split('·') : c;
        }),
        datasets: datasets,
      },
      options: {
        indexAxis: 'y',
        responsive: true,
        maintainAspectRatio: false,
        animation: reducedMotion() ? false : { duration: 500 },
        locale: 'zh-CN',
        scales: {
          x: {
            beginAtZero: true,
            title: { display: true, text: unit },
            ticks: {
              callback: function (v) {
                return tick(v, this.max >= 10000);
              },
            },
            grid: { color: '#eaeef2' },
          },
          y: { ticks: { autoSkip: false }, grid: { display: false } },
        },
        plugins: {
          legend: {
            display: sources.length > 1,
            position: 'bottom',
            labels: { boxWidth: 10, boxHeight: 10 },
          },
          tooltip: {
            callbacks: {
              title: function (items) {
                return items.length ? categories[items[0].dataIndex] : '';
              },
              label: function (ctx) {
                var r = ctx.dataset.kefuMeta[ctx.dataIndex];
                if (!r) return '';
                return yuan(r.low) + '–' + yuan(r.high) + ' ' + unit + qualifierNote(r);
              },
              afterLabel: function (ctx) {
                return '来源:《' + ctx.dataset.label + '》';
              },
            },
          },
        },
      },
    };
    queueChart(canvas, config);
    return figure;
  }

  // Chart.js measures its container, so a chart is created only once its canvas
  // is in the page and the panel is visible (a microtask later: the caller is
  // still attaching the figure).
  function queueChart(canvas, config) {
    state.pendingCharts.push({ canvas: canvas, config: config });
    Promise.resolve().then(function () {
      if (state.open) flushCharts();
    });
  }

  function flushCharts() {
    var jobs = state.pendingCharts;
    state.pendingCharts = [];
    jobs.forEach(function (job) {
      if (!job.canvas.isConnected) {
        state.pendingCharts.push(job); // not attached yet: try again on the next flush
        return;
      }
      try {
        state.charts.push(new ChartLib(job.canvas, job.config));
      } catch (e) {
        if (window.console) console.warn('[kefu] chart failed:', e);
      }
    });
    if (jobs.length) scrollToEnd();
  }

  // -- errors and retry --------------------------------------------------------------

  function showError(container, retry) {
    clearError(container);
    var btn = h('button', { type: 'button', class: 'kefu-retry', text: TEXT.retry });
    var line = h('div', { class: 'kefu-error', role: 'alert' }, [
      h('span', { class: 'kefu-error-text', text: TEXT.failed }),
      btn,
    ]);
    btn.addEventListener('click', function () {
      // Keep keyboard users in the conversation: the button is about to go away.
      if (document.activeElement === btn) ui.input.focus();
      btn.disabled = true;
      btn.textContent = TEXT.retrying;
      retry();
    });
    var body = container.querySelector('.kefu-body') || container;
    body.appendChild(line);
    scrollToEnd();
  }

  function clearError(container) {
    if (!container) return;
    var line = container.querySelector('.kefu-error');
    if (line) line.remove();
  }

  // -- typing indicator, scrolling ---------------------------------------------------

  function updateTyping() {
    if (!ui.log) return;
    var show = state.inflight > 0;
    if (show && !ui.typing) {
      ui.typing = h('div', { class: 'kefu-typing' }, [
        h('span', { class: 'kefu-dot', 'aria-hidden': 'true' }),
        h('span', { class: 'kefu-dot', 'aria-hidden': 'true' }),
        h('span', { class: 'kefu-dot', 'aria-hidden': 'true' }),
        h('span', { class: 'kefu-sr', text: TEXT.typing }),
      ]);
      ui.log.appendChild(ui.typing);
      scrollToEnd();
    } else if (!show && ui.typing) {
      ui.typing.remove();
      ui.typing = null;
    }
  }

  // New messages go above the typing indicator, which always stays last.
  function appendToLog(el) {
    if (ui.typing && ui.typing.parentNode === ui.log) ui.log.insertBefore(el, ui.typing);
    else ui.log.appendChild(el);
  }

  function scrollToEnd() {
    if (!ui.log) return;
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  // -- source panel --------------------------------------------------------------------

  function openSource(group, opener) {
    state.sourceReturnFocus = opener;
    ui.sourceTitle.textContent = '《' + group.title + '》';
    ui.sourceBody.textContent = '';
    if (!group.quotes.length) {
      ui.sourceBody.appendChild(h('p', { class: 'kefu-source-empty', text: TEXT.noQuote }));
    }
    group.quotes.forEach(function (q) {
      ui.sourceBody.appendChild(h('blockquote', { class: 'kefu-quote', text: q }));
    });
    ui.sourceBackdrop.hidden = false;
    ui.sourcePanel.hidden = false;
    ui.sourceClose.focus();
  }

  function sourceOpen() {
    return ui.sourcePanel && !ui.sourcePanel.hidden;
  }

  function closeSource(restoreFocus) {
    if (!sourceOpen()) return;
    ui.sourcePanel.hidden = true;
    ui.sourceBackdrop.hidden = true;
    var back = state.sourceReturnFocus;
    state.sourceReturnFocus = null;
    if (restoreFocus !== false) {
      if (back && back.isConnected) back.focus();
      else ui.input.focus();
    }
  }

  // -- open / close ------------------------------------------------------------------

  function openPanel() {
    if (state.open) return;
    state.open = true;
    ui.panel.hidden = false;
    ui.root.classList.add('kefu-is-open');
    ui.launcher.setAttribute('aria-expanded', 'true');
    flushCharts();
    scrollToEnd();
    ui.input.focus();
    if (!state.history.length && !state.greeting) sendHidden('/greet');
  }

  function closePanel(restoreFocus) {
    if (!state.open) return;
    closeSource(false);
    state.open = false;
    ui.panel.hidden = true;
    ui.root.classList.remove('kefu-is-open');
    ui.launcher.setAttribute('aria-expanded', 'false');
    if (restoreFocus !== false) ui.launcher.focus();
  }

  // -- input -----------------------------------------------------------------------------

  function submit() {
    var text = ui.input.value;
    if (!text.trim()) return; // nothing but whitespace: nothing to send
    ui.input.value = '';
    onInput();
    sendUser(text.trim());
  }

  function onInput() {
    var len = ui.input.value.length;
    ui.hint.hidden = len < MAX_CHARS;
    ui.send.classList.toggle('kefu-send-empty', !ui.input.value.trim());
    // Grow with the text up to about five lines, then scroll inside.
    ui.input.style.height = 'auto';
    var full = ui.input.scrollHeight;
    ui.input.style.height = Math.min(full, 120) + 'px';
    ui.input.style.overflowY = full > 120 ? 'auto' : 'hidden';
  }

  function onKeydown(event) {
    if (event.key !== 'Enter' || event.shiftKey) return;
    // Enter that confirms an IME candidate (Chinese input) must not send.
    if (event.isComposing || event.keyCode === 229 || state.composing) return;
    event.preventDefault();
    submit();
  }

  // -- building the widget ---------------------------------------------------------------

  function build() {
    var ids = {
      panel: 'kefu-panel-' + uid,
      title: 'kefu-title-' + uid,
      input: 'kefu-input-' + uid,
      hint: 'kefu-hint-' + uid,
      source: 'kefu-source-title-' + uid,
    };

    ui.launcher = h(
      'button',
      {
        type: 'button',
        class: 'kefu-launcher',
        'aria-label': TEXT.launcher,
        'aria-expanded': 'false',
        'aria-controls': ids.panel,
        onclick: function () {
          if (state.open) closePanel();
          else openPanel();
        },
      },
      [icon(ICON_CHAT, 28, 'kefu-icon-chat'), icon(ICON_CLOSE, 26, 'kefu-icon-close')]
    );

    ui.closeBtn = h('button', { type: 'button', class: 'kefu-close', 'aria-label': TEXT.close, onclick: function () { closePanel(); } }, [
      icon(ICON_CLOSE, 20),
    ]);
    var header = h('div', { class: 'kefu-header' }, [
      h('span', { class: 'kefu-header-avatar', 'aria-hidden': 'true', text: '职' }),
      h('div', { class: 'kefu-header-text' }, [
        h('h2', { class: 'kefu-title', id: ids.title, text: TEXT.title }),
        h('p', { class: 'kefu-subtitle', text: TEXT.subtitle }),
      ]),
      ui.closeBtn,
    ]);

    ui.log = h('div', {
      class: 'kefu-messages',
      role: 'log',
      'aria-live': 'polite',
      'aria-label': TEXT.log,
      tabindex: '0', // scrollable region: reachable by keyboard
    });

    ui.input = h('textarea', {
      class: 'kefu-input',
      id: ids.input,
      rows: '1',
      maxlength: String(MAX_CHARS),
      placeholder: TEXT.placeholder,
      'aria-label': TEXT.inputLabel,
      'aria-describedby': ids.hint,
      enterkeyhint: 'send',
      autocomplete: 'off',
    });
    ui.input.addEventListener('keydown', onKeydown);
    ui.input.addEventListener('input', onInput);
    ui.input.addEventListener('compositionstart', function () {
      state.composing = true;
    });
    ui.input.addEventListener('compositionend', function () {
      state.composing = false;
    });
    ui.send = h('button', { type: 'button', class: 'kefu-send kefu-send-empty', onclick: submit }, [
      icon(ICON_SEND, 18),
      h('span', { class: 'kefu-send-label', text: TEXT.send }),
    ]);
    ui.hint = h('p', { class: 'kefu-hint', id: ids.hint, 'aria-live': 'polite', text: TEXT.limit, hidden: true });
    var composer = h('div', { class: 'kefu-composer' }, [
      h('label', { class: 'kefu-sr', for: ids.input, text: TEXT.inputLabel }),
      h('div', { class: 'kefu-input-row' }, [ui.input, ui.send]),
      ui.hint,
      h('p', { class: 'kefu-footnote', 'aria-hidden': 'true', text: TEXT.footer }),
    ]);

    // Source panel: a small dialog inside the chat panel.
    ui.sourceTitle = h('h3', { class: 'kefu-source-title', id: ids.source });
    ui.sourceBody = h('div', { class: 'kefu-source-body' });
    ui.sourceClose = h('button', { type: 'button', class: 'kefu-source-close', text: TEXT.sourceClose, onclick: function () { closeSource(); } });
    ui.sourceBackdrop = h('div', { class: 'kefu-source-backdrop', hidden: true, onclick: function () { closeSource(); } });
    ui.sourcePanel = h(
      'div',
      { class: 'kefu-source-panel', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': ids.source, hidden: true },
      [
        h('p', { class: 'kefu-source-kicker', text: TEXT.sourceHeading }),
        ui.sourceTitle,
        ui.sourceBody,
        h('div', { class: 'kefu-source-actions' }, [ui.sourceClose]),
      ]
    );
    // Keep Tab inside the open source dialog.
    ui.sourcePanel.addEventListener('keydown', function (event) {
      if (event.key !== 'Tab') return;
      var focusables = ui.sourcePanel.querySelectorAll('button, [href], [tabindex]:not([tabindex="-1"])');
      var first = focusables[0];
      var last = focusables[focusables.length - 1];
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
    });

    ui.panel = h(
      'div',
      { class: 'kefu-panel', id: ids.panel, role: 'dialog', 'aria-labelledby': ids.title, hidden: true },
      [header, ui.log, composer, ui.sourceBackdrop, ui.sourcePanel]
    );

    ui.root = h('div', { class: 'kefu-root', lang: 'zh-CN' }, [ui.launcher, ui.panel]);
    // Esc closes the innermost open thing; listened on our root, not the host page.
    ui.root.addEventListener('keydown', function (event) {
      if (event.key !== 'Escape' && event.key !== 'Esc') return;
      if (event.isComposing) return; // Esc also cancels an IME composition
      if (sourceOpen()) {
        event.stopPropagation();
        closeSource();
      } else if (state.open) {
        event.stopPropagation();
        closePanel();
      }
    });
    document.body.appendChild(ui.root);
  }

  function restore() {
    state.history.forEach(renderMessage);
  }

  // Start over: new sender id, empty history (for tests and a future "new chat" button).
  function reset() {
    state.charts.forEach(function (c) {
      try {
        c.destroy();
      } catch (e) {
        /* ignore */
      }
    });
    state.charts = [];
    state.pendingCharts = [];
    state.history = [];
    state.lastEl = null;
    state.lastWho = null;
    store.remove(KEY_HISTORY);
    store.remove(KEY_SENDER);
    state.sender = loadSender();
    closeSource(false);
    ui.log.textContent = '';
    ui.typing = null;
    updateTyping();
    if (state.open && !state.greeting) sendHidden('/greet');
  }

  // -- start -------------------------------------------------------------------------------

  function domReady() {
    return new Promise(function (resolve) {
      if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', resolve, { once: true });
      else resolve();
    });
  }

  function settle(promise) {
    return promise.then(
      function (value) {
        return { ok: true, value: value };
      },
      function (error) {
        return { ok: false, error: error };
      }
    );
  }

  var loads = [
    settle(loadCss(new URL('widget.css', STATIC_BASE).href)),
    settle(loadLibrary(new URL('vendor/chart.umd.min.js', STATIC_BASE).href, 'Chart')),
    settle(loadLibrary(new URL('vendor/purify.min.js', STATIC_BASE).href, 'DOMPurify')),
  ];

  Promise.all(loads.concat([domReady()])).then(function (results) {
    var css = results[0];
    var chart = results[1];
    var purify = results[2];
    if (chart.ok) {
      ChartLib = chart.value;
      ChartLib.defaults.font.family = FONT;
      ChartLib.defaults.font.size = 11;
      ChartLib.defaults.color = '#57606a';
    }
    if (purify.ok) Purify = purify.value;

    state.sender = loadSender();
    state.history = loadHistory();
    build();
    restore();

    var failed = [css, chart, purify].filter(function (r) {
      return !r.ok;
    });
    failed.forEach(function (r) {
      if (window.console) console.warn('[kefu]', r.error && r.error.message);
    });

    // The widget still works without a library (plain-text charts), but it only
    // reports ready once everything it depends on has loaded.
    window.KefuWidget = {
      ready: failed.length === 0,
      loaded: true,
      open: openPanel,
      close: function () {
        closePanel();
      },
      reset: reset,
    };
    if (failed.length) window.KefuWidget.error = failed.map(function (r) { return r.error && r.error.message; }).join('; ');
  });
})();
