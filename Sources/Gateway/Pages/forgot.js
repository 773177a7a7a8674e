"use strict";
document.getElementById("forgot").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const email = form.email.value.trim();
  if (!email || !email.includes("@")) {
    portal.say("error", "Enter the email address of your account.");
    form.email.focus();
    return;
  }
  portal.busy(form, true);
  const result = await portal.api("/api/portal/auth/forgot-password", { email });
  portal.busy(form, false);
  if (result.status === 200) {
    // The same words whether or not an account exists.
    portal.say("ok", "If an account exists for " + email + ", we have sent it a link to choose a new password. Check your email.");
    form.hidden = true;
  } else if (result.status === 400) {
    portal.say("error", "Enter a valid email address.");
    form.email.focus();
  } else {
    portal.say("error", portal.common(result));
  }
});
