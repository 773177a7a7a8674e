"use strict";
document.getElementById("sign-in").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const email = form.email.value.trim();
  const password = form.password.value;
  if (!email || !password) {
    portal.say("error", portal.t("login.error.missing"));
    (email ? form.password : form.email).focus();
    return;
  }
  portal.busy(form, true);
  // The page to return to (the server answers it back only if it is a path on this site).
  const next = new URLSearchParams(window.location.search).get("next") || undefined;
  const result = await portal.api("/api/portal/auth/sign-in", { email, password, remember: form.remember.checked, next });
  portal.busy(form, false);
  if (result.status === 200) {
    window.location.assign((result.data && result.data.next) || "/portal");
  } else if (result.status === 401 || result.status === 400) {
    portal.say("error", portal.t("login.error.incorrect"));
    form.password.value = "";
    form.password.focus();
  } else {
    portal.say("error", portal.common(result));
  }
});
