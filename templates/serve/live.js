// Live reload: the server sends the workspace's version whenever a spec changes; the page fetches itself
// again and swaps its content, so that scroll position and the address stay.
(function () {
  var live = document.getElementById("live");
  var wanted = live ? live.getAttribute("data-version") : null;
  var busy = false;
  function refresh() {
    if (busy || !live || wanted === live.getAttribute("data-version")) return;
    busy = true;
    fetch(location.href, {cache: "no-store"}).then(function (r) { return r.text(); }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var fresh = doc.getElementById("live");
      if (fresh) {
        live.replaceWith(document.adoptNode(fresh));
        live = fresh;
        document.title = doc.title;
      }
    }).catch(function () {}).then(function () {
      busy = false;
      if (live && wanted !== live.getAttribute("data-version")) setTimeout(refresh, 100);
    });
  }
  var source = new EventSource("/events");
  source.onmessage = function (event) { wanted = event.data; refresh(); };
})();
