/* Registers Passeport's service worker, says when a page is read offline, and empties the
 * holder's offline copy at logout (the service worker does it too). */
(function () {
  "use strict";
  var HOLDER_PREFIX = "passeport-holder-";

  function clearHolderCaches() {
    if (!window.caches) {
      return Promise.resolve();
    }
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf(HOLDER_PREFIX) === 0;
      }).map(function (name) {
        return caches.delete(name);
      }));
    });
  }

  function showOffline() {
    var main = document.getElementById("content");
    if (!main || document.getElementById("pp-hors-ligne")) {
      return;
    }
    var notice = document.createElement("div");
    notice.id = "pp-hors-ligne";
    notice.className = "fr-notice fr-notice--info fr-mb-3w";
    notice.setAttribute("role", "status");
    notice.innerHTML = '<div class="fr-container"><div class="fr-notice__body"><p class="fr-notice__title">' +
      "Vous êtes hors ligne : cette page est la dernière version enregistrée sur cet appareil.</p></div></div>";
    main.insertBefore(notice, main.firstChild);
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/service-worker.js", { scope: "/" }).catch(function () {});
  }
  document.addEventListener("submit", function (event) {
    var action = event.target && event.target.getAttribute("action");
    if (action && action.indexOf("/identity/deconnexion") === 0) {
      clearHolderCaches();
      if (navigator.serviceWorker && navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage({ type: "logout" });
      }
    }
  });
  if (!navigator.onLine) {
    showOffline();
  }
  window.addEventListener("offline", showOffline);
})();
