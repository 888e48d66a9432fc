/**
 * The phones page: plain HTML, CSS and script in one string, so the simulator serves it with no
 * build step and the browser fetches nothing else. It polls /__sim/phones/feed every second and
 * draws one card per recipient, newest activity first. Message text goes in as text nodes, never
 * parsed as markup; only its http(s) URLs become links, built element by element.
 */
export const PHONES_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>BIN Alert · simulated phones and inboxes</title>
<style>
  :root { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2433; background: #eef1f6; }
  body { margin: 0; }
  header { background: #123b6d; color: #fff; padding: 12px 20px; display: flex; gap: 24px; align-items: baseline; flex-wrap: wrap; }
  header h1 { font-size: 18px; margin: 0; }
  header .counts span { margin-right: 14px; font-variant-numeric: tabular-nums; }
  header .live { margin-left: auto; font-size: 13px; opacity: .85; }
  .filters { padding: 10px 20px; display: flex; gap: 12px; align-items: center; flex-wrap: wrap; }
  .filters input[type=search] { padding: 6px 8px; min-width: 240px; border: 1px solid #b9c2d0; border-radius: 6px; }
  main { display: grid; grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); gap: 14px; padding: 6px 20px 24px; }
  .device { background: #fff; border-radius: 14px; box-shadow: 0 1px 3px rgba(0,0,0,.12); overflow: hidden; }
  .device.sms, .device.voice { border-top: 6px solid #2a7d4f; }
  .device.email { border-top: 6px solid #7a4bb3; }
  .device h2 { font-size: 14px; margin: 0; padding: 8px 12px; background: #f6f7fa; display: flex; justify-content: space-between; gap: 8px; }
  .device h2 .kind { font-weight: normal; color: #5b6475; }
  .msg { padding: 8px 12px; border-top: 1px solid #eceff4; font-size: 13px; }
  .msg .meta { color: #5b6475; font-size: 11px; display: flex; gap: 8px; flex-wrap: wrap; }
  .msg .title { font-weight: 600; }
  .msg .body { white-space: pre-wrap; overflow-wrap: anywhere; margin-top: 3px; }
  .msg .body a, .msg a.open { color: #1a56a8; }
  .msg a.open { display: inline-block; margin-top: 4px; font-size: 12px; }
  .sms .msg .body { background: #e3f3e9; border-radius: 10px; padding: 6px 9px; display: inline-block; }
  .badge { border-radius: 8px; padding: 0 6px; background: #e4e8ef; }
  .badge.ok { background: #d4f0dc; color: #17613a; }
  .badge.bad { background: #fbdcdc; color: #8d1f1f; }
  .empty { grid-column: 1 / -1; padding: 40px 20px; color: #5b6475; }
</style>
</head>
<body>
<header>
  <h1>Simulated phones and inboxes</h1>
  <div class="counts"><span id="total">0 messages</span><span id="sms">0 SMS</span><span id="voice">0 calls</span><span id="email">0 e-mails</span></div>
  <div class="live" id="live">connecting…</div>
</header>
<div class="filters">
  <input type="search" id="filter" placeholder="filter by number or address" aria-label="filter by number or address">
  <label><input type="checkbox" class="ch" value="sms" checked> SMS</label>
  <label><input type="checkbox" class="ch" value="voice" checked> calls</label>
  <label><input type="checkbox" class="ch" value="email" checked> e-mail</label>
</div>
<main id="devices"><div class="empty">No message yet. Issue an alert through intake and watch it arrive here.</div></main>
<script>
(function () {
  var OK = { delivered: 1, completed: 1, open: 1, click: 1, processed: 1, sent: 1, queued: 1, accepted: 1, ringing: 1, "in-progress": 1, initiated: 1 };
  var devicesEl = document.getElementById('devices');
  var filterEl = document.getElementById('filter');
  var last = null;
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; }
  function kind(m) { return m.channel === 'email' ? 'inbox' : 'phone'; }
  var URL_IN_TEXT = /https?:\\/\\/[^\\s<>"]+/g;
  function link(url) {
    var parsed;
    try { parsed = new URL(url); } catch (e) { return null; }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
    var a = el('a', '', url);
    a.href = parsed.href;
    return a;
  }
  // A sentence's closing punctuation after a URL is not part of it.
  function withLinks(parent, text) {
    var at = 0, match;
    URL_IN_TEXT.lastIndex = 0;
    while ((match = URL_IN_TEXT.exec(text)) !== null) {
      var url = match[0].replace(/[.,;:!?)\\]']+$/, '');
      var a = link(url);
      if (!a) continue;
      if (match.index > at) parent.appendChild(document.createTextNode(text.slice(at, match.index)));
      parent.appendChild(a);
      at = match.index + url.length;
    }
    if (at < text.length) parent.appendChild(document.createTextNode(text.slice(at)));
    return parent;
  }
  function render() {
    if (!last) return;
    var wanted = {}; Array.prototype.forEach.call(document.querySelectorAll('.ch'), function (c) { wanted[c.value] = c.checked; });
    var q = filterEl.value.trim().toLowerCase();
    var byTo = new Map();
    last.messages.forEach(function (m) {
      if (!wanted[m.channel]) return;
      if (q && m.to.toLowerCase().indexOf(q) < 0) return;
      var key = kind(m) + ' ' + m.to;
      if (!byTo.has(key)) byTo.set(key, { to: m.to, kind: kind(m), channel: m.channel, messages: [] });
      byTo.get(key).messages.push(m);
    });
    devicesEl.replaceChildren();
    if (byTo.size === 0) { devicesEl.appendChild(el('div', 'empty', last.total ? 'Nothing matches the filter.' : 'No message yet. Issue an alert through intake and watch it arrive here.')); return; }
    byTo.forEach(function (d) {
      var card = el('section', 'device ' + d.channel);
      // What a browser test looks a member up by: section.device[data-to="…"].
      card.setAttribute('data-to', d.to);
      card.setAttribute('aria-label', (d.kind === 'inbox' ? 'inbox of ' : 'phone of ') + d.to);
      var h = el('h2'); h.appendChild(el('span', '', d.to)); h.appendChild(el('span', 'kind', d.kind === 'inbox' ? 'inbox' : 'phone')); card.appendChild(h);
      d.messages.slice(0, 5).forEach(function (m) {
        var box = el('div', 'msg');
        var meta = el('div', 'meta');
        meta.appendChild(el('span', '', m.channel === 'voice' ? 'call' : m.channel === 'sms' ? 'SMS' : 'e-mail'));
        meta.appendChild(el('span', '', new Date(m.receivedAt).toLocaleTimeString()));
        if (m.status) meta.appendChild(el('span', 'badge ' + (OK[m.status] ? 'ok' : 'bad'), m.status));
        if (m.digits) meta.appendChild(el('span', 'badge ok', 'pressed ' + m.digits));
        box.appendChild(meta);
        if (m.title) box.appendChild(el('div', 'title', m.title));
        box.appendChild(withLinks(el('div', 'body'), m.body));
        // The e-mail as its recipient's mail client shows it, HTML and all.
        if (m.emailId) {
          var open = el('a', 'open', 'open the e-mail');
          open.href = '/__sim/phones/email/' + encodeURIComponent(m.emailId);
          open.setAttribute('data-open-email', m.emailId);
          box.appendChild(open);
        }
        card.appendChild(box);
      });
      devicesEl.appendChild(card);
    });
  }
  function counts(c, total) {
    document.getElementById('total').textContent = total + ' messages';
    document.getElementById('sms').textContent = c.sms + ' SMS';
    document.getElementById('voice').textContent = c.voice + ' calls';
    document.getElementById('email').textContent = c.email + ' e-mails';
  }
  function poll() {
    fetch('/__sim/phones/feed?limit=600', { cache: 'no-store' }).then(function (r) { return r.json(); }).then(function (data) {
      last = data; counts(data.byChannel, data.total); render();
      document.getElementById('live').textContent = 'live · updated ' + new Date().toLocaleTimeString() + (data.total > data.messages.length ? ' · showing the latest ' + data.messages.length : '');
    }).catch(function () { document.getElementById('live').textContent = 'simulator unreachable, retrying…'; })
      .then(function () { setTimeout(poll, 1000); });
  }
  filterEl.addEventListener('input', render);
  Array.prototype.forEach.call(document.querySelectorAll('.ch'), function (c) { c.addEventListener('change', render); });
  poll();
})();
</script>
</body>
</html>
`;
