"use strict";
// The dashboard: reads /v1/metrics and /v1/metrics/stale with the key the
// person types in (kept only in this tab's memory) and draws what they return.
(function () {
  const $ = (id) => document.getElementById(id);
  const stages = ["new", "assigned", "contacted", "qualified", "proposal", "won", "lost", "unreachable", "recycled", "junk"];

  function duration(seconds) {
    if (seconds === undefined || seconds === null) return "—";
    if (seconds < 60) return Math.round(seconds) + " s";
    if (seconds < 3600) return Math.round(seconds / 60) + " min";
    if (seconds < 86400) return (seconds / 3600).toFixed(1) + " h";
    return (seconds / 86400).toFixed(1) + " days";
  }
  const percent = (r) => (r * 100).toFixed(1) + "%";

  function row(tbody, cells) {
    const tr = document.createElement("tr");
    for (const c of cells) {
      const td = document.createElement("td");
      td.textContent = c;
      tr.appendChild(td);
    }
    tbody.appendChild(tr);
  }

  function funnel(svg, counts) {
    const ns = "http://www.w3.org/2000/svg";
    svg.replaceChildren();
    const max = Math.max(1, ...counts.map((c) => c.entered));
    const h = 26;
    svg.setAttribute("viewBox", "0 0 600 " + counts.length * h);
    svg.setAttribute("preserveAspectRatio", "xMinYMin meet");
    svg.setAttribute("height", counts.length * h);
    counts.forEach((c, i) => {
      const g = document.createElementNS(ns, "g");
      g.setAttribute("data-stage", c.status);
      const label = document.createElementNS(ns, "text");
      label.setAttribute("x", 0); label.setAttribute("y", i * h + 17);
      label.textContent = c.status;
      const bar = document.createElementNS(ns, "rect");
      bar.setAttribute("class", "bar");
      bar.setAttribute("x", 110); bar.setAttribute("y", i * h + 4);
      bar.setAttribute("height", h - 8);
      bar.setAttribute("width", Math.max(1, (c.entered / max) * 420));
      const value = document.createElementNS(ns, "text");
      value.setAttribute("class", "count");
      value.setAttribute("x", 120 + (c.entered / max) * 420); value.setAttribute("y", i * h + 17);
      value.textContent = String(c.entered);
      g.append(label, bar, value);
      svg.appendChild(g);
    });
  }

  async function get(path) {
    const res = await fetch(path, { headers: { Authorization: "Bearer " + $("key").value.trim() } });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(body.detail || body.title || "HTTP " + res.status);
    return body;
  }

  async function load(ev) {
    ev.preventDefault();
    const q = new URLSearchParams();
    if ($("partner").value.trim()) q.set("partnerId", $("partner").value.trim());
    if ($("from").value) q.set("from", $("from").value);
    if ($("to").value) q.set("to", $("to").value);
    $("status").className = "";
    $("status").textContent = "Loading…";
    try {
      const [m, stale] = await Promise.all([get("v1/metrics?" + q), get("v1/metrics/stale?days=3&" + q)]);
      $("received").textContent = m.received;
      $("won").textContent = m.won;
      $("conversion").textContent = percent(m.conversion);
      const rt = m.responseTime;
      $("response-avg").textContent = rt.count ? duration(rt.averageSeconds) : "—";
      // The median is a bucket's lower bound: minutes under an hour.
      $("response-median").textContent = !rt.count ? "—" : rt.medianSeconds < 60 ? "< 1 min" : duration(rt.medianSeconds);
      $("idle3").textContent = percent(m.noUpdate.over3DaysRate);
      $("idle7").textContent = percent(m.noUpdate.over7DaysRate);
      funnel($("funnel"), stages.map((s) => m.funnel.find((f) => f.status === s) || { status: s, entered: 0 }));
      const st = $("stages").tBodies[0]; st.replaceChildren();
      for (const s of m.timeInStage) row(st, [s.status, s.count, duration(s.averageSeconds)]);
      const pt = $("partners").tBodies[0]; pt.replaceChildren();
      for (const p of m.byPartner) row(pt, [p.partnerId, p.received, p.won, percent(p.conversion), duration(p.responseAverageSeconds), p.open, p.over7Days]);
      const sl = $("stale").tBodies[0]; sl.replaceChildren();
      for (const l of stale.items) row(sl, [l.leadId, l.partnerId, l.status, l.ownerId || "", l.idleDays]);
      if (!stale.items.length) row(sl, ["None.", "", "", "", ""]);
      const al = $("alerts"); al.replaceChildren();
      for (const a of m.alerts) {
        const li = document.createElement("li");
        li.textContent = a.partnerId + ": " + a.metric + " " + a.direction + " in the week of " + a.week + " (" + a.value + " vs. about " + a.baselineMean + ")";
        al.appendChild(li);
      }
      if (!m.alerts.length) { const li = document.createElement("li"); li.textContent = "None."; al.appendChild(li); }
      $("board").hidden = false;
      $("status").textContent = (m.partnerId ? "Partner " + m.partnerId : "All partners") + ", " + m.from + " to " + m.to + ".";
    } catch (e) {
      $("board").hidden = true;
      $("status").className = "error";
      $("status").textContent = "Could not load: " + e.message;
    }
  }
  $("controls").addEventListener("submit", load);
})();
