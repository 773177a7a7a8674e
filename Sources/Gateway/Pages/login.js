"use strict";
document.getElementById("sign-in").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const email = form.email.value.trim();
  const password = form.password.value;
  if (!email || !password) {
    portal.say("error", "Enter your email address and your password.");
    (email ? form.password : form.email).focus();
    return;
  }
  portal.busy(form, true);
  const result = await portal.api("/api/portal/auth/sign-in", { email, password });
  portal.busy(form, false);
  if (result.status === 200) {
    window.location.assign("/portal");
  } else if (result.status === 401 || result.status === 400) {
    portal.say("error", "The email address or password is incorrect.");
    form.password.value = "";
    form.password.focus();
  } else {
    portal.say("error", portal.common(result));
  }
});
