// "看不清，换一张": fetch a new captcha (picture and key) without losing what was typed above.
// Without JavaScript the button stays hidden; reloading the page gives a new picture too.
document.addEventListener("DOMContentLoaded", () => {
  for (const box of document.querySelectorAll("[data-captcha-refresh]")) {
    const button = box.querySelector(".captcha-refresh");
    const image = box.querySelector("img.captcha");
    const key = box.querySelector("input[type=hidden]");
    const answer = box.querySelector("input[type=text]");
    if (!button || !image || !key) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      const response = await fetch(box.dataset.captchaRefresh, {
        headers: { "X-Requested-With": "XMLHttpRequest" },
      });
      if (!response.ok) return;
      const data = await response.json();
      image.src = data.image_url;
      key.value = data.key;
      if (answer) {
        answer.value = "";
        answer.focus();
      }
    });
  }
});
