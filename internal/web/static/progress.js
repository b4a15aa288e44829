// Keeps a bulletin's progress bar and delivery counts current while texts
// go out. The page works without it (the 刷新 link).
(function () {
  var box = document.getElementById("progress");
  if (!box || !window.fetch) return;
  var url = box.getAttribute("data-url");
  function tick() {
    fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (r) { return r.json(); }).then(function (p) {
      ["total", "sent", "delivered", "failed", "queued"].forEach(function (k) {
        var el = document.getElementById(k);
        if (el) el.textContent = p[k];
      });
      var bar = document.getElementById("bar");
      bar.max = p.total; bar.value = p.sent;
      if (p.queued > 0 || p.submitted > 0) setTimeout(tick, 1500);
      else box.classList.add("finished");
    }).catch(function () { setTimeout(tick, 5000); });
  }
  tick();
})();
