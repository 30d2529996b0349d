// The cookie banner without a page reload: the same form, posted in the background. Without
// JavaScript (or if this fails) the form posts as usual and the server sends the visitor back.
(function () {
  "use strict";
  var banner = document.getElementById("cookie-banner");
  if (!banner || !window.fetch || !window.FormData) { return; }
  var form = banner.querySelector("form");
  var fallback = false;
  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (fallback || !button || !button.name) { return; }
    event.preventDefault();
    var data = new FormData(form);
    data.append(button.name, button.value);
    // getAttribute: the form's "action" property is its field named "action".
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      banner.remove();
    }).catch(function () {
      fallback = true;
      if (form.requestSubmit) { form.requestSubmit(button); } else { button.click(); }
    });
  });
})();
