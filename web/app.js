/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mmswatch dashboard: plain JavaScript, no framework, no build step.
 *
 * Every string that comes from /api/v1/ came off the wire (RptIDs, object names,
 * vendor strings, summaries) and is treated as hostile: it reaches the document only
 * as a text node (el() turns every string child into document.createTextNode) or as
 * the value of a safe attribute (title, data-*, value). Links are built from a fixed
 * path prefix plus encodeURIComponent() of each value (href()). Nothing here uses
 * innerHTML, insertAdjacentHTML, document.write, eval, new Function or string timers.
 *
 * Sections: 1 helpers (DOM, formatting, API) - 2 router and shared state - 3 charts
 * (uPlot wrappers, bands and marks) - 4 pages (overview, findings, finding, IED,
 * RCB timeline, storms) - 5 live updates - 6 start.
 */
(function () {
	'use strict';

	/* ---------------------------------------------------------------- 1. helpers */

	var SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'];
	var SAFE_ATTRS = /^(class|id|title|href|type|name|value|placeholder|for|role|colspan|rowspan|scope|min|max|step|selected|disabled|checked|hidden|lang|tabindex|aria-[a-z-]+|data-[a-z0-9-]+)$/;

	/* el(tag, attrs, ...children): the only way this file builds markup. Strings and
	 * numbers become text nodes; attributes are checked against SAFE_ATTRS and an
	 * href must be a same-origin path built by href(). */
	function el(tag, attrs) {
		var node = document.createElement(tag);
		if (attrs) {
			Object.keys(attrs).forEach(function (k) {
				var v = attrs[k];
				if (v === null || v === undefined || v === false) return;
				if (k === 'on') { /* {on: {click: fn}} */
					Object.keys(v).forEach(function (ev) { node.addEventListener(ev, v[ev]); });
					return;
				}
				if (!SAFE_ATTRS.test(k)) throw new Error('attribute not allowed: ' + k);
				if (k === 'href' && !/^\/(?!\/)/.test(String(v))) throw new Error('href must be a local path');
				node.setAttribute(k, v === true ? '' : String(v));
			});
		}
		for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
		return node;
	}
	function append(node, child) {
		if (child === null || child === undefined || child === false) return;
		if (Array.isArray(child)) { child.forEach(function (c) { append(node, c); }); return; }
		if (child instanceof Node) { node.appendChild(child); return; }
		node.appendChild(document.createTextNode(String(child)));
	}
	function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }

	/* href('/finding/', id) or href('/rcb', null, {ied: 1, rcb: 'x'}): a fixed path
	 * prefix, an optional path segment and query values, all encoded. The selected run
	 * rides along so links stay in the run being looked at. */
	function href(prefix, segment, query) {
		var path = prefix;
		if (segment !== undefined && segment !== null) path += encodeURIComponent(String(segment));
		var q = Object.assign({}, query || {});
		if (state.run !== null && q.run === undefined) q.run = state.run;
		var parts = [];
		Object.keys(q).forEach(function (k) {
			if (q[k] === undefined || q[k] === null || q[k] === '') return;
			parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(String(q[k])));
		});
		return parts.length ? path + '?' + parts.join('&') : path;
	}
	function link(prefix, segment, query, text, attrs) {
		return el('a', Object.assign({href: href(prefix, segment, query)}, attrs || {}), text);
	}

	function pad(n, w) { n = String(n); while (n.length < (w || 2)) n = '0' + n; return n; }
	/* packet time in microseconds -> "2026-11-28 16:35:59.033" (UTC, like EVE) */
	function fmtTs(us, precise) {
		if (us === null || us === undefined) return '—';
		var d = new Date(Math.floor(us / 1000));
		var s = d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()) + ' ' +
			pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ':' + pad(d.getUTCSeconds());
		if (precise !== false) s += '.' + pad(Math.floor(us / 1000) % 1000, 3);
		return s;
	}
	function fmtTime(us) { /* time of day only */
		if (us === null || us === undefined) return '—';
		return fmtTs(us).slice(11);
	}
	function fmtWall(sec) { return sec ? fmtTs(sec * 1e6, false) : '—'; }
	function fmtNum(n) {
		if (n === null || n === undefined) return '—';
		return Number(n).toLocaleString('en-US');
	}
	function fmtUs(us) { /* latency */
		if (us === null || us === undefined) return '—';
		if (us < 1000) return us + ' µs';
		if (us < 1e6) return (us / 1000).toFixed(us < 1e4 ? 2 : 1) + ' ms';
		return (us / 1e6).toFixed(2) + ' s';
	}
	function fmtDuration(us) {
		if (us === null || us === undefined) return '—';
		var s = us / 1e6;
		if (s < 1) return (us / 1000).toFixed(1) + ' ms';
		if (s < 120) return s.toFixed(1) + ' s';
		if (s < 7200) return (s / 60).toFixed(1) + ' min';
		return (s / 3600).toFixed(1) + ' h';
	}
	function fmtMs(ms) { return ms === null || ms === undefined ? '—' : fmtNum(ms) + ' ms'; }
	function yesNo(v) { return v === null || v === undefined ? '—' : (v ? 'yes' : 'no'); }
	function iedLabel(ied) {
		if (!ied) return '—';
		var addr = ied.ip + ':' + ied.port + (ied.vlan ? ' vlan ' + ied.vlan : '');
		return ied.name ? ied.name + ' (' + addr + ')' : addr;
	}
	function iedLink(ied) {
		if (!ied) return '—';
		return link('/ied/', ied.id, null, iedLabel(ied));
	}
	function sevBadge(sev) {
		var s = SEVERITIES.indexOf(sev) >= 0 ? sev : 'unknown';
		return el('span', {class: 'sev sev-' + s, 'data-severity': s}, String(sev));
	}
	function healthBadge(h) {
		var label = {ok: 'ok', warn: 'warning', bad: 'problem'}[h] || String(h);
		var c = {ok: 'ok', warn: 'warn', bad: 'bad'}[h] || 'unknown';
		return el('span', {class: 'health health-' + c, 'data-health': c}, label);
	}
	function dl(pairs) { /* [[label, value], ...] -> <dl> */
		var d = el('dl', {class: 'kv'});
		pairs.forEach(function (p) {
			if (p === null) return;
			append(d, [el('dt', null, p[0]), el('dd', null, p[1] === null || p[1] === undefined || p[1] === '' ? '—' : p[1])]);
		});
		return d;
	}
	function table(headers, rows, opts) {
		opts = opts || {};
		var thead = el('thead', null, el('tr', null, headers.map(function (h) {
			return el('th', {scope: 'col', class: h.num ? 'num' : null}, h.label || h);
		})));
		var tbody = el('tbody', null, rows);
		return el('div', {class: 'table-wrap'}, el('table', {class: 'data ' + (opts.cls || ''), id: opts.id || null}, thead, tbody));
	}
	function td(v, cls) { return el('td', {class: cls || null}, v === null || v === undefined || v === '' ? '—' : v); }
	function tdNum(v) { return td(typeof v === 'number' ? fmtNum(v) : v, 'num'); }
	function section(title, body, attrs) {
		return el('section', Object.assign({class: 'card'}, attrs || {}), title ? el('h2', null, title) : null, body);
	}
	function empty(text) { return el('p', {class: 'empty'}, text); }
	function loading(text) { return el('p', {class: 'loading'}, text || 'Loading…'); }
	function errorBox(err) {
		var msg = err && err.message ? err.message : String(err);
		return el('div', {class: 'error', role: 'alert'}, el('strong', null, 'Error: '), msg);
	}

	/* API: fetch JSON from /api/v1/; a 401 means the token is missing. */
	function ApiError(status, message) { this.status = status; this.message = message; }
	ApiError.prototype = Object.create(Error.prototype);
	function api(path, query) {
		var parts = [];
		Object.keys(query || {}).forEach(function (k) {
			var v = query[k];
			if (v === undefined || v === null || v === '') return;
			parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(String(v)));
		});
		var url = '/api/v1/' + path + (parts.length ? '?' + parts.join('&') : '');
		return fetch(url, {credentials: 'same-origin', headers: {Accept: 'application/json'}}).then(function (r) {
			if (r.status === 401) throw new ApiError(401, 'token required: open /login?token=... (the token from the server\'s --token-file) once in this browser');
			return r.text().then(function (t) {
				var body = null;
				try { body = t ? JSON.parse(t) : null; } catch (e) { body = null; }
				if (!r.ok) throw new ApiError(r.status, (body && typeof body.error === 'string' ? body.error : 'HTTP ' + r.status) + ' (' + url + ')');
				if (body === null) throw new ApiError(r.status, 'not JSON: ' + url);
				return body;
			});
		}, function () { throw new ApiError(0, 'the server did not answer (' + url + '): is mmswatch --serve still running?'); });
	}
	/* the run a request is about: ?run= or the newest (never left to the server's default) */
	function runQuery(extra) {
		var run = state.run !== null ? state.run : newestRunId();
		return Object.assign({run: run === null ? undefined : run}, extra || {});
	}

	/* --------------------------------------------------- 2. router and shared state */

	var state = {
		run: null,          /* run id from ?run=, null = the newest */
		runs: [],           /* /api/v1/runs items, newest first */
		gen: 0,             /* render generation: late answers of old pages are dropped */
		charts: [],         /* uPlot instances of the current page */
		page: null,         /* name of the current page */
		live: null,         /* per-page hook for new findings (see section 5) */
		maxIds: {},         /* highest finding id seen per run (live polling) */
		viewRun: null       /* the run the current page shows */
	};
	var app = document.getElementById('app');

	var routes = [
		{re: /^\/$/, name: 'overview', render: pageOverview},
		{re: /^\/findings$/, name: 'findings', render: pageFindings},
		{re: /^\/finding\/(\d+)$/, name: 'finding', render: pageFinding},
		{re: /^\/ied\/(\d+)$/, name: 'ied', render: pageIed},
		{re: /^\/rcb$/, name: 'rcb', render: pageRcb},
		{re: /^\/storms$/, name: 'storms', render: pageStorms},
		{re: /^\/changes$/, name: 'changes', render: pageChanges}
	];

	function params() { return new URLSearchParams(location.search); }
	function navigate(url, replace) {
		if (replace) history.replaceState(null, '', url); else history.pushState(null, '', url);
		render();
	}
	function render() {
		var p = params();
		var r = p.get('run');
		state.run = r && /^\d+$/.test(r) ? Number(r) : null;
		syncRunSelect();
		state.gen++;
		state.charts.forEach(function (c) { c.destroy(); });
		state.charts = [];
		state.live = null;
		state.viewRun = null;
		clear(app);
		var path = location.pathname.replace(/\/+$/, '') || '/';
		for (var i = 0; i < routes.length; i++) {
			var m = routes[i].re.exec(path);
			if (m) {
				state.page = routes[i].name;
				document.body.setAttribute('data-page', routes[i].name);
				markNav(routes[i].name);
				var gen = state.gen;
				var out = el('div', {class: 'page page-' + routes[i].name});
				app.appendChild(out);
				Promise.resolve().then(function () {
					return routes[i].render(out, m, p, gen);
				}).catch(function (err) {
					if (gen === state.gen) { clear(out); out.appendChild(errorBox(err)); }
				});
				window.scrollTo(0, 0);
				return;
			}
		}
		state.page = 'notfound';
		document.body.setAttribute('data-page', 'notfound');
		app.appendChild(el('div', {class: 'page'}, el('h1', null, 'Page not found'),
			el('p', null, 'There is no page at ', el('code', null, location.pathname), '. ', link('/', null, null, 'Back to the overview'), '.')));
	}
	function alive(gen) { return gen === state.gen; }
	function setTitle(t) { document.title = t + ' · mmswatch'; }
	function markNav(name) {
		var map = {overview: 'overview', findings: 'findings', finding: 'findings', storms: 'storms', ied: 'ieds', rcb: 'ieds'};
		Array.prototype.forEach.call(document.querySelectorAll('#nav a'), function (a) {
			if (a.getAttribute('data-nav') === map[name]) a.setAttribute('aria-current', 'page');
			else a.removeAttribute('aria-current');
		});
		Array.prototype.forEach.call(document.querySelectorAll('#nav a'), function (a) {
			var target = {overview: '/', findings: '/findings', storms: '/storms'}[a.getAttribute('data-nav')];
			if (target) a.setAttribute('href', href(target));
		});
	}

	/* Same-origin links to pages go through the router; /api, /static and /login
	 * load normally; modified clicks (new tab) are left to the browser. */
	document.addEventListener('click', function (ev) {
		if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
		var a = ev.target.closest ? ev.target.closest('a[href]') : null;
		if (!a || a.target || a.hasAttribute('download')) return;
		var u = new URL(a.href, location.href);
		if (u.origin !== location.origin || /^\/(api|static|login)(\/|$)/.test(u.pathname)) return;
		ev.preventDefault();
		if (u.pathname + u.search !== location.pathname + location.search) navigate(u.pathname + u.search);
	});
	window.addEventListener('popstate', render);

	/* The run selector: newest first; "newest" follows a live run. */
	var runSelect = document.getElementById('run-select');
	function loadRuns() {
		return api('runs', {limit: 1000}).then(function (r) {
			state.runs = r.items || [];
			fillRunSelect();
			return state.runs;
		});
	}
	function runLabel(run) {
		var inputs = Array.isArray(run.inputs) ? run.inputs.map(function (x) { return String(x).split('/').pop(); }).join(', ') : '';
		return '#' + run.id + ' ' + run.mode + (inputs ? ': ' + inputs : '') + (run.status === 'running' ? ' (running)' : '');
	}
	function fillRunSelect() {
		if (!runSelect) return;
		clear(runSelect);
		runSelect.appendChild(el('option', {value: ''}, 'newest run'));
		state.runs.forEach(function (run) { runSelect.appendChild(el('option', {value: run.id}, runLabel(run))); });
		syncRunSelect();
	}
	function syncRunSelect() {
		if (!runSelect) return;
		/* a finding belongs to one run: show that one */
		var v = state.run !== null ? state.run : (state.page === 'finding' && state.viewRun !== null ? state.viewRun : '');
		runSelect.value = String(v);
	}
	if (runSelect) runSelect.addEventListener('change', function () {
		var p = params();
		if (runSelect.value) p.set('run', runSelect.value); else p.delete('run');
		p.delete('offset');
		/* a finding, IED or RCB belongs to its own run: go to the overview of the new run */
		var path = location.pathname;
		if (/^\/finding\//.test(path)) { path = '/'; p = new URLSearchParams(runSelect.value ? {run: runSelect.value} : {}); }
		var qs = p.toString();
		navigate(path + (qs ? '?' + qs : ''));
	});
	function currentRun(overview) { /* the run a page shows: ?run= or the newest */
		var id = state.run !== null ? state.run : (overview ? overview.run : (state.runs[0] ? state.runs[0].id : null));
		for (var i = 0; i < state.runs.length; i++) if (state.runs[i].id === id) return state.runs[i];
		return id === null ? null : {id: id};
	}
	function newestRunId() { return state.runs.length ? state.runs[0].id : null; }

	/* ------------------------------------------------------------------ 3. charts */

	var COLORS = {
		pdus: '#2563eb', reports: '#0d9488', conn: '#d97706', assocs: '#2563eb', limit: '#dc2626',
		sqnum: '#94a3b8', dchg: '#2563eb', qchg: '#9333ea', dupd: '#0891b2', intg: '#16a34a', gi: '#ea580c',
		other: '#475569', attempts: '#d97706', p50: '#60a5fa', p95: '#2563eb', p99: '#1e3a8a'
	};
	var REASONS = [
		{key: 'dchg', label: 'data change (dchg)'},
		{key: 'qchg', label: 'quality change (qchg)'},
		{key: 'dupd', label: 'data update (dupd)'},
		{key: 'intg', label: 'integrity'},
		{key: 'gi', label: 'general interrogation (GI)'},
		{key: 'other', label: 'other / application'}
	];
	function reasonKey(r) {
		r = String(r).toLowerCase();
		if (r === 'dchg' || r === 'data-change') return 'dchg';
		if (r === 'qchg' || r === 'quality-change') return 'qchg';
		if (r === 'dupd' || r === 'data-update') return 'dupd';
		if (r === 'intg' || r === 'integrity') return 'intg';
		if (r === 'gi' || r === 'general-interrogation') return 'gi';
		return 'other';
	}

	/* time axis labels: 24 h clock, ISO dates (uPlot's template syntax) */
	var TIME_AXIS = [
		[3600 * 24 * 365, '{YYYY}', null, null, null, null, null, null, 1],
		[3600 * 24 * 28, '{MMM}', '\n{YYYY}', null, null, null, null, null, 1],
		[3600 * 24, '{MM}-{DD}', '\n{YYYY}', null, null, null, null, null, 1],
		[3600, '{HH}:{mm}', '\n{YYYY}-{MM}-{DD}', null, '\n{MM}-{DD}', null, null, null, 1],
		[60, '{HH}:{mm}', '\n{YYYY}-{MM}-{DD}', null, '\n{MM}-{DD}', null, null, null, 1],
		[1, '{HH}:{mm}:{ss}', '\n{YYYY}-{MM}-{DD}', null, '\n{MM}-{DD}', null, null, null, 1],
		[0.001, ':{ss}.{fff}', '\n{YYYY}-{MM}-{DD} {HH}:{mm}', null, '\n{MM}-{DD} {HH}:{mm}', null, '\n{HH}:{mm}', null, 1]
	];
	/* an x range for one x value: uPlot would span 1000 days around it (its
	 * one-day default is in milliseconds), so centre it in +-pad seconds */
	function padRange(pad, xs) {
		return function (u, a, b) {
			if (xs.length && xs[0] === xs[xs.length - 1]) return [xs[0] - pad, xs[0] + pad];
			return [a, b];
		};
	}
	function haveUplot() { return typeof window.uPlot === 'function'; }
	function utcDate(ts) { return window.uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'); }
	function chartWidth(box) { return Math.max(280, Math.floor(box.getBoundingClientRect().width || box.clientWidth || 800)); }

	/* makeChart(box, opts, data): a uPlot in box, sized to it, times in UTC;
	 * opts.overlays(u) is called after every redraw to place DOM marks. */
	function makeChart(box, opts, data) {
		if (!haveUplot()) { box.appendChild(errorBox('chart library did not load (/static/vendor/uplot/uPlot.iife.min.js)')); return null; }
		var o = Object.assign({
			width: chartWidth(box), height: opts.height || 260, tzDate: utcDate,
			cursor: {drag: {x: true, y: false}},
			legend: {live: true}
		}, opts);
		delete o.overlays;
		o.hooks = Object.assign({}, o.hooks || {});
		if (opts.overlays) {
			var place = function (u) { opts.overlays(u); };
			o.hooks.ready = (o.hooks.ready || []).concat([place]);
			o.hooks.setScale = (o.hooks.setScale || []).concat([place]);
			o.hooks.setSize = (o.hooks.setSize || []).concat([place]);
		}
		if (o.axes && o.axes[0]) o.axes[0] = Object.assign({values: TIME_AXIS}, o.axes[0]);
		if (o.series && o.series[0]) o.series[0] = Object.assign({value: '{YYYY}-{MM}-{DD} {HH}:{mm}:{ss}'}, o.series[0]);
		var u = new window.uPlot(o, data, box);
		u.__box = box;
		state.charts.push(u);
		return u;
	}
	window.addEventListener('resize', function () {
		state.charts.forEach(function (u) { u.setSize({width: chartWidth(u.__box), height: u.height}); });
	});

	/* bands(u, marks, cls): one absolutely placed <div> per time window inside the
	 * plot's overlay, so marks are styled by style.css (and findable by tests):
	 * class "band band-<kind>", data-mark-kind, data-mark-id. */
	var BAND_KINDS = ['report_sequence_gap', 'capture_loss', 'report_sequence_restart', 'integrity_late', 'connection_storm'];
	function placeBands(u, layerName, marks) {
		var layer = u.over.querySelector('.band-layer-' + layerName);
		if (!layer) { layer = el('div', {class: 'band-layer band-layer-' + layerName}); u.over.appendChild(layer); }
		clear(layer);
		var xmin = u.scales.x.min, xmax = u.scales.x.max;
		marks.forEach(function (m) {
			var a = Math.max(m.from, xmin), b = Math.min(m.to, xmax);
			var visible = !(m.to < xmin || m.from > xmax);
			var left = visible ? u.valToPos(a, 'x') : 0, right = visible ? u.valToPos(b, 'x') : 0;
			var w = Math.max(right - left, 4);
			var cls = BAND_KINDS.indexOf(m.kind) >= 0 ? m.kind : 'other'; /* kinds come from the API: classes only from this list */
			var d = el('div', {class: 'band band-' + cls + (visible ? '' : ' band-outside'), 'data-mark-kind': m.kind,
				'data-mark-id': m.id, title: m.title || null});
			d.style.left = Math.round(left - (right - left < 4 ? 2 : 0)) + 'px';
			d.style.width = Math.round(w) + 'px';
			layer.appendChild(d);
		});
	}
	function key(items) { /* a chart key for what is not a uPlot series */
		return el('ul', {class: 'chart-key'}, items.map(function (it) {
			return el('li', {'data-key': it.key}, el('span', {class: 'swatch swatch-' + it.key}), it.label);
		}));
	}

	/* ------------------------------------------------------------------- 4. pages */

	/* 4.1 Overview */
	function pageOverview(out, m, p, gen) {
		setTitle('Overview');
		out.appendChild(el('h1', null, 'Overview'));
		var body = el('div', null, loading());
		out.appendChild(body);
		return Promise.all([api('overview', runQuery()), api('ieds', runQuery({limit: 1000})), loadRuns()]).then(function (res) {
			if (!alive(gen)) return;
			var ov = res[0], ieds = res[1];
			state.viewRun = ov.run;
			var run = currentRun(ov);
			clear(body);
			if (ov.runs === 0 || ov.run === null || ov.run === undefined) {
				body.appendChild(empty('No runs in this database yet: mmswatch has not stored any capture.'));
				return;
			}
			var total = SEVERITIES.reduce(function (a, s) { return a + (ov.findings_by_severity[s] || 0); }, 0);
			var above = total - (ov.findings_by_severity.info || 0);
			/* run summary */
			if (run) body.appendChild(el('p', {class: 'run-line'},
				'Run #' + run.id, run.mode ? ' · ' + run.mode : '', run.status ? ' · ' + run.status : '',
				run.first_ts ? ' · ' + fmtTs(run.first_ts, false) + ' – ' + fmtTs(run.last_ts, false) + ' UTC (' + fmtDuration(run.last_ts - run.first_ts) + ')' : '',
				Array.isArray(run.inputs) && run.inputs.length ? el('span', {class: 'muted'}, ' · ', run.inputs.join(', ')) : null));
			/* severity cards */
			var cards = el('div', {class: 'cards'});
			cards.appendChild(el('a', {class: 'stat stat-total', href: href('/findings')},
				el('span', {class: 'stat-value', id: 'total-findings', 'data-count': total}, fmtNum(total)), el('span', {class: 'stat-label'}, 'findings')));
			SEVERITIES.slice().reverse().forEach(function (s) {
				var n = ov.findings_by_severity[s] || 0;
				cards.appendChild(el('a', {class: 'stat stat-sev sev-' + s + (n ? '' : ' stat-zero'), href: href('/findings', null, {severity: s}), 'data-severity': s},
					el('span', {class: 'stat-value', 'data-count': n}, fmtNum(n)), el('span', {class: 'stat-label'}, s)));
			});
			cards.appendChild(el('div', {class: 'stat stat-plain'}, el('span', {class: 'stat-value'}, fmtNum(ov.ieds)), el('span', {class: 'stat-label'}, 'IEDs')));
			cards.appendChild(el('div', {class: 'stat stat-plain'}, el('span', {class: 'stat-value'}, fmtNum(ov.associations)), el('span', {class: 'stat-label'}, 'associations')));
			cards.appendChild(el('div', {class: 'stat stat-plain'}, el('span', {class: 'stat-value'}, fmtNum(ov.mms_pdus)), el('span', {class: 'stat-label'}, 'MMS PDUs')));
			body.appendChild(cards);
			if (above === 0) body.appendChild(el('p', {class: 'banner banner-ok'},
				total === 0 ? 'No findings — nothing above info in this run.' : 'Nothing above info in this run (' + fmtNum(total) + ' informational finding' + (total === 1 ? '' : 's') + ').'));

			/* IEDs */
			var iedRows = (ieds.items || []).map(function (d) {
				var f = d.findings || {};
				return el('tr', {'data-ied-id': d.id},
					td(link('/ied/', d.id, null, d.name || (d.ip + ':' + d.port))),
					td(d.ip + ':' + d.port + (d.vlan ? ' (vlan ' + d.vlan + ')' : '')),
					td([d.vendor, d.model].filter(Boolean).join(' ') || null),
					td(healthBadge(d.health)),
					td(el('span', {class: 'sev-counts'}, SEVERITIES.slice(1).reverse().map(function (s) {
						return f[s] ? el('span', {class: 'sev sev-' + s, title: s}, String(f[s])) : null;
					}), SEVERITIES.slice(1).every(function (s) { return !f[s]; }) ? el('span', {class: 'muted'}, 'none above info') : null)),
					tdNum(d.peak_assocs), td(d.assoc_limit !== null && d.assoc_limit !== undefined ? String(d.assoc_limit) + (d.limit_inferred ? ' (inferred)' : '') : 'unknown', 'num'));
			});
			body.appendChild(section('IEDs', iedRows.length ? table(['IED', 'address', 'vendor / model', 'health', 'findings', {label: 'peak assocs', num: 1}, {label: 'limit', num: 1}], iedRows, {id: 'ied-table'}) :
				empty('No IEDs seen yet.'), {id: 'ieds'}));
			var grid = el('div', {class: 'grid-2'});
			body.appendChild(grid);
			/* rates */
			var rates = el('div', {class: 'chart'});
			grid.appendChild(section('Traffic per minute', rates, {id: 'rates'}));
			/* latest findings */
			var latest = el('div', null, loading());
			grid.appendChild(section('Latest findings', latest, {id: 'latest'}));

			var runId = ov.run;
			api('findings', {run: runId, limit: 10}).then(function (f) {
				if (!alive(gen)) return;
				clear(latest);
				if (!f.items.length) { latest.appendChild(empty('No findings — nothing above info in this run.')); return; }
				var list = el('ul', {class: 'finding-list', id: 'latest-list'}, f.items.map(findingItem));
				latest.appendChild(list);
				latest.appendChild(el('p', {class: 'more'}, link('/findings', null, null, 'All ' + fmtNum(f.total) + ' findings →')));
				bumpMaxId(f.items);
				state.live = function (items, ovNew) {
					if (runId !== newestRunId() && state.run !== null) return;
					items.slice().forEach(function (it) {
						var li = findingItem(it);
						li.classList.add('is-new');
						list.insertBefore(li, list.firstChild);
					});
					while (list.children.length > 20) list.removeChild(list.lastChild);
					if (ovNew) updateCounts(cards, ovNew);
				};
			}).catch(function (e) { if (alive(gen)) { clear(latest); latest.appendChild(errorBox(e)); } });

			api('rates', {run: runId}).then(function (rows) {
				if (!alive(gen)) return;
				if (!rows.length) { rates.appendChild(empty('No traffic statistics stored for this run.')); return; }
				var x = rows.map(function (r) { return r.minute * 60; });
				makeChart(rates, {
					height: 240,
					series: [
						{label: 'time (UTC)'},
						{label: 'MMS PDUs / min', stroke: COLORS.pdus, width: 2, scale: 'pdus', points: {show: rows.length < 60}},
						{label: 'reports / min', stroke: COLORS.reports, width: 2, scale: 'pdus', points: {show: rows.length < 60}},
						{label: 'connection attempts / min', stroke: COLORS.conn, width: 2, scale: 'conn', points: {show: rows.length < 60}}
					],
					scales: {x: {time: true, range: padRange(90, x)}, pdus: {range: function (u, a, b) { return [0, Math.max(b * 1.1, 1)]; }}, conn: {range: function (u, a, b) { return [0, Math.max(b * 1.1, 1)]; }}},
					axes: [{}, {scale: 'pdus', label: 'PDUs, reports'}, {scale: 'conn', side: 1, label: 'attempts', grid: {show: false}}]
				}, [x, rows.map(function (r) { return r.pdus; }), rows.map(function (r) { return r.reports; }), rows.map(function (r) { return r.conn_attempts; })]);
			}).catch(function (e) { if (alive(gen)) rates.appendChild(errorBox(e)); });
		});
	}
	function updateCounts(cards, ov) {
		var total = 0;
		SEVERITIES.forEach(function (s) {
			var n = ov.findings_by_severity[s] || 0;
			total += n;
			var v = cards.querySelector('.stat-sev.sev-' + s + ' .stat-value');
			if (v && v.getAttribute('data-count') !== String(n)) {
				v.textContent = fmtNum(n); v.setAttribute('data-count', n);
				v.parentNode.classList.toggle('stat-zero', !n);
				flash(v.parentNode);
			}
		});
		var t = cards.querySelector('#total-findings');
		if (t && t.getAttribute('data-count') !== String(total)) { t.textContent = fmtNum(total); t.setAttribute('data-count', total); flash(t.parentNode); }
	}
	function flash(node) { node.classList.remove('is-new'); void node.offsetWidth; node.classList.add('is-new'); }
	function findingItem(f) {
		return el('li', {class: 'finding-item', 'data-finding-id': f.id},
			sevBadge(f.severity),
			el('div', {class: 'finding-main'},
				el('div', {class: 'finding-head'}, link('/finding/', f.id, null, f.kind, {class: 'kind'}),
					f.count > 1 ? el('span', {class: 'count', title: 'aggregated occurrences'}, '×' + fmtNum(f.count)) : null,
					el('span', {class: 'muted when'}, fmtTs(f.last_seen, false) + ' UTC')),
				el('div', {class: 'summary'}, f.summary)));
	}

	/* 4.2 Findings list with filters */
	var PAGE_SIZE = 50;
	function pageFindings(out, m, p, gen) {
		setTitle('Findings');
		out.appendChild(el('h1', null, 'Findings'));
		var filters = el('form', {class: 'filters', id: 'filters'});
		var result = el('div', null, loading());
		out.appendChild(section(null, filters, {class: 'card card-filters'}));
		out.appendChild(result);
		var q = {
			kind: p.get('kind') || '', severity: p.get('severity') || '', min_severity: p.get('min_severity') || '',
			ied: p.get('ied') || '', since: p.get('since') || '', until: p.get('until') || '',
			offset: Number(p.get('offset') || 0) || 0
		};
		return Promise.all([api('kinds', runQuery()), api('ieds', {limit: 1000}), loadRuns()]).then(function (res) {
			if (!alive(gen)) return;
			var kinds = res[0], ieds = res[1].items || [];
			var run = currentRun();
			state.viewRun = run ? run.id : null;
			buildFilters(filters, q, kinds, ieds);
			var query = runQuery({kind: q.kind, severity: q.severity, min_severity: q.min_severity, ied: q.ied,
				since: q.since, until: q.until, limit: PAGE_SIZE, offset: q.offset});
			return api('findings', query).then(function (f) {
				if (!alive(gen)) return;
				clear(result);
				var filtered = q.kind || q.severity || q.min_severity || q.ied || q.since || q.until;
				var head = el('p', {class: 'result-line'}, el('span', {id: 'findings-total', 'data-total': f.total},
					fmtNum(f.total) + ' finding' + (f.total === 1 ? '' : 's')), filtered ? ' matching the filters' : ' in this run',
					f.total > f.items.length ? ' · showing ' + fmtNum(f.offset + 1) + '–' + fmtNum(f.offset + f.items.length) : '');
				result.appendChild(head);
				if (!f.items.length) {
					result.appendChild(empty(filtered ? 'No findings match these filters.' : 'No findings — nothing above info in this run.'));
					return;
				}
				var tbody;
				var tbl = table(['severity', 'kind', 'IED', 'object', 'summary', {label: 'count', num: 1}, 'last seen (UTC)'], [], {id: 'findings-table'});
				tbody = tbl.querySelector('tbody');
				f.items.forEach(function (it) { tbody.appendChild(findingRow(it)); });
				result.appendChild(section(null, tbl, {class: 'card card-table'}));
				result.appendChild(pager(f, q));
				bumpMaxId(f.items);
				if (!filtered && q.offset === 0) {
					state.live = function (items) {
						items.forEach(function (it) {
							var tr = findingRow(it); tr.classList.add('is-new');
							tbody.insertBefore(tr, tbody.firstChild);
						});
						var t = head.querySelector('#findings-total');
						var n = Number(t.getAttribute('data-total')) + items.length;
						t.setAttribute('data-total', n);
						t.textContent = fmtNum(n) + ' finding' + (n === 1 ? '' : 's');
					};
				}
			});
		});
	}
	function findingRow(it) {
		return el('tr', {'data-finding-id': it.id, 'data-kind': it.kind},
			td(sevBadge(it.severity)), td(link('/finding/', it.id, null, it.kind, {class: 'kind'})),
			td(it.ied ? iedLink(it.ied) : null), td(it.object, 'mono wrap'), td(it.summary, 'summary'),
			tdNum(it.count), td(fmtTs(it.last_seen, false), 'nowrap'));
	}
	function buildFilters(form, q, kinds, ieds) {
		function select(name, label, options, value) {
			var s = el('select', {name: name, id: 'filter-' + name},
				options.map(function (o) { return el('option', {value: o[0], selected: String(o[0]) === String(value)}, o[1]); }));
			return el('label', {class: 'field'}, el('span', null, label), s);
		}
		var sevOpts = [['', 'any']].concat(SEVERITIES.map(function (s) { return [s, s]; }));
		var kindOpts = [['', 'any kind']].concat(kinds.map(function (k) { return [k.kind, k.kind + ' (' + k.count + ')']; }));
		if (q.kind && !kinds.some(function (k) { return k.kind === q.kind; })) kindOpts.push([q.kind, q.kind + ' (0)']);
		var iedOpts = [['', 'any IED']].concat(ieds.map(function (d) { return [d.id, iedLabel(d)]; }));
		function dt(name, label, us) {
			return el('label', {class: 'field'}, el('span', null, label),
				el('input', {type: 'datetime-local', step: 1, name: name, id: 'filter-' + name, value: us ? usToLocalInput(us) : null}));
		}
		append(form, [
			select('kind', 'Kind', kindOpts, q.kind),
			select('severity', 'Severity', sevOpts, q.severity),
			select('min_severity', 'At least', sevOpts, q.min_severity),
			select('ied', 'IED', iedOpts, q.ied),
			dt('since', 'Last seen from (UTC)', q.since),
			dt('until', 'to (UTC)', q.until),
			el('div', {class: 'field buttons'},
				el('button', {type: 'submit', class: 'primary', id: 'filter-apply'}, 'Apply'),
				el('button', {type: 'button', id: 'filter-reset', on: {click: function () { navigate(href('/findings')); }}}, 'Reset'))
		]);
		form.addEventListener('change', function (ev) { if (ev.target.tagName === 'SELECT') submit(); });
		form.addEventListener('submit', function (ev) { ev.preventDefault(); submit(); });
		function submit() {
			var v = {};
			['kind', 'severity', 'min_severity', 'ied'].forEach(function (n) { v[n] = form.elements[n].value; });
			['since', 'until'].forEach(function (n) { v[n] = localInputToUs(form.elements[n].value); });
			navigate(href('/findings', null, v));
		}
	}
	/* datetime-local inputs are read as UTC, like every time on these pages */
	function usToLocalInput(us) { return fmtTs(Number(us), false).replace(' ', 'T'); }
	function localInputToUs(v) {
		if (!v) return '';
		var t = Date.parse(v + (v.length === 16 ? ':00' : '') + 'Z');
		return isNaN(t) ? '' : String(t * 1000);
	}
	function pager(f, q) {
		var nav = el('nav', {class: 'pager', 'aria-label': 'pages'});
		var base = {kind: q.kind, severity: q.severity, min_severity: q.min_severity, ied: q.ied, since: q.since, until: q.until};
		if (f.offset > 0) nav.appendChild(link('/findings', null, Object.assign({}, base, {offset: Math.max(0, f.offset - PAGE_SIZE) || null}), '← newer', {class: 'button'}));
		nav.appendChild(el('span', {class: 'muted'}, 'page ' + (Math.floor(f.offset / PAGE_SIZE) + 1) + ' of ' + Math.max(1, Math.ceil(f.total / PAGE_SIZE))));
		if (f.offset + f.items.length < f.total) nav.appendChild(link('/findings', null, Object.assign({}, base, {offset: f.offset + PAGE_SIZE}), 'older →', {class: 'button'}));
		return nav;
	}

	/* 4.3 One finding */
	function pageFinding(out, m, p, gen) {
		var id = m[1];
		setTitle('Finding ' + id);
		out.appendChild(loading());
		return api('findings/' + encodeURIComponent(id)).then(function (f) {
			if (!alive(gen)) return;
			clear(out);
			state.viewRun = f.run_id;
			out.appendChild(el('p', {class: 'crumbs'}, link('/findings', null, null, '← Findings')));
			out.appendChild(el('h1', {class: 'finding-title'}, sevBadge(f.severity), ' ', el('span', {class: 'kind', id: 'finding-kind'}, f.kind),
				f.count > 1 ? el('span', {class: 'count'}, '×' + fmtNum(f.count)) : null));
			out.appendChild(el('p', {class: 'lead', id: 'finding-summary'}, f.summary));
			var grid = el('div', {class: 'grid-2'});
			out.appendChild(grid);
			grid.appendChild(section('Summary', dl([
				['kind', el('code', null, f.kind)],
				['severity', sevBadge(f.severity)],
				['first seen', fmtTs(f.first_seen) + ' UTC'],
				['last seen', fmtTs(f.last_seen) + ' UTC' + (f.last_seen > f.first_seen ? ' (' + fmtDuration(f.last_seen - f.first_seen) + ' later)' : '')],
				['count', fmtNum(f.count)],
				['IED', f.ied ? iedLink(f.ied) : null],
				['client', f.client],
				['object', f.object ? el('code', {id: 'finding-object'}, f.object) : null],
				['flow', f.flow_id !== null && f.flow_id !== undefined ? String(f.flow_id) : null],
				['run', link('/', null, {run: f.run_id}, '#' + f.run_id)],
				rcbLinkFor(f)
			]), {id: 'summary'}));
			var right = el('div');
			grid.appendChild(right);
			right.appendChild(section('tshark filter', tsharkBox(f, Array.isArray(f.evidence) ? f.evidence : []), {id: 'tshark'}));
			out.appendChild(section('Details', f.details && typeof f.details === 'object' && Object.keys(f.details).length ?
				valueView(f.details, 0) : empty('No details for this kind.'), {id: 'details'}));
			/* evidence */
			var ev = Array.isArray(f.evidence) ? f.evidence : [];
			var evBody = ev.length ? [
				table(['pcap file', {label: 'frame', num: 1}, 'time (UTC)'], ev.map(function (e) {
					return el('tr', null, td(e.pcap_filename, 'mono wrap'), tdNum(e.pcap_cnt), td(fmtTs(e.ts), 'nowrap'));
				}), {id: 'evidence-table'}),
				f.evidence_total > ev.length ? el('p', {class: 'muted'}, 'Showing ' + ev.length + ' of ' + fmtNum(f.evidence_total) + ' evidence frames (the first and the latest are kept).') : null
			] : empty('No evidence frames recorded.');
			right.appendChild(section('Evidence frames', evBody, {id: 'evidence'}));
			/* the evidence slice (--evidence): a pcap readable on its own, from the database */
			var pc = f.evidence_pcap;
			right.appendChild(section('Evidence pcap', pc ? el('div', null,
				el('p', null, el('a', {href: '/api/v1/findings/' + encodeURIComponent(f.id) + '/pcap', id: 'evidence-pcap', class: 'button'},
					'Download ' + pc.name), ' (' + fmtNum(pc.frames) + ' frames)'),
				el('p', {class: 'muted'}, 'SHA-256 ', el('code', {id: 'evidence-sha256'}, pc.sha256)),
				pc.redacted ? el('p', {class: 'muted'}, 'An ACSE password in it was overwritten.') : null) :
				empty('No evidence pcap (the sensor runs without --evidence, or the finding has no frames).'), {id: 'evidence-slice'}));
			syncRunSelect();
		});
	}
	function rcbLinkFor(f) { /* findings on an RCB link to its timeline */
		if (!f.ied || !f.object || !/^report_|^capture_loss$|^integrity_late$|^buffer|^trgops|^dchg_|^gi_not|^rcb_/.test(f.kind)) return null;
		var ref = f.details && typeof f.details.rcb === 'string' ? f.details.rcb : f.object;
		if (!/\.(RP|BR)\./.test(ref) && !/\$(RP|BR)\$/.test(ref)) return null;
		var mmsRef = ref.replace(/\.(RP|BR)\./, '$$$1$$');
		return ['RCB timeline', link('/rcb', null, {ied: f.ied.id, rcb: mmsRef, run: f.run_id}, 'SqNum timeline of ' + ref)];
	}
	/* details: nested objects and arrays as key/value tables, scalars as text */
	function valueView(v, depth) {
		if (v === null || v === undefined) return el('span', {class: 'muted'}, 'null');
		if (typeof v !== 'object') return el('span', {class: typeof v === 'string' ? 'val-str' : 'val-num'}, String(v));
		if (depth > 6) return el('span', {class: 'mono'}, JSON.stringify(v));
		if (Array.isArray(v)) {
			if (!v.length) return el('span', {class: 'muted'}, '(none)');
			if (v.every(function (x) { return x === null || typeof x !== 'object'; })) {
				return el('span', {class: 'val-list'}, v.map(function (x) { return String(x); }).join(', '));
			}
			return el('ol', {class: 'val-array'}, v.map(function (x) { return el('li', null, valueView(x, depth + 1)); }));
		}
		var keys = Object.keys(v);
		if (!keys.length) return el('span', {class: 'muted'}, '(empty)');
		return el('table', {class: 'kvtable' + (depth ? ' nested' : ''), id: depth ? null : 'details-table'},
			el('tbody', null, keys.map(function (k) { return el('tr', null, el('th', {scope: 'row'}, k), el('td', null, valueView(v[k], depth + 1))); })));
	}
	function tsharkBox(f, ev) {
		if (!f.tshark_filter) return empty('No tshark filter for this finding.');
		var code = el('code', {id: 'tshark-filter'}, f.tshark_filter);
		var pre = el('pre', {class: 'code-box'}, code);
		var status = el('span', {class: 'copy-status', role: 'status'});
		var btn = el('button', {type: 'button', class: 'primary', id: 'copy-filter', on: {click: function () { copyText(f.tshark_filter, code, status); }}}, 'Copy');
		var files = {};
		ev.forEach(function (e) { files[e.pcap_filename] = 1; });
		var names = Object.keys(files);
		return el('div', null, el('div', {class: 'code-row'}, pre, btn), status,
			names.length ? el('p', {class: 'muted'}, 'Run it on ', names.length === 1 ? 'the capture ' : 'each capture ',
				names.map(function (n, i) { return [i ? ', ' : '', el('code', null, n)]; }),
				' with ', el('code', null, "tshark -r FILE -Y '<filter>'"), ' (tshark numbers frames per file).') : null);
	}
	function copyText(text, node, status) {
		function selectIt() {
			var range = document.createRange();
			range.selectNodeContents(node);
			var sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
			var ok = false;
			try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
			status.textContent = ok ? 'Copied.' : 'Selected: press Ctrl+C (⌘C) to copy.';
		}
		if (navigator.clipboard && window.isSecureContext) {
			navigator.clipboard.writeText(text).then(function () { status.textContent = 'Copied.'; }, selectIt);
		} else selectIt();
	}

	/* 4.4 IED */
	function pageIed(out, m, p, gen) {
		var id = m[1];
		setTitle('IED ' + id);
		out.appendChild(loading());
		return Promise.all([api('ieds/' + encodeURIComponent(id)), loadRuns()]).then(function (res) {
			if (!alive(gen)) return;
			var d = res[0];
			clear(out);
			var run = currentRun();
			state.viewRun = run ? run.id : null;
			setTitle(d.name || (d.ip + ':' + d.port));
			out.appendChild(el('h1', null, el('span', {id: 'ied-name'}, d.name || (d.ip + ':' + d.port)), ' ',
				el('span', {class: 'muted h-sub'}, d.ip + ':' + d.port + (d.vlan ? ' vlan ' + d.vlan : ''))));
			out.appendChild(el('p', {class: 'crumbs'}, link('/findings', null, {ied: d.id}, 'Findings of this IED →')));
			/* inventory */
			var inv = d.inventory || {};
			var lds = Array.isArray(inv.logical_devices) ? inv.logical_devices : [];
			var grid = el('div', {class: 'grid-2'});
			out.appendChild(grid);
			grid.appendChild(section('Inventory', [dl([
				['name', d.name],
				['address', d.ip + ':' + d.port],
				['VLAN', d.vlan || 'untagged'],
				['vendor', d.vendor ? el('span', {id: 'ied-vendor'}, d.vendor) : null],
				['model', d.model ? el('span', {id: 'ied-model'}, d.model) : null],
				['revision', d.revision],
				['first seen', fmtTs(d.first_seen, false) + ' UTC'],
				['last seen', fmtTs(d.last_seen, false) + ' UTC'],
				['association limit', d.assoc_limit !== null && d.assoc_limit !== undefined ? String(d.assoc_limit) + (d.limit_inferred ? ' (inferred from a refusal)' : ' (from the rules)') : 'unknown'],
				['peak associations', fmtNum(d.peak_assocs)],
				d.design ? ['SCL IED', el('span', {id: 'ied-scl-name', class: 'mono'}, d.design.name)] : null,
				d.design ? ['SCL description', el('span', {id: 'ied-scl-desc'}, d.design.desc || '—')] : null,
				d.design && (d.design.manufacturer || d.design.type) ? ['SCL manufacturer, type', [d.design.manufacturer, d.design.type].filter(Boolean).join(', ')] : null,
				inv.security ? ['TLS', inv.security.mms_plaintext ? 'no (MMS in clear text)' : (inv.security.tls ? 'yes' : '—')] : null
			]), lds.length ? el('div', {class: 'lds'}, el('h3', null, 'Logical devices'),
				el('ul', {class: 'ld-list', id: 'ld-list'}, lds.map(function (ld) {
					var lns = Array.isArray(ld.logical_nodes) ? ld.logical_nodes : [];
					return el('li', null, el('code', null, ld.name), lns.length ? el('span', {class: 'muted'}, ' — ' + lns.join(', ')) : null);
				}))) : null], {id: 'inventory'}));
			var assocChart = el('div', {class: 'chart'});
			grid.appendChild(section('Associations over time', assocChart, {id: 'assoc-chart'}));
			/* RCBs */
			var rcbs = Array.isArray(d.rcbs) ? d.rcbs : [];
			out.appendChild(section('Report control blocks', rcbs.length ? table(
				['RCB', 'RptID', 'dataset', 'type', 'TrgOps', {label: 'IntgPd', num: 1}, {label: 'BufTm', num: 1}, 'OptFlds', {label: 'ConfRev', num: 1}, 'RptEna', {label: 'reports', num: 1}],
				rcbs.map(function (r) {
					return el('tr', {'data-rcb': r.ref},
						td(link('/rcb', null, {ied: d.id, rcb: r.ref}, r.ref, {class: 'mono rcb-link'}), 'wrap'),
						td(r.rptid, 'mono wrap'), td(r.datset, 'mono wrap'), td(r.buffered ? 'buffered' : 'unbuffered'),
						td(r.trgops), td(fmtMs(r.intgpd_ms), 'num'), td(fmtMs(r.buftm_ms), 'num'), td(optFlds(r.optflds)),
						tdNum(r.confrev), td(yesNo(r.rptena)), tdNum(r.reports));
				}), {id: 'rcb-table'}) : empty('No RCBs seen for this IED (no reports and no RCB reads or writes).'), {id: 'rcbs'}));
			var latBox = el('div', null, loading());
			out.appendChild(section('Response latency by service', latBox, {id: 'latency'}));
			var clockBox = el('div', {class: 'chart'}, loading());
			out.appendChild(section('Clock offset (IED time minus capture time)', clockBox, {id: 'clock'}));
			var assocs = el('div', null, loading());
			out.appendChild(section('Associations', assocs, {id: 'associations'}));
			var rq = runQuery();
			api('ieds/' + encodeURIComponent(id) + '/minutes', rq).then(function (rows) {
				if (!alive(gen)) return;
				assocLimitChart(assocChart, rows, d);
			}).catch(function (e) { if (alive(gen)) assocChart.appendChild(errorBox(e)); });
			assocTable(assocs, id, rq, 0, gen);
			api('ieds/' + encodeURIComponent(id) + '/clock', rq).then(function (rows) {
				if (!alive(gen)) return;
				clear(clockBox);
				clockChart(clockBox, Array.isArray(rows) ? rows : []);
			}).catch(function (e) { if (alive(gen)) { clear(clockBox); clockBox.appendChild(errorBox(e)); } });
			api('ieds/' + encodeURIComponent(id) + '/latency', rq).then(function (lat) {
				if (!alive(gen)) return;
				clear(latBox);
				append(latBox, Array.isArray(lat) && lat.length ? latencyView(lat) : empty('No confirmed requests answered in this run.'));
			}).catch(function (e) { if (alive(gen)) { clear(latBox); latBox.appendChild(errorBox(e)); } });
		});
	}
	/* OptFlds as stored: bit i (least significant = 0) is IEC 61850-8-1 bit i */
	var OPTFLDS = [null, ['seq', 'sequence-number'], ['time', 'report-time-stamp'], ['reason', 'reason-for-inclusion'],
		['datset', 'data-set-name'], ['dataref', 'data-reference'], ['bufovfl', 'buffer-overflow'], ['entryID', 'entryID'],
		['confrev', 'conf-revision'], ['segm', 'segmentation']];
	function optFlds(v) {
		if (v === null || v === undefined) return null;
		if (typeof v !== 'number') return String(v);
		var short = [], long = [];
		for (var i = 1; i < OPTFLDS.length; i++) if (v & (1 << i)) { short.push(OPTFLDS[i][0]); long.push(OPTFLDS[i][1]); }
		return el('span', {title: long.join(', ') || 'none', class: 'optflds'}, short.join(' ') || 'none');
	}
	function latencyView(lat) {
		var max = 0;
		lat.forEach(function (l) { max = Math.max(max, l.p99_us || 0, l.p95_us || 0, l.p50_us || 0); });
		var rows = lat.map(function (l) {
			return el('tr', {'data-service': l.service}, td(l.service, l.service === 'all' ? 'strong' : null), tdNum(l.count),
				td(fmtUs(l.p50_us), 'num'), td(fmtUs(l.p95_us), 'num'), td(fmtUs(l.p99_us), 'num'), td(fmtUs(l.max_us), 'num'),
				td(bars(l, max), 'bars-cell'));
		});
		return [table(['service', {label: 'count', num: 1}, {label: 'p50', num: 1}, {label: 'p95', num: 1}, {label: 'p99', num: 1}, {label: 'max', num: 1}, 'p50 / p95 / p99'], rows, {id: 'latency-table'}),
			key([{key: 'p50', label: 'p50'}, {key: 'p95', label: 'p95'}, {key: 'p99', label: 'p99'}])];
	}
	function bars(l, max) { /* bar widths set through the CSSOM (allowed by the CSP) */
		var box = el('div', {class: 'bars'});
		['p50', 'p95', 'p99'].forEach(function (k) {
			var v = l[k + '_us'];
			var b = el('div', {class: 'bar bar-' + k, title: k + ' ' + fmtUs(v)});
			b.style.width = (max > 0 && v ? Math.max(1, 100 * v / max) : 0).toFixed(1) + '%';
			box.appendChild(b);
		});
		return box;
	}
	function assocLimitChart(box, rows, d) {
		var limit = d.assoc_limit;
		var known = limit !== null && limit !== undefined;
		if (!rows.length) { box.appendChild(empty('No per-minute statistics for this IED in this run.')); return; }
		var x = rows.map(function (r) { return r.minute * 60; });
		var series = [{label: 'time (UTC)'},
			{label: 'associations open (max per minute)', stroke: COLORS.assocs, width: 2, fill: 'rgba(37,99,235,0.08)', paths: window.uPlot && window.uPlot.paths.stepped ? window.uPlot.paths.stepped({align: 1}) : undefined, points: {show: rows.length < 60}},
			{label: 'connection attempts / min', stroke: COLORS.conn, width: 1, scale: 'conn', points: {show: rows.length < 60}}];
		var data = [x, rows.map(function (r) { return r.assocs_max; }), rows.map(function (r) { return r.conn_attempts; })];
		if (known) {
			series.push({label: 'association limit (' + limit + (d.limit_inferred ? ', inferred' : '') + ')', stroke: COLORS.limit, width: 2, dash: [8, 5],
				points: {show: false}, paths: function () { return null; }});
			data.push(rows.map(function () { return limit; }));
		}
		var top = Math.max(known ? limit : 0, d.peak_assocs || 0, Math.max.apply(null, data[1].map(function (v) { return v || 0; })));
		var cls = known ? 'has-limit' : 'no-limit';
		box.setAttribute('data-limit', known ? limit : '');
		box.classList.add(cls);
		makeChart(box, {
			height: 240,
			series: series,
			scales: {x: {time: true, range: padRange(90, x)}, y: {range: [0, Math.ceil(top * 1.25) + 1]}, conn: {range: function (u, a, b) { return [0, Math.max(b * 1.1, 1)]; }}},
			axes: [{}, {label: 'associations'}, {scale: 'conn', side: 1, label: 'attempts', grid: {show: false}}],
			hooks: {draw: [function (u) { if (known) drawLimit(u, limit); }]}
		}, data);
		box.appendChild(known ? key([{key: 'limit', label: 'dashed red: the association limit, ' + limit + (d.limit_inferred ? ' (inferred from a refusal)' : ' (from the rules)')}])
			: el('p', {class: 'muted', 'data-key': 'limit-unknown'}, 'Association limit unknown: mmswatch never guesses it. Set it with ',
				el('code', null, 'ied ' + d.ip + ':' + d.port + ' limit N'), ' in the rules to draw the limit line.'));
	}
	/* The IED's clock against the capture's, one point per window (the store's
	 * ied_clock rows): flat near 0 is a synchronized IED, a level away from 0 an
	 * offset, a slope a drift. */
	function clockChart(box, rows) {
		box.setAttribute('data-points', String(rows.length));
		if (!rows.length) { box.appendChild(empty('No server-stamped times (TimeOfEntry, t) from this IED in this run.')); return; }
		var x = rows.map(function (r) { return r.ts / 1e6; });
		var y = rows.map(function (r) { return r.offset_us / 1e6; });
		var lo = Math.min.apply(null, y), hi = Math.max.apply(null, y);
		var pad = Math.max((hi - lo) * 0.2, Math.max(Math.abs(lo), Math.abs(hi)) * 0.1, 0.001);
		box.setAttribute('data-last-offset', y[y.length - 1].toFixed(3));
		makeChart(box, {
			height: 200,
			series: [{label: 'time (UTC)'},
				{label: 'offset (s)', stroke: COLORS.assocs, width: 2, points: {show: rows.length < 60},
					value: function (u, v) { return v === null || v === undefined ? '' : v.toFixed(3) + ' s'; }}],
			scales: {x: {time: true, range: padRange(90, x)}, y: {range: [Math.min(lo - pad, 0), Math.max(hi + pad, 0)]}},
			axes: [{}, {label: 'seconds'}]
		}, [x, y]);
	}
	function drawLimit(u, limit) { /* a dashed horizontal line across the plot */
		var dpr = window.devicePixelRatio || 1;
		var y = Math.round(u.valToPos(limit, 'y', true)) + 0.5;
		var ctx = u.ctx;
		ctx.save();
		ctx.strokeStyle = COLORS.limit;
		ctx.lineWidth = 2 * dpr;
		ctx.setLineDash([8 * dpr, 5 * dpr]);
		ctx.beginPath();
		ctx.moveTo(u.bbox.left, y);
		ctx.lineTo(u.bbox.left + u.bbox.width, y);
		ctx.stroke();
		ctx.restore();
	}
	function assocTable(box, id, rq, offset, gen) {
		api('ieds/' + encodeURIComponent(id) + '/associations', Object.assign({limit: 50, offset: offset}, rq)).then(function (a) {
			if (!alive(gen)) return;
			clear(box);
			if (!a.items.length) { box.appendChild(empty('No associations with this IED in this run.')); return; }
			box.appendChild(table(['client', 'start (UTC)', 'end (UTC)', {label: 'duration', num: 1}, 'ended', {label: 'packets', num: 1}, {label: 'bytes', num: 1}],
				a.items.map(function (s) {
					return el('tr', null, td(s.client_ip + ':' + s.client_port, 'mono'), td(fmtTs(s.start_ts), 'nowrap'), td(fmtTs(s.end_ts), 'nowrap'),
						td(fmtDuration(s.end_ts - s.start_ts), 'num'), td(s.ended), tdNum(s.packets), tdNum(s.bytes));
				}), {id: 'assoc-table'}));
			if (a.total > a.items.length) {
				var nav = el('nav', {class: 'pager'});
				if (a.offset > 0) nav.appendChild(el('button', {type: 'button', on: {click: function () { assocTable(box, id, rq, Math.max(0, a.offset - 50), gen); }}}, '← earlier'));
				nav.appendChild(el('span', {class: 'muted'}, fmtNum(a.offset + 1) + '–' + fmtNum(a.offset + a.items.length) + ' of ' + fmtNum(a.total)));
				if (a.offset + a.items.length < a.total) nav.appendChild(el('button', {type: 'button', on: {click: function () { assocTable(box, id, rq, a.offset + 50, gen); }}}, 'later →'));
				box.appendChild(nav);
			}
		}).catch(function (e) { if (alive(gen)) { clear(box); box.appendChild(errorBox(e)); } });
	}

	/* 4.5 RCB timeline: SqNum against time, reasons coloured, gap and loss marks */
	var MARK_KINDS = {
		report_sequence_gap: {label: 'report sequence gap (IED did not send)', cls: 'gap'},
		capture_loss: {label: 'capture loss (sensor missed bytes, not the IED)', cls: 'loss'},
		report_sequence_restart: {label: 'SqNum restart', cls: 'restart'},
		integrity_late: {label: 'integrity report late', cls: 'late'}
	};
	function pageRcb(out, m, p, gen) {
		var ied = p.get('ied'), ref = p.get('rcb');
		setTitle('RCB timeline');
		if (!ied || !ref) { out.appendChild(errorBox('this page needs ?ied=ID&rcb=REF: open it from an IED page')); return null; }
		out.appendChild(loading());
		return Promise.all([api('rcb_timeline', runQuery({ied: ied, rcb: ref})), api('ieds/' + encodeURIComponent(ied)), loadRuns()]).then(function (res) {
			if (!alive(gen)) return;
			var t = res[0], d = res[1];
			var run = currentRun();
			state.viewRun = run ? run.id : null;
			clear(out);
			var rcb = (d.rcbs || []).filter(function (r) { return r.ref === ref; })[0] || null;
			out.appendChild(el('p', {class: 'crumbs'}, link('/ied/', d.id, null, '← ' + iedLabel(d))));
			out.appendChild(el('h1', null, 'RCB ', el('code', {id: 'rcb-ref'}, ref)));
			if (rcb) out.appendChild(el('p', {class: 'lead'}, 'RptID ', el('code', {id: 'rcb-rptid'}, rcb.rptid === null || rcb.rptid === undefined ? '—' : rcb.rptid),
				' · dataset ', el('code', null, rcb.datset || '—'), ' · ', rcb.buffered ? 'buffered' : 'unbuffered',
				' · TrgOps ', rcb.trgops || '—', ' · IntgPd ', fmtMs(rcb.intgpd_ms), ' · ', fmtNum(rcb.reports), ' reports'));
			if (t.design) out.appendChild(rcbDesign(t.design, rcb));
			var pts = Array.isArray(t.points) ? t.points : [];
			var marks = Array.isArray(t.marks) ? t.marks : [];
			var chartBox = el('div', {class: 'chart chart-rcb', id: 'rcb-chart'});
			out.appendChild(section('SqNum over time', [chartBox], {id: 'timeline'}));
			if (!pts.length) chartBox.appendChild(empty('No reports of this RCB in this run.'));
			else rcbChart(chartBox, pts, marks, t.intgpd_ms);
			/* the marks, as a list */
			out.appendChild(section('Marks', marks.length ? el('ul', {class: 'mark-list', id: 'mark-list'}, marks.map(function (mk) {
				var mkInfo = MARK_KINDS[mk.kind] || {label: mk.kind, cls: 'other'};
				return el('li', {class: 'mark-item mark-' + mkInfo.cls, 'data-mark-kind': mk.kind, 'data-mark-id': mk.id},
					el('span', {class: 'swatch swatch-' + mkInfo.cls}),
					el('div', null,
						el('div', null, link('/finding/', mk.id, null, mk.kind, {class: 'kind'}), el('span', {class: 'muted when'},
							fmtTs(mk.first_seen) + (mk.last_seen > mk.first_seen ? ' – ' + fmtTime(mk.last_seen) : '') + ' UTC'),
							pts.length ? el('button', {type: 'button', class: 'small', on: {click: function () { zoomTo(mk); }}}, 'zoom') : null),
						el('div', {class: 'summary'}, mk.summary)));
			})) : empty('No sequence gaps, capture loss, restarts or late integrity reports for this RCB.'), {id: 'marks'}));
			function zoomTo(mk) {
				var u = state.charts[0]; if (!u) return;
				var a = mk.first_seen / 1e6, b = mk.last_seen / 1e6;
				var pad = Math.max(10, (b - a) * 2);
				u.setScale('x', {min: a - pad, max: b + pad});
				chartBox.scrollIntoView({behavior: 'smooth', block: 'center'});
			}
		});
	}
	/* OptFlds bits as IEC 61850-8-1 numbers them (bit 0 reserved), SCL's names. */
	var OPTFLDS = ['', 'seqNum', 'timeStamp', 'reasonCode', 'dataSet', 'dataRef', 'bufOvfl', 'entryID', 'configRef', 'segmentation'];
	function optfldsText(v) {
		if (v === null || v === undefined) return null;
		var out = [];
		for (var b = 1; b < OPTFLDS.length; b++) if (v & (1 << b)) out.push(OPTFLDS[b]);
		return out.join(',');
	}
	/* The designed settings beside the observed ones, and the dataset's member
	 * names from the design (the web side reads them from the design tables). */
	function rcbDesign(g, rcb) {
		var o = rcb || {};
		var rs = g.report_settings || null;
		var mask = 0x3fe; /* OptFlds bits the design speaks of */
		var rows = [
			/* [setting, designed, observed, ReportSettings (false: none governs it)] */
			['RptID', g.rptid, o.rptid, rs && rs.rptID],
			['DatSet', g.datset, o.datset, rs && rs.datSet],
			['TrgOps', g.trgops, o.trgops, rs && rs.trgOps],
			['IntgPd', g.intgpd_ms === null ? null : fmtMs(g.intgpd_ms), o.intgpd_ms === null || o.intgpd_ms === undefined ? null : fmtMs(o.intgpd_ms), rs && rs.intgPd],
			['BufTm', g.buftm_ms === null ? null : fmtMs(g.buftm_ms), o.buftm_ms === null || o.buftm_ms === undefined ? null : fmtMs(o.buftm_ms), rs && rs.bufTime],
			['OptFlds', optfldsText(g.optflds === null ? null : g.optflds & mask), optfldsText(o.optflds === null || o.optflds === undefined ? null : o.optflds & mask), rs && rs.optFields],
			['ConfRev', g.confrev === null ? null : String(g.confrev), o.confrev === null || o.confrev === undefined ? null : String(o.confrev), false],
			['type', g.buffered ? 'buffered' : 'unbuffered', rcb ? (o.buffered ? 'buffered' : 'unbuffered') : null, false],
			['RptEnabled max', String(g.max) + (g.indexed ? ' (indexed)' : ''), null, false],
			['ClientLN', Array.isArray(g.clients) && g.clients.length ? g.clients.join(', ') : null, null, false]
		];
		var trs = rows.map(function (r) {
			var differs = r[1] !== null && r[1] !== undefined && r[2] !== null && r[2] !== undefined && String(r[1]) !== String(r[2]);
			return el('tr', {'data-setting': r[0], class: differs ? 'differs' : null},
				td(r[0]), td(r[1], 'mono wrap design-value'), td(r[2], 'mono wrap seen-value'),
				td(r[3] === false ? null : (r[3] || (rs ? 'Fix' : 'absent'))), td(differs ? 'differs' : null, 'diff-flag'));
		});
		var members = Array.isArray(g.members) ? g.members : [];
		return section('Design (SCL ' + g.ied + ')', [
			el('p', {class: 'muted'}, 'ReportControl ', el('code', null, g.ref), ' of IED ', el('code', {id: 'rcb-design-ied'}, g.ied),
				rs ? '' : ' (no ReportSettings in the design: every difference is information)'),
			table(['setting', 'designed', 'observed', 'ReportSettings', ''], trs, {id: 'rcb-design'}),
			el('h3', null, 'Dataset members ', el('code', null, g.members_of || g.datset || '—')),
			members.length ? el('ol', {class: 'member-list mono', id: 'rcb-members'}, members.map(function (m) { return el('li', null, m); }))
				: empty('The design names no members for this dataset.')
		], {id: 'design'});
	}
	function rcbChart(box, pts, marks, intgpdMs) {
		var x = pts.map(function (pt) { return pt.second; });
		var sq = pts.map(function (pt) { return pt.last_sqnum; });
		var present = {};
		var byReason = REASONS.map(function (r) {
			return pts.map(function (pt) {
				var keys = String(pt.reasons || '').split(',').filter(Boolean).map(reasonKey);
				if (keys.indexOf(r.key) >= 0) { present[r.key] = 1; return pt.last_sqnum; }
				return null;
			});
		});
		/* rings for integrity and GI (drawn first, larger) so a second with several
		 * reasons shows a dot inside a ring */
		var pointStyle = {
			dchg: {size: 7, fill: COLORS.dchg, stroke: COLORS.dchg},
			qchg: {size: 7, fill: COLORS.qchg, stroke: COLORS.qchg},
			dupd: {size: 7, fill: COLORS.dupd, stroke: COLORS.dupd},
			intg: {size: 13, fill: 'rgba(0,0,0,0)', stroke: COLORS.intg, width: 2},
			gi: {size: 17, fill: 'rgba(0,0,0,0)', stroke: COLORS.gi, width: 2},
			other: {size: 7, fill: COLORS.other, stroke: COLORS.other}
		};
		var order = ['gi', 'intg', 'dchg', 'qchg', 'dupd', 'other'];
		var series = [{label: 'time (UTC)'}, {label: 'SqNum (last in each second)', stroke: COLORS.sqnum, width: 1, points: {show: false}}];
		var data = [x, sq];
		order.forEach(function (k) {
			if (!present[k]) return;
			var idx = REASONS.map(function (r) { return r.key; }).indexOf(k);
			var st = pointStyle[k];
			series.push({label: REASONS[idx].label, stroke: st.stroke, width: 0, paths: function () { return null; },
				points: {show: true, size: st.size, fill: st.fill, stroke: st.stroke, width: st.width || 1}});
			data.push(byReason[idx]);
		});
		var bandMarks = marks.map(function (mk) {
			var info = MARK_KINDS[mk.kind] || {cls: 'other'};
			var a = mk.first_seen / 1e6, b = mk.last_seen / 1e6;
			if (b - a < 1) { a -= 0.5; b += 0.5; } /* a mark at one instant still gets a visible band */
			return {kind: mk.kind, cls: info.cls, from: a, to: b, id: mk.id, title: mk.kind + ': ' + mk.summary};
		});
		var intg = intgpdMs && intgpdMs > 0 ? intgpdMs / 1000 : null;
		var anchor = null;
		if (intg) for (var i = 0; i < pts.length; i++) {
			if (String(pts[i].reasons || '').split(',').map(reasonKey).indexOf('intg') >= 0) { anchor = pts[i].second; break; }
		}
		if (intg && anchor === null) anchor = x[0];
		box.setAttribute('data-intgpd-ms', intg ? intgpdMs : '');
		/* the store's per-second sequence events (gap, capture_loss, restart, duplicate, ...) */
		var evs = pts.filter(function (pt) { return pt.events; }).map(function (pt) {
			return {x: pt.second, kinds: String(pt.events).split(',').filter(Boolean)};
		});
		var u = makeChart(box, {
			height: 320,
			series: series,
			scales: {x: {time: true, range: padRange(30, x)}},
			axes: [{}, {label: 'SqNum'}],
			hooks: {draw: [function (u) { if (intg) drawIntgTicks(u, anchor, intg); drawEvents(u, evs); }]},
			overlays: function (u) { placeBands(u, 'marks', bandMarks); }
		}, data);
		var keys = [];
		if (bandMarks.some(function (b) { return b.kind === 'report_sequence_gap'; })) keys.push({key: 'gap', label: 'red band: report sequence gap (the IED did not send)'});
		if (bandMarks.some(function (b) { return b.kind === 'capture_loss'; })) keys.push({key: 'loss', label: 'grey hatched band: capture loss (the sensor missed bytes, not an IED fault)'});
		if (bandMarks.some(function (b) { return b.kind === 'report_sequence_restart'; })) keys.push({key: 'restart', label: 'blue band: SqNum restart'});
		if (bandMarks.some(function (b) { return b.kind === 'integrity_late'; })) keys.push({key: 'late', label: 'amber band: integrity report late'});
		if (intg) keys.push({key: 'intg-tick', label: 'green ticks at the top: expected integrity reports every ' + fmtMs(intgpdMs)});
		if (evs.length) keys.push({key: 'event', label: 'triangles at the bottom: seconds with a sequence event (red gap, grey capture loss, blue restart, purple other)'});
		if (u && keys.length) box.appendChild(key(keys));
		if (u && !keys.length) box.appendChild(el('p', {class: 'muted'}, 'Points coloured by reason for inclusion; drag across the chart to zoom, double-click to zoom out.'));
	}
	var EVENT_COLORS = {gap: '#dc2626', capture_loss: '#64748b', restart: '#2563eb'};
	function drawEvents(u, evs) {
		var dpr = window.devicePixelRatio || 1, ctx = u.ctx, size = 5 * dpr;
		var bottom = u.bbox.top + u.bbox.height;
		ctx.save();
		evs.forEach(function (e) {
			if (e.x < u.scales.x.min || e.x > u.scales.x.max) return;
			var px = u.valToPos(e.x, 'x', true);
			ctx.fillStyle = EVENT_COLORS[e.kinds[0]] || '#9333ea';
			ctx.beginPath();
			ctx.moveTo(px, bottom - 2 * size);
			ctx.lineTo(px - size, bottom);
			ctx.lineTo(px + size, bottom);
			ctx.closePath();
			ctx.fill();
		});
		ctx.restore();
	}
	function drawIntgTicks(u, anchor, period) {
		var xmin = u.scales.x.min, xmax = u.scales.x.max;
		var pxPer = u.bbox.width / Math.max(1e-9, xmax - xmin) * period;
		if (pxPer < 3 * (window.devicePixelRatio || 1)) return; /* too dense to read: zoom in */
		var ctx = u.ctx;
		ctx.save();
		ctx.strokeStyle = COLORS.intg;
		ctx.lineWidth = 1 * (window.devicePixelRatio || 1);
		ctx.beginPath();
		var k0 = Math.ceil((xmin - anchor) / period), k1 = Math.floor((xmax - anchor) / period);
		for (var k = k0; k <= k1 && k - k0 < 5000; k++) {
			var px = u.valToPos(anchor + k * period, 'x', true);
			ctx.moveTo(px, u.bbox.top);
			ctx.lineTo(px, u.bbox.top + 8 * (window.devicePixelRatio || 1));
		}
		ctx.stroke();
		ctx.restore();
	}

	/* 4.6 Storms: attempts per second, storm windows shaded */
	function pageStorms(out, m, p, gen) {
		setTitle('Connection storms');
		out.appendChild(el('h1', null, 'Connection storms'));
		var body = el('div', null, loading());
		out.appendChild(body);
		return Promise.all([api('storms', runQuery()), api('ieds', {limit: 1000}), loadRuns()]).then(function (res) {
			if (!alive(gen)) return;
			var s = res[0], ieds = res[1].items || [];
			var run = currentRun();
			state.viewRun = run ? run.id : null;
			clear(body);
			var storms = Array.isArray(s.storms) ? s.storms : [];
			var attempts = Array.isArray(s.attempts) ? s.attempts : [];
			var chartBox = el('div', {class: 'chart', id: 'storm-chart'});
			body.appendChild(section('Connection attempts per second', chartBox, {id: 'attempts'}));
			if (!attempts.length) chartBox.appendChild(empty(storms.length ? 'No per-second connection attempts stored for these storms.' : 'No connection storms in this run.'));
			else stormChart(chartBox, attempts, storms, ieds);
			body.appendChild(section('Storms', storms.length ? el('div', {id: 'storm-list'}, storms.map(function (st) {
				return el('article', {class: 'storm', 'data-storm-id': st.id},
					el('h3', null, link('/finding/', st.id, null, 'connection_storm #' + st.id), ' ', el('span', {class: 'muted'}, 'on '), st.ied ? iedLink(st.ied) : '—'),
					el('p', {class: 'muted'}, fmtTs(st.first_seen) + ' – ' + fmtTime(st.last_seen) + ' UTC (' + fmtDuration(st.last_seen - st.first_seen) + ')'),
					el('p', {class: 'summary'}, st.summary),
					st.details && typeof st.details === 'object' ? el('details', null, el('summary', null, 'details'), valueView(st.details, 1)) : null);
			})) : empty('No connection storms in this run.'), {id: 'storms'}));
		});
	}
	function stormChart(box, attempts, storms, ieds) {
		var byIed = {}, seconds = {};
		var lo = Infinity, hi = -Infinity;
		attempts.forEach(function (a) {
			(byIed[a.ied_id] = byIed[a.ied_id] || {})[a.second] = (byIed[a.ied_id][a.second] || 0) + a.attempts;
			lo = Math.min(lo, a.second); hi = Math.max(hi, a.second);
			seconds[a.second] = 1;
		});
		/* every second in the span, so quiet seconds draw as zero (bounded) */
		var x = [];
		if (hi - lo <= 200000) for (var t = lo; t <= hi; t++) x.push(t);
		else x = Object.keys(seconds).map(Number).sort(function (a, b) { return a - b; });
		var names = {};
		ieds.forEach(function (d) { names[d.id] = iedLabel(d); });
		var palette = [COLORS.attempts, '#2563eb', '#0d9488', '#9333ea', '#dc2626', '#475569'];
		var series = [{label: 'time (UTC)'}], data = [x];
		Object.keys(byIed).forEach(function (id, i) {
			series.push({label: 'attempts/s · ' + (names[id] || 'IED ' + id), stroke: palette[i % palette.length], width: 1.5,
				fill: i === 0 ? 'rgba(217,119,6,0.10)' : undefined, points: {show: x.length < 120}});
			data.push(x.map(function (t) { return byIed[id][t] || 0; }));
		});
		var bands = storms.map(function (st) {
			return {kind: 'connection_storm', from: st.first_seen / 1e6, to: st.last_seen / 1e6, id: st.id, title: st.summary};
		});
		var u = makeChart(box, {
			height: 280, series: series,
			scales: {x: {time: true, range: padRange(30, x)}, y: {range: function (u, a, b) { return [0, Math.max(b * 1.15, 1)]; }}},
			axes: [{}, {label: 'attempts / s'}],
			overlays: function (u) { placeBands(u, 'storms', bands); }
		}, data);
		if (u && bands.length) box.appendChild(key([{key: 'storm', label: 'shaded: a connection storm (from its first to its last attempt)'}]));
	}

	/* Changes between two runs (docs/drift.md): ?from=RUN&to=RUN, by default the
	 * latest run with facts and the one before it. */
	var CHANGE_TEXT = {
		new_ied: 'new IED', missing_ied: 'missing IED', new_client: 'new client', missing_client: 'client gone',
		new_service: 'new service', identity_changed: 'identity changed', confrev_changed: 'ConfRev changed',
		dataset_changed: 'dataset changed', rcb_settings_changed: 'RCB setting changed'
	};
	function pageChanges(out, m, p, gen) {
		setTitle('Changes');
		out.appendChild(el('h1', null, 'Changes between two runs'));
		var q = {limit: 1000};
		if (p.get('from')) q.from = p.get('from');
		if (p.get('to')) q.to = p.get('to');
		var body = el('div', null, loading());
		out.appendChild(body);
		return Promise.all([api('changes', q).catch(function (e) { return {error: e}; }), loadRuns()]).then(function (res) {
			if (!alive(gen)) return;
			var c = res[0];
			clear(body);
			function pick(name, selected) {
				var s = el('select', {id: 'changes-' + name, name: name});
				state.runs.forEach(function (run) {
					var o = el('option', {value: run.id}, runLabel(run));
					if (selected && run.id === selected) o.selected = true;
					s.appendChild(o);
				});
				return s;
			}
			var fromSel = pick('from', c.from ? c.from.id : null), toSel = pick('to', c.to ? c.to.id : null);
			var form = el('form', {class: 'changes-pick', id: 'changes-form', on: {submit: function (ev) {
				ev.preventDefault();
				navigate('/changes?from=' + encodeURIComponent(fromSel.value) + '&to=' + encodeURIComponent(toSel.value));
			}}}, el('label', null, 'from (baseline) ', fromSel), ' ', el('label', null, 'to ', toSel), ' ',
				el('button', {type: 'submit'}, 'Compare'));
			body.appendChild(form);
			if (c.error) { body.appendChild(errorBox(c.error)); return; }
			var items = Array.isArray(c.items) ? c.items : [];
			body.appendChild(el('p', {class: 'muted', id: 'changes-total'}, items.length ?
				fmtNum(c.total) + ' change' + (c.total === 1 ? '' : 's') + ' from run ' + c.from.id + ' to run ' + c.to.id +
				(c.total > items.length ? ' (the first ' + items.length + ' shown)' : '') :
				'No change from run ' + c.from.id + ' to run ' + c.to.id + '.'));
			if (!items.length) return;
			body.appendChild(section('What changed', table(['change', 'IED', 'client', 'what', 'run ' + c.from.id, 'run ' + c.to.id],
				items.map(function (it) {
					return el('tr', {class: 'change change-' + it.change, 'data-change': it.change},
						td(CHANGE_TEXT[it.change] || it.change), td(it.ied ? iedLink(it.ied) : null), td(it.client),
						td(it.name ? (it.fact === 'acsi' ? 'ACSI ' : it.fact === 'service' ? 'MMS ' : '') + it.name : null),
						td(it.from_value), td(it.to_value));
				}), {id: 'changes-table'}), {id: 'changes'}));
		});
	}

	/* ----------------------------------------------------------- 5. live updates */

	/* Every 2 s: findings with ids above the highest seen, in the run on screen when
	 * that is the newest run; each page decides how to show them (state.live). */
	function bumpMaxId(items) {
		items.forEach(function (f) {
			var m = state.maxIds[f.run_id];
			if (m === undefined || f.id > m) state.maxIds[f.run_id] = f.id;
		});
	}
	var liveBadge = document.getElementById('live');
	var polling = false, lastRunsCheck = 0;
	function setLive(ok, text) {
		if (!liveBadge) return;
		liveBadge.className = 'live ' + (ok ? 'live-ok' : 'live-bad');
		liveBadge.textContent = text;
	}
	function poll() {
		if (polling || document.hidden) return;
		polling = true;
		var p = Promise.resolve();
		var now = Date.now();
		if (now - lastRunsCheck > 10000 || !state.runs.length) {
			lastRunsCheck = now;
			var before = newestRunId();
			p = loadRuns().then(function () {
				/* a new run started: the overview of "the newest run" moves to it */
				if (before !== null && newestRunId() !== before && state.run === null && state.page === 'overview') render();
			}, function () { return null; });
		}
		p.then(function () {
			var newest = newestRunId();
			if (newest === null) return null;
			var run = state.run !== null ? state.run : newest;
			if (state.maxIds[run] === undefined) {
				return api('findings', {run: run, limit: 1}).then(function (f) {
					if (state.maxIds[run] === undefined) state.maxIds[run] = f.items.length ? f.items[0].id : 0;
					return null;
				});
			}
			return api('findings', {run: run, after_id: state.maxIds[run], limit: 200}).then(function (f) {
				if (!f.items.length) return null;
				bumpMaxId(f.items);
				if (!state.live) return null;
				var hook = state.live, gen = state.gen;
				var ascending = f.items.slice().sort(function (a, b) { return a.id - b.id; });
				return api('overview', {run: run}).then(function (ov) {
					if (gen === state.gen && hook === state.live) hook(ascending, ov);
				}, function () { if (gen === state.gen) hook(ascending, null); });
			});
		}).then(function () {
			setLive(true, 'live · ' + new Date().toLocaleTimeString());
		}, function (e) {
			setLive(false, e && e.status === 401 ? 'token required' : 'not connected');
		}).then(function () { polling = false; });
	}

	/* ---------------------------------------------------------------- 6. start */

	loadRuns().catch(function () { return null; }).then(function () { render(); setTimeout(poll, 300); });
	setInterval(poll, 2000);
})();
