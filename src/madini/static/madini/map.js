/*
 * The public webmap. Sites come from the compact endpoint (see public/queries.py map_sites),
 * drawn as canvas circles in clusters; the filter panel is a plain GET form that this script
 * applies without reloading. Data text only ever reaches the page through textContent.
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("map-config").textContent);
  var labels = config.labels;
  var form = document.getElementById("filters");
  var status = document.getElementById("map-status");
  var drawButton = document.getElementById("draw-box");
  var language = document.documentElement.lang || undefined;

  var KIND_COLOURS = { gold: "#d4a20b", "3t": "#2563eb", other: "#6b7280" };
  var ARMED_COLOUR = "#b91c1c";
  var SUMMARY_PARTS = ["map-figures", "map-charts"];
  var BOX_STYLE = { color: "#1d4ed8", weight: 2, dashArray: "6 4", fillOpacity: 0.05, interactive: false };

  var map = L.map("map", { minZoom: 3, zoomSnap: 0.5 }).setView([-2.5, 27.5], 6);
  L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 18 }).addTo(map);
  map.createPane("provinces").style.zIndex = 350;
  var renderer = L.canvas({ padding: 0.5 });
  var clusters = L.markerClusterGroup({
    chunkedLoading: true,
    showCoverageOnHover: false,
    maxClusterRadius: 45,
    disableClusteringAtZoom: 11
  });
  map.addLayer(clusters);

  var latestRequest = 0;
  var appliedQuery = queryString();
  var boxLayer = null;

  function queryString() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (value) {
        params.append(name, value);
      }
    });
    return params.toString();
  }

  function withQuery(url, query) {
    return query ? url + "?" + query : url;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    return node;
  }

  function formatNumber(value) {
    return Number(value).toLocaleString(language);
  }

  /* Sites */

  function siteMarker(site, minerals, flags) {
    var mineral = minerals[site[3]];
    var armed = (site[4] & flags.armed_presence) !== 0;
    var marker = L.circleMarker([site[2], site[1]], {
      renderer: renderer,
      radius: 6,
      fillColor: KIND_COLOURS[mineral ? mineral[1] : "other"],
      fillOpacity: 0.9,
      color: armed ? ARMED_COLOUR : "#ffffff",
      weight: armed ? 3 : 1
    });
    marker.pcode = site[0];
    return marker;
  }

  function showSites(payload) {
    var markers = payload.sites.map(function (site) {
      return siteMarker(site, payload.minerals, payload.flags);
    });
    clusters.clearLayers();
    clusters.addLayers(markers);
    status.textContent = labels.sitesOnMap.replace("%(count)s", formatNumber(markers.length));
    if (markers.length === 1) {
      map.setView(markers[0].getLatLng(), 12);
      openSite(markers[0]);
    } else if (markers.length) {
      var bounds = L.latLngBounds(markers.map(function (marker) { return marker.getLatLng(); }));
      map.fitBounds(bounds, { maxZoom: 12, padding: [24, 24] });
    }
  }

  function fetchSites(query) {
    return fetch(withQuery(config.sitesUrl, query), { credentials: "same-origin" }).then(function (response) {
      if (response.status === 400) {
        return null; // invalid filters: the summary says why
      }
      if (!response.ok) {
        throw new Error(response.status);
      }
      return response.json();
    });
  }

  function fetchSummary(query) {
    return fetch(withQuery(config.summaryUrl, query), { credentials: "same-origin" }).then(function (response) {
      if (!response.ok && response.status !== 400) {
        throw new Error(response.status);
      }
      return response.text();
    });
  }

  /* Show the sites of a filter; with its summary too unless the server already rendered it. */
  function load(query, withSummary) {
    var number = ++latestRequest;
    form.setAttribute("aria-busy", "true");
    return Promise.all([fetchSites(query), withSummary ? fetchSummary(query) : null])
      .then(function (results) {
        if (number !== latestRequest) {
          return;
        }
        if (withSummary) {
          showSummary(results[1]);
        }
        if (results[0]) {
          showSites(results[0]);
        } else {
          clusters.clearLayers();
          status.textContent = "";
        }
        updateDownloads(query);
        showBox();
      })
      .catch(function () {
        if (number === latestRequest) {
          status.textContent = labels.filterFailed;
        }
      })
      .then(function () {
        if (number === latestRequest) {
          form.removeAttribute("aria-busy");
        }
      });
  }

  /* Swap in the parts of the summary the server rendered (and escaped): public/map_summary.html. */
  function showSummary(html) {
    var rendered = new DOMParser().parseFromString(html, "text/html");
    SUMMARY_PARTS.forEach(function (id) {
      var part = rendered.getElementById(id);
      var current = document.getElementById(id);
      if (part && current) {
        current.parentNode.replaceChild(document.importNode(part, true), current);
      }
    });
  }

  function updateDownloads(query) {
    document.querySelectorAll("[data-download]").forEach(function (link) {
      link.href = withQuery(config.downloadUrls[link.getAttribute("data-download")], query);
    });
  }

  function apply() {
    var query = queryString();
    if (query === appliedQuery) {
      return;
    }
    appliedQuery = query;
    history.replaceState(null, "", withQuery(location.pathname, query));
    load(query, true);
  }

  /* The filter panel */

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    apply();
  });
  form.addEventListener("change", function (event) {
    if (event.target.name === "province") {
      offerTerritoriesOf(event.target.value);
    }
    apply();
  });
  document.getElementById("reset-filters").addEventListener("click", function (event) {
    event.preventDefault();
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.tagName === "SELECT") {
        field.selectedIndex = 0;
      } else if (field.tagName === "INPUT") {
        field.value = "";
      }
    });
    offerTerritoriesOf("");
    apply();
  });

  offerTerritoriesOf(form.elements.province.value);

  function offerTerritoriesOf(province) {
    var territory = form.elements.territory;
    Array.prototype.forEach.call(territory.querySelectorAll("optgroup"), function (group) {
      group.disabled = Boolean(province) && group.label !== province;
    });
    var selected = territory.options[territory.selectedIndex];
    if (selected && selected.parentNode.disabled) {
      territory.selectedIndex = 0;
    }
  }

  /* The area filter: a box drawn with the mouse (or a finger), kept in the bbox field */

  function boundsOfBox(text) {
    var numbers = text.split(",").map(Number);
    if (numbers.length !== 4 || numbers.some(isNaN)) {
      return null;
    }
    return L.latLngBounds([numbers[1], numbers[0]], [numbers[3], numbers[2]]);
  }

  function boxOfBounds(bounds) {
    return [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()]
      .map(function (value) { return value.toFixed(4); })
      .join(",");
  }

  function showBox() {
    var bounds = boundsOfBox(form.elements.bbox.value);
    if (boxLayer) {
      map.removeLayer(boxLayer);
      boxLayer = null;
    }
    if (bounds) {
      boxLayer = L.rectangle(bounds, BOX_STYLE).addTo(map);
    }
  }

  var drawing = null;
  var drawingJustEnded = false;

  function startDrawing() {
    drawing = { start: null, rectangle: null };
    map.dragging.disable();
    map.getContainer().classList.add("drawing");
    drawButton.setAttribute("aria-pressed", "true");
    status.textContent = labels.drawing;
  }

  function stopDrawing() {
    if (drawing && drawing.rectangle) {
      map.removeLayer(drawing.rectangle);
    }
    drawing = null;
    map.dragging.enable();
    map.getContainer().classList.remove("drawing");
    drawButton.setAttribute("aria-pressed", "false");
    status.textContent = "";
  }

  function pointerLatLng(event) {
    return map.mouseEventToLatLng(event);
  }

  var mapContainer = map.getContainer();
  mapContainer.addEventListener("pointerdown", function (event) {
    drawingJustEnded = false;
    if (!drawing) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    mapContainer.setPointerCapture(event.pointerId);
    drawing.start = pointerLatLng(event);
    drawing.rectangle = L.rectangle(L.latLngBounds(drawing.start, drawing.start), BOX_STYLE).addTo(map);
  }, true);
  mapContainer.addEventListener("pointermove", function (event) {
    if (drawing && drawing.start) {
      drawing.rectangle.setBounds(L.latLngBounds(drawing.start, pointerLatLng(event)));
    }
  }, true);
  mapContainer.addEventListener("pointerup", function (event) {
    if (!drawing || !drawing.start) {
      return;
    }
    event.stopPropagation();
    var bounds = L.latLngBounds(drawing.start, pointerLatLng(event));
    stopDrawing();
    drawingJustEnded = true;
    if (!bounds.getNorthEast().equals(bounds.getSouthWest())) {
      form.elements.bbox.value = boxOfBounds(bounds);
      apply();
    }
  }, true);
  // The click that ends a drawing must not also zoom into a cluster or open a popup.
  mapContainer.addEventListener("click", function (event) {
    if (drawingJustEnded) {
      drawingJustEnded = false;
      event.stopPropagation();
    }
  }, true);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && drawing) {
      stopDrawing();
    }
  });
  drawButton.hidden = false;
  drawButton.setAttribute("aria-pressed", "false");
  drawButton.addEventListener("click", function () {
    if (drawing) {
      stopDrawing();
    } else {
      startDrawing();
    }
  });

  /* Popups: the site's visits, fetched from the API when it is clicked */

  function yesNo(value) {
    if (value === true) {
      return labels.yes;
    }
    return value === false ? labels.no : labels.unknown;
  }

  function names(items) {
    return items.map(function (item) { return item.name; }).filter(Boolean).join(", ");
  }

  function armedPresence(visit) {
    var actors = names(visit.armed_actors);
    var presence = yesNo(visit.armed_presence);
    return actors ? presence + " (" + actors + ")" : presence;
  }

  function addFact(list, label, value) {
    if (value === "" || value === null || value === undefined) {
      return;
    }
    list.appendChild(element("dt", null, label));
    list.appendChild(element("dd", null, value));
  }

  function latestVisitFacts(visit) {
    var facts = element("dl", "site-facts");
    addFact(facts, labels.minerals, names(visit.minerals));
    addFact(facts, labels.workers, visit.workers === null ? labels.unknown : formatNumber(visit.workers));
    addFact(facts, labels.armedPresence, armedPresence(visit));
    addFact(facts, labels.childLabour, yesNo(visit.child_labour));
    addFact(facts, labels.mercury, yesNo(visit.mercury));
    addFact(facts, labels.women, yesNo(visit.women));
    addFact(facts, labels.stateServices, visit.state_services.join(", "));
    addFact(facts, labels.qualification, visit.qualification);
    return facts;
  }

  function historyTable(visits) {
    var table = element("table", "visit-history");
    var head = table.createTHead().insertRow();
    [labels.date, labels.minerals, labels.workers, labels.armedPresence].forEach(function (label) {
      var cell = element("th", null, label);
      cell.scope = "col";
      head.appendChild(cell);
    });
    var body = table.createTBody();
    visits.forEach(function (visit) {
      var row = body.insertRow();
      [
        visit.visit_date,
        names(visit.minerals),
        visit.workers === null ? "–" : formatNumber(visit.workers),
        armedPresence(visit)
      ].forEach(function (text) {
        row.insertCell().textContent = text;
      });
    });
    return table;
  }

  function siteContent(site) {
    var content = document.createDocumentFragment();
    var title = element("h3", "site-name", site.name);
    title.appendChild(element("small", null, " " + site.pcode));
    content.appendChild(title);
    var place = [site.village, site.territory, site.province].filter(Boolean).join(", ");
    content.appendChild(element("p", "site-place", place));
    var visits = site.visits;
    if (visits.length) {
      var latest = visits[0];
      var heading = latest.visited_on_site === false
        ? labels.latestVisit + " — " + latest.visit_date + " (" + labels.notVisited + ")"
        : labels.latestVisit + " — " + latest.visit_date;
      content.appendChild(element("h4", null, heading));
      content.appendChild(latestVisitFacts(latest));
      content.appendChild(element("h4", null, labels.visitHistory + " (" + visits.length + ")"));
      content.appendChild(historyTable(visits));
    }
    return content;
  }

  clusters.on("click", function (event) {
    openSite(event.layer);
  });

  var popup = L.popup({ maxWidth: 380, minWidth: 260, autoPanPadding: [24, 24] });

  function incidentList(payload) {
    var section = element("section", "site-incidents");
    section.appendChild(element("h4", null, labels.publishedIncidents + " (" + payload.total + ")"));
    var list = element("ul");
    payload.incidents.forEach(function (incident) {
      var item = element("li");
      item.appendChild(element("strong", null, incident.reference));
      item.appendChild(element("span", null, " " + [incident.date, incident.category, incident.status].join(" · ")));
      if (incident.summary) {
        item.appendChild(element("p", null, incident.summary));
      }
      list.appendChild(item);
    });
    section.appendChild(list);
    return section;
  }

  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) {
        throw new Error(response.status);
      }
      return response.json();
    });
  }

  function openSite(marker) {
    var content = element("div", "site-popup");
    content.appendChild(element("p", "loading", labels.loading));
    popup.setLatLng(marker.getLatLng()).setContent(content).openOn(map);
    var incidents = fetchJson(config.siteIncidentsUrl + "?site=" + encodeURIComponent(marker.pcode))
      .catch(function () {
        return null; // the site's facts are worth showing without its incidents
      });
    Promise.all([fetchJson(config.siteApiUrl + encodeURIComponent(marker.pcode) + "/"), incidents])
      .then(function (results) {
        content.textContent = "";
        content.appendChild(siteContent(results[0]));
        if (results[1] && results[1].total) {
          content.appendChild(incidentList(results[1]));
        }
        popup.update();
      })
      .catch(function () {
        content.textContent = labels.loadFailed;
      });
  }

  /* Province boundaries: context that stays visible when the base tiles cannot load */

  function loadProvinces() {
    fetch(config.provincesUrl, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (provinces) {
        if (provinces && provinces.features.length) {
          L.geoJSON(provinces, {
            pane: "provinces",
            interactive: false,
            style: { color: "#475569", weight: 1.2, opacity: 0.8, fill: false }
          }).addTo(map);
        }
      })
      .catch(function () {
        // The boundaries are context only: the map works without them.
      });
  }

  load(appliedQuery, false).then(loadProvinces);
})();
