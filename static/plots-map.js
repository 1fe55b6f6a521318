/*
 * Plots map: progressive enhancement over the server-rendered list of plots.
 *
 * Contract (see the page template):
 *   <div id="plot-map" class="plot-map"
 *        data-source="/c/<slug>/plots/map.json"      JSON: {"plots": [...]}
 *        data-tiles="https://tile.example/{z}/{x}/{y}.png"   may be empty
 *        data-attribution="© OpenStreetMap contributors"     plain text
 *        data-label-unavailable="..."                 notice when configured tiles fail
 *        data-label="..."             optional: aria-label of the map region
 *        data-label-legend="..."      optional: legend heading
 *        data-label-team="..."        optional: prefix before the team name
 *        data-label-zoom-in="..." data-label-zoom-out="..." data-label-close="..."
 *                                     optional: translated control titles
 *   ></div>
 *
 * No inline script or style attributes anywhere (CSP): every node is built with
 * DOM calls and user text goes in through textContent only. Without JS, or when
 * the data cannot be had, the container stays empty and takes no space; the list
 * on the page carries everything.
 */
(function () {
  "use strict";
  // htmx re-runs the page's scripts after each swap: a second copy only looks for new maps.
  if (window.HuakaiPlotMap) {
    window.HuakaiPlotMap.initAll();
    return;
  }

  // Okabe-Ito colours (distinguishable with the common colour-vision deficiencies).
  // Every marker also gets a dark outline, so it stands out (>= 3:1) from light
  // or blank backgrounds whatever the fill; retired plots get a dashed outline too.
  // The status is always given in words as well (tooltip, popup, legend).
  var STATUS_ORDER = ["available", "requested", "adopted", "resting", "retired"];
  var PALETTE = {
    available: { fill: "#009E73", dash: null },  // bluish green
    requested: { fill: "#E69F00", dash: null },  // orange
    adopted: { fill: "#0072B2", dash: null },    // blue
    resting: { fill: "#CC79A7", dash: null },    // reddish purple
    retired: { fill: "#BBBBBB", dash: "4 3" },   // light grey, dashed outline
  };
  var FALLBACK = { fill: "#FFFFFF", dash: "2 2" };
  var OUTLINE = "#1A1A1A";
  var RADIUS = 11;
  var TILE_TIMEOUT_MS = 10000;
  var SVG_NS = "http://www.w3.org/2000/svg";

  var initialised = new WeakSet();
  var maps = [];

  function style(status) {
    return Object.prototype.hasOwnProperty.call(PALETTE, status) ? PALETTE[status] : FALLBACK;
  }

  function text(value) {
    return value === null || value === undefined ? "" : String(value);
  }

  function el(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined) node.textContent = content;
    return node;
  }

  // A small SVG circle drawn like the marker, for the legend and the popup.
  function swatch(status) {
    var s = style(status);
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("class", "plot-map-swatch");
    svg.setAttribute("viewBox", "0 0 20 20");
    svg.setAttribute("width", "20");
    svg.setAttribute("height", "20");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var c = document.createElementNS(SVG_NS, "circle");
    c.setAttribute("cx", "10");
    c.setAttribute("cy", "10");
    c.setAttribute("r", "8");
    c.setAttribute("fill", s.fill);
    c.setAttribute("stroke", OUTLINE);
    c.setAttribute("stroke-width", "2");
    if (s.dash) c.setAttribute("stroke-dasharray", s.dash);
    svg.appendChild(c);
    return svg;
  }

  // Only same-origin links: the JSON is ours, but never trust it to a javascript: URL.
  function safeHref(url) {
    try {
      var u = new URL(text(url), window.location.href);
      if (u.origin === window.location.origin) return u.pathname + u.search + u.hash;
    } catch (e) { /* not a URL */ }
    return null;
  }

  function validPlot(p) {
    return p && typeof p === "object" &&
      typeof p.lat === "number" && typeof p.lng === "number" &&
      isFinite(p.lat) && isFinite(p.lng) &&
      Math.abs(p.lat) <= 90 && Math.abs(p.lng) <= 180;
  }

  function statusLabel(p) {
    return text(p.status_label) || text(p.status);
  }

  function popupContent(p, opts) {
    var box = el("div", "plot-map-popup");
    var href = safeHref(p.url);
    var title;
    if (href) {
      title = el("a", "plot-map-popup-name", text(p.name));
      title.href = href;
    } else {
      title = el("strong", "plot-map-popup-name", text(p.name));
    }
    var h = el("p", "plot-map-popup-title");
    h.appendChild(title);
    box.appendChild(h);
    if (text(p.kind_label)) box.appendChild(el("p", "plot-map-popup-kind", text(p.kind_label)));
    var st = el("p", "plot-map-popup-status");
    st.appendChild(swatch(p.status));
    st.appendChild(el("span", "", statusLabel(p)));
    box.appendChild(st);
    if (text(p.team)) {
      var prefix = opts.teamLabel ? opts.teamLabel + " " : "";
      box.appendChild(el("p", "plot-map-popup-team", prefix + text(p.team)));
    }
    return box;
  }

  function legendControl(L, entries, heading) {
    var control = L.control({ position: "bottomleft" });
    control.onAdd = function () {
      var box = el("div", "plot-map-legend leaflet-control");
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      if (heading) box.appendChild(el("p", "plot-map-legend-title", heading));
      var list = el("ul", "plot-map-legend-list");
      entries.forEach(function (entry) {
        var li = el("li", "plot-map-legend-item plot-map-legend-item--" + entry.status);
        li.appendChild(swatch(entry.status));
        li.appendChild(el("span", "", entry.label));
        list.appendChild(li);
      });
      box.appendChild(list);
      return box;
    };
    return control;
  }

  function hide(container) {
    container.hidden = true;
    container.classList.remove("plot-map--ready");
    container.setAttribute("data-plot-map-state", "hidden");
    var notice = container._plotMapNotice;
    if (notice) notice.hidden = true;
  }

  function makeNotice(container, message) {
    var prev = container.previousElementSibling;
    if (prev && prev.hasAttribute("data-plot-map-notice")) prev.remove(); // left from an earlier init
    var notice = el("p", "plot-map-notice", message);
    notice.setAttribute("data-plot-map-notice", "");
    notice.setAttribute("role", "status");
    notice.hidden = true;
    container.parentNode.insertBefore(notice, container);
    container._plotMapNotice = notice;
    return notice;
  }

  // Keyboard access: Leaflet circleMarkers are SVG paths without keyboard support,
  // so make each one a focusable button that opens its popup.
  // Called on the marker's 'add': the SVG path exists only once the map has a view.
  function makeFocusable(map, marker, p) {
    var path = marker.getElement && marker.getElement();
    if (!path || path.hasAttribute("tabindex")) return;
    path.setAttribute("tabindex", "0");
    path.setAttribute("role", "button");
    path.setAttribute("aria-label", text(p.name) + " — " + statusLabel(p));
    path.addEventListener("focus", function () {
      // the browser may scroll the map container to show the path; Leaflet resets
      // that on 'scroll', and we bring the marker into view the Leaflet way
      if (!map.getBounds().contains(marker.getLatLng())) map.panTo(marker.getLatLng());
    });
    path.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" || ev.key === " " || ev.key === "Spacebar") {
        ev.preventDefault();
        marker.openPopup();
        var popup = marker.getPopup();
        var node = popup && popup.getElement();
        var link = node && node.querySelector(".plot-map-popup-name");
        if (link && link.focus) {
          if (link.tagName !== "A") link.setAttribute("tabindex", "-1");
          link.focus();
        }
      }
    });
  }

  function cleanupDetached() {
    maps = maps.filter(function (m) {
      if (m.getContainer().isConnected) return true;
      try { m.remove(); } catch (e) { /* already gone */ }
      return false;
    });
  }

  function draw(container, plots, opts) {
    var L = window.L;
    container.classList.add("plot-map--ready");
    container.setAttribute("data-plot-map-state", "ready");

    var map = L.map(container, {
      scrollWheelZoom: false, // do not trap page scrolling; enabled while the map has focus
      zoomControl: false,
      attributionControl: true,
    });
    maps.push(map);
    map.attributionControl.setPrefix(false);
    var zoomOpts = { position: "topleft" };
    if (opts.zoomIn) zoomOpts.zoomInTitle = opts.zoomIn;
    if (opts.zoomOut) zoomOpts.zoomOutTitle = opts.zoomOut;
    L.control.zoom(zoomOpts).addTo(map);
    map.on("focus", function () { map.scrollWheelZoom.enable(); });
    map.on("blur", function () { map.scrollWheelZoom.disable(); });

    var notice = makeNotice(container, opts.unavailable);
    function showNotice() {
      if (!notice.textContent) return;
      notice.hidden = false;
      container.classList.add("plot-map--no-tiles");
    }
    function hideNotice() {
      notice.hidden = true;
      container.classList.remove("plot-map--no-tiles");
    }

    if (opts.tiles) {
      var loaded = false;
      var tiles = L.tileLayer(opts.tiles, {
        maxZoom: 19,
        // Leaflet puts attribution in via innerHTML: escape it to text first
        attribution: escapeHtml(opts.attribution),
      });
      tiles.on("tileload", function () {
        loaded = true;
        hideNotice();
      });
      tiles.on("tileerror", function () {
        if (!loaded) showNotice();
      });
      // an unreachable host may hang instead of failing: say so after a while
      window.setTimeout(function () { if (!loaded && container.isConnected) showNotice(); }, TILE_TIMEOUT_MS);
      tiles.addTo(map);
    }
    // No tiles configured: the plain background is the design (README), not a fault to report.

    var layer = L.featureGroup().addTo(map);
    var legend = [];
    var seen = {};
    plots.forEach(function (p) {
      var s = style(p.status);
      var marker = L.circleMarker([p.lat, p.lng], {
        radius: RADIUS,
        color: OUTLINE,
        weight: 2,
        opacity: 1,
        fillColor: s.fill,
        fillOpacity: 0.95,
        dashArray: s.dash,
        className: "plot-map-marker plot-map-marker--" + text(p.status).replace(/[^a-z0-9_-]/gi, ""),
      });
      var tip = el("span", "plot-map-tooltip", text(p.name) + " — " + statusLabel(p));
      marker.bindTooltip(tip, { direction: "top", offset: [0, -RADIUS] });
      var content = popupContent(p, opts);
      marker.bindPopup(content, { maxWidth: 300, minWidth: 160 });
      marker.on("add", function () { makeFocusable(map, marker, p); });
      marker.addTo(layer);
      marker.on("popupopen", function (ev) {
        var node = ev.popup.getElement();
        if (!node || node._plotMapKeys) return;
        node._plotMapKeys = true;
        var close = node.querySelector(".leaflet-popup-close-button");
        if (close && opts.close) close.setAttribute("aria-label", opts.close);
        node.addEventListener("keydown", function (e) {
          if (e.key === "Escape" || e.key === "Esc") {
            marker.closePopup();
            var path = marker.getElement();
            if (path) path.focus();
          }
        });
      });
      if (!seen[p.status]) {
        seen[p.status] = true;
        legend.push({ status: p.status, label: statusLabel(p) });
      }
    });

    legend.sort(function (a, b) {
      var ia = STATUS_ORDER.indexOf(a.status), ib = STATUS_ORDER.indexOf(b.status);
      return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
    });
    legendControl(L, legend, opts.legend).addTo(map);

    map.fitBounds(layer.getBounds(), { padding: [RADIUS * 3, RADIUS * 3], maxZoom: 17 });
  }

  function escapeHtml(s) {
    var d = document.createElement("div");
    d.textContent = text(s);
    return d.innerHTML;
  }

  var LEAFLET_WAIT_MS = 10000;

  function init(container, waited) {
    if (!container || initialised.has(container) || container._leaflet_id) return;
    if (!window.L && window.fetch && container.isConnected && (waited || 0) < LEAFLET_WAIT_MS) {
      // leaflet.js re-inserted by htmx may run after this script: wait for it
      window.setTimeout(function () { init(container, (waited || 0) + 50); }, 50);
      return;
    }
    initialised.add(container);
    if (!window.L || !window.fetch || !container.parentNode) {
      hide(container);
      return;
    }
    if (container.hasAttribute("data-plot-map-state")) {
      // a restored snapshot of an earlier map: start from an empty box
      while (container.firstChild) container.removeChild(container.firstChild);
      Array.prototype.slice.call(container.classList).forEach(function (c) {
        if (/^(leaflet-|plot-map--)/.test(c)) container.classList.remove(c);
      });
      container.hidden = false;
    }
    container.setAttribute("data-plot-map-state", "loading");
    container.setAttribute("role", "region");
    var label = container.getAttribute("data-label");
    if (label) container.setAttribute("aria-label", label);

    var d = container.dataset;
    var opts = {
      tiles: (d.tiles || "").trim(),
      attribution: d.attribution || "",
      unavailable: d.labelUnavailable || "",
      legend: d.labelLegend || "",
      teamLabel: d.labelTeam || "",
      zoomIn: d.labelZoomIn || "",
      zoomOut: d.labelZoomOut || "",
      close: d.labelClose || "",
    };
    var source = d.source;
    if (!source) {
      hide(container);
      return;
    }

    fetch(source, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (res) {
        if (!res.ok) throw new Error("HTTP " + res.status);
        return res.json();
      })
      .then(function (data) {
        if (!container.isConnected) return; // swapped away meanwhile
        var plots = data && Array.isArray(data.plots) ? data.plots.filter(validPlot) : [];
        if (!plots.length) {
          hide(container);
          return;
        }
        draw(container, plots, opts);
      })
      .catch(function () {
        if (container.isConnected) hide(container);
      });
  }

  function initAll() {
    cleanupDetached();
    var nodes = document.querySelectorAll(".plot-map[data-source]");
    for (var i = 0; i < nodes.length; i++) init(nodes[i]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initAll);
  } else {
    initAll();
  }
  // htmx 4 swaps (boosted navigation, history restore): the new body has a new container
  document.addEventListener("htmx:after:swap", initAll);
  window.HuakaiPlotMap = { initAll: initAll };
})();
