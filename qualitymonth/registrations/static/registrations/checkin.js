/* Check-in by camera: getUserMedia shows the rear camera, each frame goes through jsQR (vendored,
   static/qualitymonth/vendor/jsqr-1.4.0.js), and a code found is posted with fetch; the result
   shows above and scanning goes on for the next ticket. Without a camera (or without
   permission) the page says so and the typed-code form below still works. */
(function () {
  "use strict";
  var section = document.getElementById("checkin-scan");
  if (!section) return;
  var startButton = document.getElementById("scan-start");
  var stopButton = document.getElementById("scan-stop");
  var problem = document.getElementById("scan-problem");
  var video = document.getElementById("scan-video");
  var canvas = document.getElementById("scan-canvas");
  var result = document.getElementById("checkin-result");
  var count = document.querySelector("#checkin-count strong");
  var form = document.getElementById("checkin-form");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var stream = null;
  var busy = false;
  var lastCode = "";
  var lastAt = 0;

  function show(ok, message) {
    result.hidden = false;
    result.className = "message " + (ok ? "success" : "error");
    result.textContent = message;
  }

  function say(message) {
    problem.hidden = false;
    problem.textContent = message;
  }

  function post(code) {
    busy = true;
    var body = new URLSearchParams({ code: code, method: "scan" });
    fetch(section.dataset.url, {
      method: "POST",
      headers: { "X-CSRFToken": csrf, Accept: "application/json" },
      body: body,
      credentials: "same-origin",
    })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        show(data.ok, data.message);
        if (count && data.checked_in !== undefined) count.textContent = data.checked_in;
      })
      .catch(function () { show(false, "网络异常，签到未完成，请重试或输入签到码。"); })
      .then(function () { busy = false; });
  }

  function tick() {
    if (!stream) return;
    if (!busy && video.readyState === video.HAVE_ENOUGH_DATA && window.jsQR) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      var context = canvas.getContext("2d", { willReadFrequently: true });
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      var now = Date.now();
      // The same ticket stays in front of the camera for a while: post it once.
      if (found && found.data && (found.data !== lastCode || now - lastAt > 4000)) {
        lastCode = found.data;
        lastAt = now;
        post(found.data);
      }
    }
    window.requestAnimationFrame(tick);
  }

  function stop() {
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    video.hidden = true;
    stopButton.hidden = true;
    startButton.hidden = false;
  }

  startButton.addEventListener("click", function () {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      say("此浏览器无法使用摄像头（需要 HTTPS 访问），请在下方输入签到码。");
      return;
    }
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        video.hidden = false;
        stopButton.hidden = false;
        startButton.hidden = true;
        problem.hidden = true;
        return video.play();
      })
      .then(function () { window.requestAnimationFrame(tick); })
      .catch(function () {
        stop();
        say("无法打开摄像头：请允许浏览器使用摄像头，或在下方输入签到码。");
      });
  });
  stopButton.addEventListener("click", stop);
})();
