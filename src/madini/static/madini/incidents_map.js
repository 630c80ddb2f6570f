/*
 * The map of the public incident dashboard: one circle per place incidents are shown at (a mine
 * site, or a territory or province centre), sized by their number. Text reaches the page through
 * textContent only.
 */
(function () {
  "use strict";

  var container = document.getElementById("incident-map");
  if (!container) {
    return; // invalid filters: no results, no map
  }
  var config = JSON.parse(document.getElementById("incident-map-config").textContent);
  var status = document.getElementById("incident-map-status");
  var query = container.getAttribute("data-query");
  var language = document.documentElement.lang || undefined;

  var map = L.map(container, { minZoom: 3, zoomSnap: 0.5 }).setView([-2.5, 27.5], 6);
  L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 18 }).addTo(map);
  var renderer = L.canvas({ padding: 0.5 });

  function popupContent(place, count) {
    var content = document.createElement("div");
    var name = document.createElement("strong");
    name.textContent = place;
    var number = document.createElement("p");
    number.textContent = config.labels.incidents.replace("%(count)s", Number(count).toLocaleString(language));
    content.appendChild(name);
    content.appendChild(number);
    return content;
  }

  function show(payload) {
    var markers = payload.points.map(function (point) {
      return L.circleMarker([point[1], point[0]], {
        renderer: renderer,
        radius: Math.min(4 + 2 * Math.sqrt(point[2]), 30),
        fillColor: "#b45309",
        fillOpacity: 0.7,
        color: "#ffffff",
        weight: 1
      }).bindPopup(popupContent(point[3], point[2]));
    });
    if (markers.length) {
      var group = L.featureGroup(markers).addTo(map);
      map.fitBounds(group.getBounds(), { maxZoom: 10, padding: [24, 24] });
    }
  }

  fetch(query ? config.pointsUrl + "?" + query : config.pointsUrl, { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) {
        throw new Error(response.status);
      }
      return response.json();
    })
    .then(show)
    .catch(function () {
      status.textContent = config.labels.loadFailed;
    });
})();
