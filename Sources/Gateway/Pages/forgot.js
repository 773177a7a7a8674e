"use strict";
document.getElementById("forgot").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const email = form.email.value.trim();
  if (!email || !email.includes("@")) {
    portal.say("error", portal.t("forgot.error.missing"));
    form.email.focus();
    return;
  }
  portal.busy(form, true);
  const result = await portal.api("/api/portal/auth/forgot-password", { email });
  portal.busy(form, false);
  if (result.status === 200) {
    // The same words whether or not an account exists.
    portal.say("ok", portal.t("forgot.sent", { email }));
    form.hidden = true;
  } else if (result.status === 400) {
    portal.say("error", portal.t("forgot.error.invalid"));
    form.email.focus();
  } else {
    portal.say("error", portal.common(result));
  }
});
