/* Draws each [data-map] figure's map with Leaflet from the markers in its JSON data block.
 * The page lists the same places, so without this script (or without tiles) nothing is lost.
 * Markers are built with DOM nodes and textContent: names never become HTML. */
(function () {
  "use strict";

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function popup(marker) {
    var box = element("div", "map-popup");
    marker.lines.forEach(function (line) {
      var link = element("a", null, line.text);
      link.href = line.href;
      box.appendChild(element("p")).appendChild(link);
    });
    if (marker.detail) box.appendChild(element("p", "map-detail", marker.detail));
    return box;
  }

  function pin(marker) {
    var html = element("span", marker.label ? "map-pin numbered" : "map-pin", marker.label);
    html.setAttribute("aria-hidden", "true");
    return L.divIcon({ className: "map-pin-box", html: html, iconSize: [30, 30], iconAnchor: [15, 15], popupAnchor: [0, -14] });
  }

  function draw(figure) {
    var data = document.getElementById(figure.getAttribute("data-markers"));
    var markers = data ? JSON.parse(data.textContent) : [];
    var canvas = figure.querySelector(".map-canvas");
    if (!markers.length || !canvas) return;
    canvas.hidden = false;
    figure.classList.add("map-drawn"); // before Leaflet measures the canvas: the page lays it out now
    var map = L.map(canvas, { scrollWheelZoom: false });
    L.tileLayer(figure.getAttribute("data-tiles"), {
      attribution: figure.getAttribute("data-attribution"),
      maxZoom: Number(figure.getAttribute("data-max-zoom")) || 19,
      // The tile server learns the site's name, never the page's address (a search's words).
      referrerPolicy: "strict-origin"
    }).addTo(map);
    var points = markers.map(function (marker) {
      var title = (marker.label ? marker.label + ". " : "") + marker.title;
      L.marker([marker.lat, marker.lng], { icon: pin(marker), title: title, alt: title, riseOnHover: true })
        .bindPopup(popup(marker))
        .addTo(map);
      return [marker.lat, marker.lng];
    });
    if (points.length === 1) {
      map.setView(points[0], 15);
    } else {
      map.fitBounds(points, { padding: [30, 30], maxZoom: 15 });
    }
  }

  function start() {
    if (typeof L === "undefined") return; // Leaflet did not load: the list is the page
    Array.prototype.forEach.call(document.querySelectorAll("[data-map]"), draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
