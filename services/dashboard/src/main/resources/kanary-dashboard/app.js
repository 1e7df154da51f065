// The kanary dashboard: the live state over server-sent events (GET /events), one card per
// deployment, charts with uPlot, and the API's controls sent with the user's own token.
"use strict";

const TOKEN_KEY = "kanary.token";
const cards = new Map(); // deployment id -> {el, charts, points}
let pageConfig = { windowSeconds: 10, plannerKnown: true, controls: ["pause", "resume", "abort", "promote"] };

// Which controls a phase allows (the API refuses the others with a 409 and says why).
const ALLOWED = {
  ROLLING: ["pause", "abort"], WAITING: ["pause", "abort", "promote"], PAUSED: ["resume", "abort", "promote"],
  QUEUED: [], REQUESTED: [], ROLLING_BACK: []
};

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = text;
  return e;
}

function token() { return sessionStorage.getItem(TOKEN_KEY); }

function showTokenStatus() {
  document.getElementById("token-status").textContent = token()
    ? "token set for this tab" : "no token: the buttons need one";
  for (const c of cards.values()) updateHint(c);
}

function percent(v) { return v === null || v === undefined ? "–" : (v * 100).toFixed(1) + "%"; }
function ms(v) { return v === null || v === undefined ? "–" : v + " ms"; }

function figures(d) {
  if (!d.candidate) return "";
  const c = d.candidate, b = d.baseline;
  const base = b ? ` vs ${b.version} ${percent(b.errorRate)} (${b.samples} probes)` : " (no baseline)";
  const baseP99 = b ? ` vs ${b.version} ${ms(b.p99Ms)}` : "";
  return `error rate ${c.version} ${percent(c.errorRate)} (${c.samples} probes)${base} · p99 ${c.version} ${ms(c.p99Ms)}${baseP99}`
    + ` · last ${pageConfig.windowSeconds} s`;
}

function newCard(d) {
  const root = el("section", "deployment");
  root.dataset.id = d.deploymentId;
  const header = el("header");
  header.append(el("h2", null, d.deploymentId), el("span", "phase"), el("span", "what"), el("span", "progress"));
  const hosts = el("table", "hosts");
  const controls = el("div", "controls");
  for (const action of pageConfig.controls) {
    const button = el("button", null, action[0].toUpperCase() + action.slice(1));
    button.dataset.action = action;
    button.addEventListener("click", () => control(d.deploymentId, action));
    controls.append(button);
  }
  controls.append(el("span", "hint"));
  const timeline = el("details", "timeline");
  timeline.append(el("summary", null, "Audit timeline (cause → effect)"), el("ol"));
  timeline.addEventListener("toggle", () => { if (timeline.open) loadTimeline(d.deploymentId, timeline); });
  root.append(header, el("p", "reason"), el("p", "breach"), hosts, evidenceBox(), el("div", "figures"), el("div", "charts"),
    el("p", "last"), controls, el("p", "message"), timeline);
  const card = { el: root, charts: null, points: [[], [], [], [], []], id: d.deploymentId };
  cards.set(d.deploymentId, card);
  return card;
}

// The current batch's evidence: one bar filling toward "healthy" (green, from the left) and toward
// "breach" (red, from the right), from the breach-detector's judgement.progress records.
function evidenceBox() {
  const box = el("div", "evidence");
  box.hidden = true;
  const bar = el("div", "evidence-bar");
  bar.append(el("div", "toward-healthy"), el("div", "toward-breach"));
  box.append(el("span", "evidence-label"), bar, el("span", "evidence-text"));
  return box;
}

function whole(share) { return Math.round(Math.max(0, Math.min(1, share || 0)) * 100); }

function renderEvidence(box, e) {
  box.hidden = !e;
  if (!e) return;
  const healthy = whole(e.towardHealthy), breach = whole(e.towardBreach);
  box.dataset.batch = e.batch;
  box.dataset.state = e.verdict || "waiting";
  box.dataset.towardHealthy = healthy;
  box.dataset.towardBreach = breach;
  box.querySelector(".toward-healthy").style.width = healthy + "%";
  box.querySelector(".toward-breach").style.width = breach + "%";
  box.querySelector(".evidence-label").textContent = `batch ${e.batch} ${e.verdict || "waiting for evidence"}`;
  const traffic = e.requests ? ` (${e.requests} requests)` : "";
  const waited = e.evidenceWaitMs ? ` · waited ${(e.waitedMs / 1000).toFixed(0)} s of ${(e.evidenceWaitMs / 1000).toFixed(0)} s` : "";
  box.querySelector(".evidence-text").textContent =
    `healthy ${healthy}% · breach ${breach}% · ${e.samples} samples${traffic}${waited}`;
  box.title = e.summary || "";
}

function render(state) {
  pageConfig.windowSeconds = state.windowSeconds;
  document.getElementById("window-note").textContent = `Error rate and p99 of the new version (solid) against the `
    + `baseline (dashed), from health probes over a sliding window of the last ${state.windowSeconds} s.`;
  const skipped = Object.entries(state.undecodable || {});
  const undecodable = document.getElementById("undecodable");
  undecodable.hidden = skipped.length === 0;
  undecodable.textContent = "Skipped unreadable records: " + skipped.map(([t, n]) => `${t} ${n}`).join(", ");
  document.getElementById("empty").hidden = state.deployments.length > 0;
  const main = document.getElementById("deployments");
  let previous = document.getElementById("empty");
  for (const d of state.deployments) {
    let card = cards.get(d.deploymentId);
    if (!card) {
      card = newCard(d);
      if (d.latest) loadSeries(card);
    }
    update(card, d);
    if (previous.nextSibling !== card.el) previous.after(card.el); // newest first
    previous = card.el;
  }
}

function update(card, d) {
  const root = card.el;
  root.dataset.phase = d.phase;
  const phase = root.querySelector(".phase");
  phase.textContent = d.phase;
  phase.className = "phase " + d.phase;
  root.querySelector(".what").textContent = `${d.service} ${d.version || ""}`
    + (d.baselineVersion ? ` replacing ${d.baselineVersion}` : "");
  root.querySelector(".progress").textContent = d.batches
    ? `batch ${Math.max(d.currentBatch, 1)}/${d.batches}, ${d.batchesCompleted} completed` : "";
  setText(root.querySelector(".reason"), d.reason ? "Reason: " + d.reason : "");
  setText(root.querySelector(".breach"), d.breach);
  setText(root.querySelector(".last"), d.lastEvent ? "last event: " + d.lastEvent : "");
  root.querySelector(".figures").textContent = figures(d);
  renderEvidence(root.querySelector(".evidence"), d.evidence);
  renderHosts(root.querySelector(".hosts"), d.hosts);
  if (d.latest) addPoint(card, d.latest);
  const allowed = ALLOWED[d.phase];
  root.querySelector(".controls").hidden = !d.active;
  for (const b of root.querySelectorAll(".controls button")) {
    b.disabled = !allowed || !allowed.includes(b.dataset.action);
  }
  updateHint(card);
}

function updateHint(card) {
  const hint = card.el.querySelector(".controls .hint");
  hint.textContent = !pageConfig.plannerKnown ? "this dashboard does not know the planner: set KANARY_PLANNER"
    : token() ? "" : "enter the API token above to use these buttons";
}

function setText(node, text) {
  node.textContent = text || "";
  node.hidden = !text;
}

function renderHosts(table, hosts) {
  const rows = [["host", "version", "state"]].concat(hosts.map(h => [h.host, h.version || "nothing", h.state]));
  const text = JSON.stringify(rows);
  if (table.dataset.rows === text) return;
  table.dataset.rows = text;
  table.replaceChildren();
  rows.forEach((r, i) => {
    const tr = el("tr");
    r.forEach(v => tr.append(el(i === 0 ? "th" : "td", null, v)));
    table.append(tr);
  });
}

async function loadSeries(card) {
  const answer = await fetch(`/api/deployments/${encodeURIComponent(card.id)}/series`);
  if (!answer.ok) return;
  for (const p of await answer.json()) addPoint(card, p);
}

function addPoint(card, p) {
  const xs = card.points[0];
  const t = p.t / 1000;
  if (xs.length && xs[xs.length - 1] >= t) return; // already shown
  xs.push(t);
  card.points[1].push(p.errorRate === null ? null : p.errorRate * 100);
  card.points[2].push(p.baselineErrorRate === null ? null : p.baselineErrorRate * 100);
  card.points[3].push(p.p99Ms);
  card.points[4].push(p.baselineP99Ms);
  drawCharts(card);
}

function drawCharts(card) {
  const [t, err, baseErr, p99, baseP99] = card.points;
  if (!card.charts) {
    const box = card.el.querySelector(".charts");
    const chart = (title, unit, label, values, baseValues) => new uPlot({
      title, width: 460, height: 180,
      scales: { x: { time: true } },
      axes: [{}, { size: 80, values: (u, vals) => vals.map(v => v + unit) }],
      series: [{}, { label, stroke: "#b3261e", width: 2, points: { show: false } },
        { label: "baseline", stroke: "#1a56c4", width: 2, dash: [6, 4], points: { show: false } }]
    }, [t, values, baseValues], box);
    card.charts = [chart("error rate", "%", "new", err, baseErr), chart("p99 latency", " ms", "new", p99, baseP99)];
    return;
  }
  card.charts[0].setData([t, err, baseErr]);
  card.charts[1].setData([t, p99, baseP99]);
}

async function control(id, action) {
  const message = cards.get(id).el.querySelector(".message");
  const t = token();
  if (!t) {
    show(message, "error", `Enter the API token above first, then press ${action} again (kanary up prints where its token file is).`);
    return;
  }
  show(message, "", `${action} sent…`);
  try {
    const answer = await fetch(`/api/deployments/${encodeURIComponent(id)}/${action}`, {
      method: "POST",
      headers: { "Authorization": "Bearer " + t, "Content-Type": "application/json" },
      body: JSON.stringify({ reason: "from the dashboard" })
    });
    const body = await answer.json().catch(() => ({}));
    if (answer.ok) {
      show(message, "ok", `${action} accepted (${answer.status}); phase ${body.phase || "updating"}`);
    } else {
      show(message, "error", `${answer.status} ${body.title || ""}: ${body.detail || "the API refused it"}`);
    }
  } catch (e) {
    show(message, "error", `The dashboard did not answer (${e.message}); is kanary still running?`);
  }
}

function show(node, cls, text) {
  node.className = "message " + cls;
  node.textContent = text;
}

async function loadTimeline(id, details) {
  const list = details.querySelector("ol");
  list.replaceChildren(el("li", null, "replaying the topics…"));
  const answer = await fetch(`/api/deployments/${encodeURIComponent(id)}/timeline`);
  const body = await answer.json().catch(() => ({}));
  if (!answer.ok) {
    list.replaceChildren(el("li", "cause", body.detail || "the timeline could not be read"));
    return;
  }
  const deployment = (body.deployments || [])[0];
  const events = deployment ? deployment.events : [];
  const byId = new Map(events.map(e => [e.id, e]));
  list.replaceChildren();
  for (const e of events) {
    const li = el("li");
    li.append(el("span", "since", `+${(e.sinceStartMs / 1000).toFixed(2)} s `), el("span", null, e.summary));
    const cause = e.causationId && byId.get(e.causationId);
    if (cause) li.append(el("div", "cause", "← caused by: " + cause.summary));
    list.append(li);
  }
}

function connect() {
  const connection = document.getElementById("connection");
  const events = new EventSource("/events");
  events.addEventListener("state", e => render(JSON.parse(e.data)));
  events.onopen = () => { connection.textContent = "live"; connection.className = "connection live"; };
  events.onerror = () => { connection.textContent = "reconnecting…"; connection.className = "connection down"; };
}

document.getElementById("token-form").addEventListener("submit", e => {
  e.preventDefault();
  const input = document.getElementById("token");
  if (input.value.trim()) sessionStorage.setItem(TOKEN_KEY, input.value.trim());
  input.value = "";
  showTokenStatus();
});
document.getElementById("forget-token").addEventListener("click", () => {
  sessionStorage.removeItem(TOKEN_KEY);
  showTokenStatus();
});

fetch("/api/config").then(r => r.json()).then(c => { pageConfig = c; }).finally(() => { showTokenStatus(); connect(); });
