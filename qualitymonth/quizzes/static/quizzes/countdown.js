// The time left on a quiz question page. Only shows it: the server keeps the time limit and
// does not count answers received after it. At zero the page goes back to the server, which
// ends the attempt and shows the result.
(function () {
  "use strict";
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function start(timer) {
    var left = parseInt(timer.getAttribute("data-remaining"), 10);
    var shown = timer.querySelector("[data-countdown]");
    if (isNaN(left) || !shown) { return; }
    var ends = Date.now() + left * 1000;
    function tick() {
      var seconds = Math.max(0, Math.round((ends - Date.now()) / 1000));
      shown.textContent = Math.floor(seconds / 60) + ":" + pad(seconds % 60);
      timer.classList.toggle("quiz-timer-low", seconds <= 30);
      if (seconds <= 0) {
        window.clearInterval(interval);
        shown.textContent = timer.getAttribute("data-over") || "0:00";
        window.setTimeout(function () {
          window.location.assign(timer.getAttribute("data-url") || window.location.href);
        }, 1500);
      }
    }
    var interval = window.setInterval(tick, 1000);
    tick();
  }
  document.addEventListener("DOMContentLoaded", function () {
    var timer = document.getElementById("quiz-timer");
    if (timer) { start(timer); }
  });
})();
